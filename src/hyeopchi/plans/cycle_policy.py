"""The plan-cycle policy (``kind = "plan_cycle"``): the district's formulation stages, the
city's calendar and the tables of contents of the basic and execution plans.

``policies/seoul-2020/plans/cycle-2020.toml`` holds the 2020 edition. Districts adapt
their stages (the manual's process is a model, seed 003 S 715-716); the policy gives the
default list, which stages are required and the submission deadline.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language
from pydantic import BaseModel, ConfigDict, Field, model_validator

from hyeopchi.core.policy import policies

CODE = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StageSpec(_Strict):
    code: str = Field(pattern=CODE, max_length=40)
    title: str = Field(max_length=200)
    title_en: str = Field(max_length=200)
    lead: str = ""
    required: bool = False
    due: dt.date | None = None


class CalendarEntry(_Strict):
    code: str = Field(pattern=CODE, max_length=40)
    title: str
    title_en: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return self.title_en if (get_language() or "ko").startswith("en") else self.title


class TocEntry(_Strict):
    code: str = Field(max_length=12)
    title: str = Field(max_length=200)


class Toc(_Strict):
    basic: list[TocEntry] = Field(min_length=1)
    execution: list[TocEntry] = Field(min_length=1)


class PlanCyclePolicy(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    name_en: str
    source: str
    note: str = ""
    cycle_year: int = Field(ge=2000, le=2100)
    plan_year: int = Field(ge=2000, le=2100)
    basic_plan_years: int = Field(ge=1, le=10)
    submission_deadline: dt.date
    final_version_deadline: dt.date
    stages: list[StageSpec] = Field(min_length=1)
    calendar: list[CalendarEntry] = Field(default_factory=list)
    toc: Toc

    @model_validator(mode="after")
    def _consistent(self) -> PlanCyclePolicy:
        for what, codes in (
            ("stages", [s.code for s in self.stages]),
            ("calendar", [c.code for c in self.calendar]),
            ("toc.basic", [t.code for t in self.toc.basic]),
            ("toc.execution", [t.code for t in self.toc.execution]),
        ):
            if len(codes) != len(set(codes)):
                raise ValueError(f"{what}: every code must be unique")
        for entry in self.calendar:
            if entry.end < entry.start:
                raise ValueError(f"calendar {entry.code!r}: ends before it starts")
        if self.final_version_deadline < self.submission_deadline:
            raise ValueError("final_version_deadline is before submission_deadline")
        return self

    def stage(self, code: str) -> StageSpec | None:
        return next((s for s in self.stages if s.code == code), None)


def cycle_policy(key: str) -> PlanCyclePolicy:
    document = policies().get("plan_cycle", key)
    assert isinstance(document, PlanCyclePolicy)
    return document


def policy_for_year(year: int) -> PlanCyclePolicy | None:
    """The cycle policy of a cycle year, if one is shipped."""
    for file in policies().of_kind("plan_cycle"):
        document = file.document
        assert isinstance(document, PlanCyclePolicy)
        if document.cycle_year == year:
            return document
    return None


def cycle_years() -> list[int]:
    return sorted(
        {f.document.cycle_year for f in policies().of_kind("plan_cycle")},  # type: ignore[attr-defined]
        reverse=True,
    )
