"""Execution and settlement of the plan's subsidy — pure rules.

Spec 2.9, 3.7, 4.4, 4.5; seed 003 S 4301-4303 (협약 제8조⑤), S 4333-4356 (제11조, 제12조):

* the quarters of the fiscal year (= calendar year) and when each quarter's report is due;
* spending above the plan, per budget line and per task;
* the settlement report is due within N months of the period's end (구단위계획형: two months
  after 31 December). "Within two months" is read as: due on the same day N months later,
  clamped to that month's end — 28 February, or 29 in a leap year — and overdue from the
  day after;
* what goes back to the city: the subsidy not spent, the interest it earned while
  deposited, and the subsidy charged for expenses that national (or other public) money
  also paid (double funding);
* termination: the grounds that require the city to hear the council and give a
  correction period first.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from django.utils.translation import gettext as _

Source = Literal["city", "district", "other"]
SUBSIDY: Source = "city"  # 시비: the city's subsidy is what is settled and returned
QUARTERS = (1, 2, 3, 4)


class InvalidSettlement(ValueError):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


# Dates ---------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def fiscal_year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def settlement_due(period_end: dt.date, months: int) -> dt.date:
    """The last day the settlement report of a period ending ``period_end`` is on time."""
    return add_months(period_end, months)


def is_overdue(due: dt.date, submitted_on: dt.date | None, today: dt.date) -> bool:
    """Not submitted and the due day has passed."""
    return submitted_on is None and today > due


def submitted_late(due: dt.date, submitted_on: dt.date | None) -> bool:
    return submitted_on is not None and submitted_on > due


def check_quarter(quarter: object) -> int:
    if isinstance(quarter, bool) or not isinstance(quarter, int) or quarter not in QUARTERS:
        raise InvalidSettlement(
            "quarter", _("A quarter is 1, 2, 3 or 4; got %(value)s.") % {"value": quarter}
        )
    return quarter


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    quarter = check_quarter(quarter)
    first = dt.date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    return first, dt.date(year, last_month, calendar.monthrange(year, last_month)[1])


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarterly_report_due(year: int, quarter: int, due_days: int) -> dt.date:
    return quarter_bounds(year, quarter)[1] + dt.timedelta(days=due_days)


# Spending against the plan -------------------------------------------------------------


@dataclass(frozen=True)
class LineSpend:
    id: str
    task_id: str
    source: Source
    planned: int
    spent: int  # spent so far (cumulative)
    # Of ``spent``, expenses that national or other public money also paid (이중 지원).
    duplicated: int = 0


@dataclass(frozen=True)
class Overspend:
    scope: Literal["line", "task"]
    scope_id: str
    planned: int
    spent: int

    @property
    def excess(self) -> int:
        return self.spent - self.planned


def _won(value: object, code: str, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidSettlement(code, message)
    return value


def check_lines(lines: tuple[LineSpend, ...] | list[LineSpend]) -> None:
    for line in lines:
        _won(line.planned, "planned", _("A planned amount must be a whole number of won."))
        _won(line.spent, "spent", _("Spending must be a whole number of won, zero or more."))
        _won(
            line.duplicated,
            "duplicated",
            _("A doubly funded amount must be a whole number of won, zero or more."),
        )
        if line.duplicated > line.spent:
            raise InvalidSettlement(
                "duplicated",
                _("The doubly funded amount cannot exceed what was spent on the line."),
            )


def overspending(lines: list[LineSpend], tolerance: int = 0) -> list[Overspend]:
    """Lines, then tasks, whose spending exceeds the plan by more than ``tolerance`` won."""
    check_lines(lines)
    found = [
        Overspend("line", line.id, line.planned, line.spent)
        for line in lines
        if line.spent - line.planned > tolerance
    ]
    planned: dict[str, int] = defaultdict(int)
    spent: dict[str, int] = defaultdict(int)
    for line in lines:
        planned[line.task_id] += line.planned
        spent[line.task_id] += line.spent
    found += [
        Overspend("task", task, planned[task], spent[task])
        for task in planned
        if spent[task] - planned[task] > tolerance
    ]
    return found


# Settlement ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settlement:
    planned_by_source: dict[str, int]
    spent_by_source: dict[str, int]
    subsidy_received: int
    subsidy_spent: int
    unspent: int  # subsidy received and not spent
    interest: int  # interest earned on the deposited subsidy (제11조②)
    duplicated: int  # subsidy charged for expenses other public money also paid (제11조④)
    subsidy_overspent: int  # subsidy spending above what was received
    overspends: list[Overspend] = field(default_factory=list)
    duplicated_lines: tuple[str, ...] = ()

    @property
    def to_return(self) -> int:
        return self.unspent + self.interest + self.duplicated


def settle(
    lines: list[LineSpend],
    subsidy_received: int,
    interest: int = 0,
    tolerance: int = 0,
) -> Settlement:
    """The settlement of a plan's spending (at the year's end, or at termination)."""
    _won(
        subsidy_received,
        "subsidy_received",
        _("The subsidy received must be a whole number of won, zero or more."),
    )
    _won(interest, "interest", _("Interest must be a whole number of won, zero or more."))
    check_lines(lines)
    planned: dict[str, int] = {"city": 0, "district": 0, "other": 0}
    spent: dict[str, int] = {"city": 0, "district": 0, "other": 0}
    for line in lines:
        planned[line.source] = planned.get(line.source, 0) + line.planned
        spent[line.source] = spent.get(line.source, 0) + line.spent
    subsidy_lines = [line for line in lines if line.source == SUBSIDY]
    subsidy_spent = sum(line.spent for line in subsidy_lines)
    return Settlement(
        planned_by_source=planned,
        spent_by_source=spent,
        subsidy_received=subsidy_received,
        subsidy_spent=subsidy_spent,
        unspent=max(subsidy_received - subsidy_spent, 0),
        interest=interest,
        duplicated=sum(line.duplicated for line in subsidy_lines),
        subsidy_overspent=max(subsidy_spent - subsidy_received, 0),
        overspends=overspending(lines, tolerance),
        duplicated_lines=tuple(line.id for line in subsidy_lines if line.duplicated),
    )


# Termination -------------------------------------------------------------------------------


def termination_problems(
    needs_correction_period: bool,
    council_heard_on: dt.date | None,
    correction_deadline: dt.date | None,
    terminated_on: dt.date,
) -> list[str]:
    """Why a termination on this ground cannot be recorded yet (협약 제12조③): for
    violation or poor execution the city first hears the council and sets a correction
    period, which must have run out."""
    if not needs_correction_period:
        return []
    problems = []
    if council_heard_on is None:
        problems.append(_("The council's opinion must be heard before terminating on this ground."))
    elif council_heard_on > terminated_on:
        problems.append(_("The council must be heard before the termination date."))
    if correction_deadline is None:
        problems.append(_("A correction period must be set before terminating on this ground."))
    elif correction_deadline >= terminated_on:
        problems.append(
            _("The correction period runs until %(day)s; terminate only after it.")
            % {"day": correction_deadline.isoformat()}
        )
    return problems
