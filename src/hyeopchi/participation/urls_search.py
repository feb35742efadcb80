"""The search page over proposals, agendas and forums."""

from django.urls import path

from . import views_search as views

app_name = "search"
urlpatterns = [
    path("search/", views.search_page, name="search"),
]
