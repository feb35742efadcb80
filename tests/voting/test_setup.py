"""Setting a vote up: contests from the policy, projects before opening, validation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from hyeopchi.core.models import AuditEvent
from hyeopchi.voting import services
from hyeopchi.voting.models import Contest, Election, Project
from tests.voting.conftest import DAY, HOUR, contest_of

pytestmark = pytest.mark.django_db


def future() -> tuple[dt.datetime, dt.datetime]:
    now = timezone.now()
    return now + DAY, now + 8 * DAY


def test_contests_follow_the_policy(eunpyeong, staff_user):
    opens, closes = future()
    election = services.create_election(
        title="은평구 의제 투표",
        district=eunpyeong,
        policy_key="eunpyeong-agenda-vote",
        opens_at=opens,
        closes_at=closes,
        budgets={"pb": 500_000_000, "governance": 100_000_000},
        actor=staff_user,
    )
    contests = list(election.contests.order_by("position"))
    assert [(c.key, c.name, c.design, c.max_choices, c.points) for c in contests] == [
        ("pb", "주민참여예산 사업", "k_approval", 3, None),
        ("governance", "협치 의제", "cumulative", None, 5),
    ]
    assert all(c.district == eunpyeong for c in contests)
    assert [c.budget for c in contests] == [500_000_000, 100_000_000]
    event = AuditEvent.objects.get(model="voting.election")
    assert event.actor == staff_user and event.district_id == eunpyeong.pk


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"title": "  "}, "title", "cannot be blank"),
        ({"policy_key": "nope"}, "policy_key", "No voting policy named nope"),
        ({"budgets": {}}, "budgets.pb", "Give the budget of the ballot pb"),
        ({"budgets": {"pb": 0}}, "budgets.pb", "positive whole number"),
        ({"budgets": {"pb": -5}}, "budgets.pb", "positive whole number"),
        ({"budgets": {"pb": 1.5}}, "budgets.pb", "positive whole number"),
        ({"budgets": {"pb": 10, "xx": 5}}, "budgets", "has no ballot xx"),
        ({"swap": True}, "closes_at", "close after it opens"),
        ({"opens_at": None}, "opens_at", "Enter a date and time"),
    ],
)
def test_bad_set_up(guro, changes, field, expected):
    opens, closes = future()
    args = {
        "title": "투표",
        "district": guro,
        "policy_key": "district-pb",
        "opens_at": opens,
        "closes_at": closes,
        "budgets": {"pb": 1_000_000_000},
    }
    if changes.pop("swap", False):
        args["opens_at"], args["closes_at"] = closes, opens
    args.update(changes)
    with pytest.raises(ValidationError) as info, override("en"):
        services.create_election(**args)
    assert expected in " ".join(info.value.message_dict[field])
    assert not Election.objects.exists() and not Contest.objects.exists()


def test_naive_dates_are_seoul_time(guro):
    election = services.create_election(
        title="투표",
        district=guro,
        policy_key="district-pb",
        opens_at=dt.datetime(2030, 5, 1, 9),
        closes_at=dt.datetime(2030, 5, 8, 18),
        budgets={"pb": 10},
    )
    assert timezone.localtime(election.opens_at).hour == 9


def test_projects_only_before_the_vote_opens(pb, staff_user):
    before = pb.election.opens_at - HOUR
    project = services.add_project(
        pb, code="P9", title="놀이터", cost=100, actor=staff_user, now=before
    )
    services.update_project(project, staff_user, title="어린이 놀이터", now=before)
    with pytest.raises(ValidationError) as info, override("en"):
        services.add_project(pb, code="P10", title="x", cost=1, actor=staff_user)
    assert "has opened" in info.value.message_dict["__all__"][0]
    with pytest.raises(ValidationError):
        services.update_project(project, staff_user, cost=5)
    with pytest.raises(ValidationError):
        services.remove_project(project, staff_user)
    with pytest.raises(ValidationError):
        services.update_contest(pb, staff_user, budget=5)
    services.remove_project(project, staff_user, now=before)
    assert not Project.objects.filter(code="P9").exists()
    actions = list(
        AuditEvent.objects.filter(model="voting.project").values_list("action", flat=True)
    )
    assert actions == ["created"] * 5 + ["changed", "changed"]  # 4 fixture projects + P9


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        ({"code": "P1"}, "code", "already has a project P1"),
        ({"code": "P 1"}, "code", "1 to 20 letters"),
        ({"code": "P;1"}, "code", "1 to 20 letters"),
        ({"code": "-P"}, "code", "1 to 20 letters"),
        ({"cost": 0}, "cost", "positive whole number"),
        ({"cost": -1}, "cost", "positive whole number"),
        ({"cost": "100"}, "cost", "positive whole number"),
        ({"cost": 2_000_000_000}, "cost", "more than the ballot's whole budget"),
        ({"title": ""}, "title", "cannot be blank"),
    ],
)
def test_bad_projects(pb, fields, field, expected):
    args = {"code": "P9", "title": "놀이터", "cost": 100, "now": pb.election.opens_at - HOUR}
    args.update(fields)
    with pytest.raises(ValidationError) as info, override("en"):
        services.add_project(pb, **args)
    assert expected in " ".join(info.value.message_dict[field])
    assert Project.objects.count() == 4


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"budget": 100}, "budget", "Project P4 costs"),
        ({"design": "k_approval"}, "__all__", "cannot be changed"),
        ({"rule": "mes_cost", "completion": "greedy_fill"}, None, None),
        ({"completion": "greedy_fill"}, "completion", "Method of Equal Shares only"),
        ({"min_share_spent": "3/2"}, "min_share_spent", "at most 1"),
        ({"min_share_spent": "half"}, "min_share_spent", "at most 1"),
        ({"min_share_spent": "0.5"}, None, None),
        ({"max_choices": 0}, "max_choices", "at least 1"),
        ({"points": -1}, "points", "at least 1"),
        ({"tie_break": "coin"}, "tie_break", "lexicographic"),
        ({"rule": "nope"}, "rule", "Unknown counting rule"),
    ],
)
def test_contest_adjustments(pb, changes, field, expected):
    before = pb.election.opens_at - HOUR
    if field is None:
        services.update_contest(pb, now=before, **changes)
        pb.refresh_from_db()
        if "min_share_spent" in changes:
            assert pb.min_share_spent == "1/2"
        return
    with pytest.raises(ValidationError) as info, override("en"):
        services.update_contest(pb, now=before, **changes)
    assert expected in " ".join(info.value.message_dict[field])


def test_k_approval_needs_k(eunpyeong_vote):
    contest = contest_of(eunpyeong_vote, "pb")
    with pytest.raises(ValidationError) as info, override("en"):
        services.update_contest(contest, max_choices=None, now=eunpyeong_vote.opens_at - HOUR)
    assert "needs k" in info.value.message_dict["max_choices"][0]


def test_election_dates(guro_vote, staff_user):
    with pytest.raises(ValidationError) as info:
        services.update_election(guro_vote, staff_user, opens_at=guro_vote.opens_at + HOUR)
    assert "opens_at" in info.value.message_dict
    for earlier in (timezone.now() - HOUR, guro_vote.closes_at - HOUR):
        with pytest.raises(ValidationError) as info, override("en"):
            services.update_election(guro_vote, staff_user, closes_at=earlier)
        assert "can only be extended" in info.value.message_dict["closes_at"][0]
    later = guro_vote.closes_at + DAY
    services.update_election(guro_vote, staff_user, closes_at=later, title="연장된 투표")
    guro_vote.refresh_from_db()
    assert guro_vote.closes_at == later and guro_vote.title == "연장된 투표"
    with pytest.raises(ValidationError):
        services.update_election(guro_vote, staff_user, closes_at=later + DAY, now=later)
