from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hyeopchi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import audit, policy  # noqa: F401  (audit connects its append-only guard)

        # Each app declares the policy kinds it owns in its policy_kinds module.
        autodiscover_modules("policy_kinds")
        try:
            policy.reload_policies()
        except policy.PolicyError as exc:
            raise ImproperlyConfigured(f"Policy file problem: {exc}") from exc
