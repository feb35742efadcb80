from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("", include("hyeopchi.core.urls")),
    path("", include("hyeopchi.bodies.urls")),
    path("", include("hyeopchi.bodies.feed_urls")),
    path("", include("hyeopchi.voting.urls")),
    path("", include("hyeopchi.participation.urls_proposals")),
    path("", include("hyeopchi.participation.urls_forums")),
    path("", include("hyeopchi.participation.urls_agendas")),
    path("", include("hyeopchi.participation.urls_search")),
    path("", include("hyeopchi.plans.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
