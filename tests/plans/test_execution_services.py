"""Quarterly progress reports, settlement, return and termination on a real plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hyeopchi.core import audit
from hyeopchi.plans import services_execution as execution
from hyeopchi.plans.models import Indicator, PlanStatus, ProgressReport, Settlement
from tests.plans.execution_helpers import (
    SUBSIDY,
    build_world,
    fast_passwords,  # noqa: F401 - fixture
    seoul,
)

pytestmark = pytest.mark.django_db
YEAR = 2021
AFTER = dt.date(2022, 1, 10)


@pytest.fixture
def world(guro, eunpyeong):
    return build_world(guro, eunpyeong, year=YEAR)


def row(w, today):
    """The city list's row of the world's plan, read fresh."""
    return execution.settlement_rows(execution.settling_plans().filter(pk=w.plan.pk), today)[0]


def errors(caught) -> dict:
    return caught.value.message_dict


def full_year(w, spent_events=380_000_000, duplicated=0):
    report = execution.open_report(w.plan, YEAR, 4, w.clerk, today=AFTER)
    execution.save_report(
        report,
        w.clerk,
        narratives={w.care.pk: "돌봄 네트워크 12회 운영"},
        spending={
            w.events.pk: (spent_events, duplicated),
            w.supplies.pk: ("100,000,000", 0),
            w.research.pk: (90_000_000, 0),
            w.fitout.pk: (200_000_000, 0),
            w.classes.pk: (150_000_000, 0),
            w.matching.pk: (50_000_000, 0),
        },
        actuals={w.care.indicators.get().pk: "85.5"},
    )
    execution.submit_report(report, w.clerk, now=seoul(AFTER))
    return report


# ---------------------------------------------------------------- quarterly reports


@pytest.mark.parametrize(
    ("year", "quarter", "field"),
    [(YEAR, 5, "quarter"), (YEAR, 0, "quarter"), (YEAR, "x", "quarter"), (2019, 1, "year")],
)
def test_a_quarter_that_does_not_exist_is_refused(world, year, quarter, field):
    with pytest.raises(ValidationError) as caught:
        execution.open_report(world.plan, year, quarter, world.clerk, today=AFTER)
    assert field in errors(caught)
    assert not ProgressReport.objects.exists()


def test_a_quarter_not_begun_and_a_second_report_are_refused(world):
    with pytest.raises(ValidationError) as caught:
        execution.open_report(world.plan, YEAR, 3, world.clerk, today=dt.date(YEAR, 6, 30))
    assert "시작되지 않은" in errors(caught)["quarter"][0]
    execution.open_report(world.plan, YEAR, 2, world.clerk, today=dt.date(YEAR, 6, 30))
    with pytest.raises(ValidationError):
        execution.open_report(world.plan, YEAR, 2, world.clerk, today=dt.date(YEAR, 6, 30))


def test_overspending_is_flagged_per_line_and_task(world):
    w = world
    report = execution.open_report(w.plan, YEAR, 2, w.clerk, today=AFTER)
    found = execution.save_report(
        report, w.clerk, spending={w.classes.pk: (200_000_001, 0), w.events.pk: (10, 0)}
    )
    assert {(o.scope, o.scope_id, o.excess) for o in found} == {
        ("line", str(w.classes.pk), 1),
        ("task", str(w.school.pk), 1),
    }
    assert audit.history(report).last().changes["overspent"][1] == [
        f"line:{w.classes.pk}", f"task:{w.school.pk}",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("spending", "field"),
    [
        ({"events": (-1, 0)}, "spent_{events}"),
        ({"events": ("1.5", 0)}, "spent_{events}"),
        ({"events": ("십만원", 0)}, "spent_{events}"),
        ({"events": (10, 11)}, "duplicated_{events}"),
        ({"events": (10, -1)}, "duplicated_{events}"),
    ],
)
def test_bad_spending_is_refused_by_field(world, spending, field):
    w = world
    report = execution.open_report(w.plan, YEAR, 1, w.clerk, today=AFTER)
    typed = {getattr(w, k).pk: v for k, v in spending.items()}
    with pytest.raises(ValidationError) as caught:
        execution.save_report(report, w.clerk, spending=typed)
    assert field.format(events=w.events.pk) in errors(caught)
    assert not report.spending.exists()


def test_bad_indicator_values_and_foreign_ids(world, eunpyeong, guro):
    w = world
    other = build_world(eunpyeong, guro, year=YEAR)
    report = execution.open_report(w.plan, YEAR, 1, w.clerk, today=AFTER)
    indicator = w.care.indicators.get()
    with pytest.raises(ValidationError) as caught:
        execution.save_report(
            report,
            w.clerk,
            actuals={indicator.pk: "1.234"},
            spending={other.events.pk: (1, 0)},
            narratives={other.care.pk: "x"},
        )
    assert set(errors(caught)) == {
        f"actual_{indicator.pk}", f"spent_{other.events.pk}", f"narrative_{other.care.pk}",
    }  # fmt: skip


def test_submitting_sets_indicator_actuals_and_freezes_the_report(world):
    w = world
    report = full_year(w)
    assert Indicator.objects.get(task=w.care).actual == Decimal("85.5")
    with pytest.raises(ValidationError):
        execution.save_report(report, w.clerk, narratives={w.care.pk: "late edit"})
    with pytest.raises(ValidationError):
        execution.submit_report(report, w.clerk)


def test_report_due_ten_days_after_the_quarter(world):
    report = execution.open_report(world.plan, YEAR, 1, world.clerk, today=AFTER)
    assert execution.report_due(report) == dt.date(YEAR, 4, 10)


# ---------------------------------------------------------------- settlement


def test_settlement_is_due_on_the_last_day_of_february(world):
    settlement = execution.settlement_for(world.plan)
    assert settlement.due_date == dt.date(YEAR + 1, 2, 28)
    assert not row(world, dt.date(YEAR + 1, 2, 28))["overdue"]
    late = row(world, dt.date(YEAR + 1, 3, 1))
    assert late["overdue"] and late["days_overdue"] == 1


def test_settlement_needs_the_last_report(world):
    with pytest.raises(ValidationError) as caught:
        execution.submit_settlement(world.plan, world.clerk, interest=0)
    assert "__all__" in errors(caught)


def test_settlement_computes_what_goes_back_and_closes_the_plan(world):
    w = world
    full_year(w, spent_events=380_000_000, duplicated=15_000_000)
    settlement = execution.submit_settlement(
        w.plan,
        w.clerk,
        interest="1,234,567",
        return_method="next_year_budget",
        note="국비 공모사업과 일부 중복",
        now=seoul(dt.date(YEAR + 1, 2, 20)),
    )
    # city lines: 380 + 100 + 90 + 200 + 150 = 920 million spent of 1,000 million
    assert settlement.subsidy_received == SUBSIDY
    assert settlement.subsidy_spent == 920_000_000
    assert settlement.unspent == 80_000_000
    assert settlement.duplicated == 15_000_000 and settlement.national_duplicate
    assert settlement.to_return == 80_000_000 + 1_234_567 + 15_000_000
    w.plan.refresh_from_db()
    assert w.plan.status == PlanStatus.CLOSED
    assert [e.action for e in audit.history(settlement)] == ["settlement submitted"]
    on_time = row(w, dt.date(YEAR + 1, 3, 5))
    assert not on_time["overdue"] and not on_time["late"]


def test_a_return_method_is_needed_and_the_return_is_bounded(world):
    w = world
    full_year(w)
    with pytest.raises(ValidationError) as caught:
        execution.submit_settlement(w.plan, w.clerk, interest=-1, return_method="next_year_budget")
    assert "interest" in errors(caught)
    with pytest.raises(ValidationError) as caught:
        execution.submit_settlement(w.plan, w.clerk, interest=0, return_method="bogus")
    assert "return_method" in errors(caught)
    settlement = execution.submit_settlement(
        w.plan, w.clerk, interest=0, return_method="supplementary_budget"
    )
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        execution.record_return(settlement, settlement.to_return + 1, today, w.clerk)
    assert "returned" in errors(caught)
    execution.record_return(settlement, settlement.to_return, today, w.clerk)
    settlement.refresh_from_db()
    assert settlement.returned == settlement.to_return and settlement.returned_at == today


def test_a_late_settlement_is_marked_late(world):
    w = world
    full_year(w)
    execution.submit_settlement(
        w.plan, w.clerk, interest=0, return_method="next_year_budget",
        now=seoul(dt.date(YEAR + 1, 3, 2)),
    )  # fmt: skip
    late = row(w, dt.date(YEAR + 1, 4, 1))
    assert late["late"] and not late["overdue"]


# ---------------------------------------------------------------- termination


def test_only_the_city_terminates_and_violation_needs_the_council_heard(world):
    w = world
    day = dt.date(YEAR, 9, 1)
    with pytest.raises(ValidationError):
        execution.terminate(w.plan, w.clerk, ground="violation", terminated_on=day, reason="x")
    with pytest.raises(ValidationError) as caught:
        execution.terminate(w.plan, w.city, ground="violation", terminated_on=day, reason="위반")
    assert len(errors(caught)["__all__"]) == 2
    with pytest.raises(ValidationError) as caught:
        execution.terminate(w.plan, w.city, ground="nope", terminated_on=day, reason="x")
    assert "ground" in errors(caught)
    settlement = execution.terminate(
        w.plan,
        w.city,
        ground="violation",
        terminated_on=day,
        reason="시정요구 불이행",
        council_heard_on=dt.date(YEAR, 7, 1),
        correction_deadline=dt.date(YEAR, 8, 31),
    )
    assert settlement.terminated and settlement.due_date == dt.date(YEAR, 11, 1)
    w.plan.refresh_from_db()
    assert w.plan.status == PlanStatus.TERMINATED
    assert Settlement.objects.get(plan=w.plan).period_end == day


def test_a_project_that_cannot_go_on_settles_and_returns(world):
    w = world
    report = execution.open_report(w.plan, YEAR, 2, w.clerk, today=AFTER)
    execution.save_report(report, w.clerk, spending={w.events.pk: (100_000_000, 0)})
    execution.submit_report(report, w.clerk)
    execution.terminate(
        w.plan, w.city, ground="cannot_be_carried_out", terminated_on=dt.date(YEAR, 7, 15),
        reason="협치회의 결정: 추진 불가",
    )  # fmt: skip
    settlement = execution.submit_settlement(
        w.plan, w.clerk, interest=50_000, return_method="supplementary_budget"
    )
    assert settlement.to_return == SUBSIDY - 100_000_000 + 50_000
    w.plan.refresh_from_db()
    assert w.plan.status == PlanStatus.TERMINATED


def test_plan_status_changes_are_audited_on_the_plan(world):
    w = world
    full_year(w)
    execution.submit_settlement(w.plan, w.clerk, interest=0, return_method="next_year_budget")
    events = [e for e in audit.history(w.plan) if e.action == "changed"]
    assert [e.changes["status"] for e in events] == [["in_execution", "closed"]]
