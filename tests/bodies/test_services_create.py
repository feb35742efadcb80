"""The services that create and change records (bodies, people, agenda items, motions,
action items, draft minutes, publishing decisions): bad input is refused with a
ValidationError keyed by field and saves nothing; a success records one audit event."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from hyeopchi.bodies import services
from hyeopchi.bodies.models import (
    ActionItem,
    AgendaItem,
    AgendaSection,
    Body,
    BodyKind,
    Capacity,
    Decision,
    Meeting,
    Minutes,
    MinutesStatus,
    Motion,
    MotionKind,
    Outcome,
    Scope,
)
from hyeopchi.core import audit
from hyeopchi.core.models import AuditEvent
from hyeopchi.directory.models import Person
from hyeopchi.directory.services import save_person
from tests.conftest import add_member, make_body, make_person

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
D = dt.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SEOUL)


def actions(obj) -> list[str]:
    return [event.action for event in audit.history(obj)]


def refused(call, *args, **kwargs) -> dict[str, list[str]]:
    """Call a service that must refuse; answer its errors by field."""
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    return info.value.message_dict if hasattr(info.value, "error_dict") else {}


@pytest.fixture
def meeting(council) -> Meeting:
    return services.save_meeting(Meeting(body=council, starts_at=at(2019, 7, 25)))


@pytest.fixture
def quorate(council, meeting) -> Meeting:
    members = [add_member(council) for _ in range(5)]
    services.set_attendance(meeting, [(m.person_id, Capacity.MEMBER) for m in members[:4]])
    return meeting


def counts() -> tuple[int, ...]:
    models = (Body, Person, AgendaItem, Motion, ActionItem, Minutes, AuditEvent)
    return tuple(model.objects.count() for model in models)


# ---------------------------------------------------------------- bodies


def new_body(district, **kw) -> Body:
    fields = {
        "name": "새 협치회의",
        "kind": BodyKind.COUNCIL,
        "scope": Scope.DISTRICT if district else Scope.CITY,
        "district": district,
        "rulebook_key": "guro-council",
        "established_on": D(2019, 5, 2),
    }
    fields.update(kw)
    return Body(**fields)


def test_save_body_creates_with_one_audit_event(guro, guro_clerk):
    body = services.save_body(new_body(guro), guro_clerk, "조례 시행")
    event = audit.history(body).get()
    assert (event.action, event.actor, event.reason) == ("created", guro_clerk, "조례 시행")
    assert event.changes["name"] == [None, "새 협치회의"]
    assert event.district_id == guro.pk


def test_save_body_change_records_only_what_changed(council, guro_clerk):
    council.description = "바뀐 설명"
    services.save_body(council, guro_clerk)
    event = audit.history(council).get()
    assert event.action == "changed"
    assert event.changes == {"description": ["", "바뀐 설명"]}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"scope": Scope.CITY}, "district", "A city-wide body belongs to no district."),
        (
            {"district": None, "scope": Scope.DISTRICT},
            "district",
            "A district body needs its district.",
        ),
        ({"rulebook_key": "no-such-rules"}, "rulebook_key", "No rulebook named no-such-rules."),
        (
            {"established_on": D(2010, 1, 1)},
            "established_on",
            "The chosen rulebook is in force from 2019-05-02; a body under it cannot be set up "
            "earlier.",
        ),
        (
            {"dissolved_on": D(2019, 1, 1)},
            "dissolved_on",
            "A body cannot be dissolved before it is established.",
        ),
        ({"name": ""}, "name", "This field cannot be blank."),
    ],
)
def test_save_body_refuses_bad_input_and_saves_nothing(guro, fields, field, message):
    before = counts()
    errors = refused(services.save_body, new_body(**{"district": guro, **fields}))
    assert errors[field] == [message]
    assert counts() == before


def test_a_parent_body_must_be_of_the_same_district(guro, eunpyeong):
    other = make_body(eunpyeong, name="은평구협치회의")
    city = make_body(None, name="서울협치협의회")
    before = counts()
    assert refused(services.save_body, new_body(guro, parent=other)) == {
        "parent": ["The parent body must belong to the same district."]
    }
    assert refused(services.save_body, new_body(guro, parent=city)) == {
        "parent": ["The parent body must belong to the same district."]
    }
    assert refused(services.save_body, new_body(None, parent=other)) == {
        "parent": ["A city-wide body can only be part of a city-wide body."]
    }
    assert counts() == before
    assert services.save_body(new_body(None, parent=city)).parent == city


def test_a_body_cannot_be_placed_under_its_own_sub_body(council):
    sub = make_body(council.district, name="분과", kind=BodyKind.SUBCOMMITTEE, parent=council)
    council.parent = sub
    assert refused(services.save_body, council) == {
        "parent": ["A body cannot be placed under itself."]
    }
    assert Body.objects.get(pk=council.pk).parent is None
    assert not audit.history(council).exists()


def test_a_body_is_not_established_after_its_first_meeting_or_member(council, meeting):
    add_member(council, start_date=D(2019, 6, 1))
    council.established_on = D(2019, 8, 1)
    errors = refused(services.save_body, council)
    assert errors["established_on"] == [
        "The body already has a meeting on 2019-07-25, before that date.",
        "A membership starts on 2019-06-01; the body cannot be established later.",
    ]
    assert Body.objects.get(pk=council.pk).established_on == D(2019, 5, 2)


# ---------------------------------------------------------------- people


def test_save_person_keeps_personal_data_out_of_the_history(guro, guro_clerk):
    person = save_person(
        Person(name="홍길동", gender="M", email="hong@example.org", district=guro), guro_clerk
    )
    event = audit.history(person).get()
    assert (event.action, event.changes, event.district_id) == ("created", {}, guro.pk)
    person.phone = "010-1234-5678"
    save_person(person, guro_clerk)
    changed = audit.history(person).last()
    assert (changed.action, changed.changes) == ("changed", {"fields": ["phone"]})
    assert "010" not in str(changed.changes)


def test_save_person_refuses_bad_input_and_saves_nothing(guro):
    before = counts()
    errors = refused(save_person, Person(name="나이", gender="F", birth_year=1800))
    assert errors["birth_year"][0].startswith("Birth year must be between 1900")
    assert "email" in refused(save_person, Person(name="메일", gender="F", email="@@"))
    assert "name" in refused(save_person, Person(name="", gender="F"))
    assert counts() == before


# ---------------------------------------------------------------- agenda items


def agenda_item(meeting, number: int = 1, title: str = "안건") -> AgendaItem:
    return AgendaItem(meeting=meeting, section=AgendaSection.DECISION, number=number, title=title)


def test_save_agenda_item_is_recorded_on_the_meeting(meeting, guro_clerk):
    item = services.save_agenda_item(agenda_item(meeting), guro_clerk)
    event = audit.history(meeting).get(action="agenda item added")
    assert event.changes == {"agenda_item": item.pk, "title": "안건", "section": "decision"}
    item.title = "고친 안건"
    services.save_agenda_item(item, guro_clerk)
    assert actions(meeting)[-2:] == ["agenda item added", "agenda item changed"]


def test_save_agenda_item_refuses_a_taken_number(meeting):
    services.save_agenda_item(agenda_item(meeting))
    before = counts()
    assert refused(services.save_agenda_item, agenda_item(meeting)) == {
        "number": ["This section already has an item with that number."]
    }
    assert "title" in refused(services.save_agenda_item, agenda_item(meeting, 2, title=""))
    assert counts() == before


# ---------------------------------------------------------------- motions


def test_propose_motion_records_proposed_once(meeting, guro_clerk):
    item = services.save_agenda_item(agenda_item(meeting))
    motion = services.propose_motion(
        meeting, "운영세칙 개정(안)", agenda_item=item.pk, actor=guro_clerk
    )
    assert (motion.agenda_item, motion.outcome) == (item, Outcome.PENDING)
    event = audit.history(motion).get()
    assert (event.action, event.actor, event.changes) == (
        "proposed",
        guro_clerk,
        {"title": "운영세칙 개정(안)"},
    )


def test_propose_motion_refuses_bad_input_and_saves_nothing(council, meeting):
    other = services.save_meeting(Meeting(body=council, starts_at=at(2019, 8, 22)))
    elsewhere = services.save_agenda_item(agenda_item(other))
    before = counts()
    assert refused(services.propose_motion, meeting, "동의", agenda_item=elsewhere) == {
        "agenda_item": [f"No agenda item with id {elsewhere.pk} in this meeting."]
    }
    assert refused(services.propose_motion, meeting, "동의", agenda_item=999999) == {
        "agenda_item": ["No agenda item with id 999999 in this meeting."]
    }
    assert "title" in refused(services.propose_motion, meeting, "")
    assert "kind" in refused(services.propose_motion, meeting, "동의", "secret")
    assert counts() == before


def test_propose_motion_with_a_vote(quorate, guro_clerk):
    motion = services.propose_motion(
        quorate,
        "규정 개정",
        MotionKind.AMENDMENT,
        vote={"yes": 4, "no": 0, "abstain": 0},
        actor=guro_clerk,
    )
    assert motion.outcome == Outcome.PASSED
    assert actions(motion) == ["proposed", "voted: passed"]


def test_a_refused_vote_leaves_no_motion(quorate):
    before = counts()
    with pytest.raises(ValidationError, match="only 4 members present"):
        services.propose_motion(quorate, "무리한 표결", vote={"yes": 5, "no": 1, "abstain": 0})
    assert counts() == before


def test_save_motion_records_a_change_only_when_there_is_one(meeting):
    motion = services.propose_motion(meeting, "동의")
    services.save_motion(motion)
    assert actions(motion) == ["proposed"]
    motion.title = "수정 동의"
    services.save_motion(motion)
    assert actions(motion) == ["proposed", "changed"]
    assert audit.history(motion).last().changes == {"title": ["동의", "수정 동의"]}


# ---------------------------------------------------------------- action items


def test_save_action_item_is_recorded_on_the_meeting(meeting, guro_clerk):
    item = services.save_action_item(
        ActionItem(meeting=meeting, description="회의록 배포", owner_text="협치팀"), guro_clerk
    )
    event = audit.history(meeting).get(action="action item added")
    assert event.changes == {"action_item": item.pk, "description": "회의록 배포"}
    assert "action item changed" in audit.ACTION_LABELS


def test_save_action_item_refuses_bad_input_and_saves_nothing(council, quorate):
    other = services.save_meeting(Meeting(body=council, starts_at=at(2019, 8, 22)))
    elsewhere = Decision.objects.create(
        body=council, meeting=other, title="다른 회의의 결정", decided_on=D(2019, 8, 22)
    )
    owner = make_person()
    before = counts()
    assert refused(
        services.save_action_item, ActionItem(meeting=quorate, description="주인 없는 일")
    ) == {"owner": ["Name a person or an office responsible."]}
    assert refused(
        services.save_action_item,
        ActionItem(meeting=quorate, description="후속", owner_text="협치팀", decision=elsewhere),
    ) == {"decision": ["Choose a decision taken at this meeting."]}
    assert "description" in refused(
        services.save_action_item, ActionItem(meeting=quorate, owner=owner)
    )
    assert counts() == before


# ---------------------------------------------------------------- minutes


def test_save_minutes_draft(meeting, guro_clerk):
    minutes = services.save_minutes_draft(Minutes(meeting=meeting, overview="개요"), guro_clerk)
    assert (minutes.status, minutes.drafted_by) == (MinutesStatus.DRAFT, guro_clerk)
    assert audit.history(minutes).get().action == "drafted"
    minutes.overview = "고친 개요"
    services.save_minutes_draft(minutes, guro_clerk)
    assert audit.history(minutes).last().changes == {"overview": ["개요", "고친 개요"]}


def test_save_minutes_draft_refuses_approved_minutes_and_a_second_draft(council, meeting):
    minutes = services.save_minutes_draft(Minutes(meeting=meeting, overview="개요"))
    later = services.save_meeting(Meeting(body=council, starts_at=at(2019, 8, 22)))
    services.approve_minutes(minutes, later)
    before = counts()
    minutes.overview = "몰래 고치기"
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.save_minutes_draft(minutes)
    assert "meeting" in refused(services.save_minutes_draft, Minutes(meeting=meeting))
    assert counts() == before
    assert Minutes.objects.get(pk=minutes.pk).overview == "개요"


# ---------------------------------------------------------------- decisions


def test_publish_decision_once(quorate, guro_clerk):
    motion = services.propose_motion(quorate, "예산안", vote={"yes": 4, "no": 0, "abstain": 0})
    decision = services.decide(motion, "예산안 의결", publish=False)
    services.publish_decision(decision, guro_clerk)
    decision.refresh_from_db()
    assert decision.published
    event = audit.history(decision).last()
    assert (event.action, event.actor, event.changes) == (
        "published",
        guro_clerk,
        {"published": [False, True]},
    )
    before = counts()
    with pytest.raises(ValidationError, match="already published"):
        services.publish_decision(decision, guro_clerk)
    assert counts() == before


def test_every_recorded_action_has_a_label(council, quorate, guro_clerk):
    """The history pages translate actions through ACTION_LABELS: no raw verbs."""
    body = services.save_body(new_body(council.district, name="분과"), guro_clerk)
    services.save_body(body, guro_clerk)
    person = save_person(Person(name="홍길동", gender="M"), guro_clerk)
    save_person(person, guro_clerk)
    item = services.save_agenda_item(agenda_item(quorate), guro_clerk)
    services.save_agenda_item(item, guro_clerk)
    motion = services.propose_motion(quorate, "의결", vote={"yes": 4}, actor=guro_clerk)
    decision = services.decide(motion, "의결")
    services.publish_decision(decision, guro_clerk)
    action = services.save_action_item(
        ActionItem(meeting=quorate, description="후속", owner_text="협치팀"), guro_clerk
    )
    action.description = "고친 후속"
    services.save_action_item(action, guro_clerk)
    minutes = services.save_minutes_draft(Minutes(meeting=quorate), guro_clerk)
    services.save_minutes_draft(minutes, guro_clerk)
    recorded = set(AuditEvent.objects.values_list("action", flat=True))
    assert recorded <= set(audit.ACTION_LABELS)
