"""Participation policies: proposal thresholds with their clocks, and priority setting.

``kind = "proposal_policy"``: how many supports a proposal needs within which window,
and the days allowed for each following step (department review, online debate, answer).
Versions take effect from a date (Democracy Seoul lowered 5,000 to 1,000).

``kind = "priority_policy"``: the criteria a panel scores agendas by (은평), whether an
online window and on-site tallies are summed into one ranking (노원), whether
participatory-budget and governance items get separate ballots, and the tie-break.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProposalVersion(_Strict):
    label: str
    effective_from: dt.date
    source: str
    note: str = ""
    supports_required: int = Field(ge=1)
    support_window_days: int | None = Field(default=None, ge=1)  # None: no expiry
    review_days: int | None = Field(default=None, ge=1)  # None: the source sets no deadline
    debate_days: int | None = Field(default=None, ge=1)  # None: no online debate step
    answer_days: int = Field(ge=1)  # counted from the debate's close, or from review
    answered_by: str  # e.g. "구청장" / "시장"


class ProposalPolicy(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    name_en: str
    scope: Literal["district", "city"]
    # District policies: the 5-digit codes of the districts whose proposals it governs
    # (the district → policy mapping); a city policy governs city-wide proposals.
    districts: list[str] = Field(default_factory=list)
    # Who may propose and support: "declared" residents (self-declared, as in the demo)
    # or only "verified" ones (staff confirmation, resident-roll import, later phone/ID).
    residency: Literal["declared", "verified"] = "declared"
    categories: list[str] = Field(min_length=1)
    versions: list[ProposalVersion] = Field(min_length=1)

    @model_validator(mode="after")
    def _ascending(self) -> ProposalPolicy:
        if self.scope == "city" and self.districts:
            raise ValueError("a city policy governs city-wide proposals; list no districts")
        if any(not (code.isdigit() and len(code) == 5) for code in self.districts):
            raise ValueError("districts are 5-digit district codes such as '11530'")
        dates = [v.effective_from for v in self.versions]
        if dates != sorted(set(dates)):
            raise ValueError("versions must have distinct effective_from dates in ascending order")
        return self

    def version_on(self, day: dt.date) -> ProposalVersion:
        in_force = [v for v in self.versions if v.effective_from <= day]
        return in_force[-1] if in_force else self.versions[0]


class Criterion(_Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    name_en: str
    group: str = ""
    max_points: int = Field(ge=1)
    question: str = ""


class PriorityPolicy(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    name_en: str
    source: str
    note: str = ""
    criteria: list[Criterion] = Field(default_factory=list)
    panel_weight: int = Field(default=0, ge=0)  # weight of the panel's mean score
    vote_weight: int = Field(default=1, ge=0)  # weight of a vote (online + on-site)
    online_choices: int | None = Field(default=None, ge=1)  # agendas one resident may pick
    onsite_channels: list[str] = Field(default_factory=list)
    separate_ballots: bool = False  # participatory-budget and governance items apart (은평)
    tie_break: Literal["online_votes", "panel_score", "earliest_agenda"] = "earliest_agenda"
    tie_break_note: str = ""
    # Who may vote online: residents of the district as "declared", or only "verified" ones.
    residency: Literal["declared", "verified"] = "declared"

    @model_validator(mode="after")
    def _something_decides(self) -> PriorityPolicy:
        if self.panel_weight and not self.criteria:
            raise ValueError("a panel weight needs criteria")
        if not self.panel_weight and not self.vote_weight:
            raise ValueError("either panel_weight or vote_weight must be positive")
        return self
