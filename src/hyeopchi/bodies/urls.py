# The calendar feed (/bodies/<id>/calendar.ics) and the PDFs (/meetings/<id>/package.pdf,
# /meetings/<id>/minutes.pdf) are routed by their own modules; nothing here shadows them.
from django.urls import path

from . import views

app_name = "bodies"
urlpatterns = [
    # public
    path("districts/<str:code>/", views.district_detail, name="district"),
    path("districts/<str:code>/decisions/", views.decision_list, name="district_decisions"),
    path("city/decisions/", views.decision_list, name="city_decisions"),
    path("bodies/<int:pk>/", views.body_detail, name="body"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    # staff
    path("bodies/new/", views.body_create, name="body_create"),
    path("bodies/<int:pk>/edit/", views.body_edit, name="body_edit"),
    path("bodies/<int:pk>/people/new/", views.person_create, name="person_create"),
    path("bodies/<int:pk>/members/new/", views.membership_create, name="membership_create"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("bodies/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/new/", views.agenda_create, name="agenda_create"),
    path("agenda-items/<int:pk>/edit/", views.agenda_edit, name="agenda_edit"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/motions/new/", views.motion_create, name="motion_create"),
    path("motions/<int:pk>/vote/", views.motion_vote, name="motion_vote"),
    path("motions/<int:pk>/decide/", views.motion_decide, name="motion_decide"),
    path("decisions/<int:pk>/publish/", views.decision_publish, name="decision_publish"),
    path("meetings/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("meetings/<int:pk>/minutes/", views.minutes_edit, name="minutes_edit"),
    path("meetings/<int:pk>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path("meetings/<int:pk>/minutes/publish/", views.minutes_publish, name="minutes_publish"),
]
