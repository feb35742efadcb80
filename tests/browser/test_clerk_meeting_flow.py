"""A district clerk schedules a meeting, records attendance and a vote; a resident then
sees the published decision, with members' names masked."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from hyeopchi.bodies.models import Decision, Meeting
from tests.conftest import add_member, make_body, make_person, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(db):
    from hyeopchi.core.models import District, Role

    guro = District.objects.get(name_ko="구로구")
    council = make_body(guro, established_on=dt.date(2026, 1, 1))
    members = [
        add_member(
            council,
            make_person(name=name, gender=gender),
            start_date=dt.date(2026, 1, 1),
            term_end=dt.date(2027, 12, 31),
        )
        for name, gender in [
            ("김영수", "M"),
            ("이지은", "F"),
            ("박서연", "F"),
            ("최민준", "M"),
            ("정하늘", "F"),
        ]
    ]
    make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    return council, members


def test_clerk_records_a_meeting_and_a_resident_sees_the_decision(
    page, browser, live_server, scene
):
    council, members = scene
    base = live_server.url

    # The clerk signs in.
    page.goto(f"{base}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    page.fill("#id_username", "clerk-guro")
    page.fill("#id_password", "correct-horse-42")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header")).to_contain_text("clerk-guro")

    # Schedules a regular meeting from the council's page.
    page.goto(f"{base}/bodies/{council.pk}/")
    page.click(f"a[href='/bodies/{council.pk}/meetings/new/']")
    page.select_option("#id_kind", "regular")
    page.fill("#id_title", "2026년 제4차 정기회")
    page.fill("#id_starts_at", "2026-12-10T10:00")
    page.fill("#id_venue", "구로구청 기획상황실")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("2026년 제4차 정기회")
    meeting = Meeting.objects.get(body=council)

    # Records attendance: three of the five members are present.
    page.click(f"a[href='/meetings/{meeting.pk}/attendance/']")
    for m in members[:3]:
        page.check(f"input[name='member_{m.person_id}'][value='member']")
    for m in members[3:]:
        page.check(f"input[name='member_{m.person_id}'][value='absent']")
    page.locator("main form button[type=submit]").click()
    quorum = page.locator("#attendance-heading + p")
    expect(quorum).to_have_class(re.compile(r"\bok\b"))
    expect(quorum).to_contain_text("3")

    # Adds a motion with its vote: 2 yes, 1 no passes (2 > 3/2).
    page.click(f"a[href='/meetings/{meeting.pk}/motions/new/']")
    page.fill("#id_title", "주민참여 공론장 개최의 건")
    page.check("input[name='mode'][value='counts']")
    page.fill("#id_yes_count", "2")
    page.fill("#id_no_count", "1")
    page.fill("#id_abstain_count", "0")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".badge-passed")).to_be_visible()

    # Makes it a published decision.
    page.locator("a[href$='/decide/']").click()
    page.fill("#id_title", "주민참여 공론장을 12월에 개최한다")
    page.check("#id_publish")
    page.locator("main form button[type=submit]").click()
    decision = Decision.objects.get(body=council)
    assert decision.published and decision.motion.outcome == "passed"

    # A resident on a phone, not signed in, finds the decision and the meeting.
    resident = browser.new_context(
        locale="ko-KR", viewport={"width": 390, "height": 844}, is_mobile=True
    ).new_page()
    resident.goto(f"{base}/districts/{council.district.code}/decisions/")
    resident.click(f"a[href='/decisions/{decision.pk}/']")
    expect(resident.locator("main")).to_contain_text("주민참여 공론장을 12월에 개최한다")
    resident.goto(f"{base}/meetings/{meeting.pk}/")
    main = resident.locator("main")
    expect(main).to_contain_text("김*수")
    expect(main).not_to_contain_text("김영수")
    expect(resident.locator(f"a[href='/meetings/{meeting.pk}/attendance/']")).to_have_count(0)
    resident.context.close()
