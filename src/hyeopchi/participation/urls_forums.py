"""Pages of forums (공론장), their statistics and the quarterly process-management sheet."""

from django.urls import path

from . import forum_views as views

app_name = "forums"
urlpatterns = [
    # public
    path("forums/", views.forum_list, name="list"),
    path("forums/<int:pk>/", views.forum_detail, name="detail"),
    path("forums/statistics/", views.city_statistics, name="city_stats"),
    path(
        "districts/<str:code>/forums/statistics/",
        views.district_statistics,
        name="district_stats",
    ),
    # staff
    path("districts/<str:code>/forums/new/", views.forum_create, name="create"),
    path("forums/<int:pk>/edit/", views.forum_edit, name="edit"),
    path("forums/<int:pk>/publish/", views.forum_publish, name="publish"),
    path("districts/<str:code>/process-db/", views.process_db, name="process_db"),
    path(
        "districts/<str:code>/process-db/<int:year>-q<int:quarter>.xlsx",
        views.export_xlsx,
        name="export",
    ),
]
