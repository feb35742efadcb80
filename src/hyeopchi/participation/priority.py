"""Priority setting over shortlisted agendas: pure rules, no Django.

- A panel scores each agenda by the policy's criteria (은평: 공익성, 시급성·중요성, 수혜대상,
  목표 달성도, 효과성, 협치성, 협치파트너 간 사업수행 의지), each from 0 to its maximum.
- Residents vote online within a window (one vote each, up to ``online_choices`` agendas)
  and on site (forum, newsletter, mobile booth), counted per channel by staff.
- One full ranking: ``total = panel_weight × mean panel score + vote_weight × votes``
  (votes = online + every on-site channel). Equal totals are ordered by the policy's
  tie-break (more online votes, or the higher panel score), then by the agenda registered
  first, so every agenda gets its own rank. The top N are selected, the rest deferred.

Scores are kept exact (fractions) until they are shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from django.utils.translation import gettext as _

from .policy import Criterion, PriorityPolicy

MAX_TALLY = 10_000_000  # more on-site votes than Seoul has residents is a typing error


# ---------------------------------------------------------------- input checks


def validate_scores(criteria: Sequence[Criterion], scores: Mapping[str, object]) -> dict:
    """Errors by criterion key (``__all__`` for keys the policy does not know): every
    criterion needs a whole number of points from 0 to its maximum."""
    errors: dict[str, list[str]] = {}
    known = {c.key for c in criteria}
    unknown = sorted(str(k) for k in scores if k not in known)
    if unknown:
        errors["__all__"] = [_("Unknown criteria: %(keys)s.") % {"keys": ", ".join(unknown)}]
    for c in criteria:
        value = scores.get(c.key)
        if value is None or value == "":
            errors[c.key] = [_("Score “%(name)s”.") % {"name": c.name}]
        elif isinstance(value, bool) or not isinstance(value, int):
            errors[c.key] = [_("Enter a whole number of points.")]
        elif not 0 <= value <= c.max_points:
            errors[c.key] = [
                _("“%(name)s” is scored from 0 to %(max)s points.")
                % {"name": c.name, "max": c.max_points}
            ]
    return errors


def validate_choices(
    choices: Sequence[object], on_ballot: Iterable[int], limit: int | None
) -> list[str]:
    """Problems with one resident's online choices (an empty list: the vote is valid)."""
    allowed = set(on_ballot)
    problems: list[str] = []
    if not choices:
        return [_("Choose at least one agenda.")]
    if any(isinstance(c, bool) or not isinstance(c, int) for c in choices):
        return [_("Choose agendas of this ballot.")]
    if len(set(choices)) != len(choices):
        problems.append(_("Choose each agenda only once."))
    if any(c not in allowed for c in choices):
        problems.append(_("Choose agendas of this ballot."))
    if limit is not None and len(set(choices)) > limit:
        problems.append(
            _("Choose at most %(n)s agendas; you chose %(chosen)s.")
            % {"n": limit, "chosen": len(set(choices))}
        )
    return problems


Window = Literal["none", "upcoming", "open", "closed"]


def window_state(now: dt.datetime, opens: dt.datetime | None, closes: dt.datetime | None) -> Window:
    """The online window includes its opening instant and excludes its closing instant."""
    if opens is None or closes is None:
        return "none"
    if now < opens:
        return "upcoming"
    return "open" if now < closes else "closed"


# ---------------------------------------------------------------- ranking


@dataclass(frozen=True)
class Entry:
    """An agenda on the ballot; ``order`` says which was registered first (lower first)."""

    agenda_id: int
    order: int


@dataclass
class Ranked:
    agenda_id: int
    rank: int
    total: Fraction
    panel_mean: Fraction | None  # None: the policy has no panel
    panelists: int
    online: int
    onsite: dict[str, int] = field(default_factory=dict)
    selected: bool = False
    # How this agenda's place among equal totals was decided: "" (no equal total),
    # the policy's tie-break ("online_votes" / "panel_score") or "earliest_agenda".
    tie_broken_by: str = ""

    @property
    def votes(self) -> int:
        return self.online + sum(self.onsite.values())


def panel_mean(sheets: Sequence[Mapping[str, int]], criteria: Sequence[Criterion]) -> Fraction:
    """The mean over panelists of each panelist's total points (0 without sheets)."""
    if not sheets:
        return Fraction(0)
    keys = [c.key for c in criteria]
    return Fraction(sum(sum(int(s.get(k, 0)) for k in keys) for s in sheets), len(sheets))


def count_online(ballots: Iterable[Sequence[int]]) -> dict[int, int]:
    """Online votes per agenda: each ballot gives one vote to each agenda it names."""
    counts: dict[int, int] = {}
    for ballot in ballots:
        for agenda_id in set(ballot):
            counts[agenda_id] = counts.get(agenda_id, 0) + 1
    return counts


def rank(
    entries: Sequence[Entry],
    policy: PriorityPolicy,
    *,
    sheets: Mapping[int, Sequence[Mapping[str, int]]] | None = None,
    online: Mapping[int, int] | None = None,
    onsite: Mapping[int, Mapping[str, int]] | None = None,
    selected_count: int | None = None,
) -> list[Ranked]:
    """The full ranking of ``entries`` (rank 1 first); the top ``selected_count`` are
    selected (None: no selection yet)."""
    sheets, online, onsite = sheets or {}, online or {}, onsite or {}
    has_panel = bool(policy.criteria) and policy.panel_weight > 0
    rows = []
    for e in entries:
        mean = panel_mean(sheets.get(e.agenda_id, ()), policy.criteria) if has_panel else None
        channels = {
            ch: int(onsite.get(e.agenda_id, {}).get(ch, 0)) for ch in policy.onsite_channels
        }
        # Tallies of a channel the policy no longer lists still count.
        for ch, n in onsite.get(e.agenda_id, {}).items():
            channels.setdefault(ch, int(n))
        row = Ranked(
            agenda_id=e.agenda_id,
            rank=0,
            total=Fraction(0),
            panel_mean=mean,
            panelists=len(sheets.get(e.agenda_id, ())),
            online=int(online.get(e.agenda_id, 0)),
            onsite=channels,
        )
        row.total = policy.panel_weight * (mean or 0) + policy.vote_weight * row.votes
        rows.append((row, e.order))

    def tie_value(row: Ranked) -> Fraction:
        if policy.tie_break == "online_votes":
            return Fraction(row.online)
        if policy.tie_break == "panel_score":
            return row.panel_mean or Fraction(0)
        return Fraction(0)

    rows.sort(key=lambda pair: (-pair[0].total, -tie_value(pair[0]), pair[1], pair[0].agenda_id))
    ranked = [row for row, _order in rows]
    for i, row in enumerate(ranked):
        row.rank = i + 1
        row.selected = selected_count is not None and row.rank <= selected_count
        equal_total = [other for other in ranked if other is not row and other.total == row.total]
        if not equal_total:
            continue
        if policy.tie_break != "earliest_agenda" and all(
            tie_value(other) != tie_value(row) for other in equal_total
        ):
            row.tie_broken_by = policy.tie_break
        else:
            row.tie_broken_by = "earliest_agenda"
    return ranked


def shown(value: Fraction | None, places: int = 2) -> str:
    """A score as text: whole numbers plain (12), others with two decimals (12.33)."""
    if value is None:
        return ""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.{places}f}"
