"""A resident on a phone votes in the district's participatory-budget vote: signs in, picks
projects while the running total follows, is stopped when over the budget, confirms, gets a
receipt, then changes the ballot; the database holds one counted ballot, linked to nobody."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from hyeopchi.voting.models import Ballot, Participation
from tests.conftest import make_user
from tests.voting.conftest import contest_of, make_vote, make_voter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(db):
    from hyeopchi.core.models import District

    guro = District.objects.get(name_ko="구로구")
    # district-pb: a knapsack ballot, revoting allowed; budget 10억, projects 4억/3억/3억/5억.
    election = make_vote(guro, title="구로구 주민참여예산 주민투표")
    resident = make_user("resident-guro")
    make_voter(election, user=resident, verified=True)
    return election, resident


def test_resident_votes_on_a_phone_and_changes_the_ballot(browser, live_server, scene):
    election, resident = scene
    contest = contest_of(election)
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

    # Signs in and opens the vote from the list of votes.
    page.goto(f"{base}/login/?next=/votes/")
    page.fill("#id_username", "resident-guro")
    page.fill("#id_password", "correct-horse-42")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header")).to_contain_text("resident-guro")
    page.click(f"a[href='/votes/{election.pk}/']")
    expect(page.locator("h1")).to_contain_text("구로구 주민참여예산 주민투표")
    page.click(f"a[href='/votes/{election.pk}/ballots/pb/']")

    # Picks two projects: the running total follows (7억 of 10억).
    tally = page.locator("[data-tally]")
    expect(tally).to_be_visible()
    page.locator("input[name=choice][value=P1]").check()
    page.locator("input[name=choice][value=P2]").check()
    expect(tally.locator("[data-tally-summary]")).to_contain_text("7억 원")
    expect(tally.locator("[data-tally-summary]")).to_contain_text("10억 원")
    expect(tally.locator("[data-tally-warning]")).to_be_hidden()

    # A third one goes over the budget by 2억: the page says so at once ...
    page.locator("input[name=choice][value=P4]").check()
    warning = tally.locator("[data-tally-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("2억 원")
    # ... and the server refuses it too, keeping the choices.
    page.locator("button[name=action][value=review]").click()
    expect(page.locator("#ballot-errors")).to_be_visible()
    expect(page.locator("input[name=choice][value=P4]")).to_be_checked()
    expect(page.locator("input[name=choice][value=P1]")).to_be_checked()
    assert not Ballot.objects.exists()

    # Takes the expensive one back, reviews and confirms.
    page.locator("input[name=choice][value=P4]").uncheck()
    expect(warning).to_be_hidden()
    page.locator("button[name=action][value=review]").click()
    expect(page.locator("main")).to_contain_text("7억 원")
    page.locator("button[name=action][value=cast]").click()
    receipt = page.locator("#receipt-code")
    expect(receipt).to_be_visible()
    first_receipt = receipt.inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", first_receipt)

    # Changes the ballot from the same phone: the browser remembers the receipt.
    page.goto(f"{base}/votes/{election.pk}/ballots/pb/")
    expect(page.locator("input[name=receipt]")).to_have_count(0)
    page.locator("input[name=choice][value=P2]").uncheck()
    page.locator("input[name=choice][value=P3]").check()
    page.locator("button[name=action][value=review]").click()
    page.locator("button[name=action][value=cast]").click()
    expect(page.locator("#receipt-code")).to_have_text(first_receipt)
    phone.close()

    # One counted ballot for the contest, the latest; the roll knows only that they voted.
    counted = Ballot.objects.filter(contest=contest, superseded=False)
    assert counted.count() == 1
    assert counted.get().choices == ["P1", "P3"]
    assert Participation.objects.filter(contest=contest, voter__user=resident).count() == 1
    ballot_fields = {f.name for f in Ballot._meta.get_fields()}
    assert not ballot_fields & {"voter", "user", "participation", "created_at", "cast_at"}
    # Nothing server-side ties the account to the receipt (and so to the ballot).
    plain = first_receipt.replace("-", "")
    for session in Session.objects.all():
        decoded = str(session.get_decoded())
        assert first_receipt not in decoded and plain not in decoded
