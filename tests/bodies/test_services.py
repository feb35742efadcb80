"""The service layer against the database: memberships, composition as of a date,
meetings, quorum, votes, decisions, rulebook amendments, minutes and their audit trail."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from hyeopchi.bodies import services
from hyeopchi.bodies.models import (
    Appointment,
    Body,
    BodyKind,
    Capacity,
    ConvenedBy,
    Decision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MemberRole,
    Membership,
    Minutes,
    MinutesStatus,
    Motion,
    MotionKind,
    Outcome,
    RulebookAmendment,
    Scope,
    Sector,
    Vote,
)
from hyeopchi.bodies.rulebooks import rulebook_for
from hyeopchi.core import audit
from hyeopchi.core.models import AuditEvent
from tests.conftest import add_member, make_body, make_person

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
D = dt.date


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SEOUL)


def schedule(body: Body, when: dt.datetime, actor=None, requested_by=None, **kw) -> Meeting:
    return services.save_meeting(
        Meeting(body=body, starts_at=when, **kw), actor=actor, requested_by=requested_by
    )


def new_membership(body: Body, person=None, **kw) -> Membership:
    defaults = {
        "sector": Sector.CIVIL,
        "appointment": Appointment.APPOINTED,
        "start_date": D(2019, 6, 1),
        "term_end": D(2021, 5, 31),
    }
    defaults.update(kw)
    return Membership(body=body, person=person or make_person(), **defaults)


def actions(obj) -> list[str]:
    return [event.action for event in audit.history(obj)]


def pks(memberships) -> set[int]:
    return {m.pk for m in memberships}


# ---------------------------------------------------------------- composition over time


def test_composition_as_of_different_dates(council, guro_clerk):
    first = add_member(council, start_date=D(2019, 6, 1))
    joins = add_member(council, start_date=D(2020, 1, 1))
    leaves = add_member(council, start_date=D(2019, 6, 1))
    services.end_membership(leaves, D(2020, 6, 30), "resigned", actor=guro_clerk)
    replacement = services.save_membership(
        new_membership(council, start_date=D(2020, 7, 1), term_end=None, predecessor=leaves),
        actor=guro_clerk,
    )
    # The replacement serves the rest of the predecessor's term.
    assert replacement.term_end == D(2021, 5, 31)

    def on(day):
        return pks(services.composition(council, day).members)

    assert on(D(2019, 5, 31)) == set()
    assert on(D(2019, 6, 1)) == {first.pk, leaves.pk}
    assert on(D(2019, 12, 31)) == {first.pk, leaves.pk}
    assert on(D(2020, 1, 1)) == {first.pk, leaves.pk, joins.pk}
    assert on(D(2020, 6, 30)) == {first.pk, leaves.pk, joins.pk}  # ended_on is the last day
    assert on(D(2020, 7, 1)) == {first.pk, joins.pk, replacement.pk}
    assert on(D(2021, 5, 31)) == {first.pk, joins.pk, replacement.pk}
    assert on(D(2021, 6, 1)) == set()

    report = services.composition(council, D(2020, 7, 1))
    assert report.rulebook.key == "guro-council"
    assert report.counts()["total"] == 3
    assert not [f for f in report.findings if f.code.startswith("term.")]
    size = [f for f in report.warnings if f.code == "size.below_min"]
    assert size and size[0].numbers == {"count": 3, "min": 30}


def test_composition_names_the_members_breaking_a_rule(council):
    men = [add_member(council, make_person("M")) for _ in range(9)]
    women = [add_member(council, make_person("F")) for _ in range(4)]
    officials = [
        add_member(
            council,
            make_person("M"),
            sector=Sector.ADMIN,
            appointment=Appointment.EX_OFFICIO,
            term_end=None,
        )
        for _ in range(5)
    ]
    councillor = add_member(council, make_person("F"), sector=Sector.DISTRICT_COUNCILLOR)
    report = services.composition(council, D(2020, 1, 1))
    by_code = {f.code: f for f in report.findings}
    gender = by_code["composition.gender_cap"]
    assert gender.numbers["count"] == 9 and gender.numbers["appointed"] == 14
    assert set(gender.members) == pks(men)
    civil = by_code["composition.civilian_share"]
    assert civil.numbers["civilian"] == 13 and civil.numbers["total"] == 19
    assert set(civil.members) == pks([*officials, councillor])
    assert report.counts()["gender_F"] == len(women) + 1


def test_composition_counts_renewals_and_checks_replacements(council, guro_clerk):
    first = add_member(council, start_date=D(2019, 6, 1), term_end=D(2021, 5, 31))
    second = add_member(
        council, first.person, start_date=D(2021, 6, 1), term_end=D(2023, 5, 31), renewal_of=first
    )
    third = add_member(
        council, first.person, start_date=D(2023, 6, 1), term_end=D(2025, 5, 31), renewal_of=second
    )
    assert not [
        f
        for f in services.composition(council, D(2021, 6, 1)).findings
        if f.code.startswith("term")
    ]
    renewals = [
        f
        for f in services.composition(council, D(2023, 6, 1)).findings
        if f.code == "term.too_many_renewals"
    ]
    assert [(f.members, f.numbers["term_number"]) for f in renewals] == [((third.pk,), 3)]

    leaving = add_member(council, start_date=D(2023, 6, 1), term_end=D(2025, 5, 31))
    services.end_membership(leaving, D(2024, 1, 31), "resigned", actor=guro_clerk)
    too_long = services.save_membership(
        new_membership(
            council, start_date=D(2024, 2, 1), term_end=D(2026, 1, 31), predecessor=leaving
        )
    )
    found = [
        f
        for f in services.composition(council, D(2024, 2, 1)).findings
        if f.code == "term.replacement_beyond_predecessor"
    ]
    assert [(f.members, f.numbers["predecessor_term_end"]) for f in found] == [
        ((too_long.pk,), "2025-05-31")
    ]


@pytest.fixture
def regional(guro, eunpyeong):
    """The regional council plenary and its steering committee, with three 운영위원."""
    plenary = make_body(
        None,
        "regional-council-plenary",
        name="협치서울지역협의회",
        kind=BodyKind.REGIONAL_PLENARY,
        established_on=D(2016, 9, 30),
    )
    steering = make_body(
        None,
        "regional-council-steering",
        name="협치서울지역협의회 운영위원회",
        kind=BodyKind.STEERING,
        parent=plenary,
        established_on=D(2016, 9, 30),
    )
    officer = {"role": MemberRole.COMMUNICATION_OFFICER, "term_end": None}
    staying, leaving, outsider = make_person("F"), make_person("M"), make_person("F")
    add_member(plenary, staying, represents=guro, start_date=D(2016, 10, 1), **officer)
    leaving_seat = add_member(
        plenary, leaving, represents=eunpyeong, start_date=D(2016, 10, 1), **officer
    )
    services.end_membership(leaving_seat, D(2017, 6, 30), "replaced")
    seats = {
        person: add_member(
            steering,
            person,
            role=MemberRole.STEERING_MEMBER,
            start_date=D(2016, 10, 1),
            term_end=None,
        )
        for person in (staying, leaving, outsider)
    }
    return SimpleNamespace(
        plenary=plenary,
        steering=steering,
        staying=seats[staying],
        leaving=seats[leaving],
        outsider=seats[outsider],
    )


def test_steering_members_must_be_communication_officers_from_2017_06_26(regional):
    def ineligible(day):
        report = services.composition(regional.steering, day)
        return {
            m for f in report.findings if f.code == "eligibility.parent_role" for m in f.members
        }

    assert ineligible(D(2017, 6, 25)) == set()  # the 2016 rules said nothing
    assert ineligible(D(2017, 6, 26)) == {regional.outsider.pk}
    assert ineligible(D(2017, 6, 30)) == {regional.outsider.pk}
    assert ineligible(D(2017, 7, 1)) == {regional.outsider.pk, regional.leaving.pk}


def test_plenary_seat_cap_per_district(regional, guro):
    extra = [
        add_member(
            regional.plenary,
            role=MemberRole.COMMUNICATION_OFFICER,
            represents=guro,
            start_date=D(2017, 7, 1),
            term_end=None,
        )
        for _ in range(2)
    ]
    ok = services.composition(regional.plenary, D(2017, 6, 30))
    assert not [f for f in ok.findings if f.code == "seats.district_cap"]
    report = services.composition(regional.plenary, D(2017, 7, 1))
    caps = [f for f in report.violations if f.code == "seats.district_cap"]
    assert len(caps) == 1
    assert caps[0].numbers == {"district_id": guro.pk, "count": 3, "max": 2}
    staying_seat = Membership.objects.get(
        body=regional.plenary, person=regional.staying.person, represents=guro
    )
    assert set(caps[0].members) == pks([staying_seat, *extra])


# ---------------------------------------------------------------- bad memberships


def _refused(call, field: str) -> list[str]:
    before = (Membership.objects.count(), AuditEvent.objects.count())
    with translation.override("en"), pytest.raises(ValidationError) as err:
        call()
    assert field in err.value.message_dict, err.value.message_dict
    assert (Membership.objects.count(), AuditEvent.objects.count()) == before
    return err.value.message_dict[field]


def test_membership_ending_before_it_starts(council):
    messages = _refused(
        lambda: services.save_membership(
            new_membership(council, start_date=D(2020, 1, 1), term_end=D(2019, 12, 31))
        ),
        "term_end",
    )
    assert messages == ["The term cannot end before it starts."]
    messages = _refused(
        lambda: services.save_membership(
            new_membership(
                council, start_date=D(2020, 1, 1), ended_on=D(2019, 12, 1), end_reason="resigned"
            )
        ),
        "ended_on",
    )
    assert messages == ["A membership cannot end before it starts."]


def test_membership_before_the_body_exists(council):
    messages = _refused(
        lambda: services.save_membership(new_membership(council, start_date=D(2019, 5, 1))),
        "start_date",
    )
    assert "2019-05-02" in messages[0]
    # on the day the body is established is fine
    assert services.save_membership(new_membership(council, start_date=D(2019, 5, 2))).pk


def test_overlapping_memberships_of_one_person_in_one_body(council, guro):
    person = make_person()
    services.save_membership(new_membership(council, person))  # 2019-06-01 .. 2021-05-31
    messages = _refused(
        lambda: services.save_membership(
            new_membership(council, person, start_date=D(2021, 5, 31), term_end=D(2023, 5, 30))
        ),
        "start_date",
    )
    assert messages == ["This person already holds a seat in this body during that period."]
    _refused(
        lambda: services.save_membership(
            new_membership(council, person, start_date=D(2018, 6, 1), term_end=None)
        ),
        "start_date",
    )
    # the next term, from the day after, is a renewal and fine
    renewal = services.save_membership(
        new_membership(council, person, start_date=D(2021, 6, 1), term_end=D(2023, 5, 31))
    )
    assert renewal.pk
    # the same person may sit in another body at the same time
    other = make_body(guro, "guro-subcommittee", name="의제발굴분과", parent=council)
    assert services.save_membership(new_membership(other, person)).pk


def test_a_membership_ended_early_frees_the_seat_from_the_next_day(council):
    person = make_person()
    seat = services.save_membership(new_membership(council, person))
    services.end_membership(seat, D(2020, 6, 30), "resigned")
    _refused(
        lambda: services.save_membership(
            new_membership(council, person, start_date=D(2020, 6, 30))
        ),
        "start_date",
    )
    assert services.save_membership(new_membership(council, person, start_date=D(2020, 7, 1))).pk


def test_dismissal_needs_its_ground_and_an_end_needs_a_reason(council):
    seat = services.save_membership(new_membership(council))
    messages = _refused(
        lambda: services.end_membership(seat, D(2020, 1, 31), "dismissed"), "end_ground"
    )
    assert messages == ["A dismissal needs its ground."]
    _refused(lambda: services.end_membership(seat, D(2020, 1, 31), ""), "end_reason")
    seat.refresh_from_db()
    assert (seat.ended_on, seat.end_reason) == (None, "")
    services.end_membership(
        seat, D(2020, 1, 31), "dismissed", ground="제11조 3호: 직무상 알게 된 비밀 누설"
    )
    seat.refresh_from_db()
    assert seat.ended_on == D(2020, 1, 31)
    assert seat.end_ground.startswith("제11조")


def test_replacement_must_be_in_the_same_body(council, guro):
    other = make_body(guro, "guro-subcommittee", name="진단과권고분과", parent=council)
    departed = add_member(other)
    _refused(
        lambda: services.save_membership(new_membership(council, predecessor=departed)),
        "predecessor",
    )


def test_membership_changes_are_audited(council, guro_clerk, guro):
    seat = services.save_membership(new_membership(council), actor=guro_clerk, reason="공개모집")
    seat.role = MemberRole.SECRETARY
    services.save_membership(seat, actor=guro_clerk)
    services.end_membership(seat, D(2020, 3, 1), "resigned", actor=guro_clerk)
    events = list(audit.history(seat))
    assert [e.action for e in events] == ["created", "changed", "ended"]
    assert all(e.actor == guro_clerk and e.district == guro for e in events)
    assert events[0].reason == "공개모집"
    assert events[1].changes == {"role": ["member", "secretary"]}
    assert events[2].changes["ended_on"] == [None, "2020-03-01"]


# ---------------------------------------------------------------- meetings and quorum


def test_meeting_before_its_body_exists_is_refused(council):
    with translation.override("en"), pytest.raises(ValidationError) as err:
        schedule(council, at(2019, 5, 1))
    assert "starts_at" in err.value.message_dict
    assert "2019-05-02" in err.value.message_dict["starts_at"][0]
    assert not Meeting.objects.exists()
    assert schedule(council, at(2019, 5, 2)).pk


@pytest.fixture
def seated(council, guro_clerk):
    """Six members enrolled on 2020-03-26 and a meeting that day."""
    enrolled = [add_member(council) for _ in range(5)]
    last_day = add_member(council)
    services.end_membership(last_day, D(2020, 3, 26), "resigned")
    former = add_member(council)
    services.end_membership(former, D(2020, 3, 25), "resigned")
    future = add_member(council, start_date=D(2020, 3, 27))
    meeting = schedule(council, at(2020, 3, 26), actor=guro_clerk)
    return SimpleNamespace(
        council=council,
        meeting=meeting,
        enrolled=[*enrolled, last_day],
        former=former,
        future=future,
        clerk=guro_clerk,
    )


def _attend(s, members, extra=()):
    entries = [(m.person_id, Capacity.MEMBER) for m in members] + list(extra)
    services.set_attendance(s.meeting, entries, actor=s.clerk)


def test_quorum_counts_only_members_enrolled_on_the_day(seated):
    observer = seated.enrolled[4]  # a member sitting in as an observer does not count
    staff, stranger = make_person(), make_person()
    extra = [
        (observer.person_id, Capacity.OBSERVER),
        (staff.pk, Capacity.STAFF),
        (stranger.pk, Capacity.MEMBER),  # marked as member, but holds no seat
        (seated.former.person_id, Capacity.MEMBER),  # left the day before
        (seated.future.person_id, Capacity.MEMBER),  # starts the day after
    ]
    _attend(seated, seated.enrolled[:3], extra)
    report = services.meeting_quorum(seated.meeting)
    assert (report.result.enrolled, report.result.present) == (6, 3)
    assert report.result.required == 4
    assert not report.result.met  # 3 of 6 is not more than half
    assert {a.person_id for a in report.counted} == {m.person_id for m in seated.enrolled[:3]}
    assert {a.person_id for a in report.not_counted} == {
        observer.person_id,
        staff.pk,
        stranger.pk,
        seated.former.person_id,
        seated.future.person_id,
    }
    # the member whose last day it is makes the quorum
    _attend(seated, [*seated.enrolled[:3], seated.enrolled[5]], extra)
    report = services.meeting_quorum(seated.meeting)
    assert (report.result.present, report.result.met) == (4, True)


def test_quorum_uses_the_date_in_seoul(council):
    members = [add_member(council, start_date=D(2020, 3, 26)) for _ in range(2)]
    early = schedule(council, at(2020, 3, 26, 0, 30))  # 2020-03-25 15:30 UTC
    services.set_attendance(early, [(m.person_id, Capacity.MEMBER) for m in members])
    result = services.meeting_quorum(early).result
    assert (result.enrolled, result.present, result.met) == (2, 2, True)


def test_attendance_listing_a_person_twice_is_refused(seated):
    person = seated.enrolled[0].person_id
    with pytest.raises(ValidationError):
        services.set_attendance(seated.meeting, [(person, Capacity.MEMBER), (person, "staff")])
    with pytest.raises(ValidationError):
        services.set_attendance(seated.meeting, [(person, "speaker")])
    assert not seated.meeting.attendances.exists()


# ---------------------------------------------------------------- votes


@pytest.fixture
def quorate(seated):
    """Four of the six members present, plus an observer."""
    observer = make_person()
    _attend(seated, seated.enrolled[:4], [(observer.pk, Capacity.OBSERVER)])
    seated.observer = observer
    seated.present = seated.enrolled[:4]
    return seated


def motion_on(meeting, kind=MotionKind.ORDINARY, title="2020년 협치의제 선정의 건") -> Motion:
    return Motion.objects.create(meeting=meeting, title=title, kind=kind)


def test_record_vote_with_counts_stores_the_outcome_and_its_basis(quorate):
    motion = motion_on(quorate.meeting)
    result = services.record_vote(motion, yes=3, no=1, actor=quorate.clerk)
    assert result.outcome == "passed"
    motion.refresh_from_db()
    assert motion.outcome == Outcome.PASSED
    assert (motion.yes, motion.no, motion.abstain, motion.roll_call) == (3, 1, 0, False)
    basis = motion.outcome_basis
    assert {k: basis[k] for k in ("enrolled", "present", "quorum_required", "yes_required")} == {
        "enrolled": 6,
        "present": 4,
        "quorum_required": 4,
        "yes_required": 3,
    }
    assert "제13조②" in basis["rule"] and "guro-council.toml" in basis["rule"]
    tie = motion_on(quorate.meeting, title="tie")
    assert services.record_vote(tie, yes=2, no=2).outcome == "failed"


def test_more_votes_than_members_present_is_refused(quorate):
    motion = motion_on(quorate.meeting)
    with translation.override("en"), pytest.raises(ValidationError) as err:
        services.record_vote(motion, yes=4, no=1)
    assert "5 votes recorded but only 4 members present" in err.value.messages[0]
    motion.refresh_from_db()
    assert (motion.outcome, motion.yes) == (Outcome.PENDING, None)
    assert "voted" not in " ".join(actions(motion))
    with pytest.raises(ValidationError):
        services.record_vote(motion)  # no count given at all


def test_roll_call_only_present_members_vote(quorate):
    motion = motion_on(quorate.meeting)
    p = [m.person_id for m in quorate.present]
    with translation.override("en"), pytest.raises(ValidationError) as err:
        services.record_vote(motion, roll_call={p[0]: "yes", quorate.observer.pk: "yes"})
    assert err.value.messages == ["Only members present can vote in the roll call."]
    absent = quorate.enrolled[5].person_id
    with pytest.raises(ValidationError):
        services.record_vote(motion, roll_call={absent: "yes"})
    with pytest.raises(ValidationError):
        services.record_vote(motion, roll_call={p[0]: "maybe"})
    assert not Vote.objects.filter(motion=motion).exists()

    result = services.record_vote(
        motion, roll_call={p[0]: "yes", p[1]: "yes", p[2]: "no", p[3]: "abstain"}
    )
    # 2 of 4 present in favour is not a majority: the abstention counts as present
    assert (result.yes, result.no, result.abstain, result.outcome) == (2, 1, 1, "failed")
    motion.refresh_from_db()
    assert motion.roll_call and motion.outcome == Outcome.FAILED
    assert dict(motion.votes.values_list("person_id", "choice")) == {
        p[0]: "yes",
        p[1]: "yes",
        p[2]: "no",
        p[3]: "abstain",
    }
    # a member present who did not vote still counts as present
    result = services.record_vote(motion, roll_call={p[0]: "yes", p[1]: "yes", p[2]: "yes"})
    assert result.outcome == "passed"
    assert motion.votes.count() == 3
    # switching to counts drops the roll call it replaces
    services.record_vote(motion, yes=1, no=3)
    motion.refresh_from_db()
    assert (motion.roll_call, motion.outcome) == (False, Outcome.FAILED)
    assert not motion.votes.exists()


def test_vote_without_quorum(seated):
    _attend(seated, seated.enrolled[:3])
    motion = motion_on(seated.meeting)
    result = services.record_vote(motion, yes=3)
    assert result.outcome == "no_quorum"
    motion.refresh_from_db()
    assert motion.outcome == Outcome.NO_QUORUM
    with pytest.raises(ValidationError):
        services.decide(motion, "선정")


def test_decide_turns_a_passed_motion_into_a_decision(quorate):
    failed = motion_on(quorate.meeting, title="부결")
    services.record_vote(failed, yes=2, no=2)
    with translation.override("en"), pytest.raises(ValidationError) as err:
        services.decide(failed, "부결된 안건")
    assert err.value.messages == ["Only a motion that passed becomes a decision."]
    assert not Decision.objects.exists()

    motion = motion_on(quorate.meeting)
    services.record_vote(motion, yes=4, actor=quorate.clerk)
    decision = services.decide(motion, "협치의제 5건 선정", "…", publish=True, actor=quorate.clerk)
    assert (decision.body, decision.meeting, decision.decided_on) == (
        quorate.council,
        quorate.meeting,
        D(2020, 3, 26),
    )
    assert decision.published
    again = services.decide(motion, "협치의제 6건 선정", actor=quorate.clerk)
    assert again.pk == decision.pk and Decision.objects.count() == 1
    assert actions(decision) == ["decided", "decided"]
    assert actions(motion) == ["voted: passed"]


# ---------------------------------------------------------------- rulebook amendments


def _amendment_decision(meeting, present_count: int, yes: int, actor=None) -> Decision:
    motion = motion_on(meeting, MotionKind.AMENDMENT, "운영규정 개정(안)")
    result = services.record_vote(motion, yes=yes, no=present_count - yes, actor=actor)
    assert result.outcome == "passed"
    return services.decide(motion, "운영규정 개정", actor=actor)


STRICTER_QUORUM = {
    "quorum": {"base": "enrolled", "fraction": "2/3", "strict": True, "article": "제13조② 개정"}
}


def test_amendment_creates_a_version_from_its_effective_date(quorate, eunpyeong):
    council = quorate.council
    decision = _amendment_decision(quorate.meeting, 4, 3, quorate.clerk)
    amendment = services.amend_rulebook(
        decision, D(2020, 7, 1), STRICTER_QUORUM, "2020-07-01 개정", actor=quorate.clerk
    )
    assert amendment.rulebook_key == "guro-council"
    before = rulebook_for(council, D(2020, 6, 30))
    after = rulebook_for(council, D(2020, 7, 1))
    assert before.amendment_id is None and before.spec.quorum.fraction == Fraction(1, 2)
    assert after.amendment_id == amendment.pk
    assert after.spec.quorum.fraction == Fraction(2, 3) and after.spec.quorum.strict
    assert after.label == "2020-07-01 개정"
    assert after.spec.term == before.spec.term  # what was not amended carries over
    assert f"amendment #{amendment.pk}" in after.citation
    assert actions(decision)[-1] == "rulebook amended"

    # The same four of six members: a quorum under the old rule, not under the new one.
    meetings = [schedule(council, at(2020, 6, 25)), schedule(council, at(2020, 7, 23))]
    present = [quorate.enrolled[0], quorate.enrolled[1], quorate.enrolled[2], quorate.future]
    for meeting in meetings:
        services.set_attendance(meeting, [(m.person_id, Capacity.MEMBER) for m in present])
    june, july = (services.meeting_quorum(m) for m in meetings)
    assert (june.result.enrolled, june.result.present, june.result.met) == (6, 4, True)
    assert (july.result.enrolled, july.result.present, july.result.met) == (6, 4, False)
    assert july.result.required == 5
    assert july.rulebook.amendment_id == amendment.pk

    # Another body on the same rulebook file keeps its own rules.
    other = make_body(eunpyeong, name="은평구협치회의")
    assert rulebook_for(other, D(2020, 7, 1)).amendment_id is None


def test_only_a_passed_amendment_motion_amends(quorate):
    ordinary = motion_on(quorate.meeting)
    services.record_vote(ordinary, yes=4)
    decision = services.decide(ordinary, "일반 의결")
    with pytest.raises(ValidationError):
        services.amend_rulebook(decision, D(2020, 7, 1), STRICTER_QUORUM, "x")
    assert not RulebookAmendment.objects.exists()


def test_amendment_with_invalid_rules_or_retroactive_date_is_refused(quorate):
    decision = _amendment_decision(quorate.meeting, 4, 4)
    bad = {"quorum": {"base": "enrolled", "fraction": "3/2", "strict": True}}
    with translation.override("en"), pytest.raises(ValidationError) as err:
        services.amend_rulebook(decision, D(2020, 7, 1), bad, "bad")
    assert "not valid" in err.value.messages[0]
    with translation.override("en"), pytest.raises(ValidationError) as err:
        services.amend_rulebook(decision, D(2020, 3, 25), STRICTER_QUORUM, "retroactive")
    assert "effective_from" in err.value.message_dict
    assert not RulebookAmendment.objects.exists()
    assert rulebook_for(quorate.council, D(2020, 7, 1)).amendment_id is None
    # effective on the day it is decided is fine
    assert services.amend_rulebook(decision, D(2020, 3, 26), STRICTER_QUORUM, "same day").pk


def test_plenary_amendment_on_the_day_of_a_file_version_takes_precedence(regional):
    plenary = regional.plenary
    present = [add_member(plenary, start_date=D(2016, 10, 1), term_end=None) for _ in range(3)]
    meeting = schedule(plenary, at(2017, 6, 26, 15))
    services.set_attendance(meeting, [(m.person_id, Capacity.MEMBER) for m in present])
    # 5 enrolled (2 officers + 3), 3 present; 2/3 of 3 present is 2 (inclusive)
    motion = motion_on(meeting, MotionKind.AMENDMENT)
    result = services.record_vote(motion, yes=2, no=1)
    assert (result.outcome, result.required_yes) == ("passed", 2)
    decision = services.decide(motion, "운영규정 개정")
    amendment = services.amend_rulebook(
        decision, D(2017, 6, 26), {"meetings": {"regular_per_year": 6}}, "2017-06-26 의결"
    )
    in_force = rulebook_for(plenary, D(2017, 6, 26))
    assert in_force.amendment_id == amendment.pk
    assert in_force.spec.meetings.regular_per_year == 6
    assert in_force.spec.term.years is None  # built on the file's 2017 version


# ---------------------------------------------------------------- convening


def test_extraordinary_steering_meeting_convened_at_members_request(regional):
    members = [regional.staying, regional.leaving, regional.outsider]
    one = schedule(
        regional.steering,
        at(2017, 5, 10),
        kind=MeetingKind.EXTRAORDINARY,
        convened_by=ConvenedBy.MEMBER_REQUEST,
        requested_by=[members[0].person],
    )
    assert one.convening_check["ok"] is False
    assert [f["code"] for f in one.convening_check["findings"]] == ["convening.too_few_requests"]
    stranger = make_person()
    still_one = schedule(
        regional.steering,
        at(2017, 5, 11),
        kind=MeetingKind.EXTRAORDINARY,
        convened_by=ConvenedBy.MEMBER_REQUEST,
        requested_by=[members[0].person, stranger],
    )
    assert still_one.convening_check["ok"] is False
    two = schedule(
        regional.steering,
        at(2017, 5, 12),
        kind=MeetingKind.EXTRAORDINARY,
        convened_by=ConvenedBy.MEMBER_REQUEST,
        requested_by=[members[0].person, members[1].person],
    )
    assert two.convening_check["ok"] is True and two.convening_check["findings"] == []


def test_extraordinary_plenary_needs_a_resolution_of_its_own_steering_committee(regional):
    steering_decision = Decision.objects.create(
        body=regional.steering, title="임시회의 소집", decided_on=D(2017, 8, 24)
    )
    ok = schedule(
        regional.plenary,
        at(2017, 9, 4),
        kind=MeetingKind.EXTRAORDINARY,
        convened_by=ConvenedBy.RESOLUTION,
        convening_decision=steering_decision,
    )
    assert ok.convening_check["ok"] is True

    chair = schedule(
        regional.plenary,
        at(2017, 9, 5),
        kind=MeetingKind.EXTRAORDINARY,
        convened_by=ConvenedBy.CHAIR,
    )
    assert [f["code"] for f in chair.convening_check["findings"]] == ["convening.not_allowed"]

    elsewhere = make_body(
        None,
        "regional-council-steering",
        name="다른 협의회 운영위원회",
        kind=BodyKind.STEERING,
        scope=Scope.CITY,
        established_on=D(2016, 1, 1),
    )
    foreign = Decision.objects.create(body=elsewhere, title="소집", decided_on=D(2017, 8, 24))
    unrelated = schedule(
        regional.plenary,
        at(2017, 9, 6),
        kind=MeetingKind.EXTRAORDINARY,
        convened_by=ConvenedBy.RESOLUTION,
        convening_decision=foreign,
    )
    assert [f["code"] for f in unrelated.convening_check["findings"]] == [
        "convening.unrelated_resolution"
    ]
    late = Decision.objects.create(
        body=regional.steering, title="사후 소집", decided_on=D(2017, 9, 8)
    )
    after = schedule(
        regional.plenary,
        at(2017, 9, 7),
        kind=MeetingKind.EXTRAORDINARY,
        convened_by=ConvenedBy.RESOLUTION,
        convening_decision=late,
    )
    assert [f["code"] for f in after.convening_check["findings"]] == [
        "convening.resolution_after_meeting"
    ]
    assert actions(after) == ["scheduled"]


def test_guro_extraordinary_meeting_by_a_third_of_members(council):
    seats = [add_member(council) for _ in range(35)]
    for count, ok in ((11, False), (12, True)):
        meeting = schedule(
            council,
            at(2020, 4, 1 + count),
            kind=MeetingKind.EXTRAORDINARY,
            convened_by=ConvenedBy.MEMBER_REQUEST,
            requested_by=[s.person for s in seats[:count]],
        )
        assert meeting.convening_check["ok"] is ok, count


# ---------------------------------------------------------------- regular meetings per year


def _held(body, *days):
    for day in days:
        schedule(body, at(*day), status=MeetingStatus.HELD)


def test_four_regular_meetings_a_year(council):
    _held(council, (2020, 3, 26), (2020, 6, 25), (2020, 9, 24))
    schedule(council, at(2020, 12, 17))  # scheduled, never held
    schedule(council, at(2020, 11, 5), kind=MeetingKind.EXTRAORDINARY, status="held")
    findings = services.regular_meeting_findings(council, 2020, today=D(2021, 1, 10))
    assert [(f.code, f.numbers) for f in findings] == [
        ("meetings.too_few_per_year", {"year": 2020, "held": 3, "required": 4})
    ]
    # a year still running is not judged on its total
    assert services.regular_meeting_findings(council, 2020, today=D(2020, 12, 1)) == []
    _held(council, (2020, 12, 10))
    assert services.regular_meeting_findings(council, 2020, today=D(2021, 1, 10)) == []


def test_monthly_meetings_judged_on_months_the_body_existed_and_that_are_over(council, guro):
    sub = make_body(guro, "guro-subcommittee", name="의제발굴분과", parent=council)
    assert sub.established_on == D(2019, 5, 2)  # May 2019 is not a whole month of it
    _held(sub, *[(2019, month, 20) for month in (6, 7, 9, 10, 11, 12)])
    findings = services.regular_meeting_findings(sub, 2019, today=D(2020, 2, 1))
    assert [(f.code, f.numbers["months"]) for f in findings] == [("meetings.missing_months", "8")]
    _held(sub, (2020, 1, 23))
    # in March 2020 only January and February can be judged
    findings = services.regular_meeting_findings(sub, 2020, today=D(2020, 3, 15))
    assert [(f.code, f.numbers["months"]) for f in findings] == [("meetings.missing_months", "2")]
    assert services.regular_meeting_findings(sub, 2018, today=D(2020, 3, 15)) == []


# ---------------------------------------------------------------- minutes


def test_minutes_are_approved_at_a_later_meeting_of_the_same_body(council, guro, guro_clerk):
    first = schedule(council, at(2020, 3, 26))
    minutes = Minutes.objects.create(meeting=first, overview="1차 정기회")
    earlier = schedule(council, at(2020, 3, 19))
    other_body = make_body(guro, "guro-subcommittee", name="운영분과", parent=council)
    elsewhere = schedule(other_body, at(2020, 6, 25))
    for wrong in (earlier, first, elsewhere):
        with pytest.raises(ValidationError):
            services.approve_minutes(minutes, wrong, actor=guro_clerk)
        minutes.refresh_from_db()
        assert (minutes.status, minutes.approved_at) == (MinutesStatus.DRAFT, None)
    with translation.override("en"), pytest.raises(ValidationError) as err:
        services.publish_minutes(minutes)
    assert err.value.messages == ["Only approved minutes can be published."]

    second = schedule(council, at(2020, 6, 25))
    services.approve_minutes(minutes, second, actor=guro_clerk)
    minutes.refresh_from_db()
    assert (minutes.status, minutes.approved_at) == (MinutesStatus.APPROVED, second)
    with pytest.raises(ValidationError):
        services.approve_minutes(minutes, schedule(council, at(2020, 9, 24)))
    services.publish_minutes(minutes, actor=guro_clerk)
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.PUBLISHED and minutes.published_at is not None
    events = list(audit.history(minutes))
    assert [e.action for e in events] == ["approved", "published"]
    assert events[0].changes == {"approved_at": second.pk}
    assert all(e.actor == guro_clerk and e.district == guro for e in events)


# ---------------------------------------------------------------- audit trail


def test_each_step_of_a_meeting_is_in_the_history(quorate, guro):
    meeting, clerk = quorate.meeting, quorate.clerk
    assert actions(meeting) == ["scheduled", "attendance recorded"]
    attendance = audit.history(meeting).last()
    assert attendance.actor == clerk and attendance.district == guro
    assert [quorate.observer.pk, "observer"] in attendance.changes["attendance"]
    motion = motion_on(meeting)
    services.record_vote(motion, yes=3, no=1, actor=clerk)
    vote = audit.history(motion).get()
    assert vote.action == "voted: passed"
    assert vote.changes["yes"] == 3 and vote.changes["present"] == 4
    assert vote.actor == clerk and vote.district == guro


def test_audit_events_are_append_only(council, guro_clerk):
    event = audit.record(council, "created", guro_clerk, "설치")
    event.reason = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with transaction.atomic(), pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.reason, stored.actor, stored.district_id) == (
        "설치",
        guro_clerk,
        council.district_id,
    )
    assert list(audit.history(council)) == [stored]
