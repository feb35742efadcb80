"""The proposal clocks at their boundaries (pure functions; then the tick on the database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hyeopchi.participation import clocks
from hyeopchi.participation.clocks import Clock, Steps
from hyeopchi.participation.proposal_services import policy_by_key

D = dt.date
GURO = Steps(supports_required=50, debate_days=30, answer_days=30)
SEOUL = Steps(supports_required=1000, support_window_days=30, answer_days=30)
WITH_REVIEW = Steps(supports_required=50, review_days=14, debate_days=30, answer_days=30)


def gathering(count=0, created: dt.date | None = None) -> Clock:
    created = created or D(2020, 6, 1)
    return Clock(status=clocks.GATHERING, created_on=created, support_count=count)


def test_policy_steps_come_from_the_policy_files():
    guro = policy_by_key("guro-1st-street")
    assert Steps.of(guro.version_on(D(2020, 6, 1))) == GURO
    seoul = policy_by_key("democracy-seoul")
    assert Steps.of(seoul.version_on(D(2020, 6, 1))).supports_required == 1000
    # Before 2019 Democracy Seoul needed 5,000: the version in force on the creation date.
    assert Steps.of(seoul.version_on(D(2018, 6, 1))).supports_required == 5000


def test_49_supports_stay_gathering_and_50_start_the_review():
    day = D(2020, 6, 10)
    assert not clocks.advance(gathering(49), GURO, day).changed
    result = clocks.advance(gathering(50), GURO, day)
    assert result.events == ("threshold",)
    assert result.clock.status == clocks.IN_REVIEW
    assert result.clock.threshold_on == day
    assert result.clock.review_due is None  # 구로1번가 sets no review deadline


def test_review_due_when_the_policy_sets_review_days():
    result = clocks.advance(gathering(50), WITH_REVIEW, D(2020, 6, 10))
    assert result.clock.review_due == D(2020, 6, 24)
    late = result.clock
    assert clocks.overdue(late, D(2020, 6, 24)) == []
    assert clocks.overdue(late, D(2020, 6, 25)) == ["review"]


def test_support_window_day_30_open_day_31_expired():
    created = D(2020, 6, 1)
    clock = gathering(999, created)
    day30, day31 = D(2020, 6, 30), D(2020, 7, 1)
    assert clocks.support_deadline(created, SEOUL) == day30
    assert clocks.accepts_supports(clock, SEOUL, day30)
    assert not clocks.advance(clock, SEOUL, day30).changed
    assert not clocks.accepts_supports(clock, SEOUL, day31)
    expired = clocks.advance(clock, SEOUL, day31)
    assert expired.events == ("expired",)
    assert expired.clock.status == clocks.EXPIRED


def test_threshold_on_the_last_day_of_the_window_counts():
    result = clocks.advance(gathering(1000), SEOUL, D(2020, 6, 30))
    assert result.events == ("threshold",)


def test_no_window_never_expires():
    assert not clocks.advance(gathering(3), GURO, D(2030, 1, 1)).changed
    assert clocks.support_deadline(D(2020, 1, 1), GURO) is None


def test_feasible_review_opens_a_30_day_debate_and_the_answer_30_days_after():
    reviewed = clocks.after_review(
        clocks.on_threshold(gathering(50), GURO, D(2020, 6, 1)), GURO, D(2020, 6, 1), True
    )
    assert reviewed.status == clocks.IN_DEBATE
    assert reviewed.debate_opens == D(2020, 6, 1)
    assert reviewed.debate_closes == D(2020, 6, 30)  # day 30 is the last day
    assert reviewed.answer_due == D(2020, 7, 30)
    # Day 30: still debating; day 31: closed, the answer awaited.
    assert not clocks.advance(reviewed, GURO, D(2020, 6, 30)).changed
    closed = clocks.advance(reviewed, GURO, D(2020, 7, 1))
    assert closed.events == ("debate_closed",)
    assert closed.clock.status == clocks.AWAITING_ANSWER
    # The answer is due on 30 July: on time that day, overdue on 31 July.
    assert clocks.overdue(closed.clock, D(2020, 7, 30)) == []
    assert clocks.overdue(closed.clock, D(2020, 7, 31)) == ["answer"]


def test_infeasible_with_a_debate_step_closes_without_debate():
    reviewed = clocks.after_review(
        Clock(status=clocks.IN_REVIEW, created_on=D(2020, 6, 1)), GURO, D(2020, 6, 5), False
    )
    assert reviewed.status == clocks.INFEASIBLE
    assert reviewed.debate_opens is None and reviewed.answer_due is None


@pytest.mark.parametrize("feasible", [True, False])
def test_without_debate_the_answer_is_due_after_the_review(feasible):
    reviewed = clocks.after_review(
        Clock(status=clocks.IN_REVIEW, created_on=D(2020, 6, 1)), SEOUL, D(2020, 7, 1), feasible
    )
    assert reviewed.status == clocks.AWAITING_ANSWER
    assert reviewed.answer_due == D(2020, 7, 31)


def test_deadlines_for_the_page():
    clock = clocks.after_review(
        clocks.on_threshold(gathering(50), GURO, D(2020, 6, 1)), GURO, D(2020, 6, 1), True
    )
    shown = {d.kind: d for d in clocks.deadlines(clock, GURO, D(2020, 6, 20))}
    assert set(shown) == {"debate", "answer"}
    assert shown["debate"].days_left == 10 and not shown["debate"].done
    assert shown["answer"].days_left == 40 and not shown["answer"].overdue
    late = clocks.advance(clock, GURO, D(2020, 7, 1)).clock
    shown = {d.kind: d for d in clocks.deadlines(late, GURO, D(2020, 8, 2))}
    assert shown["debate"].done
    assert shown["answer"].overdue and shown["answer"].days_left == -3
    seoul = {d.kind for d in clocks.deadlines(gathering(1, D(2020, 6, 1)), SEOUL, D(2020, 6, 2))}
    assert seoul == {"supports"}


@given(
    count=st.integers(min_value=0, max_value=2000),
    offset=st.integers(min_value=0, max_value=120),
    status=st.sampled_from(
        [clocks.GATHERING, clocks.IN_REVIEW, clocks.IN_DEBATE, clocks.AWAITING_ANSWER]
    ),
)
def test_advance_is_idempotent(count, offset, status):
    created = D(2020, 6, 1)
    clock = Clock(
        status=status,
        created_on=created,
        support_count=count,
        debate_opens=created if status == clocks.IN_DEBATE else None,
        debate_closes=created + dt.timedelta(days=29) if status == clocks.IN_DEBATE else None,
        answer_due=created + dt.timedelta(days=59) if status == clocks.IN_DEBATE else None,
    )
    today = created + dt.timedelta(days=offset)
    for steps in (GURO, SEOUL):
        once = clocks.advance(clock, steps, today).clock
        assert not clocks.advance(once, steps, today).changed


# ---------------------------------------------------------------- the daily run


@pytest.mark.django_db
def test_participation_tick_command_and_task_are_idempotent(guro, settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from hyeopchi.participation.models import ProposalStatus
    from hyeopchi.participation.tasks_proposals import participation_tick

    from .proposal_helpers import propose, resident, set_supports

    settings.MEDIA_ROOT = tmp_path
    proposal = set_supports(propose(resident(guro)), 50)
    out = StringIO()
    call_command("participation_tick", stdout=out)
    assert "threshold: 1" in out.getvalue()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.IN_REVIEW
    out = StringIO()
    call_command("participation_tick", stdout=out)
    assert "threshold" not in out.getvalue()
    assert "overdue flagged: 0" in participation_tick.call()
