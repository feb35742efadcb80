"""Write endpoints end to end, and bad input: 422 with field messages, nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest

from hyeopchi.bodies.models import (
    Attendance,
    Body,
    Decision,
    Meeting,
    Membership,
    Motion,
    Vote,
)
from hyeopchi.core.models import AuditEvent, Role
from hyeopchi.directory.models import Person
from tests.conftest import add_member, make_body, make_person, make_user
from tests.test_api_helpers import (  # noqa: F401 - fixture
    api_as,
    fast_passwords,
    make_meeting,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(guro):
    return api_as(make_user("clerk-guro", Role.DISTRICT_STAFF, guro))


@pytest.fixture
def en_clerk(clerk):
    clerk.headers["HTTP_ACCEPT_LANGUAGE"] = "en"
    return clerk


def _snapshot():
    models = (Body, Membership, Meeting, Motion, Vote, Attendance, Decision, Person, AuditEvent)
    return {m.__name__: m.objects.count() for m in models}


def test_a_clerk_runs_a_meeting_end_to_end(guro, clerk):
    body = clerk.post(
        "/bodies",
        {
            "name": "구로구협치회의",
            "kind": "council",
            "scope": "district",
            "district_id": guro.pk,
            "rulebook_key": "guro-council",
            "established_on": "2019-05-02",
        },
    )
    assert body.status_code == 201, body.json()
    body_id = body.json()["id"]
    assert body.json()["rulebook"]["key"] == "guro-council"

    people = []
    for name, gender in [("김하나", "F"), ("이두리", "M"), ("박세나", "F")]:
        response = clerk.post("/people", {"name": name, "gender": gender, "district_id": guro.pk})
        assert response.status_code == 201, response.json()
        people.append(response.json()["id"])
    memberships = []
    for person_id in people:
        response = clerk.post(
            "/memberships",
            {
                "body_id": body_id,
                "person_id": person_id,
                "sector": "civil",
                "appointment": "appointed",
                "start_date": "2019-06-01",
                "term_end": "2021-05-31",
            },
        )
        assert response.status_code == 201, response.json()
        memberships.append(response.json()["id"])
    assert (
        clerk.get("/memberships", {"body": body_id}).json()["items"][0]["person_name"] == "김하나"
    )

    meeting = clerk.post(
        "/meetings",
        {"body_id": body_id, "starts_at": "2020-03-26T10:00:00", "venue": "구로구청 소회의실"},
    )
    assert meeting.status_code == 201, meeting.json()
    meeting_id = meeting.json()["id"]
    assert meeting.json()["starts_at"].startswith("2020-03-26T10:00:00+09:00")
    assert meeting.json()["number"] == 1

    quorum = clerk.post(
        f"/meetings/{meeting_id}/attendance",
        [
            {"person_id": people[0], "capacity": "member"},
            {"person_id": people[1], "capacity": "member"},
        ],
    )
    assert quorum.status_code == 200, quorum.json()
    assert (quorum.json()["enrolled"], quorum.json()["present"], quorum.json()["met"]) == (
        3,
        2,
        True,
    )

    motion = clerk.post(f"/meetings/{meeting_id}/motions", {"title": "2020년 의제 선정의 건"})
    assert motion.status_code == 201
    motion_id = motion.json()["id"]
    vote = clerk.post(
        f"/motions/{motion_id}/votes",
        {
            "roll_call": [
                {"person_id": people[0], "choice": "yes"},
                {"person_id": people[1], "choice": "yes"},
            ]
        },
    )
    assert vote.status_code == 200, vote.json()
    result = vote.json()
    assert result["outcome"] == "passed"
    assert result["basis"] == {
        "enrolled": 3,
        "present": 2,
        "quorum_required": 2,
        "yes": 2,
        "no": 0,
        "abstain": 0,
        "yes_required": 2,
        "rule": result["basis"]["rule"],
    }
    assert "제13조" in result["basis"]["rule"]

    decision = clerk.post(
        f"/motions/{motion_id}/decision", {"title": "2020년 의제 확정", "publish": True}
    )
    assert decision.status_code == 201
    assert decision.json()["decided_on"] == "2020-03-26"
    held = clerk.patch(f"/meetings/{meeting_id}", {"status": "held"})
    assert held.status_code == 200 and held.json()["status"] == "held"

    public = api_as().get("/decisions", {"body": body_id}).json()
    assert [d["title"] for d in public["items"]] == ["2020년 의제 확정"]

    ended = clerk.post(
        f"/memberships/{memberships[2]}/end",
        {"date": "2020-06-30", "reason": "dismissed", "ground": "3회 연속 불참"},
    )
    assert ended.status_code == 200, ended.json()
    assert ended.json()["ended_on"] == "2020-06-30"
    assert api_as().get(f"/memberships/{memberships[2]}").json()["end_ground"] == ""

    history = clerk.get(f"/audit/bodies.membership/{memberships[2]}").json()
    assert [e["action"] for e in history["events"]] == ["created", "ended"]
    assert history["events"][-1]["actor"] == "clerk-guro"
    assert history["events"][-1]["reason"] == "3회 연속 불참"


def test_patch_body_changes_only_what_is_sent(guro, clerk):
    body = make_body(guro, description="처음")
    response = clerk.patch(f"/bodies/{body.pk}", {"name_en": "Guro council"})
    assert response.status_code == 200
    body.refresh_from_db()
    assert (body.name_en, body.description) == ("Guro council", "처음")
    event = AuditEvent.objects.filter(model="bodies.body", object_id=str(body.pk)).last()
    assert event.changes == {"name_en": ["", "Guro council"]}


def test_counts_vote_and_amendment_majority(guro, clerk):
    body = make_body(guro)
    members = [add_member(body) for _ in range(4)]
    meeting = make_meeting(body)
    clerk.post(
        f"/meetings/{meeting.pk}/attendance",
        [{"person_id": m.person_id, "capacity": "member"} for m in members],
    )
    motion = clerk.post(f"/meetings/{meeting.pk}/motions", {"title": "동수"}).json()
    tie = clerk.post(f"/motions/{motion['id']}/votes", {"yes": 2, "no": 2}).json()
    assert tie["outcome"] == "failed"  # ties fail
    assert tie["basis"]["yes_required"] == 3
    refused = clerk.post(f"/motions/{motion['id']}/decision", {"title": "x"})
    assert refused.status_code == 422
    assert refused.json()["errors"]["__all__"]


# ---------------------------------------------------------------- bad input


def test_membership_ending_before_it_starts(guro, en_clerk):
    body = make_body(guro)
    membership = add_member(body)
    before = _snapshot()
    response = en_clerk.post(
        f"/memberships/{membership.pk}/end", {"date": "2019-05-31", "reason": "resigned"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"ended_on": ["A membership cannot end before it starts."]}
    membership.refresh_from_db()
    assert membership.ended_on is None and membership.end_reason == ""
    assert _snapshot() == before


def test_dismissal_needs_its_ground(guro, en_clerk):
    membership = add_member(make_body(guro))
    response = en_clerk.post(
        f"/memberships/{membership.pk}/end", {"date": "2020-01-31", "reason": "dismissed"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"end_ground": ["A dismissal needs its ground."]}


def test_term_ending_before_it_starts(guro, en_clerk):
    body = make_body(guro)
    person = make_person()
    before = _snapshot()
    response = en_clerk.post(
        "/memberships",
        {
            "body_id": body.pk,
            "person_id": person.pk,
            "sector": "civil",
            "appointment": "appointed",
            "start_date": "2020-01-01",
            "term_end": "2019-12-31",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"]["term_end"] == ["The term cannot end before it starts."]
    assert _snapshot() == before


def test_overlapping_membership_of_one_person_in_one_body(guro, en_clerk):
    body = make_body(guro)
    existing = add_member(body)
    before = _snapshot()
    response = en_clerk.post(
        "/memberships",
        {
            "body_id": body.pk,
            "person_id": existing.person_id,
            "sector": "civil",
            "appointment": "appointed",
            "start_date": "2020-01-01",
            "term_end": "2021-12-31",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "start_date": ["This person already holds a seat in this body during that period."]
    }
    assert _snapshot() == before


def test_membership_payload_errors_name_the_fields(guro, en_clerk):
    body = make_body(guro)
    response = en_clerk.post(
        "/memberships",
        {"body_id": body.pk, "sector": "aliens", "appointment": "appointed", "start_date": "soon"},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["person_id"] == ["This field is required."]
    assert errors["sector"][0].startswith("Choose one of:")
    assert errors["start_date"] == ["Enter a valid date as YYYY-MM-DD."]
    unknown = en_clerk.post(
        "/memberships",
        {
            "body_id": body.pk,
            "person_id": 999999,
            "sector": "civil",
            "appointment": "appointed",
            "start_date": "2020-01-01",
            "predecessor_id": 999998,
        },
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {
        "person_id": ["No person with id 999999."],
        "predecessor_id": ["No membership with id 999998 in this body."],
    }
    no_body = en_clerk.post(
        "/memberships",
        {
            "body_id": 999999,
            "person_id": 1,
            "sector": "civil",
            "appointment": "appointed",
            "start_date": "2020-01-01",
        },
    )
    assert no_body.status_code == 422
    assert no_body.json()["errors"] == {"body_id": ["No body with id 999999."]}


def test_membership_before_the_body_exists(guro, en_clerk):
    body = make_body(guro)
    response = en_clerk.post(
        "/memberships",
        {
            "body_id": body.pk,
            "person_id": make_person().pk,
            "sector": "civil",
            "appointment": "appointed",
            "start_date": "2019-01-01",
            "term_end": "2020-12-31",
        },
    )
    assert response.status_code == 422
    assert "2019-05-02" in response.json()["errors"]["start_date"][0]


def test_more_votes_than_members_present(guro, en_clerk):
    body = make_body(guro)
    members = [add_member(body) for _ in range(5)]
    meeting = make_meeting(body)
    for m in members[:3]:
        Attendance.objects.create(meeting=meeting, person=m.person, capacity="member")
    motion = Motion.objects.create(meeting=meeting, title="과다 투표")
    before = _snapshot()
    response = en_clerk.post(f"/motions/{motion.pk}/votes", {"yes": 3, "no": 1})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "__all__": ["4 votes recorded but only 3 members present."]
    }
    motion.refresh_from_db()
    assert (motion.outcome, motion.yes) == ("pending", None)
    assert _snapshot() == before


def test_roll_call_of_someone_not_present(guro, en_clerk):
    body = make_body(guro)
    members = [add_member(body) for _ in range(3)]
    meeting = make_meeting(body)
    Attendance.objects.create(meeting=meeting, person=members[0].person, capacity="member")
    motion = Motion.objects.create(meeting=meeting, title="호명")
    before = _snapshot()
    response = en_clerk.post(
        f"/motions/{motion.pk}/votes",
        {"roll_call": [{"person_id": m.person_id, "choice": "yes"} for m in members]},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "__all__": ["Only members present can vote in the roll call."]
    }
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, "Send the vote counts (yes, no, abstain) or a roll call."),
        (
            {"yes": 1, "roll_call": []},
            "Send either the vote counts or a roll call, not both.",
        ),
        (
            {"roll_call": [{"person_id": 1, "choice": "yes"}, {"person_id": 1, "choice": "no"}]},
            "A person votes only once in a roll call.",
        ),
    ],
)
def test_vote_payload_must_be_counts_or_roll_call(guro, en_clerk, payload, message):
    meeting = make_meeting(make_body(guro))
    motion = Motion.objects.create(meeting=meeting, title="형식")
    response = en_clerk.post(f"/motions/{motion.pk}/votes", payload)
    assert response.status_code == 422
    assert response.json()["errors"] == {"__all__": [message]}


def test_negative_votes(guro, en_clerk):
    motion = Motion.objects.create(meeting=make_meeting(make_body(guro)), title="음수")
    response = en_clerk.post(f"/motions/{motion.pk}/votes", {"yes": -1})
    assert response.status_code == 422
    assert response.json()["errors"] == {"yes": ["Enter a value of at least 0."]}


def test_meeting_before_the_body_exists(guro, en_clerk):
    body = make_body(guro)
    before = _snapshot()
    response = en_clerk.post(
        "/meetings", {"body_id": body.pk, "starts_at": "2019-04-30T10:00:00+09:00"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "starts_at": ["The body was established on 2019-05-02; a meeting cannot be held before it."]
    }
    assert _snapshot() == before


def test_meeting_ending_before_it_starts_and_bad_datetimes(guro, en_clerk):
    body = make_body(guro)
    before = _snapshot()
    response = en_clerk.post(
        "/meetings",
        {"body_id": body.pk, "starts_at": "2020-03-26T10:00:00", "ends_at": "2020-03-26T09:00:00"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"ends_at": ["A meeting must end after it starts."]}
    bad = en_clerk.post("/meetings", {"body_id": body.pk, "starts_at": "next Thursday"})
    assert bad.status_code == 422
    assert bad.json()["errors"]["starts_at"][0].startswith("Enter a valid date and time")
    assert _snapshot() == before


def test_moving_a_meeting_before_the_body_exists_keeps_the_old_date(guro, en_clerk):
    meeting = make_meeting(make_body(guro))
    response = en_clerk.patch(f"/meetings/{meeting.pk}", {"starts_at": "2018-01-01T10:00:00"})
    assert response.status_code == 422
    meeting.refresh_from_db()
    assert meeting.date == dt.date(2020, 3, 26)


def test_attendance_with_unknown_people_or_twice_listed(guro, en_clerk):
    body = make_body(guro)
    member = add_member(body)
    meeting = make_meeting(body)
    before = _snapshot()
    unknown = en_clerk.post(
        f"/meetings/{meeting.pk}/attendance", [{"person_id": 999999, "capacity": "member"}]
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {"0.person_id": ["No person with id 999999."]}
    twice = en_clerk.post(
        f"/meetings/{meeting.pk}/attendance",
        [
            {"person_id": member.person_id, "capacity": "member"},
            {"person_id": member.person_id, "capacity": "observer"},
        ],
    )
    assert twice.status_code == 422
    assert twice.json()["errors"] == {"__all__": ["A person is listed twice in the attendance."]}
    wrong = en_clerk.post(
        f"/meetings/{meeting.pk}/attendance", [{"person_id": member.person_id, "capacity": "vip"}]
    )
    assert wrong.status_code == 422 and "0.capacity" in wrong.json()["errors"]
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"scope": "city", "district_id": "GURO"}, "district_id", "Enter a whole number."),
        (
            {"scope": "district", "district_id": None},
            "district_id",
            "A district body needs its district.",
        ),
        (
            {"scope": "city", "district_id": "GURO_ID"},
            "district_id",
            "A city-wide body belongs to no district.",
        ),
        ({"rulebook_key": "no-such-rules"}, "rulebook_key", "No rulebook named no-such-rules."),
        (
            {"dissolved_on": "2019-01-01"},
            "dissolved_on",
            "A body cannot be dissolved before it is established.",
        ),
        ({"parent_id": 999999}, "parent_id", "No body with id 999999."),
        ({"name": ""}, "name", "This field cannot be blank."),
        ({"kind": "secret_society"}, "kind", None),
    ],
)
def test_bad_bodies(guro, en_clerk, payload, field, message):
    city = api_as(make_user("city", Role.CITY_OFFICER))
    city.headers["HTTP_ACCEPT_LANGUAGE"] = "en"
    data = {
        "name": "새 위원회",
        "kind": "council",
        "scope": "district",
        "district_id": guro.pk,
        "rulebook_key": "guro-council",
        "established_on": "2019-05-02",
        **payload,
    }
    if data.get("district_id") == "GURO_ID":
        data["district_id"] = guro.pk
    before = _snapshot()
    response = city.post("/bodies", data)
    assert response.status_code == 422, response.json()
    errors = response.json()["errors"]
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert _snapshot() == before


def test_body_cannot_be_its_own_ancestor(guro, en_clerk):
    council = make_body(guro)
    sub = make_body(guro, name="분과", kind="subcommittee", parent=council)
    response = en_clerk.patch(f"/bodies/{council.pk}", {"parent_id": sub.pk})
    assert response.status_code == 422
    assert response.json()["errors"] == {"parent_id": ["A body cannot be placed under itself."]}


def test_body_cannot_be_established_after_its_first_meeting(guro, en_clerk):
    body = make_body(guro)
    make_meeting(body, dt.date(2019, 6, 27))
    response = en_clerk.patch(f"/bodies/{body.pk}", {"established_on": "2019-07-01"})
    assert response.status_code == 422
    assert "2019-06-27" in response.json()["errors"]["established_on"][0]


def test_malformed_json_is_422(guro, en_clerk):
    body = make_body(guro)
    response = en_clerk.client.post(
        "/api/v1/meetings",
        "{not json",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"__all__": ["The request body is not valid JSON."]}
    assert Meeting.objects.filter(body=body).count() == 0


def test_bad_person(guro, en_clerk):
    response = en_clerk.post(
        "/people", {"name": "나이", "gender": "F", "district_id": guro.pk, "birth_year": 1800}
    )
    assert response.status_code == 422
    assert response.json()["errors"]["birth_year"][0].startswith("Birth year must be between")
    email = en_clerk.post(
        "/people", {"name": "메일", "gender": "F", "district_id": guro.pk, "email": "not-an-email"}
    )
    assert email.status_code == 422 and "email" in email.json()["errors"]
    assert not Person.objects.exists()


def test_motion_on_an_agenda_item_of_another_meeting(guro, en_clerk):
    body = make_body(guro)
    meeting, other = make_meeting(body), make_meeting(body, dt.date(2020, 4, 23))
    item = other.agenda_items.create(section="decision", number=1, title="다른 회의 안건")
    response = en_clerk.post(
        f"/meetings/{meeting.pk}/motions", {"title": "x", "agenda_item_id": item.pk}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "agenda_item_id": [f"No agenda item with id {item.pk} in this meeting."]
    }


def test_writes_to_unknown_ids_are_404(en_clerk):
    for path in [
        "/memberships/9999/end",
        "/meetings/9999/attendance",
        "/meetings/9999/motions",
        "/motions/9999/votes",
        "/motions/9999/decision",
    ]:
        response = en_clerk.post(path, {})
        assert response.status_code in (404, 422), path
        assert response.status_code == 404 or "errors" in response.json()
    assert en_clerk.patch("/bodies/9999", {}).status_code == 404
    assert en_clerk.patch("/meetings/9999", {}).status_code == 404
    response = en_clerk.post("/memberships/9999/end", {"date": "2020-01-01", "reason": "resigned"})
    assert response.status_code == 404


def test_audit_history_is_for_staff_only(guro, eunpyeong, clerk):
    body = make_body(guro)
    clerk.patch(f"/bodies/{body.pk}", {"description": "새 설명"})
    path = f"/audit/bodies.body/{body.pk}"
    assert clerk.get(path).status_code == 200
    assert api_as().get(path).status_code == 401
    assert api_as(make_user("resident")).get(path).status_code == 403
    other = make_user("clerk-ep", Role.DISTRICT_STAFF, eunpyeong)
    assert api_as(other).get(path).status_code == 403
    assert api_as(make_user("city", Role.CITY_OFFICER)).get(path).status_code == 200
    assert clerk.get("/audit/bodies.nothing/1").status_code == 404
    assert clerk.get("/audit/bodies.body/999999").status_code == 404
    assert clerk.get("/audit/nonsense/1").status_code == 404


def test_patch_cannot_null_required_fields(guro, en_clerk):
    body = make_body(guro)
    meeting = make_meeting(body)
    response = en_clerk.patch(f"/bodies/{body.pk}", {"name": None, "scope": None})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "name": ["This field cannot be null."],
        "scope": ["This field cannot be null."],
    }
    response = en_clerk.patch(f"/meetings/{meeting.pk}", {"starts_at": None, "kind": None})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"starts_at", "kind"}
    assert en_clerk.patch(f"/meetings/{meeting.pk}", {"ends_at": None}).status_code == 200


def test_huge_numbers_are_not_server_errors(guro, en_clerk):
    body = make_body(guro)
    huge = 10**20
    assert en_clerk.get(f"/bodies/{huge}").status_code == 404
    assert en_clerk.get("/memberships", {"body": huge}).json()["count"] == 0
    response = en_clerk.post(
        "/meetings", {"body_id": body.pk, "starts_at": "2020-03-26T10:00:00", "number": huge}
    )
    assert response.status_code == 422
    assert not Meeting.objects.exists()
    response = en_clerk.post(
        "/people", {"name": "큰수", "gender": "F", "district_id": guro.pk, "birth_year": huge}
    )
    assert response.status_code == 422
