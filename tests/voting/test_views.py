"""The voting web UI: the resident's flow from the list of votes to the receipt, the booth,
results with explanations and the Pabulib download, and the staff pages with their
permission matrix. Bad input is answered with the form, the voter's choices kept."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hyeopchi.core.models import AuditEvent, Role
from hyeopchi.voting import results, services, tasks
from hyeopchi.voting.models import (
    Ballot,
    CodeBatch,
    CountRun,
    Election,
    PaperBatch,
    Participation,
    Project,
    RunStatus,
    Voter,
)
from tests.conftest import make_user

from .conftest import DAY, HOUR, contest_of, make_vote, make_voter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read the English messages; Korean is the site default."""
    settings.LANGUAGE_CODE = "en"


def signed_in(client, user):
    client.force_login(user)
    return client


def ballot_url(election, key="pb"):
    return reverse("voting:ballot", args=[election.pk, key])


def text(response) -> str:
    return response.content.decode()


def close(election: Election) -> None:
    """Move the vote's close into the past (opening earlier if needed)."""
    now = timezone.now()
    Election.objects.filter(pk=election.pk).update(
        opens_at=min(election.opens_at, now - 2 * DAY), closes_at=now - HOUR
    )
    election.refresh_from_db()


# ---------------------------------------------------------------- resident flow


def test_list_groups_open_upcoming_and_past_votes(client, guro, eunpyeong):
    now = timezone.now()
    open_vote = make_vote(guro, title="열린 투표")
    make_vote(guro, title="곧 열릴 투표", opens_at=now + DAY, closes_at=now + 3 * DAY)
    past = make_vote(eunpyeong, title="끝난 투표", opens_at=now - 3 * DAY, closes_at=now - DAY)
    page = text(client.get(reverse("voting:list")))
    open_part, rest = page.split('id="upcoming-heading"')
    upcoming_part, past_part = rest.split('id="past-heading"')
    assert "열린 투표" in open_part
    assert "곧 열릴 투표" in upcoming_part
    assert "끝난 투표" in past_part
    assert reverse("voting:election", args=[open_vote.pk]) in open_part
    # Per district: Guro's list leaves Eunpyeong's vote out.
    guro_page = text(client.get(reverse("voting:list") + f"?district={guro.code}"))
    assert "열린 투표" in guro_page and "끝난 투표" not in guro_page
    assert past.pk


def test_vote_page_shows_projects_costs_and_asks_to_sign_in(client, guro_vote):
    page = text(client.get(reverse("voting:election", args=[guro_vote.pk])))
    assert "사업 P1" in page
    assert "₩400,000,000" in page
    assert "Sign in to vote" in page


def test_ballot_needs_sign_in(client, guro_vote):
    response = client.get(ballot_url(guro_vote))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_first_time_voter_registers_and_sees_why_they_cannot_vote_yet(client, guro_vote, guro):
    user = make_user("newcomer")
    signed_in(client, user)
    page = text(client.get(reverse("voting:election", args=[guro_vote.pk])))
    assert "Register to vote" in page
    url = reverse("voting:register", args=[guro_vote.pk])
    response = client.post(url, {"district": guro.pk, "birth_year": "1990"}, follow=True)
    assert Voter.objects.filter(user=user, election=guro_vote, verified=False).exists()
    # district-pb needs verified residency: the page says so, with the reason.
    assert "cannot vote yet" in text(response)
    assert "not been verified" in text(response)


def test_registration_refuses_bad_input_with_the_form(client, guro_vote, guro):
    signed_in(client, make_user("newcomer"))
    url = reverse("voting:register", args=[guro_vote.pk])
    response = client.post(url, {"district": "999999", "birth_year": "3000"})
    assert response.status_code == 200
    assert "errorlist" in text(response)
    assert not Voter.objects.exists()


def test_too_young_voter_is_told_why(client, guro_vote, guro):
    voter = make_voter(guro_vote, birth_year=timezone.localdate().year - 5)
    signed_in(client, voter.user)
    page = text(client.get(reverse("voting:election", args=[guro_vote.pk])))
    assert "You cannot vote yet" in page
    assert "turn 14" in page


