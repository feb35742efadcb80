"""Shared helpers of the API tests (no tests here): clients per actor, a small world."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hyeopchi.bodies import services
from hyeopchi.bodies.models import Attendance, Body, Capacity, Meeting, Membership, Motion
from hyeopchi.core.models import District, Role
from hyeopchi.core.tokens import create_token
from hyeopchi.directory.models import Person
from tests.conftest import add_member, make_body, make_person, make_user

API = "/api/v1"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Users are created by the dozen here; a slow password hash only costs time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


MEETING_DAY = dt.date(2020, 3, 26)


def seoul(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


class Api:
    """A test client speaking JSON to /api/v1, as one actor."""

    def __init__(self, client: Client | None = None, token: str | None = None) -> None:
        self.client = client or Client()
        self.headers: dict[str, str] = {}
        if token:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    def _url(self, path: str) -> str:
        return path if path.startswith("/api/") else API + path

    def get(self, path: str, params: dict[str, Any] | None = None, **extra):
        return self.client.get(self._url(path), params or {}, **self.headers, **extra)

    def post(self, path: str, data: Any = None, **extra):
        return self.client.post(
            self._url(path),
            json.dumps(data if data is not None else {}),
            content_type="application/json",
            **self.headers,
            **extra,
        )

    def patch(self, path: str, data: Any = None, **extra):
        return self.client.patch(
            self._url(path),
            json.dumps(data if data is not None else {}),
            content_type="application/json",
            **self.headers,
            **extra,
        )


def dump(response) -> str:
    """The response's JSON as text with Hangul unescaped, to search for personal data."""
    return json.dumps(response.json(), ensure_ascii=False)


def api_as(user=None, token: str | None = None) -> Api:
    client = Client()
    if user is not None:
        client.force_login(user)
    return Api(client, token)


def make_meeting(body: Body, day: dt.date = MEETING_DAY, **kw) -> Meeting:
    meeting = Meeting(body=body, starts_at=seoul(day), **kw)
    return services.save_meeting(meeting)


@dataclass
class Seat:
    """A body with members, a meeting they all attended, a pending and a passed motion."""

    body: Body
    members: list[Membership]
    meeting: Meeting
    pending: Motion
    passed: Motion
    spare: Person  # someone who is not (yet) a member


def make_seat(district: District | None, name: str, members: int = 3) -> Seat:
    body = make_body(district, name=name)
    seats = [add_member(body, make_person("F" if i % 2 else "M")) for i in range(members)]
    meeting = make_meeting(body)
    for m in seats:
        Attendance.objects.create(meeting=meeting, person=m.person, capacity=Capacity.MEMBER)
    pending = Motion.objects.create(meeting=meeting, title="안건 1")
    passed = Motion.objects.create(meeting=meeting, title="안건 2")
    services.record_vote(passed, yes=len(seats), no=0, abstain=0)
    passed.refresh_from_db()
    return Seat(body, seats, meeting, pending, passed, make_person("F"))


@dataclass
class World:
    guro: District
    eunpyeong: District
    seats: dict[str, Seat] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def make_world(guro: District, eunpyeong: District) -> World:
    world = World(guro, eunpyeong)
    world.seats = {
        "guro": make_seat(guro, "구로구협치회의"),
        "eunpyeong": make_seat(eunpyeong, "은평구협치회의"),
        "city": make_seat(None, "협치서울지역협의회"),
    }
    world.users = {
        "resident": make_user("resident"),
        "guro_staff": make_user("clerk-guro", Role.DISTRICT_STAFF, guro),
        "eunpyeong_staff": make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong),
        "city_officer": make_user("city", Role.CITY_OFFICER),
    }
    _token, secret = create_token(world.users["guro_staff"], "laptop")
    world.tokens["guro_token"] = secret
    revoked, revoked_secret = create_token(world.users["guro_staff"], "old phone")
    revoked.revoked = True
    revoked.save()
    world.tokens["revoked_token"] = revoked_secret
    return world


def client_for(world: World, actor: str) -> Api:
    if actor == "anonymous":
        return api_as()
    if actor in world.tokens:
        return api_as(token=world.tokens[actor])
    return api_as(world.users[actor])
