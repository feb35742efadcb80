"""Voting policies: who may vote, how the ballot looks, which rule counts it.

A voting policy file (``kind = "voting"``) describes the contests (separate ballots) an
election holds, e.g. participatory-budget items and governance items on separate ballots
(은평), each with its ballot design and counting rule; an election copies them when it is
set up, and an administrator may adjust a copy before the vote opens.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hyeopchi.bodies.rulebook import Share

Design = Literal["approval", "k_approval", "knapsack", "cumulative", "ranking"]
Rule = Literal["greedy", "greedy_cost_utility", "mes_cost", "mes_cardinality", "phragmen"]
Completion = Literal["none", "budget_increase", "greedy_fill", "budget_increase_then_greedy"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class EligibilitySpec(_Strict):
    residents_only: bool = True  # residents of the election's district (of Seoul if city-wide)
    min_age: int | None = Field(default=None, ge=0, le=120)
    verified_required: bool = True  # residency confirmed by staff or a resident-roll import
    source: str = ""


class ContestSpec(_Strict):
    key: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: str
    name_en: str
    category: Literal["participatory_budget", "governance", "other"] = "participatory_budget"
    design: Design
    max_choices: int | None = Field(default=None, ge=1)  # k of k-approval
    min_share_spent: Share | None = None  # knapsack: the ballot must use at least this share
    points: int | None = Field(default=None, ge=1)  # cumulative: points each voter spreads
    rule: Rule
    completion: Completion = "none"
    tie_break: Literal["lexicographic", "max_cost", "min_cost"] = "lexicographic"

    @model_validator(mode="after")
    def _design_parameters(self) -> ContestSpec:
        if self.design == "k_approval" and self.max_choices is None:
            raise ValueError("k_approval needs max_choices")
        if self.design == "cumulative" and self.points is None:
            raise ValueError("cumulative needs points")
        if self.design == "ranking" and self.rule != "greedy":
            raise ValueError("ranking ballots are counted by greedy (Borda points) only")
        if self.completion != "none" and not self.rule.startswith("mes"):
            raise ValueError("completion applies to the Method of Equal Shares only")
        return self


class VotingPolicy(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    name_en: str
    source: str
    note: str = ""
    revote_allowed: bool = False
    eligibility: EligibilitySpec = EligibilitySpec()
    contests: list[ContestSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_contests(self) -> VotingPolicy:
        keys = [c.key for c in self.contests]
        if len(set(keys)) != len(keys):
            raise ValueError("contest keys must be unique")
        return self


def as_fraction(value: Fraction | None) -> Fraction:
    return value if value is not None else Fraction(0)