def test_resident_reviews_then_casts_and_gets_a_receipt(client, guro_vote, voter):
    signed_in(client, voter.user)
    url = ballot_url(guro_vote)
    form = text(client.get(url))
    assert 'name="choice" value="P1"' in form
    assert "data-ballot" in form and 'data-budget="1000000000"' in form
    review = client.post(url, {"choice": ["P1", "P2"], "action": "review"})
    page = text(review)
    assert "Check your ballot" in page
    assert "₩700,000,000" in page  # the total
    assert not Ballot.objects.exists()  # nothing cast yet
    cast = client.post(url, {"choice": ["P1", "P2"], "action": "cast"})
    assert cast.status_code == 302
    assert Participation.objects.filter(voter=voter).count() == 1
    ballot = Ballot.objects.get()
    assert ballot.choices == ["P1", "P2"]
    receipt_page = text(client.get(cast["Location"]))
    code = re.search(r'id="receipt-code">([A-Z0-9-]+)<', receipt_page).group(1)
    assert ballot.receipt_hash == services.sha256(services.normalize_code(code))
    # The receipt is kept in the voter's browser only, never in the server-side session.
    assert code not in str(dict(client.session))


def test_over_budget_ballot_is_refused_and_choices_kept(client, guro_vote, voter):
    signed_in(client, voter.user)
    response = client.post(
        ballot_url(guro_vote), {"choice": ["P1", "P2", "P4"], "action": "review"}
    )
    page = text(response)
    assert response.status_code == 200
    assert "more than the budget" in page
    for code in ("P1", "P2", "P4"):
        assert re.search(rf'name="choice" value="{code}"[^>]*checked', page)
    assert not re.search(r'name="choice" value="P3"[^>]*checked', page)
    # Even posted straight to casting, nothing is stored.
    client.post(ballot_url(guro_vote), {"choice": ["P1", "P2", "P4"], "action": "cast"})
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_more_than_k_and_bad_points_are_refused_with_choices_kept(client, eunpyeong_vote):
    voter = make_voter(eunpyeong_vote, verified=False)
    signed_in(client, voter.user)
    response = client.post(
        ballot_url(eunpyeong_vote), {"choice": ["P1", "P2", "P3", "P4"], "action": "cast"}
    )
    page = text(response)
    assert "at most 3" in page
    assert len(re.findall(r'name="choice" value="P\d"[^>]*checked', page)) == 4
    response = client.post(
        ballot_url(eunpyeong_vote, "governance"),
        {"points_P1": "4", "points_P2": "two", "action": "review"},
    )
    page = text(response)
    assert "whole number" in page
    assert 'value="two"' in page and 'value="4"' in page
    response = client.post(
        ballot_url(eunpyeong_vote, "governance"),
        {"points_P1": "4", "points_P2": "3", "action": "review"},
    )
    assert "at most 5 points" in text(response)
    assert not Ballot.objects.exists()


def test_cumulative_ballot_is_cast(client, eunpyeong_vote):
    voter = make_voter(eunpyeong_vote, verified=False)
    signed_in(client, voter.user)
    url = ballot_url(eunpyeong_vote, "governance")
    review = text(client.post(url, {"points_P1": "3", "points_P3": "2", "action": "review"}))
    assert "Points used: 5 of 5" in review
    client.post(url, {"points_P1": "3", "points_P3": "2", "action": "cast"})
    assert Ballot.objects.get().choices == {"P1": 3, "P3": 2}


def test_second_ballot_without_revote_is_refused(client, eunpyeong_vote):
    voter = make_voter(eunpyeong_vote, verified=False)
    signed_in(client, voter.user)
    client.post(ballot_url(eunpyeong_vote), {"choice": ["P1"], "action": "cast"})
    response = client.post(ballot_url(eunpyeong_vote), {"choice": ["P2"], "action": "cast"})
    assert "already voted" in text(response)
    assert Ballot.objects.count() == 1


