"""One permission system for UI and API.

District staff act on their own district only; city officers and administrators on all;
everyone, signed in or not, may read what is published. A member of a body (through the
directory person linked to their account) acts on the work given to that body — a working
group on its plan task — and on nothing else. The decision is a pure function of the
actor's roles and bodies and the object's district and body, so it can be tested as a
matrix.

Core knows nothing of bodies: the app that keeps memberships registers, at start-up, the
function that says which bodies a user serves on today (``register_bodies_loader``); it is
asked only when the roles alone do not allow a body-scoped action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum


class Action(StrEnum):
    VIEW_PUBLISHED = "view_published"
    VIEW_PRIVATE = "view_private"  # personal data, drafts
    EDIT = "edit"
    # The work of one body (a plan task of a working group): its staff as for EDIT, and
    # the body's current members.
    EDIT_BODY_WORK = "edit_body_work"


# Actions a body's members may do on the work given to their body.
BODY_ACTIONS = frozenset({Action.EDIT_BODY_WORK})


@dataclass(frozen=True)
class Actor:
    authenticated: bool = False
    superuser: bool = False
    city_wide: bool = False  # city officer or administrator
    districts: frozenset[int] = frozenset()  # districts the actor is staff of
    bodies: frozenset[int] = frozenset()  # bodies the actor serves on today (if looked up)

    @property
    def is_staff_anywhere(self) -> bool:
        return self.superuser or self.city_wide or bool(self.districts)


ANONYMOUS = Actor()


def can(actor: Actor, action: Action, district_id: int | None, body_id: int | None = None) -> bool:
    """May ``actor`` do ``action`` on an object of ``district_id`` (None: city scope), given
    to body ``body_id`` if any?"""
    if action is Action.VIEW_PUBLISHED:
        return True
    if not actor.authenticated:
        return False
    if actor.superuser or actor.city_wide:
        return True
    if district_id is not None and district_id in actor.districts:
        return True
    return action in BODY_ACTIONS and body_id is not None and body_id in actor.bodies


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


_bodies_loader: Callable[[object], Iterable[int]] | None = None


def register_bodies_loader(loader: Callable[[object], Iterable[int]]) -> None:
    """Set the function giving the ids of the bodies a user serves on today."""
    global _bodies_loader
    _bodies_loader = loader


def serving_bodies(user) -> frozenset[int]:
    """Bodies the signed-in ``user`` serves on today (cached on the user for the request)."""
    if user is None or not user.is_authenticated or _bodies_loader is None:
        return frozenset()
    cached = getattr(user, "_hyeopchi_bodies", None)
    if cached is None:
        cached = frozenset(_bodies_loader(user))
        user._hyeopchi_bodies = cached
    return cached


def user_can(user, action: Action, district_id: int | None, body_id: int | None = None) -> bool:
    actor = actor_for(user)
    if (
        action in BODY_ACTIONS
        and body_id is not None
        and actor.authenticated
        and not can(actor, action, district_id)
    ):
        # Memberships are looked up only when the roles alone do not decide.
        actor = replace(actor, bodies=serving_bodies(user))
    return can(actor, action, district_id, body_id)
