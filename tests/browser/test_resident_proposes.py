"""A resident on a phone signs up, proposes with a photo, and follows the proposal; another
resident supports it; the page shows the count and, once the threshold is met and the
department found it feasible, the debate's deadline and the answer's due date."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hyeopchi.core.models import District, Role
from hyeopchi.participation import proposal_services as ps
from hyeopchi.participation.models import Proposal, Support
from tests.conftest import make_user
from tests.participation.proposal_helpers import PNG, resident, set_supports

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def phone(browser):
    context = browser.new_context(
        locale="ko-KR",
        timezone_id="Asia/Seoul",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def sign_in(page, base: str, username: str, next_url: str, password="correct-horse-42") -> None:
    page.goto(f"{base}/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header")).to_contain_text(username)


def test_resident_proposes_another_supports_and_both_follow(browser, live_server, tmp_path):
    guro = District.objects.get(name_ko="구로구")
    staff = make_user("guro-staff", Role.DISTRICT_STAFF, guro)
    supporter = resident(guro, name="supporter-guro")
    base = live_server.url
    photo = tmp_path / "crossing.png"
    photo.write_bytes(PNG)

    # 1. A resident signs up on a phone, declaring district and dong.
    context, page = phone(browser)
    page.goto(f"{base}/proposals/")
    page.get_by_role("link", name="제안하기").first.click()
    expect(page).to_have_url(re.compile(r"/login/"))
    page.goto(f"{base}/signup/?next=/proposals/new/")
    page.fill("#id_username", "proposer-guro")
    page.fill("#id_password1", "a-long-passphrase-42")
    page.fill("#id_password2", "a-long-passphrase-42")
    page.select_option("#id_district", label="구로구")
    page.fill("#id_dong", "신도림동")
    page.fill("#id_birth_year", "1988")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("제안하기")

    # 2. Proposes; an empty solution is refused with the text kept.
    page.fill("#id_title", "신도림역 앞 횡단보도 신설")
    page.select_option("#id_category", "교통·보행")
    page.fill("#id_problem", "역 앞에서 무단횡단이 잦아 사고 위험이 큽니다.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("신도림역 앞 횡단보도 신설")
    expect(page.locator("#id_solution")).to_have_attribute("aria-invalid", "true")
    page.fill("#id_solution", "역 출구 앞에 신호 횡단보도를 놓습니다.")
    page.set_input_files("#id_files", str(photo))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("신도림역 앞 횡단보도 신설")
    expect(page.locator("#support")).to_contain_text("0 / 50")
    expect(page.locator("img.attachment-image")).to_be_visible()
    proposal = Proposal.objects.get()
    assert proposal.attachments.count() == 1
    context.close()

    # 3. Another resident supports it on their phone; the count is shown at once.
    context, page = phone(browser)
    sign_in(page, base, "supporter-guro", f"/proposals/{proposal.pk}/")
    expect(page.locator("#support")).to_contain_text("0 / 50")
    page.get_by_role("button", name="동의하기").click()
    expect(page.locator(".messages")).to_contain_text("현재 동의는 1명")
    expect(page.locator("#support")).to_contain_text("1 / 50")
    expect(page.locator("#support")).to_contain_text("이 제안에 동의했습니다")
    assert Support.objects.filter(proposal=proposal, user=supporter).count() == 1

    # 4. The threshold is met (49 more), staff find it feasible: the debate's last day and
    # the answer's due date appear with the days left; the proposer is notified.
    set_supports(proposal, 50)
    ps.tick()
    proposal.refresh_from_db()
    proposal = ps.review(proposal, staff, feasible=True, opinion="교통과 검토 결과 가능")
    page.reload()
    deadlines = page.locator("ul.deadlines")
    expect(deadlines).to_contain_text("온라인 토론 종료일")
    expect(deadlines).to_contain_text("답변 기한")
    expect(deadlines).to_contain_text("29일 남음")
    closes = proposal.debate_closes.isoformat()
    expect(deadlines.locator(f"time[datetime='{closes}']")).to_be_visible()

    # 5. The supporter joins the debate.
    page.get_by_label("찬성", exact=True).check()
    page.fill("#id_text", "출근길에 꼭 필요합니다.")
    page.get_by_role("button", name="댓글 등록").click()
    expect(page.locator("#debate")).to_contain_text("출근길에 꼭 필요합니다.")
    context.close()

    # 6. The proposer follows it: the header counts the unread notifications.
    context, page = phone(browser)
    sign_in(page, base, "proposer-guro", f"/proposals/{proposal.pk}/", "a-long-passphrase-42")
    notices = page.locator("header .notifications-link")
    expect(notices).to_contain_text("알림")
    expect(notices.locator(".count")).to_have_text(re.compile(r"[1-9]"))
    notices.click()
    expect(page.locator("main")).to_contain_text("온라인 토론이")
    context.close()
