"""The web UI of bodies and meetings: public pages show no personal data, staff forms
validate every bad input without a server error and save nothing when they refuse."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hyeopchi.bodies import services
from hyeopchi.bodies.models import (
    AgendaItem,
    AgendaSection,
    Appointment,
    Attendance,
    Body,
    BodyKind,
    Capacity,
    ConvenedBy,
    Decision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    Minutes,
    MinutesStatus,
    Motion,
    Outcome,
    Sector,
)
from hyeopchi.core.models import AuditEvent
from hyeopchi.directory.models import Person
from tests.conftest import add_member, make_body, make_person

SEOUL = ZoneInfo("Asia/Seoul")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read the English messages; Korean is the site default (tested in core)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def members(council):
    """A council of five: 김영수 carries contact data that must never appear publicly."""
    people = [
        make_person(
            "M",
            "김영수",
            email="youngsoo@example.org",
            phone="010-1234-5678",
            birth_year=1971,
        ),
        make_person("F", "박지현"),
        make_person("M", "이민호"),
        make_person("F", "최은정"),
        make_person("F", "정하늘"),
    ]
    return [add_member(council, p) for p in people]


@pytest.fixture
def held_meeting(council, members):
    meeting = services.save_meeting(
        Meeting(body=council, starts_at=at(dt.date(2019, 7, 25)), status=MeetingStatus.HELD)
    )
    services.set_attendance(
        meeting,
        [(m.person_id, Capacity.MEMBER) for m in members[:4]]
        + [(make_person("F", "한소희").pk, Capacity.OBSERVER)],
    )
    return meeting


@pytest.fixture
def clerk_client(client, guro_clerk):
    client.force_login(guro_clerk)
    return client


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- public pages


@pytest.mark.django_db
def test_home_lists_the_25_districts_and_city_bodies(client):
    make_body(None, name="협치서울지역협의회", kind=BodyKind.REGIONAL_PLENARY)
    page = text(client.get(reverse("home")))
    assert page.count('href="/districts/') == 25
    assert "Guro-gu" in page and "협치서울지역협의회" in page
    assert '<html lang="en">' in page
    assert 'href="#main"' in page  # skip link


@pytest.mark.django_db
def test_district_page_shows_body_tree_meetings_and_published_decisions(
    client, guro, council, held_meeting
):
    sub = make_body(guro, name="복지분과", kind=BodyKind.SUBCOMMITTEE, parent=council)
    future = services.save_meeting(
        Meeting(body=council, starts_at=timezone_now_plus(days=10), venue="구청 회의실")
    )
    Decision.objects.create(
        body=council, title="공개된 결정", decided_on=dt.date(2019, 7, 25), published=True
    )
    Decision.objects.create(
        body=council, title="비공개 초안", decided_on=dt.date(2019, 7, 25), published=False
    )
    page = text(client.get(reverse("bodies:district", args=[guro.code])))
    assert sub.name in page and council.name in page
    # the subcommittee is nested under the council
    assert re.search(r"구로구협치회의</a>.*?<ul class=\"tree\">.*?복지분과", page, re.S)
    assert reverse("bodies:meeting", args=[future.pk]) in page
    assert "공개된 결정" in page
    assert "비공개 초안" not in page


def timezone_now_plus(days: int) -> dt.datetime:
    from django.utils import timezone

    return timezone.now() + dt.timedelta(days=days)


@pytest.mark.django_db
def test_body_page_masks_names_and_hides_contact_data(client, council, members):
    page = text(client.get(reverse("bodies:body", args=[council.pk]) + "?date=2019-07-01"))
    assert "김*수" in page and "박*현" in page
    for secret in ("김영수", "박지현", "youngsoo@example.org", "010-1234-5678", "1971"):
        assert secret not in page
    assert f"/bodies/{council.pk}/calendar.ics" in page
    # rulebook name, version and its key numbers with the policy source
    assert "구로구협치회의 (민관협치 활성화 기본조례)" in page
    assert "2019-05-02 조례 제1401호" in page
    assert "제13조② 재적위원 과반수 출석" in page
    assert "seoul-2020/rulebooks/guro-council.toml" in page
    assert "70%" in page and "60%" in page


@pytest.mark.django_db
def test_staff_of_the_district_see_full_names(clerk_client, council, members):
    page = text(clerk_client.get(reverse("bodies:body", args=[council.pk]) + "?date=2019-07-01"))
    assert "김영수" in page


@pytest.mark.django_db
def test_composition_check_names_rule_numbers_and_masked_members(client, council):
    # Five appointed men and one woman: men 83.3% > 60 %, women 16.7% < 40 %.
    for i in range(5):
        add_member(council, make_person("M", f"남궁민{i}"))
    add_member(council, make_person("F", "여은서"))
    page = text(client.get(reverse("bodies:body", args=[council.pk]) + "?date=2019-07-01"))
    assert "composition.gender_cap" not in page  # codes are not shown, words are
    assert "83.3%" in page and "60.0%" in page
    assert "제9조④" in page  # the rule's article
    assert "남**0" in page  # masked member involved
    assert "남궁민0" not in page
    assert "16.7%" in page  # women warning
    # size below the 30-40 band is a warning
    assert "at least 30" in page or "30" in page


@pytest.mark.django_db
def test_composition_as_of_another_date(client, council, members):
    later = make_person("M", "나중에")
    add_member(council, later, start_date=dt.date(2020, 1, 1), term_end=dt.date(2021, 12, 31))
    url = reverse("bodies:body", args=[council.pk])
    assert "나*에" not in text(client.get(url + "?date=2019-07-01"))
    assert "나*에" in text(client.get(url + "?date=2020-06-01"))


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["garbage", "2019-13-45", "2019-02-30", "<script>"])
def test_bad_composition_date_gives_a_message_not_an_error(client, council, members, bad):
    response = client.get(reverse("bodies:body", args=[council.pk]), {"date": bad})
    assert response.status_code == 200
    assert "is not a date" in text(response)
    assert "<script>" not in text(response)


@pytest.mark.django_db
def test_date_before_any_rulebook_version_gives_a_message(client, council):
    response = client.get(reverse("bodies:body", args=[council.pk]), {"date": "1999-01-01"})
    assert response.status_code == 200
    assert "no version in force" in text(response)


@pytest.mark.django_db
def test_regular_meetings_held_per_year_against_the_rulebook(client, council, members):
    for month in (3, 6):
        services.save_meeting(
            Meeting(body=council, starts_at=at(dt.date(2020, month, 20)), status="held")
        )
    page = text(client.get(reverse("bodies:body", args=[council.pk]) + "?date=2021-03-01"))
    assert "2 regular meetings in 2020; the rules require 4." in page


@pytest.mark.django_db
def test_meeting_page_shows_agenda_attendance_quorum_motion_and_links(
    client, council, members, held_meeting
):
    AgendaItem.objects.create(
        meeting=held_meeting, section=AgendaSection.REPORT, number=1, title="현황 보고"
    )
    AgendaItem.objects.create(
        meeting=held_meeting, section=AgendaSection.DECISION, number=1, title="세칙 개정"
    )
    motion = Motion.objects.create(meeting=held_meeting, title="세칙 개정안 의결")
    services.record_vote(motion, yes=3, no=1)
    response = client.get(reverse("bodies:meeting", args=[held_meeting.pk]))
    page = text(response)
    assert "현황 보고" in page and "세칙 개정" in page
    assert "report (공유·보고)" in page or "공유·보고" in page
    # attendance: masked, grouped; the observer is not counted
    assert "김*수" in page and "한*희" in page and "김영수" not in page
    assert "4 of 5 enrolled members present; 3 required." in page
    assert "passed" in page.lower()
    assert f"/meetings/{held_meeting.pk}/package.pdf" in page
    assert "정*늘" in page  # absent member, masked


@pytest.mark.django_db
def test_minutes_only_public_when_published(client, council, held_meeting):
    minutes = Minutes.objects.create(meeting=held_meeting, overview="비밀 초안 개요")
    url = reverse("bodies:meeting", args=[held_meeting.pk])
    assert "비밀 초안 개요" not in text(client.get(url))
    later = services.save_meeting(Meeting(body=council, starts_at=at(dt.date(2019, 8, 22))))
    services.approve_minutes(minutes, later)
    services.publish_minutes(minutes)
    page = text(client.get(url))
    assert "비밀 초안 개요" in page
    assert f"/meetings/{held_meeting.pk}/minutes.pdf" in page


@pytest.mark.django_db
def test_decision_pages_show_published_only(client, guro, council):
    shown = Decision.objects.create(
        body=council, title="예산 심의 결과", decided_on=dt.date(2019, 7, 1), published=True
    )
    hidden = Decision.objects.create(
        body=council, title="초안 결정", decided_on=dt.date(2019, 7, 2), published=False
    )
    page = text(client.get(reverse("bodies:district_decisions", args=[guro.code])))
    assert "예산 심의 결과" in page and "초안 결정" not in page
    assert client.get(reverse("bodies:decision", args=[shown.pk])).status_code == 200
    assert client.get(reverse("bodies:decision", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("bodies:city_decisions")).status_code == 200


@pytest.mark.django_db
def test_unknown_district_and_body_are_404(client):
    assert client.get(reverse("bodies:district", args=["99999"])).status_code == 404
    assert client.get(reverse("bodies:body", args=[999999])).status_code == 404


# ---------------------------------------------------------------- query counts


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow_body(body: Body, n: int, start: int = 0) -> None:
    """Add n members, n held meetings with attendance and motions, n decisions."""
    for i in range(start, start + n):
        person = make_person("F" if i % 2 else "M", f"회원{i:03d}")
        add_member(body, person, role="member")
        meeting = Meeting.objects.create(
            body=body,
            number=i + 1,
            starts_at=at(dt.date(2019, 6, 1) + dt.timedelta(days=7 * i)),
            status="held",
        )
        Decision.objects.create(
            body=body,
            meeting=meeting,
            title=f"결정 {i}",
            decided_on=meeting.starts_at.date(),
            published=True,
        )


def grow_meeting(meeting: Meeting, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        person = make_person("F", f"참석{i:03d}")
        add_member(meeting.body, person)
        Attendance.objects.create(meeting=meeting, person=person, capacity=Capacity.MEMBER)
        Attendance.objects.create(
            meeting=meeting, person=make_person("M", f"참관{i:03d}"), capacity=Capacity.OBSERVER
        )
        item = AgendaItem.objects.create(
            meeting=meeting, section=AgendaSection.DECISION, number=i + 1, title=f"안건 {i}"
        )
        motion = Motion.objects.create(
            meeting=meeting, agenda_item=item, title=f"동의 {i}", yes=1, no=0, abstain=0
        )
        motion.outcome = Outcome.PASSED
        motion.roll_call = True
        motion.save()
        motion.votes.create(person=person, choice="yes")
        Decision.objects.create(
            body=meeting.body,
            meeting=meeting,
            motion=motion,
            title=f"결정 {i}",
            decided_on=meeting.date,
            published=True,
        )
        meeting.action_items.create(description=f"할 일 {i}", owner=person)


@pytest.mark.django_db
@pytest.mark.parametrize("as_staff", [False, True])
def test_list_pages_do_not_add_queries_per_row(
    client, guro, guro_clerk, as_staff, django_assert_max_num_queries
):
    if as_staff:
        client.force_login(guro_clerk)
    council = make_body(guro)
    make_body(guro, name="분과", kind=BodyKind.SUBCOMMITTEE, parent=council)
    make_body(None, name="서울협치협의회", kind=BodyKind.CITY_COMMITTEE)
    meeting = Meeting.objects.create(body=council, starts_at=at(dt.date(2019, 9, 1)))
    urls = [
        reverse("home"),
        reverse("bodies:district", args=[guro.code]),
        reverse("bodies:body", args=[council.pk]) + "?date=2019-09-01",
        reverse("bodies:meeting", args=[meeting.pk]),
        reverse("bodies:district_decisions", args=[guro.code]),
    ]
    grow_body(council, 2)
    grow_meeting(meeting, 2)
    small = [count_queries(client, url) for url in urls]
    grow_body(council, 8, start=2)
    grow_meeting(meeting, 8, start=2)
    for _ in range(8):
        make_body(guro, name="워킹그룹", kind=BodyKind.WORKING_GROUP, parent=council)
        make_body(None, name="시 위원회", kind=BodyKind.CITY_COMMITTEE)
    for url, limit in zip(urls, small, strict=True):
        with django_assert_max_num_queries(limit):
            page = text(client.get(url))
        if "/bodies/" in url:
            assert "결정 9" in page  # the added rows are on the page


# ---------------------------------------------------------------- staff: bodies and members


@pytest.mark.django_db
def test_clerk_creates_a_body_in_their_district(clerk_client, guro):
    response = clerk_client.post(
        reverse("bodies:body_create"),
        {
            "name": "구로구 협치회의",
            "kind": BodyKind.COUNCIL,
            "scope": "district",
            "district": guro.pk,
            "rulebook_key": "guro-council",
            "established_on": "2019-05-02",
        },
    )
    body = Body.objects.get(name="구로구 협치회의")
    assert response.status_code == 302
    assert response["Location"] == reverse("bodies:body", args=[body.pk])
    assert AuditEvent.objects.filter(model="bodies.body", object_id=str(body.pk)).exists()


@pytest.mark.django_db
def test_clerk_cannot_create_a_body_in_another_district(clerk_client, eunpyeong):
    response = clerk_client.post(
        reverse("bodies:body_create"),
        {
            "name": "은평 협치회의",
            "kind": BodyKind.COUNCIL,
            "scope": "district",
            "district": eunpyeong.pk,
            "rulebook_key": "guro-council",
            "established_on": "2019-05-02",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert not Body.objects.filter(name="은평 협치회의").exists()
    assert (
        clerk_client.get(reverse("bodies:body_create") + f"?district={eunpyeong.code}").status_code
        == 403
    )


@pytest.mark.django_db
def test_body_and_membership_forms_ignore_ids_that_are_not_numbers(clerk_client, council):
    # "²".isdigit() is true but int("²") fails: the page must ignore it, not fail.
    create = reverse("bodies:body_create")
    assert clerk_client.get(create + "?parent=²").status_code == 200
    member = reverse("bodies:membership_create", args=[council.pk])
    assert clerk_client.get(member + "?person=²").status_code == 200


@pytest.mark.django_db
def test_body_form_rejects_city_scope_for_a_clerk_and_keeps_input(clerk_client, guro):
    response = clerk_client.post(
        reverse("bodies:body_create"),
        {
            "name": "시 위원회 시도",
            "kind": BodyKind.CITY_COMMITTEE,
            "scope": "city",
            "rulebook_key": "guro-council",
            "established_on": "2019-05-02",
        },
    )
    assert response.status_code == 200
    assert 'value="시 위원회 시도"' in text(response)
    assert not Body.objects.filter(name="시 위원회 시도").exists()


@pytest.mark.django_db
def test_body_cannot_be_moved_after_its_first_meeting(clerk_client, council, held_meeting):
    response = clerk_client.post(
        reverse("bodies:body_edit", args=[council.pk]),
        {
            "name": council.name,
            "kind": council.kind,
            "scope": "district",
            "district": council.district_id,
            "rulebook_key": "guro-council",
            "established_on": "2020-01-01",
        },
    )
    assert response.status_code == 200
    assert "already has a meeting" in text(response)
    council.refresh_from_db()
    assert council.established_on == dt.date(2019, 5, 2)


@pytest.mark.django_db
def test_add_person_then_membership_shows_composition(clerk_client, council, guro):
    response = clerk_client.post(
        reverse("bodies:person_create", args=[council.pk]),
        {"name": "홍길동", "gender": "M", "email": "hong@example.org", "birth_year": "1980"},
    )
    person = Person.objects.get(name="홍길동")
    assert person.district == guro
    assert response["Location"].endswith(f"?person={person.pk}")
    form_page = text(clerk_client.get(response["Location"]))
    assert f'<option value="{person.pk}" selected>' in form_page
    response = clerk_client.post(
        reverse("bodies:membership_create", args=[council.pk]),
        {
            "person": person.pk,
            "sector": Sector.CIVIL,
            "appointment": Appointment.APPOINTED,
            "role": "member",
            "start_date": "2019-06-01",
            "term_end": "2021-05-31",
        },
        follow=True,
    )
    page = text(response)
    assert "The membership was saved" in page
    assert "Composition check" in page
    assert "1 members" in page or "1 member" in page
    assert "at least 30 expected" in page  # the size warning, right after the change


@pytest.mark.django_db
def test_person_form_errors_keep_input(clerk_client, council):
    response = clerk_client.post(
        reverse("bodies:person_create", args=[council.pk]),
        {"name": "홍길동", "gender": "M", "birth_year": "1800", "email": "not-an-email"},
    )
    assert response.status_code == 200
    page = text(response)
    assert "Birth year must be between 1900" in page
    assert 'value="홍길동"' in page
    assert not Person.objects.filter(name="홍길동").exists()


def membership_data(person, **overrides):
    data = {
        "person": person.pk,
        "sector": Sector.CIVIL,
        "appointment": Appointment.APPOINTED,
        "role": "member",
        "nomination_source": "주민 공모",
        "start_date": "2019-06-01",
        "term_end": "2021-05-31",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_membership_ending_before_it_starts_is_refused(clerk_client, council, guro):
    person = make_person("F", "서연", district=guro)
    response = clerk_client.post(
        reverse("bodies:membership_create", args=[council.pk]),
        membership_data(person, term_end="2019-01-01"),
    )
    assert response.status_code == 200
    page = text(response)
    assert "The term cannot end before it starts." in page
    assert 'value="주민 공모"' in page and 'value="2019-01-01"' in page
    assert not Membership.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_overlapping_membership_is_refused(clerk_client, council, guro):
    person = make_person("F", "서연", district=guro)
    add_member(council, person)
    response = clerk_client.post(
        reverse("bodies:membership_create", args=[council.pk]),
        membership_data(person, start_date="2020-01-01", term_end="2021-12-31"),
    )
    assert response.status_code == 200
    assert "already holds a seat in this body during that period" in text(response)
    assert Membership.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_membership_before_the_body_exists_is_refused(clerk_client, council, guro):
    person = make_person("F", "서연", district=guro)
    response = clerk_client.post(
        reverse("bodies:membership_create", args=[council.pk]),
        membership_data(person, start_date="2018-01-01", term_end="2019-12-31"),
    )
    assert response.status_code == 200
    assert "a membership cannot start earlier" in text(response)
    assert not Membership.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_replacement_serves_the_rest_of_the_term(clerk_client, council, members, guro):
    leaving = members[0]
    services.end_membership(leaving, dt.date(2020, 3, 1), "resigned")
    newcomer = make_person("M", "후임자", district=guro)
    clerk_client.post(
        reverse("bodies:membership_create", args=[council.pk]),
        membership_data(newcomer, start_date="2020-03-02", term_end="", predecessor=leaving.pk),
    )
    replacement = Membership.objects.get(person=newcomer)
    assert replacement.term_end == leaving.term_end


@pytest.mark.django_db
def test_end_membership_and_its_errors(clerk_client, council, members):
    m = members[1]
    url = reverse("bodies:membership_end", args=[m.pk])
    response = clerk_client.post(url, {"ended_on": "2019-01-01", "end_reason": "resigned"})
    assert response.status_code == 200
    assert "A membership cannot end before it starts." in text(response)
    response = clerk_client.post(url, {"ended_on": "2020-01-01", "end_reason": "dismissed"})
    assert "A dismissal needs its ground." in text(response)
    m.refresh_from_db()
    assert m.ended_on is None
    response = clerk_client.post(
        url, {"ended_on": "2020-01-01", "end_reason": "dismissed", "end_ground": "품위 손상"}
    )
    assert response.status_code == 302
    assert "date=2020-01-02" in response["Location"]
    m.refresh_from_db()
    assert m.ended_on == dt.date(2020, 1, 1) and m.end_ground == "품위 손상"


# ---------------------------------------------------------------- staff: meetings


def meeting_data(**overrides):
    data = {
        "kind": MeetingKind.REGULAR,
        "title": "",
        "starts_at": "2019-09-26T10:00",
        "ends_at": "2019-09-26T12:00",
        "venue": "구로구청 기획상황실",
        "status": MeetingStatus.SCHEDULED,
        "convened_by": ConvenedBy.SCHEDULE,
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_schedule_a_regular_meeting(clerk_client, council):
    response = clerk_client.post(
        reverse("bodies:meeting_create", args=[council.pk]), meeting_data()
    )
    meeting = Meeting.objects.get(body=council)
    assert response["Location"] == reverse("bodies:meeting", args=[meeting.pk])
    assert meeting.number == 1
    assert meeting.starts_at == at(dt.date(2019, 9, 26))


@pytest.mark.django_db
def test_meeting_before_the_body_exists_is_refused(clerk_client, council):
    response = clerk_client.post(
        reverse("bodies:meeting_create", args=[council.pk]),
        meeting_data(starts_at="2018-01-10T10:00", ends_at=""),
    )
    assert response.status_code == 200
    page = text(response)
    assert "a meeting cannot be held before it" in page
    assert 'value="2018-01-10T10:00"' in page
    assert not Meeting.objects.filter(body=council).exists()


@pytest.mark.django_db
def test_meeting_ending_before_it_starts_is_refused(clerk_client, council):
    response = clerk_client.post(
        reverse("bodies:meeting_create", args=[council.pk]),
        meeting_data(ends_at="2019-09-26T09:00"),
    )
    assert response.status_code == 200
    assert "A meeting must end after it starts." in text(response)
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_extraordinary_meeting_records_and_shows_the_convening_check(
    clerk_client, council, members
):
    # Guro: at least 1/3 of the five members (2) must request it; one did.
    response = clerk_client.post(
        reverse("bodies:meeting_create", args=[council.pk]),
        meeting_data(
            kind=MeetingKind.EXTRAORDINARY,
            convened_by=ConvenedBy.MEMBER_REQUEST,
            requested_by=[members[0].person_id],
        ),
        follow=True,
    )
    meeting = Meeting.objects.get(body=council)
    assert meeting.convening_check["ok"] is False
    page = text(response)
    assert "1 members requested the meeting; 2 are required." in page
    assert "김*수" not in page  # staff see full names
    assert "김영수" in page
    response = clerk_client.post(
        reverse("bodies:meeting_edit", args=[meeting.pk]),
        meeting_data(
            kind=MeetingKind.EXTRAORDINARY,
            convened_by=ConvenedBy.MEMBER_REQUEST,
            requested_by=[members[0].person_id, members[1].person_id],
        ),
        follow=True,
    )
    meeting.refresh_from_db()
    assert meeting.convening_check["ok"] is True
    assert "the rules allow this meeting" in text(response)


@pytest.mark.django_db
def test_agenda_item_with_an_attachment(clerk_client, held_meeting):
    upload = SimpleUploadedFile("안건.pdf", PDF, content_type="application/pdf")
    response = clerk_client.post(
        reverse("bodies:agenda_create", args=[held_meeting.pk]),
        {
            "section": AgendaSection.DECISION,
            "number": 1,
            "title": "운영세칙 개정",
            "attachment": upload,
            "attachment_label": "붙임 1",
        },
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=held_meeting)
    assert item.attachment.name.endswith(".pdf")
    page = text(clerk_client.get(reverse("bodies:meeting", args=[held_meeting.pk])))
    assert "붙임 1" in page and item.attachment.url in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", b"MZ\x90\x00", "are not accepted"),
        ("page.html", b"<html>", "are not accepted"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "is not a PDF file"),
        ("huge.pdf", PDF + b"0" * (10 * 1024 * 1024), "at most 10 MB is accepted"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(
    clerk_client, held_meeting, name, content, message
):
    response = clerk_client.post(
        reverse("bodies:agenda_create", args=[held_meeting.pk]),
        {
            "section": AgendaSection.REPORT,
            "number": 3,
            "title": "첨부 시험",
            "attachment": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert 'value="첨부 시험"' in page
    assert not AgendaItem.objects.exists()


@pytest.mark.django_db
def test_duplicate_agenda_number_is_refused(clerk_client, held_meeting):
    AgendaItem.objects.create(
        meeting=held_meeting, section=AgendaSection.REPORT, number=1, title="첫 보고"
    )
    response = clerk_client.post(
        reverse("bodies:agenda_create", args=[held_meeting.pk]),
        {"section": AgendaSection.REPORT, "number": 1, "title": "둘째 보고"},
    )
    assert response.status_code == 200
    assert "already has an item with that number" in text(response)
    assert AgendaItem.objects.count() == 1


@pytest.mark.django_db
def test_attendance_form_lists_enrolled_members_and_records_quorum(clerk_client, council, members):
    meeting = services.save_meeting(Meeting(body=council, starts_at=at(dt.date(2019, 9, 26))))
    url = reverse("bodies:attendance", args=[meeting.pk])
    page = text(clerk_client.get(url))
    for m in members:
        assert m.person.name in page
    observer = make_person("F", "참관인", district=council.district)
    data = {f"member_{m.person_id}": "member" for m in members[:2]}
    data.update({f"member_{m.person_id}": "absent" for m in members[2:]})
    data.update({"extra_0_person": observer.pk, "extra_0_capacity": Capacity.OBSERVER})
    for i in (1, 2):
        data.update({f"extra_{i}_person": "", f"extra_{i}_capacity": Capacity.OBSERVER})
    response = clerk_client.post(url, data, follow=True)
    assert "No quorum: 2 of 5 members present; 3 needed." in text(response)
    assert meeting.attendances.count() == 3
    # the same person twice is refused, nothing changes
    data["extra_1_person"] = observer.pk
    response = clerk_client.post(url, data)
    assert response.status_code == 200
    assert "listed twice" in text(response)
    assert meeting.attendances.count() == 3


@pytest.mark.django_db
def test_motion_with_counts_is_decided_by_the_rulebook(clerk_client, held_meeting):
    response = clerk_client.post(
        reverse("bodies:motion_create", args=[held_meeting.pk]),
        {
            "title": "예산안 의결",
            "kind": "ordinary",
            "mode": "counts",
            "yes_count": 3,
            "no_count": 1,
            "abstain_count": 0,
        },
        follow=True,
    )
    motion = Motion.objects.get(title="예산안 의결")
    assert motion.outcome == Outcome.PASSED
    assert motion.outcome_basis["yes_required"] == 3
    assert "passed (yes 3, no 1, abstain 0; 3 yes needed)" in text(response)


@pytest.mark.django_db
def test_more_votes_than_present_is_refused_and_nothing_saved(clerk_client, held_meeting):
    response = clerk_client.post(
        reverse("bodies:motion_create", args=[held_meeting.pk]),
        {
            "title": "무리한 표결",
            "kind": "ordinary",
            "mode": "counts",
            "yes_count": 4,
            "no_count": 2,
            "abstain_count": 0,
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "6 votes recorded but only 4 members present." in page
    assert 'value="무리한 표결"' in page
    assert not Motion.objects.exists()
    assert not AuditEvent.objects.filter(model="bodies.motion").exists()


@pytest.mark.django_db
def test_roll_call_vote_one_choice_per_present_member(clerk_client, held_meeting, members):
    present = members[:4]
    data = {"title": "호명 표결", "kind": "amendment", "mode": "roll_call"}
    for m, choice in zip(present, ["yes", "yes", "yes", "no"], strict=True):
        data[f"vote_{m.person_id}"] = choice
    page = text(clerk_client.get(reverse("bodies:motion_create", args=[held_meeting.pk])))
    assert members[4].person.name not in page.split("Roll call")[-1]  # absent: no vote field
    clerk_client.post(reverse("bodies:motion_create", args=[held_meeting.pk]), data)
    motion = Motion.objects.get(title="호명 표결")
    assert motion.roll_call and (motion.yes, motion.no) == (3, 1)
    assert motion.votes.count() == 4


@pytest.mark.django_db
def test_decide_a_passed_motion_and_the_public_sees_it(client, guro_clerk, held_meeting, guro):
    motion = Motion.objects.create(meeting=held_meeting, title="분과 신설")
    services.record_vote(motion, yes=3)
    client.force_login(guro_clerk)
    response = client.post(
        reverse("bodies:motion_decide", args=[motion.pk]),
        {"title": "복지분과를 신설한다", "text": "세부 사항은 운영위원회에 위임", "publish": "on"},
    )
    decision = Decision.objects.get(motion=motion)
    assert response["Location"] == reverse("bodies:decision", args=[decision.pk])
    client.logout()
    assert "복지분과를 신설한다" in text(
        client.get(reverse("bodies:district_decisions", args=[guro.code]))
    )


@pytest.mark.django_db
def test_a_failed_motion_cannot_become_a_decision(clerk_client, held_meeting):
    motion = Motion.objects.create(meeting=held_meeting, title="부결 안건")
    services.record_vote(motion, yes=1, no=3)
    response = clerk_client.post(
        reverse("bodies:motion_decide", args=[motion.pk]), {"title": "부결 결정"}
    )
    assert response.status_code == 200
    assert "Only a motion that passed becomes a decision." in text(response)
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_unpublished_decision_can_be_published_later(client, guro_clerk, held_meeting):
    motion = Motion.objects.create(meeting=held_meeting, title="안건")
    services.record_vote(motion, yes=3)
    decision = services.decide(motion, "나중에 공개")
    url = reverse("bodies:decision", args=[decision.pk])
    assert client.get(url).status_code == 404
    client.force_login(guro_clerk)
    client.post(reverse("bodies:decision_publish", args=[decision.pk]))
    client.logout()
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_action_item_needs_an_owner(clerk_client, held_meeting, members):
    url = reverse("bodies:action_create", args=[held_meeting.pk])
    response = clerk_client.post(url, {"description": "회의록 배포", "due_on": "2019-08-01"})
    assert response.status_code == 200
    assert "Name a person or an office responsible." in text(response)
    response = clerk_client.post(
        url, {"description": "회의록 배포", "owner_text": "협치팀", "due_on": "2019-08-01"}
    )
    assert response.status_code == 302
    assert held_meeting.action_items.get().owner_text == "협치팀"


@pytest.mark.django_db
def test_minutes_drafted_approved_at_a_later_meeting_and_published(
    client, guro_clerk, council, held_meeting
):
    client.force_login(guro_clerk)
    client.post(
        reverse("bodies:minutes_edit", args=[held_meeting.pk]),
        {
            "overview": "제3차 정기회의",
            "reports": "현황 보고",
            "discussion": "세칙 논의",
            "decisions_text": "세칙 개정",
            "next_steps": "8월 넷째 목요일",
        },
    )
    minutes = Minutes.objects.get(meeting=held_meeting)
    assert minutes.status == MinutesStatus.DRAFT
    approve = reverse("bodies:minutes_approve", args=[held_meeting.pk])
    earlier = services.save_meeting(Meeting(body=council, starts_at=at(dt.date(2019, 6, 27))))
    response = client.post(approve, {"at_meeting": earlier.pk})
    assert response.status_code == 200
    assert "Minutes are approved at a later meeting." in text(response)
    later = services.save_meeting(Meeting(body=council, starts_at=at(dt.date(2019, 8, 22))))
    assert client.post(approve, {"at_meeting": later.pk}).status_code == 302
    response = client.post(
        reverse("bodies:minutes_edit", args=[held_meeting.pk]), {"overview": "고쳐 쓰기"}
    )
    assert "can no longer be changed" in text(response)
    client.post(reverse("bodies:minutes_publish", args=[held_meeting.pk]))
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.PUBLISHED and minutes.overview == "제3차 정기회의"
    client.logout()
    page = text(client.get(reverse("bodies:meeting", args=[held_meeting.pk])))
    assert "8월 넷째 목요일" in page


@pytest.mark.django_db
def test_publishing_draft_minutes_is_refused_with_a_message(clerk_client, held_meeting):
    Minutes.objects.create(meeting=held_meeting, overview="초안")
    response = clerk_client.post(
        reverse("bodies:minutes_publish", args=[held_meeting.pk]), follow=True
    )
    assert "Only approved minutes can be published." in text(response)


@pytest.mark.django_db
def test_forms_show_errors_next_to_fields_accessibly(clerk_client, council):
    response = clerk_client.post(reverse("bodies:meeting_create", args=[council.pk]), {})
    page = text(response)
    assert 'aria-invalid="true"' in page
    assert 'id="id_starts_at_error"' in page
    assert 'role="alert"' in page


@pytest.mark.django_db
def test_body_cannot_predate_its_rulebook(clerk_client, guro):
    response = clerk_client.post(
        reverse("bodies:body_create"),
        {
            "name": "너무 이른 협치회의",
            "kind": BodyKind.COUNCIL,
            "scope": "district",
            "district": guro.pk,
            "rulebook_key": "guro-council",
            "established_on": "2010-01-01",
        },
    )
    assert response.status_code == 200
    assert "is in force from 2019-05-02" in text(response)
    assert not Body.objects.filter(name="너무 이른 협치회의").exists()


@pytest.mark.django_db
def test_extraordinary_meeting_without_rules_in_force_is_an_error_not_a_crash(clerk_client, guro):
    old = make_body(guro, name="옛 협치회의", established_on=dt.date(2015, 1, 1))
    response = clerk_client.post(
        reverse("bodies:meeting_create", args=[old.pk]),
        meeting_data(
            kind=MeetingKind.EXTRAORDINARY,
            convened_by=ConvenedBy.CHAIR,
            starts_at="2016-03-03T10:00",
            ends_at="",
        ),
    )
    assert response.status_code == 200
    assert "no version in force" in text(response)
    assert not Meeting.objects.filter(body=old).exists()


JUNK = {
    name: value
    for name, value in [
        ("name", "x" * 500),
        ("kind", "<script>"),
        ("scope", "nowhere"),
        ("district", "999999"),
        ("parent", "-1"),
        ("rulebook_key", "../../etc/passwd"),
        ("established_on", "2019-02-30"),
        ("person", "abc"),
        ("gender", "Q"),
        ("birth_year", "99999999999999999999"),
        ("email", "@@"),
        ("sector", "?"),
        ("start_date", "yesterday"),
        ("term_end", "0000-00-00"),
        ("predecessor", "1e9"),
        ("ended_on", "2019-13-01"),
        ("end_reason", "bored"),
        ("number", "-5"),
        ("starts_at", "2019-09-26T25:61"),
        ("ends_at", "soon"),
        ("status", "?"),
        ("convened_by", "?"),
        ("requested_by", "x"),
        ("section", "?"),
        ("mode", "telepathy"),
        ("yes_count", "99999999999999999999999"),
        ("no_count", "-1"),
        ("abstain_count", "1.5"),
        ("title", ""),
        ("description", ""),
        ("due_on", "2019-02-29"),
        ("owner", "0"),
        ("at_meeting", "0"),
        ("extra_0_person", "0"),
        ("extra_0_capacity", "king"),
    ]
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("bodies:body_create", None),
        ("bodies:body_edit", "body"),
        ("bodies:person_create", "body"),
        ("bodies:membership_create", "body"),
        ("bodies:membership_end", "membership"),
        ("bodies:meeting_create", "body"),
        ("bodies:meeting_edit", "meeting"),
        ("bodies:agenda_create", "meeting"),
        ("bodies:attendance", "meeting"),
        ("bodies:motion_create", "meeting"),
        ("bodies:motion_vote", "motion"),
        ("bodies:motion_decide", "motion"),
        ("bodies:action_create", "meeting"),
        ("bodies:minutes_approve", "meeting"),
    ],
)
def test_junk_input_is_answered_with_the_form_not_an_error(
    clerk_client, council, members, held_meeting, name, key
):
    motion = Motion.objects.create(meeting=held_meeting, title="동의")
    Minutes.objects.create(meeting=held_meeting)
    objects = {"body": council, "membership": members[0], "meeting": held_meeting}
    objects["motion"] = motion
    url = reverse(name, args=[objects[key].pk]) if key else reverse(name)
    events = AuditEvent.objects.count()
    response = clerk_client.post(url, JUNK)
    assert response.status_code == 200
    assert 'role="alert"' in text(response)
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_counts_vote_needs_the_yes_count(clerk_client, held_meeting):
    response = clerk_client.post(
        reverse("bodies:motion_create", args=[held_meeting.pk]),
        {"title": "빈 표결", "kind": "ordinary", "mode": "counts"},
    )
    assert response.status_code == 200
    assert "Enter the number of votes in favour." in text(response)
    assert not Motion.objects.exists()