def test_revote_from_the_same_browser_replaces_the_ballot(client, guro_vote, voter):
    signed_in(client, voter.user)
    url = ballot_url(guro_vote)
    client.post(url, {"choice": ["P1"], "action": "cast"})
    page = text(client.get(url))
    assert "replaces your ballot" in page
    assert 'name="receipt"' not in page  # the browser remembers the receipt
    response = client.post(url, {"choice": ["P2", "P3"], "action": "cast"})
    assert "changed=1" in response["Location"]
    assert Participation.objects.filter(voter=voter).count() == 1
    counted = Ballot.objects.get(superseded=False)
    assert counted.choices == ["P2", "P3"]
    assert Ballot.objects.filter(superseded=True).count() == 1


def test_revote_on_another_device_needs_the_receipt(client, guro_vote, voter):
    receipt = services.cast_ballot(contest_of(guro_vote), voter, ["P1"])
    signed_in(client, voter.user)
    url = ballot_url(guro_vote)
    assert 'name="receipt"' in text(client.get(url))
    response = client.post(url, {"choice": ["P2"], "action": "cast"})
    assert "Enter the receipt" in text(response)
    assert re.search(r'name="choice" value="P2"[^>]*checked', text(response))
    response = client.post(url, {"choice": ["P2"], "action": "cast", "receipt": "WRONG-CODE"})
    assert "does not belong" in text(response)
    response = client.post(url, {"choice": ["P2"], "action": "cast", "receipt": receipt})
    assert response.status_code == 302
    assert Ballot.objects.get(superseded=False).choices == ["P2"]


def test_receipt_cookie_is_not_shown_to_another_user(client, guro_vote, voter):
    signed_in(client, voter.user)
    cast = client.post(ballot_url(guro_vote), {"choice": ["P1"], "action": "cast"})
    other = make_voter(guro_vote)
    signed_in(client, other.user)  # same browser, cookie still there
    page = text(client.get(cast["Location"]))
    assert "receipt-code" not in page


def test_ballot_after_close_is_refused_with_choices_kept(client, guro_vote, voter):
    signed_in(client, voter.user)
    close(guro_vote)
    response = client.post(ballot_url(guro_vote), {"choice": ["P1"], "action": "cast"})
    page = text(response)
    assert "no more ballots" in page
    assert re.search(r'name="choice" value="P1"[^>]*checked', page)
    assert not Ballot.objects.exists()


def test_unknown_contest_is_404(client, guro_vote, voter):
    signed_in(client, voter.user)
    assert client.get(ballot_url(guro_vote, "nope")).status_code == 404


# ---------------------------------------------------------------- booth


def test_booth_voter_casts_every_ballot_with_one_code(client, eunpyeong_vote, guro):
    clerk = make_user("clerk-e", Role.DISTRICT_STAFF, eunpyeong_vote.district)
    [code] = services.generate_codes(eunpyeong_vote, 1, actor=clerk)
    url = reverse("voting:booth", args=[eunpyeong_vote.pk])
    assert "Voting code" in text(client.get(url))
    page = text(client.post(url, {"step": "code", "code": code.lower()}))
    assert 'name="pb-choice"' in page and 'name="governance-points_P1"' in page
    data = {"code": code, "pb-choice": ["P1", "P2"], "governance-points_P4": "5"}
    review = text(client.post(url, {**data, "step": "review"}))
    assert "Check your ballots" in review
    done = text(client.post(url, {**data, "step": "cast"}))
    assert "Thank you for voting" in done
    assert Ballot.objects.filter(channel="code").count() == 2
    # The code is used up.
    again = text(client.post(url, {"step": "code", "code": code}))
    assert "already been used" in again


