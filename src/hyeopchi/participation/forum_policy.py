"""The forum-record policy (``kind = "forum_record_policy"``): what a district records of
each forum (공론장) in its process-management DB (과정관리DB) and when it sends the sheet.

The plan stages a forum belongs to (the 11 formulation stages of the manual's model
process and the stages of the execution cycle), the participant sectors, genders and age
bands of the city's integrated sheet, and the months in which each quarter's sheet is due.
Districts may redesign their process (seed 003 S 715-716), so all of it is data.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils.translation import get_language
from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$", max_length=40)
    name: str
    name_en: str
    phase: Literal["", "planning", "execution"] = ""  # stages: 계획수립 / 계획실행

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "ko").startswith("en") else self.name


def _unique(choices: list[Choice], what: str) -> None:
    keys = [c.key for c in choices]
    if len(keys) != len(set(keys)):
        raise ValueError(f"{what}: every key must be unique")


class ForumRecordPolicy(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    name_en: str
    source: str
    note: str = ""
    effective_from: dt.date
    stages: list[Choice] = Field(min_length=1)
    sectors: list[Choice] = Field(min_length=1)
    genders: list[Choice] = Field(min_length=1)
    age_bands: list[Choice] = Field(min_length=1)
    # The month in which the sheet of quarter 1..4 is due (seed 003 S 3769-3772: 3, 6, 9, 12).
    submission_months: list[int] = Field(min_length=4, max_length=4)
    # Whether the quarterly sheet carries draft records too. The sheet is the district's
    # official submission to the city, so the shipped policy sends published records only.
    sheet_includes_drafts: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> ForumRecordPolicy:
        _unique(self.stages, "stages")
        _unique(self.sectors, "sectors")
        _unique(self.genders, "genders")
        _unique(self.age_bands, "age_bands")
        for quarter, month in enumerate(self.submission_months, start=1):
            if not 3 * quarter <= month <= 12:
                raise ValueError(
                    f"submission_months: quarter {quarter}'s sheet cannot be due in month "
                    f"{month} (it must be due at the quarter's end or later, within the year)"
                )
        return self

    def breakdowns(self) -> dict[str, list[Choice]]:
        """The participant breakdowns by their key in ``Forum.participants``."""
        return {"sector": self.sectors, "gender": self.genders, "age": self.age_bands}

    def stage(self, key: str) -> Choice | None:
        return next((s for s in self.stages if s.key == key), None)
