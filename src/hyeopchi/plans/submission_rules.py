"""The plan's way from the council's approval to the money, as pure rules (spec §3.1).

``DRAFT → APPROVED`` (the district council approves by a recorded decision)
``→ SUBMITTED`` (a frozen version goes to the city by the deadline, 7.10 in 2020)
``→ IN_REVIEW`` (협의·조정: reviewers write opinions, 검토의견서, per round)
``→ REVISING → SUBMITTED → IN_REVIEW …`` (revision rounds, a new version each time)
``→ SELECTED`` (최종 선정) ``→ PB_APPROVED`` (시 참여예산위원회) ``→ AGREED`` (협약)
``→ IN_EXECUTION`` (교부: the subsidy is paid and the year's execution starts; what
follows — change requests, reports, settlement — is :mod:`.change_routes` and
:mod:`.settlement_rules`).

An approved plan may be re-opened for editing before it is submitted (its approval then no
longer holds: the council must approve again).

PB_APPROVED is not a stored status: the plan stays "selected" with the date of the
participatory-budget committee's approval (``Plan.pb_approved_on``); :func:`state_of`
and :func:`stored_status` translate.

Deadlines come from the cycle's policy: a submission is on time up to and including the
deadline day (Seoul dates); after it, only with an exception a city officer recorded
(with a reason, optionally with a last day of its own).

No Django here: the services apply a transition, save it and audit it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from hyeopchi.core.permissions import Actor
from hyeopchi.core.state_machine import StateMachine
from hyeopchi.core.state_machine import TransitionRefused as TransitionRefused


class State(StrEnum):
    """The plan model's status values (a test keeps them equal), and PB_APPROVED."""

    DRAFT = "draft"
    APPROVED = "approved"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    REVISING = "revising"
    SELECTED = "selected"
    PB_APPROVED = "pb_approved"
    AGREED = "agreed"
    IN_EXECUTION = "in_execution"


class Event(StrEnum):
    APPROVE = "approve"
    REOPEN = "reopen"
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    REQUEST_REVISION = "request_revision"
    RESUBMIT = "resubmit"
    SELECT = "select"
    PB_APPROVE = "pb_approve"
    AGREE = "agree"
    DISBURSE = "disburse"


TRANSITIONS: dict[State, dict[Event, State]] = {
    State.DRAFT: {Event.APPROVE: State.APPROVED},
    State.APPROVED: {Event.SUBMIT: State.SUBMITTED, Event.REOPEN: State.DRAFT},
    State.SUBMITTED: {Event.START_REVIEW: State.IN_REVIEW},
    State.IN_REVIEW: {Event.REQUEST_REVISION: State.REVISING, Event.SELECT: State.SELECTED},
    State.REVISING: {Event.RESUBMIT: State.SUBMITTED},
    State.SELECTED: {Event.PB_APPROVE: State.PB_APPROVED},
    State.PB_APPROVED: {Event.AGREE: State.AGREED},
    State.AGREED: {Event.DISBURSE: State.IN_EXECUTION},
    State.IN_EXECUTION: {},
}


def state_of(status: str, pb_approved: bool) -> str:
    """The machine's state of a stored plan: "selected" with the PB committee's approval
    recorded is PB_APPROVED."""
    if status == State.SELECTED and pb_approved:
        return State.PB_APPROVED
    return status


def stored_status(state: State) -> str:
    return State.SELECTED.value if state is State.PB_APPROVED else state.value


# Who may take each step: the district (its secretariat, for its own district) or the city.
DISTRICT_EVENTS = frozenset({Event.APPROVE, Event.REOPEN, Event.SUBMIT, Event.RESUBMIT})
CITY_EVENTS = frozenset(set(Event) - DISTRICT_EVENTS)

# Steps that freeze a new version of the plan.
VERSIONING_EVENTS = frozenset({Event.SUBMIT, Event.RESUBMIT})

# States in which the district may edit the plan's content (tasks, budget lines, text).
EDITABLE = frozenset({State.DRAFT, State.REVISING})

# States in which reviewers write opinions on the latest version.
REVIEWABLE = frozenset({State.SUBMITTED, State.IN_REVIEW})