def test_booth_refuses_unknown_code_and_bad_ballot(client, eunpyeong_vote):
    clerk = make_user("clerk-e", Role.DISTRICT_STAFF, eunpyeong_vote.district)
    [code] = services.generate_codes(eunpyeong_vote, 1, actor=clerk)
    url = reverse("voting:booth", args=[eunpyeong_vote.pk])
    assert "not known" in text(client.post(url, {"step": "code", "code": "AAAA-BBBB-CCCC"}))
    page = text(
        client.post(url, {"step": "review", "code": code, "pb-choice": ["P1", "P2", "P3", "P4"]})
    )
    assert "at most 3" in page
    assert len(re.findall(r'name="pb-choice" value="P\d"[^>]*checked', page)) == 4
    empty = text(client.post(url, {"step": "review", "code": code}))
    assert "at least one ballot" in empty
    assert not Ballot.objects.exists()


# ---------------------------------------------------------------- staff pages


@pytest.fixture
def clerk(guro):
    return make_user("clerk-guro", Role.DISTRICT_STAFF, guro)


def future_vote(district, **kw) -> Election:
    now = timezone.now()
    return make_vote(district, opens_at=now + 2 * DAY, closes_at=now + 9 * DAY, **kw)


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_clerk_creates_a_vote_from_a_policy(client, clerk, guro):
    signed_in(client, clerk)
    choice = text(client.get(reverse("voting:create")))
    assert "district-pb" in choice and "choose within the budget" in choice
    url = reverse("voting:create") + "?policy=district-pb"
    form = text(client.get(url))
    assert 'name="budget_pb"' in form
    now = timezone.now()
    data = {
        "policy": "district-pb",
        "title": "2027 구로구 주민참여예산",
        "district": guro.pk,
        "opens_at": local(now + DAY),
        "closes_at": local(now + 8 * DAY),
        "budget_pb": "500000000",
    }
    response = client.post(url, data)
    election = Election.objects.get(title="2027 구로구 주민참여예산")
    assert response["Location"] == reverse("voting:manage", args=[election.pk])
    assert election.contests.get().budget == 500_000_000
    assert AuditEvent.objects.filter(model="voting.election", action="created").exists()


def test_vote_creation_refuses_bad_input_and_other_districts(client, clerk, guro, eunpyeong):
    signed_in(client, clerk)
    url = reverse("voting:create") + "?policy=district-pb"
    now = timezone.now()
    bad = {
        "policy": "district-pb",
        "title": "",
        "district": guro.pk,
        "opens_at": local(now + 8 * DAY),
        "closes_at": local(now + DAY),
        "budget_pb": "-5",
    }
    response = client.post(url, bad)
    assert response.status_code == 200 and "errorlist" in text(response)
    # Eunpyeong is not among the clerk's choices: the form refuses it.
    other = {
        **bad,
        "title": "x",
        "district": eunpyeong.pk,
        "budget_pb": "5",
        "opens_at": local(now + DAY),
        "closes_at": local(now + 2 * DAY),
    }
    response = client.post(url, other)
    assert response.status_code == 200 and "errorlist" in text(response)
    # Closing before opening: the service's message, next to the field.
    response = client.post(
        url,
        {
            **other,
            "district": guro.pk,
            "closes_at": local(now + DAY),
            "opens_at": local(now + 2 * DAY),
        },
    )
    assert "close after it opens" in text(response)
    assert not Election.objects.exists()


def test_clerk_adds_edits_and_removes_projects_before_opening(client, clerk, guro):
    election = future_vote(guro)
    contest = contest_of(election)
    signed_in(client, clerk)
    url = reverse("voting:project_create", args=[contest.pk])
    data = {
        "code": "P9",
        "title": "마을 쉼터",
        "cost": "100000000",
        "area": "구로1동",
        "description": "쉼터",
    }
    assert client.post(url, data).status_code == 302
    project = Project.objects.get(code="P9")
    response = client.post(url, {**data, "title": "중복"})
    assert "already has a project P9" in text(response)
    response = client.post(url, {**data, "code": "P10", "cost": str(10**10)})
    assert "more than the ballot" in text(response)
    edit = reverse("voting:project_edit", args=[project.pk])
    client.post(edit, {**data, "title": "마을 쉼터 (수정)"})
    project.refresh_from_db()
    assert project.title == "마을 쉼터 (수정)"
    client.post(edit, {"remove": "1"})
    assert not Project.objects.filter(code="P9").exists()


