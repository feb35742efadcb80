"""Pages of agendas (의제) and priority rounds."""

from django.urls import path

from . import views_agendas as views

app_name = "agendas"
urlpatterns = [
    # public and residents
    path("districts/<str:code>/agendas/", views.agenda_list, name="list"),
    path("agendas/<int:pk>/", views.agenda_detail, name="detail"),
    path("districts/<str:code>/priority/", views.round_list, name="rounds"),
    path("priority/<int:pk>/", views.round_detail, name="round"),
    path("priority/<int:pk>/results/", views.round_results, name="round_results"),
    # staff
    path("districts/<str:code>/agendas/new/", views.agenda_create, name="create"),
    path("districts/<str:code>/agendas/merge/", views.agenda_merge, name="merge"),
    path("agendas/<int:pk>/edit/", views.agenda_edit, name="edit"),
    path("agendas/<int:pk>/sources/", views.agenda_sources, name="sources"),
    path("agendas/<int:pk>/review/", views.agenda_review, name="review"),
    path("agendas/<int:pk>/screen/", views.agenda_screen, name="screen"),
    path("agendas/<int:pk>/decide/", views.agenda_decide, name="decide"),
    path("agendas/<int:pk>/reopen/", views.agenda_reopen, name="reopen"),
    path("districts/<str:code>/priority/new/", views.round_create, name="round_create"),
    path("priority/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("priority/<int:pk>/manage/", views.round_manage, name="round_manage"),
    path("priority/<int:pk>/scores/", views.round_scores, name="round_scores"),
    path("priority/<int:pk>/tallies/", views.round_tallies, name="round_tallies"),
    path("priority/<int:pk>/publish/", views.round_publish, name="round_publish"),
]
