"""The permission matrix of every write endpoint: who may change what, by district.

Rows are actors, columns the district of the body written to; each cell is the expected
status. A refused write changes nothing (no audit event, no row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from hyeopchi.bodies.models import Attendance, Body, Decision, Meeting, Membership, Motion
from hyeopchi.core.models import AuditEvent
from hyeopchi.directory.models import Person
from tests.conftest import make_person
from tests.test_api_helpers import (  # noqa: F401 - fixture
    Api,
    Seat,
    World,
    client_for,
    fast_passwords,
    make_world,
)

OK = "ok"
ACTORS = [
    "anonymous",
    "resident",
    "guro_staff",
    "eunpyeong_staff",
    "city_officer",
    "guro_token",
    "revoked_token",
]
TARGETS = ["guro", "eunpyeong", "city"]

# The matrix, spelled out: actor -> (Guro body, Eunpyeong body, city body).
MATRIX: dict[str, tuple[int | str, int | str, int | str]] = {
    "anonymous": (401, 401, 401),
    "resident": (403, 403, 403),
    "guro_staff": (OK, 403, 403),
    "eunpyeong_staff": (403, OK, 403),
    "city_officer": (OK, OK, OK),
    "guro_token": (OK, 403, 403),
    "revoked_token": (401, 401, 401),
}


def _district_id(world: World, target: str) -> int | None:
    return {"guro": world.guro.pk, "eunpyeong": world.eunpyeong.pk, "city": None}[target]


def create_body(api: Api, world: World, target: str, seat: Seat):
    district_id = _district_id(world, target)
    return api.post(
        "/bodies",
        {
            "name": "새 분과위원회",
            "kind": "subcommittee",
            "scope": "city" if district_id is None else "district",
            "district_id": district_id,
            "parent_id": seat.body.pk,
            "rulebook_key": "guro-subcommittee",
            "established_on": "2019-07-01",
        },
    )


def patch_body(api: Api, world: World, target: str, seat: Seat):
    return api.patch(f"/bodies/{seat.body.pk}", {"description": "변경된 설명"})


def create_membership(api: Api, world: World, target: str, seat: Seat):
    return api.post(
        "/memberships",
        {
            "body_id": seat.body.pk,
            "person_id": seat.spare.pk,
            "sector": "civil",
            "appointment": "appointed",
            "start_date": "2019-09-01",
            "term_end": "2021-05-31",
        },
    )


def end_membership(api: Api, world: World, target: str, seat: Seat):
    return api.post(
        f"/memberships/{seat.members[0].pk}/end",
        {"date": "2020-01-31", "reason": "resigned"},
    )


def create_meeting(api: Api, world: World, target: str, seat: Seat):
    return api.post(
        "/meetings", {"body_id": seat.body.pk, "starts_at": "2020-06-25T10:00:00", "venue": "구청"}
    )


def patch_meeting(api: Api, world: World, target: str, seat: Seat):
    return api.patch(f"/meetings/{seat.meeting.pk}", {"status": "held"})


def record_attendance(api: Api, world: World, target: str, seat: Seat):
    return api.post(
        f"/meetings/{seat.meeting.pk}/attendance",
        [{"person_id": m.person_id, "capacity": "member"} for m in seat.members[:2]],
    )


def create_motion(api: Api, world: World, target: str, seat: Seat):
    return api.post(f"/meetings/{seat.meeting.pk}/motions", {"title": "예산 조정의 건"})


def record_votes(api: Api, world: World, target: str, seat: Seat):
    return api.post(f"/motions/{seat.pending.pk}/votes", {"yes": 2, "no": 1})


def decide(api: Api, world: World, target: str, seat: Seat):
    return api.post(
        f"/motions/{seat.passed.pk}/decision", {"title": "안건 2 의결", "publish": True}
    )


def create_person(api: Api, world: World, target: str, seat: Seat):
    return api.post(
        "/people",
        {"name": "정하늘", "gender": "F", "district_id": _district_id(world, target)},
    )


WRITES: dict[str, tuple[Callable, int]] = {
    "POST /bodies": (create_body, 201),
    "PATCH /bodies/{id}": (patch_body, 200),
    "POST /memberships": (create_membership, 201),
    "POST /memberships/{id}/end": (end_membership, 200),
    "POST /meetings": (create_meeting, 201),
    "PATCH /meetings/{id}": (patch_meeting, 200),
    "POST /meetings/{id}/attendance": (record_attendance, 200),
    "POST /meetings/{id}/motions": (create_motion, 201),
    "POST /motions/{id}/votes": (record_votes, 200),
    "POST /motions/{id}/decision": (decide, 201),
    "POST /people": (create_person, 201),
}


def _rows() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Body, Membership, Meeting, Motion, Person, Attendance, Decision)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", list(WRITES))
def test_write_permission_matrix(guro, eunpyeong, endpoint, actor, target):
    world = make_world(guro, eunpyeong)
    seat = world.seats[target]
    write, ok_status = WRITES[endpoint]
    expected = MATRIX[actor][TARGETS.index(target)]
    expected_status = ok_status if expected == OK else expected
    events, rows = AuditEvent.objects.count(), _rows()

    response = write(client_for(world, actor), world, target, seat)

    assert response.status_code == expected_status, response.content
    body = response.json()
    if expected == OK:
        assert AuditEvent.objects.count() > events  # every write is audited
    else:
        assert isinstance(body["detail"], str) and body["detail"]
        assert AuditEvent.objects.count() == events
        assert _rows() == rows
        seat.members[0].refresh_from_db()
        assert seat.members[0].ended_on is None
        seat.pending.refresh_from_db()
        assert seat.pending.outcome == "pending"


def test_matrix_is_complete():
    assert set(MATRIX) == set(ACTORS)
    assert all(len(row) == len(TARGETS) for row in MATRIX.values())


@pytest.mark.django_db
def test_moving_a_body_needs_rights_on_both_districts(guro, eunpyeong):
    world = make_world(guro, eunpyeong)
    api = client_for(world, "guro_staff")
    body = world.seats["guro"].body
    response = api.patch(f"/bodies/{body.pk}", {"district_id": eunpyeong.pk})
    assert response.status_code == 403
    body.refresh_from_db()
    assert body.district_id == guro.pk
    city = client_for(world, "city_officer")
    assert city.patch(f"/bodies/{body.pk}", {"district_id": eunpyeong.pk}).status_code == 200


@pytest.mark.django_db
def test_staff_cannot_create_a_membership_in_another_district_by_body_id(guro, eunpyeong):
    world = make_world(guro, eunpyeong)
    api = client_for(world, "eunpyeong_staff")
    person = make_person()
    response = api.post(
        "/memberships",
        {
            "body_id": world.seats["guro"].body.pk,
            "person_id": person.pk,
            "sector": "civil",
            "appointment": "appointed",
            "start_date": str(dt.date(2019, 9, 1)),
        },
    )
    assert response.status_code == 403
