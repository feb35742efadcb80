"""List endpoints use a constant number of queries, whatever the page size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hyeopchi.bodies import services
from hyeopchi.bodies.models import Attendance, Body, BodyKind, Motion
from hyeopchi.core.models import Role
from hyeopchi.directory.models import Organisation, OrganisationType
from tests.conftest import add_member, make_body, make_person, make_user
from tests.test_api_helpers import (  # noqa: F401 - fixture
    api_as,
    fast_passwords,
    make_meeting,
)

pytestmark = pytest.mark.django_db


def populate(guro, n: int) -> Body:
    """``n`` rows of everything, around one council of Guro."""
    council = make_body(guro)
    for i in range(n):
        Organisation.objects.create(
            name=f"단체{n}-{i}", type=OrganisationType.NONPROFIT, district=guro
        )
        make_body(guro, name=f"분과{i}", kind=BodyKind.SUBCOMMITTEE, parent=council)
        person = make_person("F" if i % 2 else "M", district=guro)
        add_member(council, person, term_end=None if i % 3 == 0 else dt.date(2021, 5, 31))
    members = list(council.memberships.all())
    for i in range(n):
        meeting = make_meeting(council, dt.date(2020, 1, 1) + dt.timedelta(days=7 * i))
        if i == 0:
            first = meeting
    for m in members:
        Attendance.objects.create(meeting=first, person=m.person, capacity="member")
    for i in range(n):
        motion = Motion.objects.create(meeting=first, title=f"안건{i}")
        services.record_vote(motion, yes=len(members))
        services.decide(motion, f"결정{i}", publish=True)
    return council


LISTS: dict[str, Callable[[Body], tuple[str, dict]]] = {
    "organisations": lambda b: ("/organisations", {}),
    "bodies": lambda b: ("/bodies", {}),
    "people": lambda b: ("/people", {}),
    "memberships": lambda b: ("/memberships", {"body": b.pk}),
    "memberships on a date": lambda b: ("/memberships", {"date": "2020-03-01"}),
    "meetings": lambda b: ("/meetings", {"body": b.pk}),
    "motions": lambda b: (f"/meetings/{b.meetings.order_by('starts_at').first().pk}/motions", {}),
    "decisions": lambda b: ("/decisions", {"body": b.pk}),
    "calendar": lambda b: (f"/bodies/{b.pk}/calendar", {}),
    "composition": lambda b: (f"/bodies/{b.pk}/composition", {"date": "2020-03-01"}),
    "quorum": lambda b: (f"/meetings/{b.meetings.order_by('starts_at').first().pk}/quorum", {}),
    "districts": lambda b: ("/districts", {}),
}


def count_queries(api, path: str, params: dict) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path, {**params, "limit": 200})
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


@pytest.mark.parametrize("viewer", ["public", "clerk", "city"])
@pytest.mark.parametrize("endpoint", list(LISTS))
def test_list_queries_do_not_grow_with_rows(guro, endpoint, viewer):
    if endpoint == "people" and viewer == "public":
        pytest.skip("people are not public")
    users = {
        "public": None,
        "clerk": make_user("clerk-guro", Role.DISTRICT_STAFF, guro),
        "city": make_user("city", Role.CITY_OFFICER),
    }
    api = api_as(users[viewer])
    small = populate(guro, 2)
    path, params = LISTS[endpoint](small)
    queries_small, data_small = count_queries(api, path, params)

    large = populate(guro, 20)
    path, params = LISTS[endpoint](large)
    queries_large, data_large = count_queries(api, path, params)

    assert queries_large == queries_small, (endpoint, queries_small, queries_large)
    if "items" in data_large and endpoint != "districts":
        assert len(data_large["items"]) > len(data_small["items"])
