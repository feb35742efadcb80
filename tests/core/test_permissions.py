"""The permission matrix: who may do what on objects of which district.

District staff act on their own district only; city officers and administrators on all;
everyone, signed in or not, may read what is published.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from hyeopchi.core.models import Role, RoleAssignment
from hyeopchi.core.permissions import ANONYMOUS, Action, Actor, actor_for, can, user_can
from tests.conftest import make_user

GURO, EUNPYEONG = 1017, 1012  # two district ids; CITY is an object without a district
CITY = None

ACTORS = {
    "anonymous": ANONYMOUS,
    "resident": Actor(authenticated=True),
    "guro_staff": Actor(authenticated=True, districts=frozenset({GURO})),
    "eunpyeong_staff": Actor(authenticated=True, districts=frozenset({EUNPYEONG})),
    "city_officer": Actor(authenticated=True, city_wide=True),
    "superuser": Actor(authenticated=True, superuser=True),
}

# One row per actor; per action three columns for an object of Guro, of Eunpyeong and of
# the city (no district). Y: allowed, -: refused.
MATRIX = """
                    view_published   view_private   edit
                    G  E  C          G  E  C        G  E  C
anonymous           Y  Y  Y          -  -  -        -  -  -
resident            Y  Y  Y          -  -  -        -  -  -
guro_staff          Y  Y  Y          Y  -  -        Y  -  -
eunpyeong_staff     Y  Y  Y          -  Y  -        -  Y  -
city_officer        Y  Y  Y          Y  Y  Y        Y  Y  Y
superuser           Y  Y  Y          Y  Y  Y        Y  Y  Y
"""

ACTIONS = [Action.VIEW_PUBLISHED, Action.VIEW_PRIVATE, Action.EDIT]
SCOPES = [("guro", GURO), ("eunpyeong", EUNPYEONG), ("city", CITY)]


def expected_table() -> dict[tuple[str, Action, str], bool]:
    table = {}
    for line in MATRIX.strip().splitlines()[2:]:
        actor, *cells = line.split()
        assert len(cells) == len(ACTIONS) * len(SCOPES), line
        for i, cell in enumerate(cells):
            action = ACTIONS[i // len(SCOPES)]
            scope = SCOPES[i % len(SCOPES)][0]
            table[(actor, action, scope)] = cell == "Y"
    return table


EXPECTED = expected_table()


def test_matrix_covers_every_actor_action_and_scope():
    assert len(EXPECTED) == len(ACTORS) * len(ACTIONS) * len(SCOPES)
    assert {actor for actor, _, _ in EXPECTED} == set(ACTORS)


@pytest.mark.parametrize(
    ("actor", "action", "scope"),
    sorted(EXPECTED, key=lambda k: (k[0], k[1].value, k[2])),
    ids=lambda v: getattr(v, "value", v),
)
def test_permission_matrix(actor, action, scope):
    district_id = dict(SCOPES)[scope]
    assert can(ACTORS[actor], action, district_id) is EXPECTED[(actor, action, scope)]


def test_staff_of_two_districts_act_on_both_and_no_other():
    both = Actor(authenticated=True, districts=frozenset({GURO, EUNPYEONG}))
    assert can(both, Action.EDIT, GURO) and can(both, Action.EDIT, EUNPYEONG)
    assert not can(both, Action.EDIT, 1011)
    assert not can(both, Action.EDIT, CITY)


def test_a_role_without_being_signed_in_grants_nothing():
    stale = Actor(authenticated=False, city_wide=True, districts=frozenset({GURO}))
    assert not can(stale, Action.EDIT, GURO)
    assert not can(stale, Action.VIEW_PRIVATE, CITY)
    assert can(stale, Action.VIEW_PUBLISHED, GURO)


# ---------------------------------------------------------------- actors from the database


@pytest.fixture
def users(guro, eunpyeong):
    superuser = get_user_model().objects.create_superuser("root", password="correct-horse-42")
    return {
        "anonymous": AnonymousUser(),
        "resident": make_user("resident"),
        "guro_staff": make_user("guro-staff", Role.DISTRICT_STAFF, guro),
        "eunpyeong_staff": make_user("eunpyeong-staff", Role.DISTRICT_STAFF, eunpyeong),
        "city_officer": make_user("city-officer", Role.CITY_OFFICER),
        "superuser": superuser,
    }


@pytest.mark.django_db
def test_actor_for_builds_actors_from_role_assignments(users, guro, eunpyeong):
    assert actor_for(users["anonymous"]) == ANONYMOUS
    assert actor_for(None) == ANONYMOUS
    assert actor_for(users["resident"]) == Actor(authenticated=True)
    assert actor_for(users["guro_staff"]) == Actor(True, False, False, frozenset({guro.pk}))
    assert actor_for(users["eunpyeong_staff"]).districts == frozenset({eunpyeong.pk})
    assert actor_for(users["city_officer"]) == Actor(True, False, True, frozenset())
    assert actor_for(users["superuser"]).superuser


@pytest.mark.django_db
def test_user_can_follows_the_matrix(users, guro, eunpyeong):
    ids = {"guro": guro.pk, "eunpyeong": eunpyeong.pk, "city": None}
    got = {
        (actor, action, scope): user_can(users[actor], action, ids[scope])
        for actor in ACTORS
        for action in ACTIONS
        for scope, _ in SCOPES
    }
    assert got == EXPECTED


@pytest.mark.django_db
def test_administrators_and_multi_district_staff(guro, eunpyeong):
    admin = make_user("admin", Role.ADMINISTRATOR)
    assert actor_for(admin).city_wide
    assert user_can(admin, Action.EDIT, None)
    both = make_user("both", Role.DISTRICT_STAFF, guro)
    RoleAssignment.objects.create(user=both, role=Role.DISTRICT_STAFF, district=eunpyeong)
    assert actor_for(both).districts == frozenset({guro.pk, eunpyeong.pk})
    other = next(d.pk for d in type(guro).objects.exclude(pk__in=[guro.pk, eunpyeong.pk])[:1])
    assert not user_can(both, Action.EDIT, other)
