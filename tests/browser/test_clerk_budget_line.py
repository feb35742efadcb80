"""A district clerk types a budget line that breaks the personnel-cost cap: while typing,
the page names the rule and its article and says by how much it is over; a negative
amount is explained too; a line within the cap is saved and shown in 천원."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hyeopchi.plans.models import BudgetLine, TaskKind
from tests.conftest import make_user

from ..plans.plan_helpers import make_line, make_plan, make_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sector_task(db):
    from hyeopchi.core.models import District, Role

    guro = District.objects.get(name_ko="구로구")
    make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    plan = make_plan(guro)
    foundation = make_task(plan, kind=TaskKind.FOUNDATION, title="협치 기반", sub_project="F-1")
    make_line(foundation, amount=100_000_000)
    task = make_task(plan, kind=TaskKind.SECTOR, title="마을 돌봄 네트워크", sub_project="S-1")
    make_line(task, amount=9_000_000, category="operating", subtype="event")
    return task


def test_clerk_sees_why_a_budget_line_breaks_a_cap(page, live_server, sector_task):
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("#id_username", "clerk-guro")
    page.fill("#id_password", "correct-horse-42")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header")).to_contain_text("clerk-guro")

    page.goto(f"{base}/plans/tasks/{sector_task.pk}/")
    page.click(f"a[href='/plans/tasks/{sector_task.pk}/lines/new/']")
    expect(page.locator("h1")).to_contain_text("새 예산 항목")

    # A coordinator's pay of 2,000,000 won: 2 of 11 million is above 10 % of the sector plan.
    page.select_option("#id_category", "personnel")
    page.select_option("#id_subtype", "coordinator")
    page.select_option("#id_nature", "current")
    page.select_option("#id_source", "city")
    page.fill("#id_description", "협치 코디네이터 인건비")
    page.fill("#id_amount", "2,000,000")
    check = page.locator("#budget-check")
    finding = check.locator("[data-rule='personnel.sector_share']")
    expect(finding).to_be_visible()
    expect(finding).to_contain_text("운영지침 3.2.2")  # the article
    expect(finding).to_contain_text("10%")  # the cap
    expect(finding).to_contain_text("900,000원")  # over by: 2,000,000 − 10 % of 11,000,000
    expect(check).to_contain_text("2,000천원")  # the typed amount echoed in 천원
    assert not BudgetLine.objects.filter(category="personnel").exists()

    # A negative amount is explained while typing, in Korean.
    page.fill("#id_amount", "-1000")
    expect(check).to_contain_text("음수일 수 없습니다")

    # Within the cap: 1,000,000 of 10,000,000 is exactly 10 %.
    page.fill("#id_amount", "1,000,000")
    expect(check).to_contain_text("한도와 규칙을 지킵니다")
    page.locator("#line-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("예산 항목을 저장했습니다")
    line = BudgetLine.objects.get(category="personnel")
    assert line.amount == 1_000_000
    expect(page.locator(f"#line-{line.pk}")).to_contain_text("1,000")
