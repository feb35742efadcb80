"""One permission system for UI and API.

District staff act on their own district only; city officers and administrators on all;
everyone, signed in or not, may read what is published. The decision is a pure function of
the actor's roles and the object's district, so it can be tested as a matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    VIEW_PUBLISHED = "view_published"
    VIEW_PRIVATE = "view_private"  # personal data, drafts
    EDIT = "edit"


@dataclass(frozen=True)
class Actor:
    authenticated: bool = False
    superuser: bool = False
    city_wide: bool = False  # city officer or administrator
    districts: frozenset[int] = frozenset()  # districts the actor is staff of

    @property
    def is_staff_anywhere(self) -> bool:
        return self.superuser or self.city_wide or bool(self.districts)


ANONYMOUS = Actor()


def can(actor: Actor, action: Action, district_id: int | None) -> bool:
    """May ``actor`` do ``action`` on an object of ``district_id`` (None: city scope)?"""
    if action is Action.VIEW_PUBLISHED:
        return True
    if not actor.authenticated:
        return False
    if actor.superuser or actor.city_wide:
        return True
    return district_id is not None and district_id in actor.districts


def actor_for(user) -> Actor:
    """Build the Actor of a Django user (cached on the user object for the request)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_hyeopchi_actor", None)
    if cached is not None:
        return cached
    from .models import Role

    city_wide = False
    districts: set[int] = set()
    for role, district_id in user.role_assignments.values_list("role", "district_id"):
        if role in (Role.CITY_OFFICER, Role.ADMINISTRATOR):
            city_wide = True
        elif role == Role.DISTRICT_STAFF and district_id is not None:
            districts.add(district_id)
    actor = Actor(True, user.is_superuser, city_wide, frozenset(districts))
    user._hyeopchi_actor = actor
    return actor


def user_can(user, action: Action, district_id: int | None) -> bool:
    return can(actor_for(user), action, district_id)
