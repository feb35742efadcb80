from django.urls import path

from . import staff_views, views

app_name = "voting"
urlpatterns = [
    # public and residents
    path("votes/", views.election_list, name="list"),
    path("votes/<int:pk>/", views.election_detail, name="election"),
    path("votes/<int:pk>/register/", views.register, name="register"),
    path("votes/<int:pk>/booth/", views.booth, name="booth"),
    path("votes/<int:pk>/results/", views.election_results, name="results"),
    path("votes/<int:pk>/ballots/<slug:key>/", views.ballot, name="ballot"),
    path("votes/<int:pk>/ballots/<slug:key>/receipt/", views.receipt, name="receipt"),
    path("votes/<int:pk>/ballots/<slug:key>/vote.pb", views.pabulib_download, name="pabulib"),
    # staff
    path("votes/new/", staff_views.election_create, name="create"),
    path("votes/<int:pk>/manage/", staff_views.manage, name="manage"),
    path("votes/<int:pk>/edit/", staff_views.election_edit, name="edit"),
    path("votes/<int:pk>/roll/", staff_views.roll, name="roll"),
    path("votes/<int:pk>/codes/", staff_views.codes, name="codes"),
    path("ballots/<int:pk>/edit/", staff_views.contest_edit, name="contest_edit"),
    path("ballots/<int:pk>/projects/new/", staff_views.project_create, name="project_create"),
    path("ballots/<int:pk>/paper/", staff_views.paper, name="paper"),
    path("ballots/<int:pk>/count/", staff_views.count, name="count"),
    path("projects/<int:pk>/edit/", staff_views.project_edit, name="project_edit"),
    path("counts/<int:pk>/", staff_views.run_detail, name="run"),
    path("counts/<int:pk>/progress/", staff_views.run_progress, name="run_progress"),
    path("counts/<int:pk>/publish/", staff_views.run_publish, name="run_publish"),
]