def test_projects_cannot_change_after_opening(client, clerk, guro_vote):
    signed_in(client, clerk)
    project = Project.objects.filter(contest__election=guro_vote).first()
    response = client.post(
        reverse("voting:project_edit", args=[project.pk]),
        {
            "code": project.code,
            "title": "바뀐 제목",
            "cost": project.cost,
            "area": "",
            "description": "",
        },
    )
    assert "can no longer change" in text(response)
    project.refresh_from_db()
    assert project.title != "바뀐 제목"


def test_roll_confirm_and_import(client, clerk, guro_vote, guro):
    pending = make_voter(guro_vote, verified=False)
    signed_in(client, clerk)
    url = reverse("voting:roll", args=[guro_vote.pk])
    page = text(client.get(url))
    assert pending.user.get_username() in page
    client.post(url, {"form": "confirm", "voter": pending.pk})
    pending.refresh_from_db()
    assert pending.verified
    make_user("imported")
    csv_file = SimpleUploadedFile("roll.csv", f"imported,{guro.code},1977\n".encode())
    response = client.post(url, {"form": "import", "file": csv_file})
    assert response.status_code == 302
    assert Voter.objects.get(user__username="imported").verified
    bad = SimpleUploadedFile("roll.csv", b"nobody,00000,abcd\n")
    response = client.post(url, {"form": "import", "file": bad})
    assert "Line 1" in text(response)


def test_roll_confirm_of_a_bad_voter_id_is_404(client, clerk, guro_vote):
    signed_in(client, clerk)
    url = reverse("voting:roll", args=[guro_vote.pk])
    for voter in ("abc", "1e3", "99999999999999999999", ""):
        assert client.post(url, {"form": "confirm", "voter": voter}).status_code == 404


def test_codes_are_shown_once_and_stored_hashed(client, clerk, guro_vote):
    signed_in(client, clerk)
    url = reverse("voting:codes", args=[guro_vote.pk])
    response = client.post(url, {"n": "5", "note": "구로1동 주민센터"})
    page = text(response)
    shown = re.findall(r"<li>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</li>", page)
    assert len(shown) == 5
    assert "no-store" in response["Cache-Control"]
    assert CodeBatch.objects.get().size == 5
    stored = set(guro_vote.code_batches.get().codes.values_list("code_hash", flat=True))
    assert {services.sha256(services.normalize_code(c)) for c in shown} == stored
    assert not any(c in text(client.get(url)) for c in shown)
    assert "errorlist" in text(client.post(url, {"n": "0"}))


def test_paper_import_through_the_page(client, clerk, pb):
    signed_in(client, clerk)
    url = reverse("voting:paper", args=[pb.pk])
    upload = SimpleUploadedFile("paper.csv", b"P1;P2\nP3\n")
    assert client.post(url, {"file": upload, "note": "1"}).status_code == 302
    assert PaperBatch.objects.get().count == 2
    assert Ballot.objects.filter(channel="paper").count() == 2
    again = SimpleUploadedFile("paper.csv", b"P1;P2\nP3\n")
    assert "already imported" in text(client.post(url, {"file": again}))
    over = SimpleUploadedFile("paper2.csv", b"P1;P2;P4\nP9\n")
    page = text(client.post(url, {"file": over}))
    assert "Line 1" in page and "Line 2" in page
    assert Ballot.objects.count() == 2


# ---------------------------------------------------------------- permissions


STAFF_PAGES = [
    ("voting:manage", "election", "get"),
    ("voting:edit", "election", "get"),
    ("voting:roll", "election", "get"),
    ("voting:codes", "election", "get"),
    ("voting:contest_edit", "contest", "get"),
    ("voting:project_create", "contest", "get"),
    ("voting:paper", "contest", "get"),
    ("voting:count", "contest", "get"),
    ("voting:project_edit", "project", "get"),
    ("voting:run", "run", "get"),
    ("voting:run_progress", "run", "get"),
    ("voting:run_publish", "run", "post"),
    ("voting:codes", "election", "post"),
]


