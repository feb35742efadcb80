from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BodiesConfig(AppConfig):
    name = "hyeopchi.bodies"
    label = "bodies"
    verbose_name = _("Governance bodies")

    def ready(self) -> None:
        from hyeopchi.core.permissions import register_bodies_loader

        from .serving import bodies_served_by

        register_bodies_loader(bodies_served_by)
