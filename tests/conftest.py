"""Shared fixtures: districts come from the migration; people, bodies and users from here."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil

import pytest
from django.contrib.auth import get_user_model

from hyeopchi.bodies.models import Appointment, Body, BodyKind, Membership, Scope, Sector
from hyeopchi.core.districts import load_districts
from hyeopchi.core.models import District, Role, RoleAssignment
from hyeopchi.directory.models import Person

_names = itertools.count(1)


def pytest_collection_modifyitems(items):
    """Transactional tests (live server, threads) end with a flush. One kind of flush for
    all of them: plain (post_migrate restores content types), never serialized — mixing
    the two makes restored content types clash with re-created ones."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("serialized_rollback"):
            kwargs = {**marker.kwargs, "serialized_rollback": False}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


@pytest.fixture(autouse=True)
def _districts_present(request):
    """The flush after a transactional test also removes the districts the migration
    loaded; a test that uses the database finds them in place again."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("_django_db_helper")
    if not District.objects.exists():
        load_districts(District)


@pytest.fixture
def guro(db) -> District:
    return District.objects.get(name_ko="구로구")


@pytest.fixture
def eunpyeong(db) -> District:
    return District.objects.get(name_ko="은평구")


def make_person(gender: str = "F", name: str | None = None, **kw) -> Person:
    return Person.objects.create(name=name or f"김민{next(_names)}", gender=gender, **kw)


def make_body(district: District | None, rulebook: str = "guro-council", **kw) -> Body:
    defaults = {
        "name": "구로구협치회의",
        "kind": BodyKind.COUNCIL,
        "scope": Scope.DISTRICT if district else Scope.CITY,
        "district": district,
        "rulebook_key": rulebook,
        "established_on": dt.date(2019, 5, 2),
    }
    defaults.update(kw)
    return Body.objects.create(**defaults)


def add_member(body: Body, person: Person | None = None, **kw) -> Membership:
    defaults = {
        "sector": Sector.CIVIL,
        "appointment": Appointment.APPOINTED,
        "start_date": dt.date(2019, 6, 1),
        "term_end": dt.date(2021, 5, 31),
    }
    defaults.update(kw)
    return Membership.objects.create(body=body, person=person or make_person(), **defaults)


@pytest.fixture
def council(guro) -> Body:
    return make_body(guro)


def make_user(username: str, role: str | None = None, district: District | None = None):
    user = get_user_model().objects.create_user(username, password="correct-horse-42")
    if role:
        RoleAssignment.objects.create(user=user, role=role, district=district)
    return user


@pytest.fixture
def guro_clerk(guro):
    return make_user("clerk-guro", Role.DISTRICT_STAFF, guro)


@pytest.fixture
def city_officer(db):
    return make_user("city", Role.CITY_OFFICER)


# ---------------------------------------------------------------- browser (Playwright)
# One Chromium for the whole session, whichever folder a browser test lives in.

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail("Chromium is not installed; run `make test` (it installs Debian's chromium).")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # itself makes between browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