def staff_world(district) -> dict:
    election = make_vote(district, title=f"{district} 투표" if district else "서울시 투표")
    contest = contest_of(election)
    return {
        "election": election,
        "contest": contest,
        "project": contest.projects.first(),
        "run": CountRun.objects.create(contest=contest, rule="greedy"),
    }


@pytest.mark.parametrize(("name", "target", "method"), STAFF_PAGES)
def test_staff_permission_matrix(client, name, target, method, guro, eunpyeong):
    guro_world = staff_world(guro)
    city_world = make_vote(None, "seoul-citizen-pb", title="서울시 투표")
    city_world = {
        "election": city_world,
        "contest": contest_of(city_world, "city"),
        "project": contest_of(city_world, "city").projects.first(),
        "run": CountRun.objects.create(contest=contest_of(city_world, "city"), rule="mes_cost"),
    }
    users = {
        "resident": make_user("resident"),
        "clerk_guro": make_user("clerk-guro", Role.DISTRICT_STAFF, guro),
        "clerk_eunpyeong": make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong),
        "city": make_user("city", Role.CITY_OFFICER),
    }
    expected = {
        # who: (Guro's vote, the city-wide vote)
        None: ("login", "login"),
        "resident": (403, 403),
        "clerk_eunpyeong": (403, 403),
        "clerk_guro": ("ok", 403),
        "city": ("ok", "ok"),
    }
    events = AuditEvent.objects.count()
    for who, outcomes in expected.items():
        client.logout()
        if who:
            client.force_login(users[who])
        for world, outcome in zip((guro_world, city_world), outcomes, strict=True):
            url = reverse(name, args=[world[target].pk])
            response = client.post(url, {}) if method == "post" else client.get(url)
            if outcome == "login":
                assert response.status_code == 302, (who, url)
                assert response["Location"].startswith(reverse("login")), (who, url)
            elif outcome == 403:
                assert response.status_code == 403, (who, url)
            else:
                assert response.status_code in (200, 302), (who, url, response.status_code)
    # Refused requests and empty forms changed nothing.
    assert AuditEvent.objects.count() == events


def test_public_pages_show_no_staff_links_and_no_personal_data(client, guro_vote):
    voter = make_voter(guro_vote)
    page = text(client.get(reverse("voting:election", args=[guro_vote.pk])))
    assert reverse("voting:manage", args=[guro_vote.pk]) not in page
    assert voter.user.get_username() not in page
    signed_in(client, make_user("clerk-guro", Role.DISTRICT_STAFF, guro_vote.district))
    page = text(client.get(reverse("voting:election", args=[guro_vote.pk])))
    assert reverse("voting:manage", args=[guro_vote.pk]) in page


# ---------------------------------------------------------------- query counts


def test_list_page_queries_do_not_grow_with_votes(client, guro, django_assert_max_num_queries):
    for i in range(8):
        make_vote(guro, title=f"투표 {i}")
    with django_assert_max_num_queries(6):
        assert client.get(reverse("voting:list")).status_code == 200


def test_vote_page_queries_do_not_grow_with_projects(client, guro, django_assert_max_num_queries):
    projects = {"pb": [(f"P{i:02d}", 10_000_000 + i) for i in range(30)]}
    election = make_vote(guro, projects=projects)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("voting:election", args=[election.pk])).status_code == 200


def fake_published(election: Election, winners=("P1", "P2")) -> CountRun:
    """A finished, published count with a stored result (the counting engine is tested
    on its own; the pages only read the stored result)."""
    contest = contest_of(election)
    close(election)
    costs = dict(contest.projects.values_list("code", "cost"))
    result = {
        "budget": contest.budget,
        "voters": 3,
        "winners": [{"code": c, "cost": costs[c], "votes": 2} for c in winners],
        "spent": sum(costs[c] for c in winners),
        "votes": {c: (2 if c in winners else 1) for c in costs},
        "fairness": {"voters": 3, "voters_with_nothing": 1},
    }
    run = CountRun.objects.create(
        contest=contest, rule="greedy", status=RunStatus.DONE, result=result, ballots_counted=3
    )
    results.publish(contest, run, make_user(f"publisher{run.pk}", Role.CITY_OFFICER))
    return run


