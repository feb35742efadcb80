"""The plan's submission state machine and deadline rule (pure, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from hyeopchi.plans import submission_rules as rules
from hyeopchi.plans.submission_rules import DeadlineException, Event, State

DEADLINE = dt.date(2020, 7, 10)
FINAL = dt.date(2020, 8, 21)


def walk(*events: Event) -> State:
    state = State.DRAFT
    for event in events:
        state = rules.next_state(state, event)
    return state


def test_the_whole_way_from_draft_to_disbursed_with_two_revision_rounds():
    assert (
        walk(
            Event.APPROVE,
            Event.SUBMIT,
            Event.START_REVIEW,
            Event.REQUEST_REVISION,
            Event.RESUBMIT,
            Event.START_REVIEW,
            Event.REQUEST_REVISION,
            Event.RESUBMIT,
            Event.START_REVIEW,
            Event.SELECT,
            Event.PB_APPROVE,
            Event.AGREE,
            Event.DISBURSE,
        )
        is State.IN_EXECUTION
    )


def test_pb_approval_is_stored_as_selected_with_its_date():
    assert rules.state_of("selected", pb_approved=True) == State.PB_APPROVED
    assert rules.state_of("selected", pb_approved=False) == State.SELECTED
    assert rules.state_of("agreed", pb_approved=True) == "agreed"
    assert rules.stored_status(State.PB_APPROVED) == "selected"
    assert rules.stored_status(State.REVISING) == "revising"


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (State.DRAFT, Event.SUBMIT),  # not approved by the council
        (State.SUBMITTED, Event.SUBMIT),  # a second submission while with the city
        (State.IN_REVIEW, Event.SUBMIT),
        (State.IN_REVIEW, Event.RESUBMIT),  # nothing asked to revise
        (State.SUBMITTED, Event.RESUBMIT),
        (State.SUBMITTED, Event.SELECT),  # selection only after review
        (State.REVISING, Event.SELECT),
        (State.SELECTED, Event.AGREE),  # PB committee first
        (State.PB_APPROVED, Event.DISBURSE),  # agreement first
        (State.IN_EXECUTION, Event.DISBURSE),  # paid once
        (State.IN_EXECUTION, Event.REOPEN),
        (State.SUBMITTED, Event.REOPEN),
    ],
)
def test_steps_out_of_order_are_refused_naming_what_is_possible(state, event):
    assert not rules.can(state, event)
    with pytest.raises(rules.TransitionRefused) as refused:
        rules.next_state(state, event)
    assert refused.value.allowed == rules.allowed_events(state)


def test_an_unknown_state_or_event_is_refused_not_an_error():
    assert rules.allowed_events("nonsense") == []
    assert not rules.can("nonsense", Event.APPROVE)
    assert not rules.can(State.DRAFT, "fly")


def test_reopening_an_approved_plan_needs_a_new_approval():
    assert walk(Event.APPROVE, Event.REOPEN) is State.DRAFT
    assert Event.REOPEN in rules.NEEDS_REASON


def test_every_state_is_reachable_and_every_event_is_used():
    reached = {State.DRAFT}
    frontier = [State.DRAFT]
    while frontier:
        state = frontier.pop()
        for target in rules.TRANSITIONS[state].values():
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(State)
    used = {e for moves in rules.TRANSITIONS.values() for e in moves}
    assert used == set(Event) == set(rules.ACTIONS)


def test_district_and_city_steps_split_the_events():
    assert set(Event) == rules.DISTRICT_EVENTS | rules.CITY_EVENTS
    assert not rules.DISTRICT_EVENTS & rules.CITY_EVENTS
    assert not rules.is_city_step(Event.SUBMIT)
    assert rules.is_city_step(Event.SELECT)


def test_content_is_editable_only_in_draft_and_revising():
    assert {State.DRAFT, State.REVISING} == rules.EDITABLE


# ---------------------------------------------------------------- deadline


def test_submission_on_the_deadline_day_is_on_time():
    timing = rules.submission_timing(DEADLINE, DEADLINE)
    assert timing.allowed and not timing.late and not timing.by_exception


def test_submission_the_day_after_the_deadline_is_refused_without_exception():
    timing = rules.submission_timing(DEADLINE + dt.timedelta(days=1), DEADLINE)
    assert not timing.allowed
    assert timing.late_days == 1 and timing.problem == "late"


def test_an_exception_without_a_reason_does_not_count():
    timing = rules.submission_timing(
        DEADLINE + dt.timedelta(days=1), DEADLINE, DeadlineException("  ")
    )
    assert not timing.allowed and timing.problem == "late"


def test_a_recorded_exception_lets_a_late_submission_in_until_its_own_last_day():
    exception = DeadlineException("전산 장애로 공문 발송 지연", until=dt.date(2020, 7, 15))
    on_last_day = rules.submission_timing(dt.date(2020, 7, 15), DEADLINE, exception)
    assert on_last_day.allowed and on_last_day.by_exception and on_last_day.late_days == 5
    after = rules.submission_timing(dt.date(2020, 7, 16), DEADLINE, exception)
    assert not after.allowed and after.problem == "exception_expired"


def test_an_exception_without_last_day_covers_any_later_day():
    exception = DeadlineException("협치회의 재구성 중")
    assert rules.submission_timing(dt.date(2020, 12, 1), DEADLINE, exception).allowed


def test_an_early_submission_never_needs_the_exception():
    timing = rules.submission_timing(dt.date(2020, 6, 1), DEADLINE, DeadlineException("x"))
    assert timing.allowed and not timing.by_exception


def test_no_deadline_in_the_policy_means_on_time():
    assert rules.submission_timing(dt.date(2030, 1, 1), None).allowed


def test_a_resubmission_answers_to_the_final_version_deadline():
    assert rules.deadline_for(Event.SUBMIT, DEADLINE, FINAL) == DEADLINE
    assert rules.deadline_for(Event.RESUBMIT, DEADLINE, FINAL) == FINAL
    assert rules.deadline_for(Event.RESUBMIT, DEADLINE, None) == DEADLINE
    assert rules.deadline_for(Event.SELECT, DEADLINE, FINAL) is None


# ---------------------------------------------------------------- amounts


def test_disbursement_may_not_exceed_the_agreement_counting_earlier_payments():
    assert rules.disbursement_problems(1_000_000_000, 1_000_000_000, 0) == []
    assert rules.disbursement_problems(1_000_000_001, 1_000_000_000, 0) == ["over_agreement"]
    assert rules.disbursement_problems(1, 1_000_000_000, 999_999_999) == []
    assert rules.disbursement_problems(2, 1_000_000_000, 999_999_999) == ["over_agreement"]
    assert rules.disbursement_problems(0, 1_000_000_000, 0) == ["not_positive"]
    assert rules.disbursement_problems(-5, None, 0) == ["not_positive"]


def test_agreement_dates_and_amount():
    start, end = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
    assert rules.agreement_problems(dt.date(2020, 12, 15), start, end, 1_000_000_000) == []
    assert rules.agreement_problems(dt.date(2020, 12, 15), end, start, 1) == ["period_reversed"]
    assert rules.agreement_problems(dt.date(2022, 1, 1), start, end, 1) == ["signed_after_period"]
    assert rules.agreement_problems(end, start, end, 0) == ["not_positive"]
