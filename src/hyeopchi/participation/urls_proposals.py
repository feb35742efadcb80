"""Pages of citizen proposals, supports, the online debate, residency and notifications."""

from django.urls import path  # noqa: F401

app_name = "proposals"
urlpatterns: list = []