def test_results_are_public_only_once_published(client, guro_vote):
    url = reverse("voting:results", args=[guro_vote.pk])
    assert client.get(url).status_code == 404
    pb = reverse("voting:pabulib", args=[guro_vote.pk, "pb"])
    assert client.get(pb).status_code == 404
    fake_published(guro_vote)
    page = text(client.get(url))
    assert "Funded projects" in page and "사업 P1" in page
    assert "<svg" in page and 'role="img"' in page  # chart, with the table as text
    assert "Most votes first" in page
    assert "Voters with none of their projects funded" in page


def test_results_page_queries_do_not_grow(client, guro, django_assert_max_num_queries):
    projects = {"pb": [(f"P{i:02d}", 10_000_000 + i) for i in range(30)]}
    election = make_vote(guro, projects=projects)
    fake_published(election, winners=("P01", "P07"))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("voting:results", args=[election.pk])).status_code == 200


# ---------------------------------------------------------------- counting through the pages


def test_clerk_counts_with_both_rules_compares_and_publishes(client, clerk, guro_vote):
    contest = contest_of(guro_vote)
    for choices in (["P1", "P2"], ["P1", "P2"], ["P4"], ["P3"]):
        services.cast_ballot(contest, make_voter(guro_vote), choices)
    signed_in(client, clerk)
    url = reverse("voting:count", args=[contest.pk])
    page = text(client.get(url))
    assert "Counting starts once the vote has closed" in page
    assert "errorlist" in text(client.post(url, {"rule": "greedy", "completion": "none"}))
    assert not CountRun.objects.exists()
    close(guro_vote)
    page = text(client.get(url))
    assert 'value="greedy" checked' in page or re.search(r'value="greedy"[^>]*checked', page)
    response = client.post(url, {"rule": "mes_cost", "completion": "greedy_fill"})
    mes = CountRun.objects.get()
    assert response["Location"] == reverse("voting:run", args=[mes.pk])
    progress = client.get(reverse("voting:run_progress", args=[mes.pk])).json()
    assert progress["status"] == "queued" and not progress["finished"]
    assert 'http-equiv="refresh"' in text(client.get(response["Location"]))
    client.post(url, {"rule": "greedy", "completion": "none"})
    for run in CountRun.objects.all():
        tasks.execute(run.pk)
    progress = client.get(reverse("voting:run_progress", args=[mes.pk])).json()
    assert progress["finished"] and progress["done"] == progress["total"]
    page = text(client.get(url))
    assert "Compare the counts" in page
    run_page = text(client.get(reverse("voting:run", args=[mes.pk])))
    assert "Publish this result" in run_page and "Method of Equal Shares" in run_page
    response = client.post(reverse("voting:run_publish", args=[mes.pk]))
    assert response["Location"] == reverse("voting:results", args=[guro_vote.pk])
    contest.refresh_from_db()
    assert contest.published_run_id == mes.pk
    # The results page is public now, and the Pabulib file downloadable.
    client.logout()
    assert "Funded projects" in text(client.get(response["Location"]))


