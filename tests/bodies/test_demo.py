"""The demo data `make demo` loads: it loads once, goes through the services, and shows what
the seeds describe (2017 regional council, Guro-gu council) with fictional people."""

from __future__ import annotations

import datetime as dt
import glob
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from hyeopchi.bodies import services
from hyeopchi.bodies.demo import PASSWORD
from hyeopchi.bodies.models import (
    Body,
    BodyKind,
    Capacity,
    Decision,
    Meeting,
    MeetingKind,
    Membership,
    Minutes,
    Motion,
    MotionKind,
    RulebookAmendment,
)
from hyeopchi.bodies.rulebooks import rulebook_for
from hyeopchi.core.models import AuditEvent, Role, RoleAssignment
from hyeopchi.directory.masking import mask_name
from hyeopchi.directory.models import Person

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo once for this module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", today=TODAY.isoformat(), stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo


def body(name: str) -> Body:
    return Body.objects.get(name=name)


def count_on(b: Body, day: dt.date) -> int:
    return services.members_on(b, day).count()


def test_accounts_and_credentials(loaded):
    for username, role in [
        ("admin", Role.ADMINISTRATOR),
        ("city-officer", Role.CITY_OFFICER),
        ("clerk-guro", Role.DISTRICT_STAFF),
        ("clerk-eunpyeong", Role.DISTRICT_STAFF),
    ]:
        user = get_user_model().objects.get(username=username)
        assert user.check_password(PASSWORD)
        assert RoleAssignment.objects.filter(user=user, role=role).exists()
        assert username in loaded
    assert get_user_model().objects.get(username="admin").is_superuser
    assert RoleAssignment.objects.get(user__username="clerk-guro").district.name_ko == "구로구"
    assert PASSWORD in loaded


def test_regional_council_members(loaded):
    plenary = body("협치서울지역협의회")
    steering = body("협치서울지역협의회 운영위원회")
    assert plenary.kind == BodyKind.REGIONAL_PLENARY and plenary.scope == "city"
    assert plenary.established_on == dt.date(2016, 9, 30)
    assert steering.parent == plenary and steering.established_by.body == plenary
    officers = Membership.objects.filter(body=plenary, role="communication_officer")
    assert officers.filter(represents__isnull=True).count() == 0
    on_day = services.members_on(plenary, dt.date(2017, 6, 26))
    assert on_day.count() == 24
    districts = [m.represents_id for m in on_day]
    assert len(set(districts)) == 13 and max(districts.count(d) for d in districts) == 2
    # 12 steering members, one resigns on 5/22, another on 6/19 (11 → 10).
    assert count_on(steering, dt.date(2017, 5, 22)) == 12
    assert count_on(steering, dt.date(2017, 6, 19)) == 11
    assert count_on(steering, dt.date(2017, 6, 20)) == 10
    ended = Membership.objects.filter(body=steering, end_reason="resigned").order_by("ended_on")
    assert [m.ended_on for m in ended] == [dt.date(2017, 5, 22), dt.date(2017, 6, 19)]
    assert services.members_on(steering, TODAY).filter(role="chair").count() == 1
    # The 은평 officer who resigned is replaced by the observer of the 4th steering meeting.
    resigned = ended.last()
    successor = Membership.objects.get(predecessor__person=resigned.person, body=plenary)
    s4 = Meeting.objects.get(body=steering, number=4)
    assert s4.attendances.get(person=successor.person).capacity == Capacity.OBSERVER
    for day in [dt.date(2017, 6, 19), dt.date(2017, 6, 26), dt.date(2017, 10, 1), TODAY]:
        assert not services.composition(plenary, day).findings, day
        assert not services.composition(steering, day).findings, day


def test_fourth_steering_meeting(loaded):
    steering = body("협치서울지역협의회 운영위원회")
    s4 = Meeting.objects.get(body=steering, number=4)
    assert s4.starts_at.isoformat() == "2017-06-19T04:00:00+00:00"  # 13:00 in Seoul
    assert s4.venue == "NPO 지원센터 2층 교육장"
    assert s4.attendances.count() == 16
    report = services.meeting_quorum(s4)
    assert (report.result.enrolled, report.result.present, report.result.met) == (11, 7, True)
    assert report.result.required == 6
    assert len(report.not_counted) == 9  # 1 observer, 3 city staff, 5 support officers
    assert s4.motions.count() == 4
    assert s4.decisions.filter(published=True).count() == 4
    assert s4.action_items.count() == 5
    minutes = Minutes.objects.get(meeting=s4)
    assert minutes.status == "published"
    assert minutes.approved_at.date == dt.date(2017, 7, 27)
    s3 = Meeting.objects.get(body=steering, number=3)
    assert s3.date == dt.date(2017, 5, 23) and s3.minutes.approved_at == s4


