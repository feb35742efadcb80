"""The agenda (의제) lifecycle of spec §3.4 up to the priority decision, as a pure state machine.

``PROPOSED → (MERGED) → DEPT_REVIEWED → (INFEASIBLE | SCREENED) → (UNSUITABLE | SHORTLISTED)
→ RANKED → (SELECTED | DEFERRED)``; the plan takes a selected agenda from there.

- A department review (부서검토) finds the agenda feasible (→ DEPT_REVIEWED; several
  departments may review it, each keeps it there) or infeasible (→ INFEASIBLE, 수행불가).
- The screening against the four required properties (개방성, 숙의성, 공익성, 민관협력성)
  passes (→ SCREENED) or fails (→ UNSUITABLE); both are kept in the public list.
- The subcommittee's suitability decision shortlists it for the priority decision
  (→ SHORTLISTED) or finds it unsuitable for governance (협치부적합, → UNSUITABLE).
- Publishing a priority round ranks it (→ RANKED), then selects the top N (→ SELECTED) and
  defers the rest (→ DEFERRED).
- Agendas not yet screened may be merged into another (→ MERGED, the survivor keeps every
  source). An infeasible, unsuitable or deferred agenda may be re-opened (재심의, a later
  feedback cycle) with a reason (→ PROPOSED).

No Django here: the services apply a transition, save it and audit it with who and why.
"""

from __future__ import annotations

from enum import StrEnum

from hyeopchi.core.state_machine import StateMachine
from hyeopchi.core.state_machine import TransitionRefused as TransitionRefused


class State(StrEnum):
    """The same values as ``models.AgendaStatus`` (a test keeps them equal)."""

    PROPOSED = "proposed"
    MERGED = "merged"
    DEPT_REVIEWED = "dept_reviewed"
    INFEASIBLE = "infeasible"
    SCREENED = "screened"
    UNSUITABLE = "unsuitable"
    SHORTLISTED = "shortlisted"
    RANKED = "ranked"
    SELECTED = "selected"
    DEFERRED = "deferred"


class Event(StrEnum):
    MERGE = "merge"
    REVIEW_FEASIBLE = "review_feasible"
    REVIEW_INFEASIBLE = "review_infeasible"
    SCREEN_PASS = "screen_pass"
    SCREEN_FAIL = "screen_fail"
    DECIDE_SUITABLE = "decide_suitable"
    DECIDE_UNSUITABLE = "decide_unsuitable"
    RANK = "rank"
    SELECT = "select"
    DEFER = "defer"
    REOPEN = "reopen"


TRANSITIONS: dict[State, dict[Event, State]] = {
    State.PROPOSED: {
        Event.MERGE: State.MERGED,
        Event.REVIEW_FEASIBLE: State.DEPT_REVIEWED,
        Event.REVIEW_INFEASIBLE: State.INFEASIBLE,
    },
    State.DEPT_REVIEWED: {
        Event.MERGE: State.MERGED,
        Event.REVIEW_FEASIBLE: State.DEPT_REVIEWED,
        Event.REVIEW_INFEASIBLE: State.INFEASIBLE,
        Event.SCREEN_PASS: State.SCREENED,
        Event.SCREEN_FAIL: State.UNSUITABLE,
    },
    State.SCREENED: {
        Event.DECIDE_SUITABLE: State.SHORTLISTED,
        Event.DECIDE_UNSUITABLE: State.UNSUITABLE,
    },
    State.SHORTLISTED: {Event.RANK: State.RANKED},
    State.RANKED: {Event.SELECT: State.SELECTED, Event.DEFER: State.DEFERRED},
    State.INFEASIBLE: {Event.REOPEN: State.PROPOSED},
    State.UNSUITABLE: {Event.REOPEN: State.PROPOSED},
    State.DEFERRED: {Event.REOPEN: State.PROPOSED},
    State.MERGED: {},
    State.SELECTED: {},
}

# Audit actions (stable English verbs) of each event.
ACTIONS: dict[Event, str] = {
    Event.MERGE: "agenda merged",
    Event.REVIEW_FEASIBLE: "reviewed: feasible",
    Event.REVIEW_INFEASIBLE: "reviewed: infeasible",
    Event.SCREEN_PASS: "screened: suitable",
    Event.SCREEN_FAIL: "screened: unsuitable",
    Event.DECIDE_SUITABLE: "decided: shortlisted",
    Event.DECIDE_UNSUITABLE: "decided: unsuitable",
    Event.RANK: "ranked",
    Event.SELECT: "selected",
    Event.DEFER: "deferred",
    Event.REOPEN: "reopened",
}

# Events that need a reason of their own (the others carry theirs: an opinion, the
# screening reasons, the decision, the round).
NEEDS_REASON = frozenset({Event.REOPEN})

# States in which an agenda can take in other agendas or more sources.
OPEN_FOR_SOURCES = frozenset({State.PROPOSED, State.DEPT_REVIEWED})


MACHINE = StateMachine(State, Event, TRANSITIONS)
allowed_events = MACHINE.allowed_events
next_state = MACHINE.next_state
can = MACHINE.can


def review_event(feasible: bool) -> Event:
    return Event.REVIEW_FEASIBLE if feasible else Event.REVIEW_INFEASIBLE


def screening_event(passed: bool) -> Event:
    return Event.SCREEN_PASS if passed else Event.SCREEN_FAIL


def decision_event(suitable: bool) -> Event:
    return Event.DECIDE_SUITABLE if suitable else Event.DECIDE_UNSUITABLE
