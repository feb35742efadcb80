"""Pages of citizen proposals, supports, the online debate, residency and notifications."""

from django.urls import path

from . import views_proposals as views

app_name = "proposals"
urlpatterns = [
    # public and residents
    path("proposals/", views.proposal_list, name="list"),
    path("proposals/new/", views.proposal_create, name="create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="detail"),
    path("proposals/<int:pk>/support/", views.proposal_support, name="support"),
    path("proposals/<int:pk>/comments/", views.comment_create, name="comment"),
    path("proposals/files/<int:pk>/", views.attachment, name="attachment"),
    path("proposals/comments/<int:pk>/report/", views.comment_report, name="report"),
    path("signup/", views.signup, name="signup"),
    path("residency/", views.residency_view, name="residency"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    # staff
    path("proposals/<int:pk>/review/", views.proposal_review, name="review"),
    path("proposals/<int:pk>/answer/", views.proposal_answer, name="answer"),
    path("proposals/comments/<int:pk>/hide/", views.comment_hide, name="hide"),
    path("proposals/moderation/", views.moderation_queue, name="moderation"),
    path("proposals/overdue/", views.overdue_list, name="overdue"),
    path("residency/staff/", views.residency_staff, name="residency_staff"),
    path("residency/<int:pk>/confirm/", views.residency_confirm, name="residency_confirm"),
]
