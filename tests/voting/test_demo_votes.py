"""The demo votes `make demo` loads: a closed 구로구 vote counted both ways and published,
the 은평 two-ballot vote published, an open 구로구 vote that resident-guro may try."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hyeopchi.core.models import District, Role
from hyeopchi.voting import demo, services
from hyeopchi.voting.models import Ballot, CountRun, Election, RunStatus
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(scope="module")
def demo_votes(django_db_setup, django_db_blocker):
    """Load the demo votes once for this module, in a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        make_user("clerk-guro", Role.DISTRICT_STAFF, District.objects.get(name_ko="구로구"))
        make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, District.objects.get(name_ko="은평구"))
        result = demo.load(today=timezone.localdate())
        assert result.loaded
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo_votes, db):
    return demo_votes


def test_closed_guro_vote_is_counted_both_ways_and_published(loaded, client):
    election = Election.objects.get(title__endswith=demo.MARKER)
    contest = election.contests.get()
    assert election.is_closed() and election.published_at is not None
    assert contest.budget == 1_159_230_000
    assert contest.projects.count() == 12
    channels = dict.fromkeys(("online", "code", "paper"), 0)
    for channel in Ballot.objects.filter(contest=contest).values_list("channel", flat=True):
        channels[channel] += 1
    assert channels["online"] >= 300 and channels["code"] > 0 and channels["paper"] > 0
    runs = {r.rule: r for r in CountRun.objects.filter(contest=contest)}
    assert set(runs) == {"greedy", "mes_cost"}
    assert all(r.status == RunStatus.DONE for r in runs.values())
    assert contest.published_run == runs["mes_cost"]
    assert runs["mes_cost"].completion == "budget_increase_then_greedy"
    # The two rules fund different sets: what the demo is there to show.
    greedy = {w["code"] for w in runs["greedy"].result["winners"]}
    mes = {w["code"] for w in runs["mes_cost"].result["winners"]}
    assert greedy != mes
    for run in runs.values():
        assert run.result["spent"] <= contest.budget
    page = client.get(reverse("voting:results", args=[election.pk])).content.decode()
    assert "Method of Equal Shares" in page


def test_eunpyeong_vote_has_two_published_ballots(loaded):
    election = Election.objects.get(title__contains="은평구 주민총회")
    assert [c.key for c in election.contests.all()] == ["pb", "governance"]
    for contest in election.contests.all():
        assert contest.published_run is not None
        assert contest.published_run.result["winners"]


def test_open_vote_for_resident_guro(loaded, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    election = Election.objects.get(title__contains="제안사업")
    assert election.is_open()
    assert election.closes_at > timezone.now() + dt.timedelta(days=14)
    user = get_user_model().objects.get(username="resident-guro")
    assert user.check_password(demo.PASSWORD)
    voter = services.voter_for(election, user)
    assert voter.verified and services.eligibility(election, voter) == []
    assert not services.voted_contests(voter)
    assert "resident-guro" in {u for u, _d, _c in loaded.users}


def test_loading_twice_changes_nothing(loaded):
    before = (Election.objects.count(), Ballot.objects.count(), CountRun.objects.count())
    again = demo.load()
    assert not again.loaded
    assert before == (Election.objects.count(), Ballot.objects.count(), CountRun.objects.count())
