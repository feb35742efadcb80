"""Routing of budget change requests (운영지침 3.3, 협약 제10조): every route, the 10 %
boundary one won below, at and above, exact arithmetic, and the policy file's checks."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hyeopchi.core.policy import PolicyError, load_file
from hyeopchi.plans.change_policy import ChangeRules, load_change_rules
from hyeopchi.plans.change_routes import (
    ChangeRequest,
    InvalidChange,
    LineRef,
    Move,
    route_change,
)

POLICY = Path(__file__).resolve().parents[2] / "policies"
TOTAL = 1_000_000_000  # 10억: the subsidy project total
BIG = 10**14


@pytest.fixture(scope="module")
def rules():
    return load_change_rules("seoul-2020").change


def line(id, nature="current", project="P1", item="사업비", amount=BIG):
    return LineRef(id=id, nature=nature, project=project, item=item, amount=amount)


def request(amount, *, source=None, target=None, total=TOTAL, urgent=False, content=False):
    move = Move(source or line("a"), target or line("b"), amount)
    return ChangeRequest(moves=(move,), subsidy_total=total, urgent=urgent, content_change=content)


def test_shipped_policy_reads_ten_per_cent(rules):
    assert rules.threshold == Fraction(1, 10)
    assert rules.route("council_decision").report_quarterly
    assert rules.route("city_consultation").prior_consultation
    assert "3.3.4" in rules.route("refused_nature").article


# Each route ----------------------------------------------------------------------------


def test_current_to_capital_is_refused_whatever_the_amount(rules):
    routing = route_change(request(1, target=line("b", nature="capital")), rules)
    assert routing.refused and routing.route.key == "refused_nature"
    assert routing.approver == "none" and routing.offending == (0,)


def test_capital_to_current_is_refused_even_when_urgent(rules):
    req = request(5, source=line("a", nature="capital"), target=line("b"), urgent=True)
    assert route_change(req, rules).route.key == "refused_nature"


def test_moving_between_listed_sub_projects_is_refused(rules):
    routing = route_change(request(1_000, target=line("b", project="P2")), rules)
    assert routing.refused and routing.route.key == "refused_between_projects"
    assert "제10조" in routing.route.article


def test_nature_refusal_names_only_the_offending_moves(rules):
    moves = (
        Move(line("a"), line("b"), 10),
        Move(line("c"), line("d", nature="capital"), 10),
    )
    routing = route_change(ChangeRequest(moves, TOTAL), rules)
    assert routing.route.key == "refused_nature" and routing.offending == (1,)


def test_a_transfer_between_items_goes_to_the_city_even_when_small(rules):
    routing = route_change(request(1, target=line("b", item="운영비")), rules)
    assert routing.route.key == "city_approval" and routing.is_transfer
    assert routing.approver == "city" and not routing.report_quarterly


def test_an_important_content_change_needs_prior_consultation(rules):
    routing = route_change(ChangeRequest((), TOTAL, content_change=True), rules)
    assert routing.route.key == "city_consultation"
    assert routing.route.prior_consultation and routing.approver == "city"


def test_a_small_change_is_decided_by_the_council_and_reported_quarterly(rules):
    routing = route_change(request(50_000_000), rules)
    assert routing.route.key == "council_decision"
    assert routing.approver == "council" and routing.report_quarterly


def test_an_urgent_small_change_may_be_decided_by_the_delegated_unit(rules):
    routing = route_change(request(50_000_000, urgent=True), rules)
    assert routing.route.key == "delegated_decision"
    assert routing.approver == "delegated" and routing.report_quarterly


def test_urgent_does_not_lower_a_large_change(rules):
    assert route_change(request(TOTAL // 10, urgent=True), rules).route.key == "city_approval"


def test_without_delegation_an_urgent_change_goes_to_the_council(rules):
    no_delegation = rules.model_copy(update={"urgent_delegation": False})
    assert route_change(request(1, urgent=True), no_delegation).route.key == "council_decision"


# The 10 % boundary, one won below / at / above -------------------------------------------


@pytest.mark.parametrize(
    ("amount", "route"),
    [
        (99_999_999, "council_decision"),
        (100_000_000, "city_approval"),
        (100_000_001, "city_approval"),
    ],
)
def test_ten_per_cent_boundary(rules, amount, route):
    assert route_change(request(amount), rules).route.key == route


@pytest.mark.parametrize(
    ("amount", "route"),
    # 10 % of 1,000,000,005 won is 100,000,000.5 won: 100,000,000 is below it.
    [(100_000_000, "council_decision"), (100_000_001, "city_approval")],
)
def test_boundary_is_exact_when_ten_per_cent_is_not_a_whole_won(rules, amount, route):
    routing = route_change(request(amount, total=1_000_000_005), rules)
    assert routing.route.key == route
    assert routing.threshold_amount == Fraction(200_000_001, 2)


def test_the_share_sums_every_move_of_the_request(rules):
    half = Move(line("a"), line("b"), 50_000_000)
    other = Move(line("c"), line("d"), 50_000_000)
    routing = route_change(ChangeRequest((half, other), TOTAL), rules)
    assert routing.amount == 100_000_000 and routing.share == Fraction(1, 10)
    assert routing.route.key == "city_approval" and routing.share_percent == "10.00"


@given(total=st.integers(1, 10**13), amount=st.integers(1, 10**13))
def test_route_agrees_with_integer_arithmetic(total, amount):
    rules = load_change_rules("seoul-2020").change
    key = route_change(request(amount, total=total), rules).route.key
    assert key == ("city_approval" if amount * 10 >= total else "council_decision")


# Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("req", "code"),
    [
        (request(0), "amount"),
        (request(-5), "amount"),
        (request(1.5), "amount"),
        (request(True), "amount"),
        (request(10, total=0), "subsidy_total"),
        (request(10, target=line("a")), "same_line"),
        (request(11, source=line("a", amount=10)), "exceeds_line"),
        (ChangeRequest((), TOTAL), "empty"),
    ],
)
def test_bad_requests_are_refused_with_a_reason(rules, req, code):
    with pytest.raises(InvalidChange) as caught:
        route_change(req, rules)
    assert caught.value.code == code and str(caught.value)


def test_taking_from_one_line_twice_counts_both_moves(rules):
    source = line("a", amount=10)
    moves = (Move(source, line("b"), 6), Move(source, line("c"), 5))
    with pytest.raises(InvalidChange, match="10"):
        route_change(ChangeRequest(moves, TOTAL), rules)


# The policy file ------------------------------------------------------------------------------


def _broken(tmp_path, old, new):
    text = (POLICY / "seoul-2020/plans/change-rules.toml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "x.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path / "x.toml"


def test_shipped_file_validates():
    policy = load_file(POLICY / "seoul-2020/plans/change-rules.toml", POLICY)
    assert isinstance(policy.document, ChangeRules)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('key = "council_decision"', 'key = "council_vote"', "change"),
        ('city_threshold_percent = "10"', 'city_threshold_percent = "0"', "change"),
        ('approver = "council"', 'approver = "none"', "change"),
        ("due_months_after_period_end = 2", "due_months_after_period_end = 0", "settlement"),
    ],
)
def test_broken_policy_names_the_problem(tmp_path, old, new, key):
    with pytest.raises(PolicyError) as caught:
        load_file(_broken(tmp_path, old, new), tmp_path)
    assert caught.value.key.startswith(key)
