"""A district clerk on a phone records a forum in Korean: a breakdown that does not add up
is named at its fieldset with everything typed kept; once fixed, the forum is public and
the quarter's sheet downloads as an XLSX file that opens with the forum in it."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from hyeopchi.core.models import AuditEvent, Role
from hyeopchi.participation.models import Forum
from tests.conftest import make_body, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_records_a_forum_on_a_phone_and_downloads_the_sheet(browser, live_server):
    from hyeopchi.core.models import District

    guro = District.objects.get(name_ko="구로구")
    make_body(guro)
    make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    today = timezone.localdate()
    phone = browser.new_context(
        locale="ko-KR",
        timezone_id="Asia/Seoul",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        accept_downloads=True,
    )
    page = phone.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url

    page.goto(f"{base}/login/?next=/districts/{guro.code}/")
    page.fill("#id_username", "clerk-guro")
    page.fill("#id_password", "correct-horse-42")
    page.locator("main form button[type=submit]").click()
    page.get_by_role("link", name="공론장 기록").click()
    expect(page.locator("h1")).to_contain_text("구로구 공론장 기록")

    page.get_by_label("제목").fill("개봉2동 동 단위 공론장")
    page.get_by_label("유형").select_option("dong")
    page.get_by_label("주관 기구").select_option(label="구로구협치회의")
    page.get_by_label("계획 단계").select_option("agenda_discovery")
    page.get_by_label("날짜").fill(today.isoformat())
    page.get_by_label("참여인원 계").fill("41")
    sector = page.locator("#group-sector")
    sector.get_by_label("지역주민").fill("30")
    sector.get_by_label("행정").fill("2")
    page.get_by_label("결과: 도출된 아이디어 (한 줄에 하나씩)").fill("골목 안전\n어린이 통학로")
    page.get_by_label("결과: 도출된 아이디어 (한 줄에 하나씩)").press("Tab")
    expect(page.get_by_role("button", name="공론장 기록하기")).to_be_focused()
    page.keyboard.press("Enter")  # submitted from the keyboard

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("32명이지만 참여인원 계는 41명")
    expect(sector).to_have_attribute("aria-describedby", "group-sector-errors")
    expect(sector.get_by_label("지역주민")).to_have_value("30")
    expect(page.get_by_label("제목")).to_have_value("개봉2동 동 단위 공론장")
    assert not Forum.objects.exists()

    sector.get_by_label("지역주민").fill("39")
    page.get_by_role("button", name="공론장 기록하기").click()
    expect(page.get_by_role("status")).to_contain_text("공론장을 초안으로 기록하였습니다")
    expect(page.locator("h1")).to_have_text("개봉2동 동 단위 공론장")
    expect(page.locator("main")).to_contain_text("어린이 통학로")
    # A draft is left out of the sheet; the sheets page says so until it is published.
    page.goto(f"{base}/districts/{guro.code}/process-db/")
    expect(page.locator("main")).to_contain_text("서식에 빠진 초안 1건")
    page.go_back()
    page.get_by_role("button", name="기록 공개").click()
    expect(page.get_by_role("status")).to_contain_text("공론장 기록을 공개하였습니다")
    assert Forum.objects.get().is_published

    page.goto(f"{base}/districts/{guro.code}/process-db/")
    expect(page.locator("main")).not_to_contain_text("서식에 빠진 초안")
    expect(page.locator("main")).to_contain_text("아직 생성하지 않았습니다")
    with page.expect_download() as info:
        page.get_by_role("link", name="이번 분기 시트 내려받기(XLSX)").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as file:
        sheet = load_workbook(io.BytesIO(file.read())).active
    assert sheet.cell(10, 3).value == "개봉2동 동 단위 공론장"
    assert sheet.cell(10, 10).value == 41
    assert AuditEvent.objects.filter(action="process DB exported").count() == 1
    page.reload()
    expect(page.locator("main")).to_contain_text("마지막 생성")
    phone.close()
