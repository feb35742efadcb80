"""Fixtures of the voting tests: open votes with projects, voters on the roll."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from hyeopchi.core.models import District, Role
from hyeopchi.voting import services
from hyeopchi.voting.models import Contest, Election, Voter
from tests.conftest import make_user

_users = itertools.count(1)

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

GURO_PROJECTS = [("P1", 400_000_000), ("P2", 300_000_000), ("P3", 300_000_000), ("P4", 500_000_000)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_vote(
    district: District | None,
    policy_key: str = "district-pb",
    budgets: dict[str, int] | None = None,
    projects: dict[str, list[tuple[str, int]]] | None = None,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    title: str = "2020 구로구 주민참여예산 투표",
) -> Election:
    now = timezone.now()
    opens_at = opens_at or now - DAY
    closes_at = closes_at or now + DAY
    policy = services.voting_policy(policy_key)
    budgets = budgets or {c.key: 1_000_000_000 for c in policy.contests}
    election = services.create_election(
        title=title,
        district=district,
        policy_key=policy_key,
        opens_at=opens_at,
        closes_at=closes_at,
        budgets=budgets,
    )
    projects = projects or {c.key: GURO_PROJECTS for c in policy.contests}
    before = opens_at - HOUR
    for contest in election.contests.all():
        for code, cost in projects.get(contest.key, []):
            services.add_project(contest, code=code, title=f"사업 {code}", cost=cost, now=before)
    return election


def contest_of(election: Election, key: str = "pb") -> Contest:
    return Contest.objects.select_related("election", "district").get(election=election, key=key)


def make_voter(
    election: Election,
    district: District | None = None,
    birth_year: int = 1980,
    verified: bool = True,
    user=None,
) -> Voter:
    user = user or make_user(f"voter{next(_users)}")
    district = district or election.district or District.objects.get(name_ko="구로구")
    voter = services.register_voter(election, user, district, birth_year, now=election.opens_at)
    if verified:
        voter.verified = True
        voter.save(update_fields=["verified"])
    return voter


@pytest.fixture
def guro_vote(guro) -> Election:
    """Guro's knapsack vote (district-pb: revoting allowed, verification required)."""
    return make_vote(guro)


@pytest.fixture
def pb(guro_vote) -> Contest:
    return contest_of(guro_vote)


@pytest.fixture
def voter(guro_vote) -> Voter:
    return make_voter(guro_vote)


@pytest.fixture
def eunpyeong_vote(eunpyeong) -> Election:
    """Eunpyeong: k-approval (k=3) and cumulative (5 points), no revoting, self-declared."""
    return make_vote(eunpyeong, "eunpyeong-agenda-vote", title="은평구 의제 투표")


@pytest.fixture
def staff_user(guro):
    return make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