def test_monthly_steering_series(loaded):
    steering = body("협치서울지역협의회 운영위원회")
    series = steering.series.get()
    assert series.rrule.startswith("FREQ=MONTHLY;BYDAY=4TH")
    days = [m.date for m in Meeting.objects.filter(series=series).order_by("starts_at")]
    assert days == [
        dt.date(2017, 7, 27),
        dt.date(2017, 8, 24),
        dt.date(2017, 9, 28),
        dt.date(2017, 10, 26),
        dt.date(2017, 11, 23),
        dt.date(2017, 12, 28),
    ]
    assert [m.number for m in Meeting.objects.filter(series=series)] == [5, 6, 7, 8, 9, 10]
    assert all(m.starts_at.hour == 1 for m in Meeting.objects.filter(series=series))  # 10:00


def test_fourth_plenary_and_amendment(loaded):
    plenary = body("협치서울지역협의회")
    p4 = Meeting.objects.get(body=plenary, number=4)
    assert p4.date == dt.date(2017, 6, 26) and "은평상상허브 3층" in p4.venue
    reports = p4.agenda_items.filter(section="report").order_by("number")
    items = p4.agenda_items.filter(section="decision").order_by("number")
    assert [a.number for a in reports] == [1, 2, 3, 4]
    assert [a.number for a in items] == [1, 2, 3, 4]
    assert "붙임 5" in items[1].attachment_label and "붙임 6" in items[2].attachment_label
    quorum = services.meeting_quorum(p4).result
    assert quorum.met and quorum.enrolled == 24 and quorum.present == 17
    motion = Motion.objects.get(meeting=p4, kind=MotionKind.AMENDMENT)
    assert motion.outcome == "passed"
    assert (motion.yes, motion.no, motion.abstain) == (14, 2, 1)
    assert motion.outcome_basis["yes_required"] == 12  # 2/3 of 17 present, inclusive
    assert motion.decision.published
    # The 2017 version ships as a policy file; the plenary's decision amends nothing in the DB.
    assert not RulebookAmendment.objects.filter(rulebook_key="regional-council-plenary").exists()
    assert rulebook_for(plenary, p4.date).spec.term.years is None
    # Four regular plenaries in 2017 (1st-4th), the count the rules require.
    regular = Meeting.objects.filter(
        body=plenary, kind=MeetingKind.REGULAR, status="held", starts_at__year=2017
    )
    assert regular.count() == 4
    assert not services.regular_meeting_findings(plenary, 2017, today=TODAY)
    # Earlier minutes are approved at the following plenary and published.
    assert Meeting.objects.get(body=plenary, number=3).minutes.approved_at == p4


def test_seoul_governance_council(loaded):
    council = body("서울협치협의회")
    assert council.kind == BodyKind.CITY_COMMITTEE
    m3 = Meeting.objects.get(body=council, number=3)
    assert m3.date == dt.date(2017, 6, 9)
    assert m3.attendances.filter(capacity=Capacity.MEMBER).count() == 10
    assert m3.attendances.filter(capacity=Capacity.STAFF).count() == 6
    assert services.meeting_quorum(m3).result.met
    day = dt.date(2017, 6, 9)
    assert count_on(body("협치학교 분과위원회"), day) == 8
    assert count_on(body("진단과 권고 분과위원회"), day) == 13
    assert count_on(body("기본계획 TFT"), day) == 7
    assert body("기본계획 TFT").meetings.count() == 2


def test_guro_council_composition(loaded):
    council = body("구로구협치회의")
    assert council.district.name_ko == "구로구" and council.rulebook_key == "guro-council"
    day = dt.date(2020, 6, 30)
    members = list(services.members_on(council, day))
    assert len(members) == 36
    ex_officio = [m for m in members if m.appointment == "ex_officio"]
    appointed = [m for m in members if m.appointment == "appointed"]
    assert len(ex_officio) == 6  # 5 ex officio members and the secretary (간사)
    assert len([m for m in ex_officio if m.role == "secretary"]) == 1
    assert len(appointed) == 30
    sources = [m.nomination_source for m in appointed]
    assert sum("구로구의회" in s for s in sources) == 3
    assert sum("주민참여예산위원회" in s for s in sources) == 3
    assert sum("민간대표자협의회" in s for s in sources) == 3
    assert sum("공개모집" in s for s in sources) == 21
    assert len([m for m in members if m.role == "co_chair"]) == 2
    for check in [
        dt.date(2019, 7, 11),
        dt.date(2020, 5, 1),
        day,
        dt.date(2021, 7, 1),
        dt.date(2023, 7, 1),
        dt.date(2025, 7, 1),
        TODAY,
        dt.date(2027, 11, 25),
    ]:
        report = services.composition(council, check)
        assert not report.violations, (check, report.violations)
        assert not report.warnings, (check, report.warnings)
    # A replacement serves the rest of the predecessor's term; renewals at most once.
    replacement = Membership.objects.get(body=council, predecessor__isnull=False)
    assert replacement.term_end == replacement.predecessor.term_end == dt.date(2021, 6, 30)
    assert replacement.predecessor.end_reason == "resigned"
    renewed = Membership.objects.filter(body=council, renewal_of__isnull=False)
    assert renewed.exists() and max(m.term_number for m in renewed) == 2


