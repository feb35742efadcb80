"""Rules of forum records (공론장) and the process-management DB (과정관리DB), as plain
functions over plain data (no ORM): participant counts, quarters and their due dates,
process statistics, and the sorting of the city-wide comparison.

Participant counts hold no personal data: per forum a total and, optionally, three
breakdowns (by sector, by gender, by age band). A breakdown is either left empty or
complete: its counts add up to the total. A total left empty is taken from the first
breakdown entered.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.translation import gettext as _

# Counts above this are typing errors (the city's largest forums had 3,000 seats).
MAX_COUNT = 1_000_000

Breakdowns = Mapping[str, Mapping[str, int | None]]


# ---------------------------------------------------------------- participant counts


@dataclass(frozen=True)
class CountCheck:
    """The outcome of :func:`check_counts`: the total, the breakdowns to store (only those
    entered, every key present), and error messages by field (``total`` or a breakdown)."""

    total: int | None
    participants: dict[str, dict[str, int]]
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_counts(
    total: int | None,
    breakdowns: Breakdowns,
    keys: Mapping[str, Sequence[str]],
    labels: Mapping[str, str] | None = None,
) -> CountCheck:
    """Validate a forum's participant counts.

    ``breakdowns`` maps a breakdown ("sector", "gender", "age") to its counts by key, None
    where a box was left empty; ``keys`` lists the keys each breakdown must have (from the
    policy); ``labels`` names the breakdowns in messages. Every count must be a whole
    number from 0 to :data:`MAX_COUNT`; a breakdown with any count entered counts its
    empty boxes as 0 and must add up to the total.
    """
    labels = labels or {}
    errors: dict[str, list[str]] = {}

    def bad(value) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return _("Enter a whole number.")
        if value < 0:
            return _("A number of participants cannot be negative.")
        if value > MAX_COUNT:
            return _("Enter at most %(max)s.") % {"max": f"{MAX_COUNT:,}"}
        return None

    if total is not None and (problem := bad(total)):
        errors["total"] = [problem]
    entered: dict[str, dict[str, int]] = {}
    for name, wanted in keys.items():
        given = breakdowns.get(name) or {}
        unknown = sorted(set(given) - set(wanted))
        if unknown:
            errors.setdefault(name, []).append(
                _("Unknown categories: %(keys)s. Use: %(known)s.")
                % {"keys": ", ".join(unknown), "known": ", ".join(wanted)}
            )
            continue
        values = {key: given.get(key) for key in wanted}
        if all(v is None for v in values.values()):
            continue
        problems = [p for v in values.values() if v is not None and (p := bad(v))]
        if problems:
            errors.setdefault(name, []).append(problems[0])
            continue
        entered[name] = {key: v or 0 for key, v in values.items()}
    if errors:
        return CountCheck(total, entered, errors)
    if total is None:
        if not entered:
            return CountCheck(
                None,
                {},
                {"total": [_("Enter the number of participants (0 if nobody came).")]},
            )
        total = sum(next(iter(entered.values())).values())
    for name, counts in entered.items():
        added = sum(counts.values())
        if added != total:
            errors.setdefault(name, []).append(
                _(
                    "The counts by %(breakdown)s add up to %(sum)s, but the total is "
                    "%(total)s. Correct them, or leave all of them empty."
                )
                % {"breakdown": labels.get(name, name), "sum": f"{added:,}", "total": f"{total:,}"}
            )
    return CountCheck(total, entered, errors)


# ---------------------------------------------------------------- ideas


IDEA_MAX_LENGTH = 300
_BULLET = re.compile(r"^(?:[-•·*▪]|\d{1,3}[.)])\s+")  # a list marker followed by a space


def split_ideas(text: str) -> tuple[list[str], list[str]]:
    """A forum's outputs typed one per line: the ideas (blank lines and repeats dropped,
    spaces tidied) and the problems found."""
    ideas: list[str] = []
    problems: list[str] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        idea = _BULLET.sub("", re.sub(r"\s+", " ", line).strip())
        if not idea:
            continue
        if len(idea) > IDEA_MAX_LENGTH:
            problems.append(
                _("Line %(line)s is longer than %(max)s characters; shorten it or split it.")
                % {"line": number, "max": IDEA_MAX_LENGTH}
            )
            continue
        if idea not in ideas:
            ideas.append(idea)
    return ideas, problems


# ---------------------------------------------------------------- quarters


_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"a quarter is 1 to 4, not {self.number}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"no year {self.year}")

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2020-Q1``, ``2020Q1`` or ``2020-q1``."""
        match = _QUARTER.match(text or "")
        if not match:
            raise ValueError(f"not a quarter such as 2020-Q1: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        month = 3 * self.number
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day


def due_date(quarter: Quarter, submission_months: Sequence[int]) -> dt.date:
    """The last day of the month in which the quarter's sheet is due."""
    month = submission_months[quarter.number - 1]
    return dt.date(quarter.year, month, calendar.monthrange(quarter.year, month)[1])


@dataclass(frozen=True)
class QuarterStatus:
    quarter: Quarter
    due: dt.date
    forums: int
    generated_at: dt.datetime | None
    current: bool  # today is in this quarter
    overdue: bool  # due date passed and no sheet generated in the due month or later
    upcoming: bool  # the quarter has not started yet


def quarter_statuses(
    year: int,
    submission_months: Sequence[int],
    today: dt.date,
    forums_by_quarter: Mapping[int, int],
    last_generated: Mapping[int, dt.datetime],
) -> list[QuarterStatus]:
    """The four quarters of ``year``: due date, forums recorded, when the sheet was last
    generated, and whether it is the current one or overdue. A sheet counts as sent for
    the overdue flag if it was generated in its due month or later (Seoul dates): the
    districts send it during that month."""
    statuses = []
    for number in range(1, 5):
        quarter = Quarter(year, number)
        due = due_date(quarter, submission_months)
        generated = last_generated.get(number)
        complete = generated is not None and generated.date() >= due.replace(day=1)
        statuses.append(
            QuarterStatus(
                quarter=quarter,
                due=due,
                forums=forums_by_quarter.get(number, 0),
                generated_at=generated,
                current=quarter.contains(today),
                overdue=today > due and not complete,
                upcoming=today < quarter.first_day,
            )
        )
    return statuses


# ---------------------------------------------------------------- statistics


@dataclass(frozen=True)
class ForumFact:
    """What statistics need of one forum record."""

    district_id: int
    held_on: dt.date
    type: str
    stage: str
    materials: bool
    total: int
    participants: Mapping[str, Mapping[str, int]]


@dataclass
class Breakdown:
    """Participants of one breakdown summed over the forums that recorded it."""

    counts: dict[str, int]
    forums: int = 0  # forums that recorded this breakdown
    participants: int = 0  # their participants (the base of the shares)

    def share(self, key: str) -> Fraction | None:
        return Fraction(self.counts.get(key, 0), self.participants) if self.participants else None


@dataclass
class ProcessStats:
    forums: int = 0
    participants: int = 0
    with_materials: int = 0
    by_quarter: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 5), 0))
    participants_by_quarter: dict[int, int] = field(
        default_factory=lambda: dict.fromkeys(range(1, 5), 0)
    )
    by_type: dict[str, int] = field(default_factory=dict)
    by_stage: dict[str, int] = field(default_factory=dict)
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)

    @property
    def materials_share(self) -> Fraction | None:
        return Fraction(self.with_materials, self.forums) if self.forums else None

    @property
    def mean_participants(self) -> Fraction | None:
        return Fraction(self.participants, self.forums) if self.forums else None


