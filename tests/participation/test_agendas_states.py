"""The agenda lifecycle as a pure state machine: what may follow what."""

from __future__ import annotations

import pytest

from hyeopchi.participation import agenda_states as sm
from hyeopchi.participation.agenda_states import Event, State
from hyeopchi.participation.models import AgendaStatus


def test_states_are_the_model_statuses():
    assert {s.value for s in State} == set(AgendaStatus.values)
    assert set(sm.TRANSITIONS) == set(State)
    assert set(sm.ACTIONS) == set(Event)


def test_the_path_of_a_selected_agenda():
    state = State.PROPOSED
    for event in [
        Event.REVIEW_FEASIBLE,
        Event.REVIEW_FEASIBLE,  # a second department agrees
        Event.SCREEN_PASS,
        Event.DECIDE_SUITABLE,
        Event.RANK,
        Event.SELECT,
    ]:
        state = sm.next_state(state, event)
    assert state == State.SELECTED
    assert sm.allowed_events(state) == []


@pytest.mark.parametrize(
    ("state", "event", "after"),
    [
        (State.PROPOSED, Event.REVIEW_INFEASIBLE, State.INFEASIBLE),
        (State.DEPT_REVIEWED, Event.REVIEW_INFEASIBLE, State.INFEASIBLE),
        (State.DEPT_REVIEWED, Event.SCREEN_FAIL, State.UNSUITABLE),
        (State.SCREENED, Event.DECIDE_UNSUITABLE, State.UNSUITABLE),
        (State.RANKED, Event.DEFER, State.DEFERRED),
        (State.PROPOSED, Event.MERGE, State.MERGED),
        (State.DEPT_REVIEWED, Event.MERGE, State.MERGED),
        (State.INFEASIBLE, Event.REOPEN, State.PROPOSED),
        (State.UNSUITABLE, Event.REOPEN, State.PROPOSED),
        (State.DEFERRED, Event.REOPEN, State.PROPOSED),
    ],
)
def test_side_paths(state, event, after):
    assert sm.next_state(state, event) == after


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (State.PROPOSED, Event.SCREEN_PASS),  # screening comes after the department review
        (State.PROPOSED, Event.DECIDE_SUITABLE),
        (State.PROPOSED, Event.RANK),
        (State.SCREENED, Event.MERGE),
        (State.SHORTLISTED, Event.SELECT),  # ranked first
        (State.MERGED, Event.REVIEW_FEASIBLE),
        (State.MERGED, Event.REOPEN),
        (State.SELECTED, Event.DEFER),
        (State.SELECTED, Event.REOPEN),
        (State.INFEASIBLE, Event.SCREEN_PASS),
        ("no-such-state", Event.REOPEN),
        (State.PROPOSED, "no-such-event"),
    ],
)
def test_refused_transitions_say_what_is_possible(state, event):
    with pytest.raises(sm.TransitionRefused) as refused:
        sm.next_state(state, event)
    assert refused.value.allowed == sm.allowed_events(state)
    assert not sm.can(state, event)


def test_every_state_is_reachable_from_proposed():
    seen, frontier = {State.PROPOSED}, [State.PROPOSED]
    while frontier:
        state = frontier.pop()
        for after in sm.TRANSITIONS[state].values():
            if after not in seen:
                seen.add(after)
                frontier.append(after)
    assert seen == set(State)


def test_helpers_pick_the_event_of_an_outcome():
    assert sm.review_event(True) == Event.REVIEW_FEASIBLE
    assert sm.review_event(False) == Event.REVIEW_INFEASIBLE
    assert sm.screening_event(True) == Event.SCREEN_PASS
    assert sm.screening_event(False) == Event.SCREEN_FAIL
    assert sm.decision_event(True) == Event.DECIDE_SUITABLE
    assert sm.decision_event(False) == Event.DECIDE_UNSUITABLE