def test_voter_sees_why_their_projects_were_or_were_not_funded(client, guro_vote, voter):
    contest = contest_of(guro_vote)
    signed_in(client, voter.user)
    client.post(ballot_url(guro_vote), {"choice": ["P1", "P3"], "action": "cast"})
    others = (["P1", "P2"], ["P1", "P2"], ["P4"], ["P4"], ["P4"])
    receipts = [services.cast_ballot(contest, make_voter(guro_vote), c) for c in others]
    close(guro_vote)
    clerk = make_user("clerk-guro", Role.DISTRICT_STAFF, guro_vote.district)
    run = results.start_count(contest, "greedy", "none", clerk)
    tasks.execute(run.pk)
    results.publish(contest, CountRun.objects.get(pk=run.pk), clerk)
    url = reverse("voting:results", args=[guro_vote.pk])
    # The receipt this browser kept: the explanation shows without typing it.
    page = text(client.get(url))
    assert "Your ballot" in page
    # Greedy: P1 (3 votes) and P4 (3) first: P1 4억 + P4 5억 = 9억; P3 (1 vote, 3억) no
    # longer fits in the 1억 left.
    mine = page.split('id="my-ballot-')[1].split("</div>")[0]
    assert "사업 P1" in mine and "사업 P3" in mine
    assert "Funded as project no." in mine
    assert "less than its cost" in mine
    # Someone else types their receipt in, on another browser.
    client.logout()
    page = text(client.post(url, {"receipt": receipts[2].lower()}))
    mine = page.split('id="my-ballot-')[1].split("</div>")[0]
    assert "사업 P4" in mine and "사업 P1" not in mine
    bad = text(client.post(url, {"receipt": "ABCD-EFGH-JKMN-PQRS"}))
    assert "No counted ballot" in bad and 'id="my-ballot-' not in bad


def test_pabulib_download_after_publication_has_no_personal_data(client, guro_vote):
    from hyeopchi.voting import pabulib

    contest = contest_of(guro_vote)
    voters = [make_voter(guro_vote) for _i in range(4)]
    for voter, choices in zip(voters, (["P1", "P2"], ["P1"], ["P4"], ["P1", "P2"]), strict=True):
        services.cast_ballot(contest, voter, choices)
    close(guro_vote)
    clerk = make_user("clerk-guro", Role.DISTRICT_STAFF, guro_vote.district)
    run = results.start_count(contest, "greedy", "none", clerk)
    tasks.execute(run.pk)
    results.publish(contest, CountRun.objects.get(pk=run.pk), clerk)
    response = client.get(reverse("voting:pabulib", args=[guro_vote.pk, "pb"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.pb"')
    body = response.content.decode()
    parsed = pabulib.parse(body)
    assert parsed.meta["budget"] == str(contest.budget)
    assert parsed.meta["num_votes"] == "4"
    assert len(parsed.votes) == 4
    assert sorted(p["project_id"] for p in parsed.projects) == ["P1", "P2", "P3", "P4"]
    selected = {p["project_id"] for p in parsed.projects if p.get("selected") == "1"}
    assert selected == {w["code"] for w in CountRun.objects.get(pk=run.pk).result["winners"]}
    for voter in voters:
        assert voter.user.get_username() not in body
    assert "birth" not in body.lower()


def test_equal_shares_explanation_names_what_the_voter_paid(client, guro_vote, voter):
    contest = contest_of(guro_vote)
    mine = services.cast_ballot(contest, voter, ["P1", "P4"])
    for choices in (["P1", "P2"], ["P2", "P3"], ["P3"], ["P2"]):
        services.cast_ballot(contest, make_voter(guro_vote), choices)
    close(guro_vote)
    clerk = make_user("clerk-guro", Role.DISTRICT_STAFF, guro_vote.district)
    run = results.start_count(contest, "mes_cost", "budget_increase_then_greedy", clerk)
    tasks.execute(run.pk)
    run.refresh_from_db()
    results.publish(contest, run, clerk)
    page = text(client.post(reverse("voting:results", args=[guro_vote.pk]), {"receipt": mine}))
    box = page.split('id="my-ballot-')[1].split("</div>")[0]
    assert "사업 P1" in box and "사업 P4" in box
    # Equal Shares (with the completion) buys P2, P3, then P1, for which this voter pays
    # the whole of their share; P4's only supporter has nothing left for it.
    assert [w["code"] for w in run.result["winners"]] == ["P2", "P3", "P1"]
    assert "Funded by Equal Shares in round 3" in box
    assert "you paid ₩250,000,000" in box
    assert "Not funded: its supporters together had only ₩0" in box