def process_stats(
    facts: Iterable[ForumFact],
    keys: Mapping[str, Sequence[str]],
    types: Sequence[str] = (),
    stages: Sequence[str] = (),
) -> ProcessStats:
    """Forums per quarter, type and plan stage, participants per quarter and by each
    breakdown, and the share of forums whose participants had the materials in advance.

    ``keys`` lists each breakdown's categories; ``types`` and ``stages`` the forum types
    and stages to show even at 0 (a forum without a stage is counted under "")."""
    stats = ProcessStats(
        by_type=dict.fromkeys(types, 0),
        by_stage=dict.fromkeys(stages, 0),
        breakdowns={name: Breakdown(dict.fromkeys(ks, 0)) for name, ks in keys.items()},
    )
    for fact in facts:
        quarter = Quarter.of(fact.held_on).number
        stats.forums += 1
        stats.participants += fact.total
        stats.by_quarter[quarter] += 1
        stats.participants_by_quarter[quarter] += fact.total
        stats.by_type[fact.type] = stats.by_type.get(fact.type, 0) + 1
        stats.by_stage[fact.stage] = stats.by_stage.get(fact.stage, 0) + 1
        if fact.materials:
            stats.with_materials += 1
        for name, breakdown in stats.breakdowns.items():
            counts = fact.participants.get(name)
            if not counts:
                continue
            breakdown.forums += 1
            breakdown.participants += fact.total
            for key, value in counts.items():
                if key in breakdown.counts and isinstance(value, int):
                    breakdown.counts[key] += value
    return stats


def compare_districts(
    facts: Iterable[ForumFact],
    district_ids: Sequence[int],
    keys: Mapping[str, Sequence[str]],
    types: Sequence[str] = (),
) -> dict[int, ProcessStats]:
    """:func:`process_stats` per district, every district present (zero when it has none)."""
    grouped: dict[int, list[ForumFact]] = {pk: [] for pk in district_ids}
    for fact in facts:
        grouped.setdefault(fact.district_id, []).append(fact)
    return {pk: process_stats(grouped[pk], keys, types) for pk in grouped}


def sort_rows(rows: list[dict], key: str, descending: bool, name_key: str = "name") -> list[dict]:
    """Rows of the comparison table sorted by ``key``; empty values (no forum, so no share)
    last whichever the direction, ties by name."""
    present = [r for r in rows if r.get(key) is not None]
    missing = [r for r in rows if r.get(key) is None]
    present.sort(key=lambda r: r[name_key])
    present.sort(key=lambda r: r[key], reverse=descending)
    missing.sort(key=lambda r: r[name_key])
    return present + missing
