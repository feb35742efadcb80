"""Sign-in with throttling: too many failures per username or per address lock both out."""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import LoginFailure


def client_address(request) -> str | None:
    """The peer address Django saw. Proxies are not trusted: configure them in front."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def throttled_for(username: str, address: str | None) -> dt.timedelta | None:
    """How long sign-in stays refused for this username or address, or None if it is not.

    Refused while either has LOGIN_FAILURE_LIMIT or more failures inside the window; the
    wait ends when enough of the oldest failures fall out of the window.
    """
    limit = settings.LOGIN_FAILURE_LIMIT
    now = timezone.now()
    since = now - _window()
    match = Q(username=username.lower()) if username else Q(pk__in=[])
    if address:
        match |= Q(address=address)
    rows = list(
        LoginFailure.objects.filter(match, at__gte=since)
        .order_by("at")
        .values_list("username", "address", "at")
    )
    waits: list[dt.timedelta] = []
    for selected in (
        [at for user, _a, at in rows if username and user == username.lower()],
        [at for _u, addr, at in rows if address and addr == address],
    ):
        if len(selected) >= limit:
            # Sign-in opens again when the count falls below the limit.
            expires = selected[len(selected) - limit] + _window()
            waits.append(expires - now)
    return max(waits) if waits else None


def record_failure(username: str, address: str | None) -> None:
    LoginFailure.objects.filter(at__lt=timezone.now() - _window()).delete()
    LoginFailure.objects.create(username=username.lower()[:150], address=address)


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed sign-in attempts. Sign-in is refused for this account or "
            "address for about %(minutes)s more minute(s)."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        wait = throttled_for(username, address)
        if wait is not None:
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, math.ceil(wait.total_seconds() / 60))},
            )
        try:
            return super().clean()
        except ValidationError:
            if username:
                record_failure(username, address)
            raise

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        # A successful sign-in clears the account's earlier failures.
        LoginFailure.objects.filter(username=user.get_username().lower()).delete()
