"""Rulebooks: the numbers that govern a body, read from policy files or amendments.

A rulebook file (``kind = "rulebook"``) holds complete versions, each effective from a
date; an amendment adopted by a decision adds a version in the database. Both parse into
the same frozen :class:`Rulebook` that the pure rule functions take.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

Base = Literal["enrolled", "present"]


def _fraction(value: Any) -> Fraction:
    """Accept "2/3", 0.7 or Fraction; a share must lie in (0, 1]."""
    try:
        result = Fraction(str(value)) if not isinstance(value, Fraction) else value
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"{value!r} is not a fraction such as '2/3'") from exc
    if not 0 < result <= 1:
        raise ValueError(f"{value!r} must be more than 0 and at most 1")
    return result


Share = Annotated[Fraction, BeforeValidator(_fraction)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class ThresholdSpec(_Strict):
    """ "과반수" is fraction 1/2 strict (more than half); "3분의 2 이상" is 2/3 not strict."""

    base: Base
    fraction: Share
    strict: bool
    article: str = ""


class SizeSpec(_Strict):
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=1)
    soft: bool = False  # "10인 내외" (about ten): outside the band is a warning
    article: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> SizeSpec:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is larger than max ({self.max})")
        return self


class SeatCapSpec(_Strict):
    per: Literal["district"] = "district"
    max: int = Field(ge=1)
    role: str | None = None  # only members of this role count toward the cap
    article: str = ""


class TermSpec(_Strict):
    years: int | None = Field(default=None, ge=1)  # None: no fixed term
    max_renewals: int | None = Field(default=None, ge=0)  # None: no limit
    replacement_serves_remainder: bool = True
    article: str = ""


class CompositionSpec(_Strict):
    civilian_share_min: Share | None = None
    warn_at_civilian_minimum: bool = True  # the sources say both "over 70 %" and "70 % or more"
    gender_share_max_appointed: Share | None = None
    women_share_min_warning: Share | None = None
    article: str = ""


class EligibilitySpec(_Strict):
    """Members of this body must hold ``parent_role`` in the parent body (e.g. 운영위원)."""

    parent_role: str
    roles: list[str] = Field(default_factory=list)  # empty: every member
    article: str = ""


class MeetingsSpec(_Strict):
    regular_per_year: int | None = Field(default=None, ge=0)
    regular_per_month: int | None = Field(default=None, ge=0)
    article: str = ""


class ExtraordinarySpec(_Strict):
    convened_by: list[Literal["chair", "resolution", "member_request"]]
    resolution_body_kind: str | None = None  # e.g. "steering"
    min_requesting_members: int | None = Field(default=None, ge=1)
    min_requesting_share: Share | None = None
    article: str = ""


class VersionSpec(_Strict):
    label: str
    effective_from: dt.date
    source: str
    note: str = ""
    quorum: ThresholdSpec
    decision: ThresholdSpec
    amendment: ThresholdSpec
    size: SizeSpec = SizeSpec()
    seat_caps: list[SeatCapSpec] = Field(default_factory=list)
    term: TermSpec = TermSpec()
    composition: CompositionSpec = CompositionSpec()
    eligibility: EligibilitySpec | None = None
    meetings: MeetingsSpec = MeetingsSpec()
    extraordinary: ExtraordinarySpec | None = None
    # Roles held without a vote (e.g. 간사 = the department head): not enrolled for quorum,
    # not counted in the composition.
    non_voting_roles: list[str] = Field(default_factory=list)


class RulebookFile(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    name_en: str
    versions: list[VersionSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _ascending(self) -> RulebookFile:
        dates = [v.effective_from for v in self.versions]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise ValueError("versions must have distinct effective_from dates in ascending order")
        return self


@dataclass(frozen=True)
class Rulebook:
    """One version of a body's rules, as the pure rule functions use it."""

    key: str
    name: str
    spec: VersionSpec
    source_file: str = ""  # policy file, or "" for an amendment adopted by decision
    amendment_id: int | None = None

    @property
    def effective_from(self) -> dt.date:
        return self.spec.effective_from

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def citation(self) -> str:
        where = self.source_file or f"amendment #{self.amendment_id}"
        return f"{self.name} ({self.spec.label}; {where})"


def version_from_params(params: dict[str, Any]) -> VersionSpec:
    return VersionSpec.model_validate(params)


def version_to_params(spec: VersionSpec) -> dict[str, Any]:
    """JSON-safe form of a version, for storing an amendment."""
    return spec.model_dump(mode="json")


def pick_version(versions: list[Rulebook], on: dt.date) -> Rulebook | None:
    """The version in force on ``on``: the latest effective on or before that day.

    On the same effective date an amendment adopted by decision overrides the file's
    version, and a later amendment an earlier one.
    """
    in_force = [v for v in versions if v.effective_from <= on]
    if not in_force:
        return None
    return max(
        in_force,
        key=lambda v: (v.effective_from, v.amendment_id is not None, v.amendment_id or 0),
    )