# Audit actions (stable English verbs) of each event.
ACTIONS: dict[Event, str] = {
    Event.APPROVE: "plan approved by council",
    Event.REOPEN: "plan re-opened",
    Event.SUBMIT: "plan submitted",
    Event.START_REVIEW: "review started",
    Event.REQUEST_REVISION: "revision requested",
    Event.RESUBMIT: "plan resubmitted",
    Event.SELECT: "plan selected",
    Event.PB_APPROVE: "approved by PB committee",
    Event.AGREE: "agreement signed",
    Event.DISBURSE: "subsidy disbursed",
}

# Steps that need a reason of their own (the others carry a decision, a version, …).
NEEDS_REASON = frozenset({Event.REOPEN, Event.REQUEST_REVISION})


MACHINE = StateMachine(State, Event, TRANSITIONS)
allowed_events = MACHINE.allowed_events
next_state = MACHINE.next_state
can = MACHINE.can


def is_city_step(event: str) -> bool:
    return Event(event) in CITY_EVENTS


def may_take(actor: Actor, event: str, district_id: int) -> bool:
    """The district's steps are its secretariat's (the staff of that district); the city's
    steps (review, selection, PB approval, agreement, payment, late exceptions) are city
    officers'. A city officer does not submit on a district's behalf, and district staff
    do not review their own plan. Superusers may do both (repairs)."""
    if not actor.authenticated:
        return False
    if actor.superuser:
        return True
    if is_city_step(event):
        return actor.city_wide
    return district_id in actor.districts


def may_grant_exception(actor: Actor) -> bool:
    return actor.authenticated and (actor.superuser or actor.city_wide)


# ---------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class DeadlineException:
    """A late submission allowed by a city officer: why, and until when (None: any day)."""

    reason: str
    until: dt.date | None = None


@dataclass(frozen=True)
class Timing:
    """Whether a submission on ``on`` may go in against ``deadline``."""

    on: dt.date
    deadline: dt.date | None
    late_days: int  # 0 when on time
    allowed: bool
    by_exception: bool  # late, let in by a recorded exception
    problem: str = ""  # "late", "exception_expired" when refused

    @property
    def late(self) -> bool:
        return self.late_days > 0


def submission_timing(
    on: dt.date, deadline: dt.date | None, exception: DeadlineException | None = None
) -> Timing:
    """On time up to and including the deadline day; later only with an exception whose
    own last day (if it has one) has not passed. No deadline in the policy: always on time."""
    if deadline is None or on <= deadline:
        return Timing(on, deadline, 0, True, False)
    late_days = (on - deadline).days
    if exception is None or not exception.reason.strip():
        return Timing(on, deadline, late_days, False, False, "late")
    if exception.until is not None and on > exception.until:
        return Timing(on, deadline, late_days, False, False, "exception_expired")
    return Timing(on, deadline, late_days, True, True)


def deadline_for(event: str, submission: dt.date | None, final: dt.date | None) -> dt.date | None:
    """The first submission answers to the submission deadline (7.10); a resubmission to
    the final-version deadline (8.21), or to the submission deadline when the calendar
    has no final one."""
    if Event(event) is Event.SUBMIT:
        return submission
    if Event(event) is Event.RESUBMIT:
        return final or submission
    return None


# ---------------------------------------------------------------- amounts and dates


def disbursement_problems(amount: int, agreed_amount: int | None, already_paid: int) -> list[str]:
    """Codes of what is wrong with paying ``amount`` now: "not_positive", "over_agreement"
    (more than the agreement's subsidy, counting what was paid before)."""
    problems = []
    if amount <= 0:
        problems.append("not_positive")
    elif agreed_amount is not None and already_paid + amount > agreed_amount:
        problems.append("over_agreement")
    return problems


def agreement_problems(
    signed_on: dt.date, period_start: dt.date, period_end: dt.date, amount: int
) -> list[str]:
    """Codes of what is wrong with an agreement's dates and amount: "period_reversed",
    "signed_after_period" (an agreement for a year already over), "not_positive"."""
    problems = []
    if period_end < period_start:
        problems.append("period_reversed")
    elif signed_on > period_end:
        problems.append("signed_after_period")
    if amount <= 0:
        problems.append("not_positive")
    return problems
