"""Who may open and submit each staff page of the web UI, as a table.

Every staff URL is tried by every kind of user on a body of 구로구 and one of 은평구:
anonymous users are sent to sign in, residents without a role and staff of another
district are refused (403) and no change is recorded, staff of the body's district and
city officers get the form (200) or are redirected after the save (302).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from hyeopchi.bodies import services
from hyeopchi.bodies.models import (
    AgendaItem,
    AgendaSection,
    BodyKind,
    Capacity,
    Meeting,
    MeetingStatus,
    Minutes,
    Motion,
)
from hyeopchi.core.models import AuditEvent, Role
from tests.conftest import add_member, make_body, make_person, make_user

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=SEOUL)


def world(district) -> dict:
    """One district's council with members, two meetings, a passed motion, minutes."""
    body = make_body(district, name=f"{district.name_ko}협치회의")
    members = [add_member(body, make_person(g, district=district)) for g in "FFMMF"]
    meeting = services.save_meeting(
        Meeting(body=body, starts_at=at(dt.date(2019, 7, 25)), status=MeetingStatus.HELD)
    )
    later = services.save_meeting(Meeting(body=body, starts_at=at(dt.date(2019, 8, 22))))
    services.set_attendance(meeting, [(m.person_id, Capacity.MEMBER) for m in members[:4]])
    item = AgendaItem.objects.create(
        meeting=meeting, section=AgendaSection.DECISION, number=1, title="안건"
    )
    motion = Motion.objects.create(meeting=meeting, agenda_item=item, title="의결")
    services.record_vote(motion, yes=3, no=1)
    decision = services.decide(motion, "결정", publish=False)
    Minutes.objects.create(meeting=meeting, overview="초안")
    approved = Minutes.objects.create(meeting=later, overview="승인됨")
    third = services.save_meeting(Meeting(body=body, starts_at=at(dt.date(2019, 9, 26))))
    services.approve_minutes(approved, third)
    return {
        "district": district,
        "body": body,
        "members": members,
        "membership": members[4],
        "meeting": meeting,
        "later": later,
        "agenda_item": item,
        "motion": motion,
        "decision": decision,
        "newcomer": make_person("F", "신입", district=district),
    }


# Each row: URL name, the object its URL names, method, and the form data of a valid save.
ROWS = [
    ("bodies:body_create", "district", "GET", None),
    ("bodies:body_edit", "body", "GET", None),
    ("bodies:person_create", "body", "GET", None),
    ("bodies:membership_create", "body", "GET", None),
    ("bodies:membership_end", "membership", "GET", None),
    ("bodies:meeting_create", "body", "GET", None),
    ("bodies:meeting_edit", "meeting", "GET", None),
    ("bodies:agenda_create", "meeting", "GET", None),
    ("bodies:agenda_edit", "agenda_item", "GET", None),
    ("bodies:attendance", "meeting", "GET", None),
    ("bodies:motion_create", "meeting", "GET", None),
    ("bodies:motion_vote", "motion", "GET", None),
    ("bodies:motion_decide", "motion", "GET", None),
    ("bodies:action_create", "meeting", "GET", None),
    ("bodies:minutes_edit", "meeting", "GET", None),
    ("bodies:minutes_approve", "meeting", "GET", None),
    (
        "bodies:body_create",
        "district",
        "POST",
        lambda w: {
            "name": "새 워킹그룹",
            "kind": BodyKind.WORKING_GROUP,
            "scope": "district",
            "district": w["district"].pk,
            "parent": w["body"].pk,
            "rulebook_key": "working-group",
            "established_on": "2019-06-01",
        },
    ),
    (
        "bodies:body_edit",
        "body",
        "POST",
        lambda w: {
            "name": "이름 바꾼 협치회의",
            "kind": BodyKind.COUNCIL,
            "scope": "district",
            "district": w["district"].pk,
            "rulebook_key": "guro-council",
            "established_on": "2019-05-02",
        },
    ),
    ("bodies:person_create", "body", "POST", lambda w: {"name": "홍길동", "gender": "M"}),
    (
        "bodies:membership_create",
        "body",
        "POST",
        lambda w: {
            "person": w["newcomer"].pk,
            "sector": "civil",
            "appointment": "appointed",
            "role": "member",
            "start_date": "2019-06-01",
            "term_end": "2021-05-31",
        },
    ),
    (
        "bodies:membership_end",
        "membership",
        "POST",
        lambda w: {"ended_on": "2020-01-01", "end_reason": "resigned"},
    ),
    (
        "bodies:meeting_create",
        "body",
        "POST",
        lambda w: {
            "kind": "regular",
            "starts_at": "2019-10-24T10:00",
            "status": "scheduled",
            "convened_by": "schedule",
        },
    ),
    (
        "bodies:meeting_edit",
        "meeting",
        "POST",
        lambda w: {
            "kind": "regular",
            "number": 1,
            "starts_at": "2019-07-25T10:00",
            "venue": "새 장소",
            "status": "held",
            "convened_by": "schedule",
        },
    ),
    (
        "bodies:agenda_create",
        "meeting",
        "POST",
        lambda w: {"section": "report", "number": 1, "title": "보고"},
    ),
    (
        "bodies:agenda_edit",
        "agenda_item",
        "POST",
        lambda w: {"section": "decision", "number": 1, "title": "바뀐 안건"},
    ),
    (
        "bodies:attendance",
        "meeting",
        "POST",
        lambda w: {f"member_{m.person_id}": "member" for m in w["members"]},
    ),
    (
        "bodies:motion_create",
        "meeting",
        "POST",
        lambda w: {
            "title": "새 동의",
            "kind": "ordinary",
            "mode": "counts",
            "yes_count": 3,
            "no_count": 0,
            "abstain_count": 0,
        },
    ),
    (
        "bodies:motion_vote",
        "motion",
        "POST",
        lambda w: {
            "title": "의결",
            "kind": "ordinary",
            "mode": "counts",
            "yes_count": 4,
            "no_count": 0,
            "abstain_count": 0,
        },
    ),
    ("bodies:motion_decide", "motion", "POST", lambda w: {"title": "결정", "publish": "on"}),
    ("bodies:decision_publish", "decision", "POST", lambda w: {}),
    (
        "bodies:action_create",
        "meeting",
        "POST",
        lambda w: {"description": "후속 조치", "owner_text": "협치팀"},
    ),
    ("bodies:minutes_edit", "meeting", "POST", lambda w: {"overview": "고친 초안"}),
    ("bodies:minutes_approve", "meeting", "POST", lambda w: {"at_meeting": w["later"].pk}),
    ("bodies:minutes_publish", "later", "POST", lambda w: {}),
]

