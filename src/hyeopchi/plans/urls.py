"""Pages of the Community Innovation Plan (지역사회혁신계획).

Each area of the app keeps its own ``urls_<area>.py`` with its own namespace; this module
only gathers them. Add one ``include`` line per area.
"""

from django.urls import include, path

urlpatterns = [
    path("", include("hyeopchi.plans.urls_plans")),
    path("", include("hyeopchi.plans.urls_documents")),
    path("", include("hyeopchi.plans.urls_submission")),
    path("", include("hyeopchi.plans.urls_changes")),
    path("", include("hyeopchi.plans.urls_execution")),
]
