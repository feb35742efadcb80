"""The change-and-settlement policy of the Community Innovation Plan
(``kind = "plan_change_rules"``): how a budget change request is routed (운영지침 3.3,
협약 제10조), when the settlement report is due (협약 제8조⑤), how remaining funds are
returned (제11조) and on which grounds the agreement may be terminated (제12조).

The mechanisms live in :mod:`hyeopchi.plans.change_routes` and
:mod:`hyeopchi.plans.settlement_rules`; every number and every label comes from here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from django.utils.translation import get_language
from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _bilingual(name: str, name_en: str) -> str:
    return name_en if (get_language() or "ko").startswith("en") else name


# The routes the mechanism knows; the policy file names and explains each of them.
ROUTE_KEYS = (
    "refused_nature",  # 경상보조 ↔ 자본보조
    "refused_between_projects",  # between sub-projects of the submitted list
    "city_approval",  # 전용, or a 변경 of at least the threshold share
    "city_consultation",  # another important change of content
    "council_decision",  # 변경 below the threshold
    "delegated_decision",  # the same, urgent, by the unit the council delegated to
)

Approver = Literal["none", "city", "council", "delegated"]


class Route(_Strict):
    key: str
    name: str
    name_en: str
    article: str  # where the rule is written, e.g. "운영지침 3.3.4; 협약 제10조⑥"
    source: str  # seed lines
    approver: Approver
    refused: bool = False
    prior_consultation: bool = False  # consult the city before asking for approval
    report_quarterly: bool = False  # the decision is notified to the city each quarter

    @property
    def label(self) -> str:
        return _bilingual(self.name, self.name_en)

    @model_validator(mode="after")
    def _coherent(self) -> Route:
        if self.refused != (self.approver == "none"):
            raise ValueError(f"route {self.key}: a refused route has approver 'none', and only it")
        return self


class ChangeSection(_Strict):
    # A 변경 of at least this share (in per cent) of the subsidy project total needs the
    # city's approval; below it the council decides (운영지침 3.3.2-3.3.3). A decimal text
    # so that the comparison stays exact ("10", "12.5").
    city_threshold_percent: Decimal = Field(gt=0, le=100)
    # The base of the share: the subsidy project total (보조금 사업 총액).
    threshold_base: Literal["subsidy_total"] = "subsidy_total"
    # Whether an urgent change below the threshold may be decided by a delegated unit.
    urgent_delegation: bool = True
    # Units a council may delegate urgent budget changes to (운영지침 3.3.3(1)).
    delegated_units: list[str] = Field(min_length=1)
    routes: list[Route] = Field(min_length=len(ROUTE_KEYS))

    @property
    def threshold(self) -> Fraction:
        return Fraction(self.city_threshold_percent) / 100

    def route(self, key: str) -> Route:
        return next(r for r in self.routes if r.key == key)

    @model_validator(mode="after")
    def _all_routes(self) -> ChangeSection:
        keys = [r.key for r in self.routes]
        if len(keys) != len(set(keys)):
            raise ValueError("routes: every key must be unique")
        missing = sorted(set(ROUTE_KEYS) - set(keys))
        unknown = sorted(set(keys) - set(ROUTE_KEYS))
        if missing:
            raise ValueError(f"routes: missing {', '.join(missing)}")
        if unknown:
            raise ValueError(
                f"routes: unknown {', '.join(unknown)} (known: {', '.join(ROUTE_KEYS)})"
            )
        return self


class Choice(_Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$", max_length=40)
    name: str
    name_en: str
    article: str = ""
    # Termination grounds: whether the city must first hear the council and set a
    # correction period (협약 제12조③ for grounds 1 and 2).
    needs_correction_period: bool = False

    @property
    def label(self) -> str:
        return _bilingual(self.name, self.name_en)


class ExecutionSection(_Strict):
    # Days after a quarter's end by which its progress report (and the notice of the
    # changes decided below the threshold) is due.
    quarterly_report_due_days: int = Field(ge=0, le=92)
    # Spending above the plan by more than this many won is flagged (0: any excess).
    overspend_tolerance: int = Field(ge=0)


class SettlementSection(_Strict):
    # The settlement report is due this many months after the end of the period it
    # settles (구단위계획형: the fiscal year, 협약 제8조⑤: "2개월 이내").
    due_months_after_period_end: int = Field(ge=1, le=12)
    # 협치전략사업: within one month of the project's end (S 3635).
    strategy_due_months_after_project_end: int = Field(ge=1, le=12)
    return_methods: list[Choice] = Field(min_length=1)
    termination_grounds: list[Choice] = Field(min_length=1)

    def ground(self, key: str) -> Choice | None:
        return next((g for g in self.termination_grounds if g.key == key), None)

    def return_method(self, key: str) -> Choice | None:
        return next((m for m in self.return_methods if m.key == key), None)

    @model_validator(mode="after")
    def _unique(self) -> SettlementSection:
        for what, choices in (
            ("return_methods", self.return_methods),
            ("termination_grounds", self.termination_grounds),
        ):
            keys = [c.key for c in choices]
            if len(keys) != len(set(keys)):
                raise ValueError(f"{what}: every key must be unique")
        return self


class ChangeRules(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    policy_version: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    name_en: str
    source: str
    note: str = ""
    effective_from: dt.date
    change: ChangeSection
    execution: ExecutionSection
    settlement: SettlementSection


def load_change_rules(policy_version: str = "seoul-2020") -> ChangeRules:
    """The change-and-settlement rules of a policy version, as validated at start-up."""
    from hyeopchi.core.policy import policies

    for policy in policies().of_kind("plan_change_rules"):
        document = policy.document
        assert isinstance(document, ChangeRules)
        if document.policy_version == policy_version:
            return document
    raise LookupError(f"no plan_change_rules policy for version {policy_version!r}")
