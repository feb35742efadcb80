"""Which bodies a signed-in user serves on: through the directory person linked to the
account, memberships active today (any role, voting or not — a 간사 who does not vote
still writes the group's plan). Registered with the permission system at start-up."""

from __future__ import annotations

from django.utils import timezone

from .models import Membership


def bodies_served_by(user) -> list[int]:
    return list(
        Membership.objects.active_on(timezone.localdate())
        .filter(person__user=user)
        .values_list("body_id", flat=True)
    )