# Who is allowed on which district's pages: "login" (sent to sign in), 403, or "ok".
ACTORS = {
    # actor:            (on 구로구, on 은평구)
    "anonymous": ("login", "login"),
    "resident": (403, 403),
    "guro_clerk": ("ok", 403),
    "eunpyeong_clerk": (403, "ok"),
    "city_officer": ("ok", "ok"),
    "superuser": ("ok", "ok"),
}


def make_actor(name: str, guro, eunpyeong):
    if name == "anonymous":
        return None
    if name == "resident":
        return make_user("resident")
    if name == "guro_clerk":
        return make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    if name == "eunpyeong_clerk":
        return make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong)
    if name == "city_officer":
        return make_user("city", Role.CITY_OFFICER)
    return get_user_model().objects.create_superuser("root", password="correct-horse-42")


def url_for(name: str, key: str, w: dict) -> str:
    if key == "district":
        return reverse(name) + f"?district={w['district'].code}"
    return reverse(name, args=[w[key].pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "key", "method", "data"),
    ROWS,
    ids=[f"{method} {name}" for name, _k, method, _d in ROWS],
)
def test_staff_page_permissions(client, guro, eunpyeong, name, key, method, data):
    worlds = {"guro": world(guro), "eunpyeong": world(eunpyeong)}
    users = {actor: make_actor(actor, guro, eunpyeong) for actor in ACTORS}
    for actor, expectations in ACTORS.items():
        for (where, w), expected in zip(worlds.items(), expectations, strict=True):
            # Each try starts from the same data: what one actor saves is rolled back.
            with transaction.atomic():
                check(client, users[actor], actor, expected, name, key, method, data, w, where)
                transaction.set_rollback(True)


def check(client, user, actor, expected, name, key, method, data, w, where) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)
    url = url_for(name, key, w)
    events = AuditEvent.objects.count()
    response = client.get(url) if method == "GET" else client.post(url, data(w))
    label = f"{actor} {method} {url} ({where})"
    if expected == "login":
        assert response.status_code == 302, label
        assert response["Location"].startswith(reverse("login") + "?next="), label
    elif expected == 403:
        assert response.status_code == 403, label
    elif method == "GET":
        assert response.status_code == 200, label
        assert b'name="csrfmiddlewaretoken"' in response.content, label
    else:
        assert response.status_code == 302, (label, response.content.decode()[-3000:])
        assert not response["Location"].startswith(reverse("login")), label
    if expected != "ok":
        assert AuditEvent.objects.count() == events, f"{label} recorded a change"


@pytest.mark.django_db
def test_clerk_forms_offer_only_their_own_district(client, guro, eunpyeong):
    guro_world, eunpyeong_world = world(guro), world(eunpyeong)
    client.force_login(make_user("clerk-guro", Role.DISTRICT_STAFF, guro))
    page = client.get(reverse("bodies:body_create")).content.decode()
    assert f'value="{guro.pk}"' in page
    assert f'value="{eunpyeong.pk}"' not in page
    assert eunpyeong_world["body"].name not in page  # not offered as a parent
    page = client.get(
        reverse("bodies:membership_create", args=[guro_world["body"].pk])
    ).content.decode()
    people = re.search(r'<select name="person".*?</select>', page, re.S).group(0)
    assert f'value="{guro_world["newcomer"].pk}"' in people
    assert f'value="{eunpyeong_world["newcomer"].pk}"' not in people
    # choosing another district's body as parent is refused
    response = client.post(
        reverse("bodies:body_create"),
        {
            "name": "월경 시도",
            "kind": BodyKind.WORKING_GROUP,
            "scope": "district",
            "district": guro.pk,
            "parent": eunpyeong_world["body"].pk,
            "rulebook_key": "working-group",
            "established_on": "2019-06-01",
        },
    )
    assert response.status_code == 200
    assert not eunpyeong_world["body"].children.exists()


@pytest.mark.django_db
def test_staff_links_are_shown_only_to_those_who_may_use_them(client, guro, eunpyeong):
    guro_world = world(guro)
    url = reverse("bodies:body", args=[guro_world["body"].pk])
    edit = reverse("bodies:body_edit", args=[guro_world["body"].pk])
    assert edit not in client.get(url).content.decode()
    client.force_login(make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong))
    assert edit not in client.get(url).content.decode()
    client.force_login(make_user("clerk-guro", Role.DISTRICT_STAFF, guro))
    assert edit in client.get(url).content.decode()
