"""The clocks of a citizen proposal: pure functions over plain data, no ORM.

A proposal gathers supports (동의) within the policy's window; reaching the threshold puts
it in department review (부서검토); a feasible proposal opens an online debate for
``debate_days``; the answer is due ``answer_days`` after the debate's close, or after the
review when the policy has no debate step. The policy version is the one in force on the
proposal's creation date (see ``ProposalPolicy.version_on``).

Day counting (documented once, used everywhere): a period of *N* days that starts on day
*D* covers *D* … *D+N−1*; its last day is the date stored and shown. A 30-day debate that
opens on 1 June is open on 30 June (day 30) and closed on 1 July (day 31); the answer is
then due 30 days after 30 June, on 30 July. A due date is met on the day itself and is
overdue from the next day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

# Status values, as stored (participation.models.ProposalStatus).
GATHERING = "gathering"
IN_REVIEW = "in_review"
INFEASIBLE = "infeasible"
IN_DEBATE = "in_debate"
AWAITING_ANSWER = "awaiting_answer"
ANSWERED = "answered"
EXPIRED = "expired"
WITHDRAWN = "withdrawn"

ACTIVE = (GATHERING, IN_REVIEW, IN_DEBATE, AWAITING_ANSWER)
SUPPORTABLE = (GATHERING, IN_REVIEW, IN_DEBATE, AWAITING_ANSWER)
ANSWERABLE = (AWAITING_ANSWER, INFEASIBLE)


@dataclass(frozen=True)
class Steps:
    """The numbers of one policy version that drive the clocks."""

    supports_required: int
    support_window_days: int | None = None  # None: supports never expire
    review_days: int | None = None  # None: no review deadline
    debate_days: int | None = None  # None: no online debate step
    answer_days: int = 30

    @classmethod
    def of(cls, version: Any) -> Steps:
        return cls(
            supports_required=version.supports_required,
            support_window_days=version.support_window_days,
            review_days=version.review_days,
            debate_days=version.debate_days,
            answer_days=version.answer_days,
        )


@dataclass(frozen=True)
class Clock:
    """What the clocks need to know of a proposal."""

    status: str
    created_on: dt.date
    support_count: int = 0
    threshold_on: dt.date | None = None
    review_due: dt.date | None = None
    debate_opens: dt.date | None = None
    debate_closes: dt.date | None = None  # the debate's last day
    answer_due: dt.date | None = None


def last_day(start: dt.date, days: int) -> dt.date:
    """The last day of a period of ``days`` days starting on ``start``."""
    return start + dt.timedelta(days=days - 1)


def support_deadline(created_on: dt.date, steps: Steps) -> dt.date | None:
    """The last day on which supports count towards the threshold (None: no window)."""
    if steps.support_window_days is None:
        return None
    return last_day(created_on, steps.support_window_days)


def threshold_met(support_count: int, steps: Steps) -> bool:
    return support_count >= steps.supports_required


def support_share(support_count: int, steps: Steps) -> int:
    """How far towards the threshold, in whole percent (at most 100)."""
    return min(100, support_count * 100 // max(1, steps.supports_required))


def accepts_supports(clock: Clock, steps: Steps, today: dt.date) -> bool:
    """Supports are taken while gathering (within the window) and while the proposal is
    being handled; not once it is answered, expired, withdrawn or found infeasible."""
    if clock.status == GATHERING:
        deadline = support_deadline(clock.created_on, steps)
        return deadline is None or today <= deadline
    return clock.status in SUPPORTABLE


def on_threshold(clock: Clock, steps: Steps, day: dt.date) -> Clock:
    """The threshold was reached on ``day``: department review starts."""
    review_due = day + dt.timedelta(days=steps.review_days) if steps.review_days else None
    return replace(clock, status=IN_REVIEW, threshold_on=day, review_due=review_due)


def after_review(clock: Clock, steps: Steps, day: dt.date, feasible: bool) -> Clock:
    """The department reviewed the proposal on ``day``.

    Feasible, with a debate step: the debate opens that day for ``debate_days`` and the
    answer is due ``answer_days`` after its last day. Infeasible, with a debate step: the
    proposal is closed as infeasible (the opinion is published; staff may still answer).
    Without a debate step the answer is due ``answer_days`` after the review, whatever
    its finding (the mayor answers every proposal that met the threshold).
    """
    if steps.debate_days:
        if not feasible:
            return replace(clock, status=INFEASIBLE, answer_due=None)
        closes = last_day(day, steps.debate_days)
        return replace(
            clock,
            status=IN_DEBATE,
            debate_opens=day,
            debate_closes=closes,
            answer_due=closes + dt.timedelta(days=steps.answer_days),
        )
    return replace(
        clock, status=AWAITING_ANSWER, answer_due=day + dt.timedelta(days=steps.answer_days)
    )


@dataclass(frozen=True)
class Advance:
    """What a clock tick changes: the new clock and the steps taken (event names)."""

    clock: Clock
    events: tuple[str, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return bool(self.events)


def advance(clock: Clock, steps: Steps, today: dt.date) -> Advance:
    """Move a proposal's clock to ``today`` (idempotent: a second call changes nothing).

    Events: ``threshold`` (review starts), ``expired`` (the window closed short of the
    threshold), ``debate_closed`` (the answer is now awaited).
    """
    if clock.status == GATHERING:
        if threshold_met(clock.support_count, steps):
            return Advance(on_threshold(clock, steps, today), ("threshold",))
        deadline = support_deadline(clock.created_on, steps)
        if deadline is not None and today > deadline:
            return Advance(replace(clock, status=EXPIRED), ("expired",))
    elif clock.status == IN_DEBATE and clock.debate_closes and today > clock.debate_closes:
        return Advance(replace(clock, status=AWAITING_ANSWER), ("debate_closed",))
    return Advance(clock)


def overdue(clock: Clock, today: dt.date) -> list[str]:
    """The deadlines this proposal has missed: ``review`` and/or ``answer``."""
    missed = []
    if clock.status == IN_REVIEW and clock.review_due and today > clock.review_due:
        missed.append("review")
    answer_open = clock.status in (IN_DEBATE, AWAITING_ANSWER)
    if answer_open and clock.answer_due and today > clock.answer_due:
        missed.append("answer")
    return missed


def days_left(due: dt.date, today: dt.date) -> int:
    """Days until ``due`` (0 on the day itself, negative once overdue)."""
    return (due - today).days


@dataclass(frozen=True)
class Deadline:
    kind: str  # supports, review, debate, answer
    due: dt.date
    days_left: int
    overdue: bool  # missed and still open
    done: bool  # the step is over (met or no longer relevant)


def deadlines(clock: Clock, steps: Steps, today: dt.date) -> list[Deadline]:
    """Every deadline of the proposal, for its page: supports, review, debate, answer."""
    found: list[Deadline] = []
    missed = set(overdue(clock, today))

    def add(kind: str, due: dt.date | None, open_statuses: tuple[str, ...]) -> None:
        if due is None:
            return
        still_open = clock.status in open_statuses
        found.append(
            Deadline(
                kind=kind,
                due=due,
                days_left=days_left(due, today),
                overdue=kind in missed,
                done=not still_open or (kind in ("supports", "debate") and today > due),
            )
        )

    add("supports", support_deadline(clock.created_on, steps), (GATHERING,))
    add("review", clock.review_due, (IN_REVIEW,))
    add("debate", clock.debate_closes, (IN_DEBATE,))
    add("answer", clock.answer_due, (IN_DEBATE, AWAITING_ANSWER))
    return found
