"""Execution and settlement rules: quarters, due dates (two months after 31 December),
overdue, overspending per line and task, unspent + interest + double funding to return,
termination prerequisites."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hyeopchi.plans.change_policy import load_change_rules
from hyeopchi.plans.settlement_rules import (
    InvalidSettlement,
    LineSpend,
    add_months,
    fiscal_year_end,
    is_overdue,
    overspending,
    quarter_bounds,
    quarter_of,
    quarterly_report_due,
    settle,
    settlement_due,
    submitted_late,
    termination_problems,
)

D = dt.date


@pytest.fixture(scope="module")
def rules():
    return load_change_rules("seoul-2020")


# Dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "due"),
    [(2021, D(2022, 2, 28)), (2023, D(2024, 2, 29)), (2099, D(2100, 2, 28))],
)
def test_settlement_is_due_two_months_after_the_fiscal_year(rules, year, due):
    months = rules.settlement.due_months_after_period_end
    assert settlement_due(fiscal_year_end(year), months) == due


def test_strategy_projects_settle_one_month_after_their_end(rules):
    months = rules.settlement.strategy_due_months_after_project_end
    assert settlement_due(D(2021, 11, 15), months) == D(2021, 12, 15)
    assert settlement_due(D(2021, 1, 31), months) == D(2021, 2, 28)


@given(day=st.dates(dt.date(1900, 1, 1), dt.date(2500, 1, 1)), months=st.integers(0, 40))
def test_add_months_lands_in_the_right_month_never_later_day(day, months):
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day <= day.day


def test_overdue_from_the_day_after_the_due_date():
    due = D(2022, 2, 28)
    assert not is_overdue(due, None, D(2022, 2, 28))
    assert is_overdue(due, None, D(2022, 3, 1))
    assert not is_overdue(due, D(2022, 3, 5), D(2022, 4, 1))  # submitted (late) is not overdue
    assert submitted_late(due, D(2022, 3, 1)) and not submitted_late(due, D(2022, 2, 28))
    assert not submitted_late(due, None)


def test_quarters(rules):
    assert quarter_bounds(2021, 1) == (D(2021, 1, 1), D(2021, 3, 31))
    assert quarter_bounds(2024, 1)[1] == D(2024, 3, 31)
    assert quarter_bounds(2021, 4) == (D(2021, 10, 1), D(2021, 12, 31))
    assert [quarter_of(D(2021, m, 1)) for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [
        1, 1, 2, 2, 3, 3, 4, 4,
    ]  # fmt: skip
    days = rules.execution.quarterly_report_due_days
    assert quarterly_report_due(2021, 2, days) == D(2021, 6, 30) + dt.timedelta(days=days)


@pytest.mark.parametrize("quarter", [0, 5, -1, "2", 2.0, True, None])
def test_a_quarter_that_does_not_exist_is_refused(quarter):
    with pytest.raises(InvalidSettlement) as caught:
        quarter_bounds(2021, quarter)
    assert caught.value.code == "quarter"


# Overspending ---------------------------------------------------------------------------


def spend(id, planned, spent, task="t1", source="city", duplicated=0):
    return LineSpend(id, task, source, planned, spent, duplicated)


@pytest.mark.parametrize(("spent", "flagged"), [(999, False), (1_000, False), (1_001, True)])
def test_line_overspending_one_won_below_at_above(spent, flagged):
    found = overspending([spend("a", 1_000, spent)])
    assert [(o.scope, o.scope_id, o.excess) for o in found if o.scope == "line"] == (
        [("line", "a", 1)] if flagged else []
    )


def test_a_task_is_flagged_when_its_lines_together_exceed_the_plan():
    lines = [spend("a", 1_000, 1_200), spend("b", 1_000, 700), spend("c", 500, 600, task="t2")]
    found = {(o.scope, o.scope_id): o.excess for o in overspending(lines)}
    # t1: 2,000 planned, 1,900 spent: only line a; t2: line c and the task.
    assert found == {("line", "a"): 200, ("line", "c"): 100, ("task", "t2"): 100}


def test_tolerance_from_policy(rules):
    tolerance = rules.execution.overspend_tolerance
    assert overspending([spend("a", 10, 10 + tolerance)], tolerance) == []


# Settlement -----------------------------------------------------------------------------


def test_settlement_returns_unspent_plus_interest():
    lines = [
        spend("a", 600_000_000, 550_000_000),
        spend("b", 400_000_000, 380_000_000, task="t2"),
        spend("c", 200_000_000, 210_000_000, source="district"),
    ]
    result = settle(lines, subsidy_received=1_000_000_000, interest=1_234_567)
    assert result.subsidy_spent == 930_000_000
    assert result.unspent == 70_000_000
    assert result.to_return == 71_234_567
    assert result.planned_by_source == {"city": 1_000_000_000, "district": 200_000_000, "other": 0}
    assert result.spent_by_source["district"] == 210_000_000
    # t1 as a whole (800 planned, 760 spent) stays within its plan.
    assert [(o.scope, o.scope_id) for o in result.overspends] == [("line", "c")]
    assert result.subsidy_overspent == 0 and result.duplicated_lines == ()


def test_double_funding_by_national_money_is_returned_too():
    lines = [spend("a", 500, 500, duplicated=120), spend("b", 500, 400)]
    result = settle(lines, subsidy_received=1_000, interest=3)
    assert result.duplicated == 120 and result.duplicated_lines == ("a",)
    assert result.to_return == 100 + 3 + 120


def test_district_money_doubly_funded_is_not_the_citys_to_reclaim():
    result = settle([spend("a", 500, 500, source="district", duplicated=50)], 0)
    assert result.duplicated == 0 and result.to_return == 0


def test_subsidy_spent_above_what_was_received_is_flagged():
    result = settle([spend("a", 1_000, 1_001)], subsidy_received=1_000)
    assert result.subsidy_overspent == 1 and result.unspent == 0


@pytest.mark.parametrize(
    ("kwargs", "line", "code"),
    [
        ({"subsidy_received": -1}, spend("a", 1, 1), "subsidy_received"),
        ({"subsidy_received": 1.5}, spend("a", 1, 1), "subsidy_received"),
        ({"subsidy_received": 1, "interest": -3}, spend("a", 1, 1), "interest"),
        ({"subsidy_received": 1}, spend("a", 1, -1), "spent"),
        ({"subsidy_received": 1}, spend("a", 1, 0.5), "spent"),
        ({"subsidy_received": 1}, spend("a", -1, 0), "planned"),
        ({"subsidy_received": 1}, spend("a", 1, 1, duplicated=2), "duplicated"),
        ({"subsidy_received": 1}, spend("a", 1, 1, duplicated=-1), "duplicated"),
    ],
)
def test_bad_amounts_are_refused(kwargs, line, code):
    with pytest.raises(InvalidSettlement) as caught:
        settle([line], **kwargs)
    assert caught.value.code == code and str(caught.value)


# Termination ----------------------------------------------------------------------------


def test_grounds_from_policy(rules):
    assert rules.settlement.ground("violation").needs_correction_period
    assert rules.settlement.ground("poor_execution").needs_correction_period
    assert not rules.settlement.ground("civilians_deem_unfit").needs_correction_period
    assert rules.settlement.ground("nonsense") is None
    assert rules.settlement.return_method("next_year_budget").article == "협약 제11조①"


def test_termination_on_violation_needs_the_council_heard_and_the_period_run_out():
    day = D(2021, 9, 1)
    assert len(termination_problems(True, None, None, day)) == 2
    assert len(termination_problems(True, D(2021, 9, 2), D(2021, 8, 1), day)) == 1
    assert len(termination_problems(True, D(2021, 7, 1), D(2021, 9, 1), day)) == 1  # still running
    assert termination_problems(True, D(2021, 7, 1), D(2021, 8, 31), day) == []
    assert termination_problems(False, None, None, day) == []
