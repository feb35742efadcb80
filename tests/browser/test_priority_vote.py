"""A resident on a phone votes in the district's open priority round (노원: online plus on
site): signs in, ticks agendas while the count follows, is stopped at four of three, votes,
cannot vote twice; after the window closes staff enter the on-site votes and publish, and
the results page shows the full ranking with every agenda, selected and deferred."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hyeopchi.core.models import Role
from hyeopchi.participation import services_priority as rounds
from hyeopchi.participation.models import PriorityRound, PriorityVote
from tests.conftest import make_user
from tests.participation.test_agendas_world import open_round, resident, shortlisted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(db):
    from hyeopchi.core.models import District

    guro = District.objects.get(name_ko="구로구")
    titles = ["◦◦천 환경개선", "안전한 골목길", "마을 녹지 가꾸기", "주민 커뮤니티 공간"]
    ballot = [shortlisted(guro, title=t) for t in titles]
    r = open_round(guro, ballot, title="2020 구로구 의제 우선순위 투표", selected_count=2)
    voter = resident(guro, "resident-guro")
    voter.set_password("correct-horse-42")
    voter.save()
    return guro, r, ballot, voter


def test_resident_votes_on_a_phone_and_sees_the_published_ranking(browser, live_server, scene):
    guro, r, ballot, _voter = scene
    base = live_server.url
    phone = browser.new_context(
        locale="ko-KR",
        timezone_id="Asia/Seoul",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = phone.new_page()
    page.set_default_timeout(15_000)

    # From the district's agendas to the open round; signs in from there.
    page.goto(f"{base}/districts/{guro.code}/priority/")
    page.click(f"a[href='/priority/{r.pk}/']")
    expect(page.locator("h1")).to_contain_text("2020 구로구 의제 우선순위 투표")
    page.locator("main a[href^='/login/']").first.click()
    page.fill("#id_username", "resident-guro")
    page.fill("#id_password", "correct-horse-42")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("2020 구로구 의제 우선순위 투표")

    # Ticks agendas; the count follows and warns at four of at most three.
    count = page.locator("#vote-count")
    boxes = [page.locator(f"input[name=agendas][value='{a.pk}']") for a in ballot]
    page.locator(f"label[for='choice-{ballot[0].pk}']").tap()
    boxes[1].check()
    expect(count.locator("[data-chosen]")).to_have_text("2")
    boxes[2].check()
    boxes[3].check()
    expect(count.locator("[data-too-many]")).to_be_visible()
    # The server refuses four too, and keeps the ticks.
    page.locator("#priority-vote button[type=submit]").click()
    expect(page.locator("#vote-errors")).to_be_visible()
    expect(boxes[3]).to_be_checked()
    assert not PriorityVote.objects.exists()
    boxes[3].uncheck()
    expect(count.locator("[data-too-many]")).to_be_hidden()
    page.locator("#priority-vote button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("투표가 반영되었습니다")
    expect(page.locator("#priority-vote")).to_have_count(0)
    assert PriorityVote.objects.get().agendas == [a.pk for a in ballot[:3]]

    # Later: the window closes, staff count on site and publish.
    PriorityRound.objects.filter(pk=r.pk).update(
        online_closes_at=timezone.now() - dt.timedelta(seconds=1)
    )
    r.refresh_from_db()
    rounds.enter_tallies(
        r,
        [(ballot[3].pk, "현장투표", 5), (ballot[1].pk, "현장투표", 1)],
        make_user("clerk-guro", Role.DISTRICT_STAFF, guro),
    )
    rounds.publish(r, None)

    page.goto(f"{base}/priority/{r.pk}/")
    page.click(f"a[href='/priority/{r.pk}/results/']")
    rows = page.locator("table.priority-results tbody tr")
    expect(rows).to_have_count(4)
    # 주민 커뮤니티 공간 5, 안전한 골목길 2, then the two with 1 (registered first, first).
    expect(rows.nth(0)).to_contain_text("주민 커뮤니티 공간")
    expect(rows.nth(0)).to_contain_text("선정")
    expect(rows.nth(1)).to_contain_text("안전한 골목길")
    expect(rows.nth(2)).to_contain_text("◦◦천 환경개선")
    expect(rows.nth(2)).to_contain_text("동점")
    expect(rows.nth(3)).to_contain_text("마을 녹지 가꾸기")
    expect(rows.nth(3)).to_contain_text("후순위")
    expect(page.locator("main")).not_to_contain_text("resident-guro")
    phone.close()
