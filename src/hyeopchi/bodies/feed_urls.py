"""Calendar feeds and document downloads (included at the site root)."""

from django.urls import path

from . import feeds

app_name = "feeds"
urlpatterns = [
    path("bodies/<int:pk>/calendar.ics", feeds.body_calendar, name="body-calendar"),
    path("meetings/<int:pk>/package.pdf", feeds.meeting_package, name="meeting-package"),
    path("meetings/<int:pk>/minutes.pdf", feeds.meeting_minutes, name="meeting-minutes"),
]