def test_guro_subcommittees_working_groups_and_warning(loaded):
    council = body("구로구협치회의")
    subs = {b.name: b for b in council.children.filter(kind=BodyKind.SUBCOMMITTEE)}
    assert set(subs) == {"운영분과", "진단과권고분과", "의제발굴분과", "공익활동촉진분과"}
    groups = council.children.filter(kind=BodyKind.WORKING_GROUP)
    assert groups.count() == 7
    assert all(g.rulebook_key == "working-group" for g in groups)
    assert all(g.memberships.exists() for g in groups)
    for day in [dt.date(2020, 6, 30), dt.date(2024, 1, 10), TODAY]:
        for name, sub in subs.items():
            report = services.composition(sub, day)
            assert not report.violations, (name, day, report.violations)
            codes = [f.code for f in report.warnings]
            if name == "운영분과":  # the planted warning: civilians exactly 70 %
                assert codes == ["composition.civilian_share_at_minimum"]
            else:
                assert codes == []
    for sub in subs.values():
        held_2020 = sub.meetings.filter(status="held", starts_at__year=2020)
        assert held_2020.count() == 12
        assert not services.regular_meeting_findings(sub, 2020, today=TODAY)


def test_guro_meetings_2020(loaded):
    council = body("구로구협치회의")
    meetings = Meeting.objects.filter(body=council, starts_at__year=2020).order_by("starts_at")
    assert [m.kind for m in meetings].count(MeetingKind.REGULAR) == 4
    extraordinary = meetings.get(kind=MeetingKind.EXTRAORDINARY)
    assert extraordinary.convened_by == "member_request"
    assert extraordinary.convening_check["ok"] is True
    assert extraordinary.requested_by.count() * 3 >= count_on(council, extraordinary.date)
    for meeting in meetings:
        assert meeting.status == "held"
        assert services.meeting_quorum(meeting).result.met
        assert meeting.agenda_items.exists()
        assert meeting.minutes.status == "published"
    assert Decision.objects.filter(meeting__in=meetings, published=True).count() >= 7
    # The council's own DB amendment: regular sessions every other month from 2021.
    amendment = RulebookAmendment.objects.get(rulebook_key="guro-council")
    assert amendment.decision.motion.kind == MotionKind.AMENDMENT
    assert rulebook_for(council, dt.date(2020, 12, 31)).spec.meetings.regular_per_year == 4
    assert rulebook_for(council, dt.date(2021, 1, 1)).spec.meetings.regular_per_year == 6
    assert not services.regular_meeting_findings(council, 2024, today=TODAY)


def test_upcoming_meetings_and_second_district(loaded):
    council = body("구로구협치회의")
    upcoming = Meeting.objects.filter(
        body=council, status="scheduled", starts_at__date__gt=TODAY
    ).order_by("starts_at")
    assert upcoming.first().date == dt.date(2026, 11, 26)  # 4th Thursday of November
    assert upcoming.first().agenda_items.count() >= 3
    agenda_sub = body("의제발굴분과")
    assert agenda_sub.meetings.filter(status="scheduled", starts_at__date__gt=TODAY).exists()
    assert services.members_on(council, upcoming.first().date).count() == 36
    eunpyeong = Body.objects.get(district__name_ko="은평구")
    assert eunpyeong.memberships.count() == 21
    assert eunpyeong.meetings.filter(status="scheduled", starts_at__date__gt=TODAY).exists()
    assert eunpyeong.meetings.filter(status="held").exists()


def test_audit_history_exists(loaded):
    s4 = Meeting.objects.get(body__name="협치서울지역협의회 운영위원회", number=4)
    actions = set(
        AuditEvent.objects.filter(model="bodies.meeting", object_id=str(s4.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"scheduled", "attendance recorded"} <= actions
    assert AuditEvent.objects.filter(model="bodies.minutes", action="published").exists()
    assert AuditEvent.objects.filter(
        model="bodies.membership", actor__username="clerk-guro"
    ).exists()


def test_people_are_fictional_and_masked(loaded):
    people = list(Person.objects.all())
    assert len(people) > 200
    assert len({p.name for p in people}) == len(people)
    for person in people:
        assert not person.public_name_consent
        assert person.public_name == mask_name(person.name) != person.name
    seeds = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    texts = "".join(Path(f).read_text(encoding="utf-8") for f in glob.glob(f"{seeds}/*.txt"))
    if texts:
        assert [p.name for p in people if p.name in texts] == []


def test_public_body_page_masks_names(loaded, client):
    steering = body("협치서울지역협의회 운영위원회")
    try:
        url = reverse("bodies:body", args=[steering.pk])
    except NoReverseMatch:
        pytest.skip("no public body page yet")
    page = client.get(url).content.decode()
    for m in steering.memberships.select_related("person"):
        assert m.person.name not in page
    assert any(m.person.public_name in page for m in steering.memberships.all())


def test_loading_twice_changes_nothing(loaded):
    counts = [
        model.objects.count()
        for model in (Body, Membership, Meeting, Motion, Decision, Person, AuditEvent)
    ]
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert counts == [
        model.objects.count()
        for model in (Body, Membership, Meeting, Motion, Decision, Person, AuditEvent)
    ]
