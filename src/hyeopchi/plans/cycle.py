"""Rules of a district's plan cycle: pure functions over plain stage data.

A cycle is the ordered list of its stages. What these functions decide:
- which stage is current (the first one in progress, else the first not started);
- what is wrong with the cycle as it stands (a required stage skipped, a stage done while
  an earlier one is still open, a stage past its end date that is not done);
- whether a district's adaptation (add, skip, rename) is allowed.
No database access; the services turn models into ``Stage`` values and back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils.translation import gettext as _

from hyeopchi.core.dates import format_date

Status = Literal["not_started", "in_progress", "done", "skipped"]
CLOSED: frozenset[str] = frozenset({"done", "skipped"})


@dataclass(frozen=True)
class Stage:
    code: str
    order: int
    title: str
    status: Status = "not_started"
    required: bool = False
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class CycleFinding:
    code: str  # the stage concerned
    kind: Literal["required_skipped", "out_of_order", "overdue", "dates"]
    severity: Literal["error", "warning"]
    message: str


@dataclass(frozen=True)
class Progress:
    done: int
    open: int  # not started or in progress
    skipped: int

    @property
    def counted(self) -> int:
        return self.done + self.open

    @property
    def percent(self) -> int:
        """Done out of the stages that count (skipped ones left out), rounded down."""
        return (100 * self.done) // self.counted if self.counted else 0


def ordered(stages: Sequence[Stage]) -> list[Stage]:
    return sorted(stages, key=lambda s: (s.order, s.code))


def current_stage(stages: Sequence[Stage]) -> Stage | None:
    """The first stage in progress; else the first not started; None when all are closed."""
    in_order = ordered(stages)
    for stage in in_order:
        if stage.status == "in_progress":
            return stage
    return next((s for s in in_order if s.status == "not_started"), None)


def progress(stages: Sequence[Stage]) -> Progress:
    done = sum(1 for s in stages if s.status == "done")
    skipped = sum(1 for s in stages if s.status == "skipped")
    return Progress(done=done, open=len(stages) - done - skipped, skipped=skipped)


def findings(stages: Sequence[Stage], today: dt.date) -> list[CycleFinding]:
    """Everything a secretariat should look at in its cycle, in stage order."""
    out: list[CycleFinding] = []
    open_before: list[Stage] = []
    for stage in ordered(stages):
        if stage.required and stage.status == "skipped":
            out.append(
                CycleFinding(
                    stage.code,
                    "required_skipped",
                    "error",
                    _("“%(stage)s” is required and cannot be skipped.") % {"stage": stage.title},
                )
            )
        if stage.start and stage.end and stage.end < stage.start:
            out.append(
                CycleFinding(
                    stage.code,
                    "dates",
                    "error",
                    _("“%(stage)s” ends before it starts.") % {"stage": stage.title},
                )
            )
        if stage.status == "done" and open_before:
            out.append(
                CycleFinding(
                    stage.code,
                    "out_of_order",
                    "warning",
                    _("“%(stage)s” is done while “%(earlier)s” before it is still open.")
                    % {"stage": stage.title, "earlier": open_before[0].title},
                )
            )
        if stage.status not in CLOSED and stage.end is not None and stage.end < today:
            out.append(
                CycleFinding(
                    stage.code,
                    "overdue",
                    "warning",
                    _("“%(stage)s” was due on %(date)s and is not done.")
                    % {"stage": stage.title, "date": format_date(stage.end)},
                )
            )
        if stage.status not in CLOSED:
            open_before.append(stage)
    return out


def status_change_error(stage: Stage, new_status: str) -> str | None:
    """Why the stage cannot take ``new_status``, or None when it can."""
    if new_status not in ("not_started", "in_progress", "done", "skipped"):
        return _("Choose a valid status.")
    if stage.required and new_status == "skipped":
        return _("“%(stage)s” is required and cannot be skipped.") % {"stage": stage.title}
    return None


def new_stage_error(stages: Sequence[Stage], code: str, title: str) -> str | None:
    """Why a district cannot add this stage, or None when it can."""
    if not title.strip():
        return _("Give the stage a title.")
    if any(s.code == code for s in stages):
        return _("The cycle already has a stage with this code.")
    return None


def removal_error(stage: Stage, from_policy: bool) -> str | None:
    """Stages of the policy are skipped, not removed, so the record shows the choice."""
    if from_policy:
        return _("A stage of the model process cannot be removed; mark it skipped instead.")
    return None
