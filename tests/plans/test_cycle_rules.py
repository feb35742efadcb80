"""The pure rules of a plan cycle: current stage, progress, findings, adaptations."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from hyeopchi.plans import cycle
from hyeopchi.plans.cycle import Stage

DAY = dt.date(2020, 7, 15)


def _stages(*statuses: str, required: tuple[int, ...] = ()) -> list[Stage]:
    return [
        Stage(code=f"s{i}", order=i, title=f"단계{i}", status=s, required=i in required)  # type: ignore[arg-type]
        for i, s in enumerate(statuses, start=1)
    ]


def test_current_stage_is_the_first_in_progress_else_the_first_not_started():
    assert cycle.current_stage(_stages("done", "not_started", "in_progress")).code == "s3"
    assert cycle.current_stage(_stages("done", "skipped", "not_started")).code == "s3"
    assert cycle.current_stage(_stages("done", "skipped")) is None


def test_current_stage_follows_order_not_list_position():
    stages = [
        Stage("late", 5, "late", "not_started"),
        Stage("early", 1, "early", "not_started"),
    ]
    assert cycle.current_stage(stages).code == "early"


def test_progress_leaves_skipped_stages_out():
    p = cycle.progress(_stages("done", "done", "skipped", "in_progress"))
    assert (p.done, p.open, p.skipped, p.percent) == (2, 1, 1, 66)
    assert cycle.progress([]).percent == 0


def test_a_required_stage_cannot_be_skipped():
    stages = _stages("done", "skipped", required=(2,))
    found = cycle.findings(stages, DAY)
    assert [(f.code, f.kind, f.severity) for f in found] == [("s2", "required_skipped", "error")]
    assert cycle.status_change_error(stages[1], "skipped")
    assert cycle.status_change_error(stages[1], "done") is None
    assert cycle.status_change_error(stages[0], "skipped") is None
    assert cycle.status_change_error(stages[0], "finished")


def test_a_stage_done_while_an_earlier_one_is_open_is_warned():
    found = cycle.findings(_stages("in_progress", "skipped", "done"), DAY)
    assert [(f.code, f.kind) for f in found] == [("s3", "out_of_order")]
    assert "단계1" in found[0].message


def test_overdue_is_the_day_after_the_end_date_not_the_day_itself():
    on_time = Stage("submission", 11, "제출", "in_progress", end=DAY)
    assert cycle.findings([on_time], DAY) == []
    found = cycle.findings([on_time], DAY + dt.timedelta(days=1))
    assert [f.kind for f in found] == ["overdue"]
    done = Stage("submission", 11, "제출", "done", end=DAY)
    assert cycle.findings([done], DAY + dt.timedelta(days=30)) == []


def test_the_overdue_warning_gives_the_due_date_as_people_read_it():
    late = Stage("submission", 11, "제출", "in_progress", end=DAY)
    with translation.override("ko"):
        (found,) = cycle.findings([late], DAY + dt.timedelta(days=1))
    assert "2020년 7월 15일(수)" in found.message
    assert "2020-07-15" not in found.message


def test_dates_in_the_wrong_order_are_an_error():
    stage = Stage("x", 1, "x", "done", start=dt.date(2020, 5, 2), end=dt.date(2020, 5, 1))
    assert [f.kind for f in cycle.findings([stage], DAY)] == ["dates"]


def test_a_district_adds_stages_with_new_codes_and_skips_policy_stages():
    stages = _stages("done")
    assert cycle.new_stage_error(stages, "s1", "다시") is not None
    assert cycle.new_stage_error(stages, "youth_forum", "  ") is not None
    assert cycle.new_stage_error(stages, "youth_forum", "청소년 공론장") is None
    assert cycle.removal_error(stages[0], from_policy=True) is not None
    assert cycle.removal_error(stages[0], from_policy=False) is None
