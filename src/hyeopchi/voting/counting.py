"""Participatory-budget counting rules: pure functions over plain data, exact arithmetic.

An :class:`Instance` is the budget and the projects (id → cost in won, optionally an area
and categories); a :class:`Profile` is the ballots, each distinct ballot with how many
voters cast it. The rules return an :class:`Outcome`: the winners in the order the rule
chose them, the money spent, and a trace from which :func:`explain` tells any voter, given
their ballot, why each project they chose was or was not funded, and :func:`fairness`
reports how the money and the satisfaction are spread.

Rules (their results agree with the reference implementation ``pabutools``; see the
tests):

* :func:`greedy_by_votes` — "most votes first": projects by approvals (or total points)
  from the most, each funded if it still fits, skipped otherwise.
* :func:`greedy_by_cost_utility` — the same ordered by votes per won.
* :func:`method_of_equal_shares` — the Method of Equal Shares: every voter gets an equal
  share of the budget; a project is bought by its supporters, who split its price as
  equally as their money allows, cheapest effective price per unit of satisfaction
  first (satisfaction: the cost of the project — "cost" —, one per project —
  "cardinality" —, or the points of a cumulative ballot — "points"). Completions: raise
  the virtual budget until the result would overspend or nothing more fits, and/or fill
  what is left greedily.
* :func:`sequential_phragmen` — supporters of a bought project share its cost as a
  "load"; the project keeping the highest load lowest is bought next, until one would
  overspend.

Ties are broken by a fixed order of the projects (``tie_break``): ``"lexicographic"`` —
by project id as a string, the same as ``pabutools``' ``lexico_tie_breaking`` when the
project names are the ids —, ``"min_cost"`` (cheaper first, then by id) or ``"max_cost"``
(dearer first, then by id). Every comparison is exact (integers and fractions).

Long counts accept ``progress(done, total)``, called now and then.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from operator import itemgetter
from typing import Any, Literal, cast

from . import _mes

__all__ = [
    "COMPLETIONS",
    "RULES",
    "TIE_BREAKS",
    "CountingError",
    "Explanation",
    "FairnessReport",
    "Instance",
    "Outcome",
    "Profile",
    "Step",
    "count",
    "explain",
    "fairness",
    "greedy_by_cost_utility",
    "greedy_by_votes",
    "method_of_equal_shares",
    "sequential_phragmen",
    "votes",
]

Progress = Callable[[int, int], None]
TieBreak = Literal["lexicographic", "min_cost", "max_cost"]
Satisfaction = Literal["cost", "cardinality", "points"]
Completion = Literal["none", "budget_increase", "greedy_fill", "budget_increase_then_greedy"]

TIE_BREAKS: tuple[str, ...] = ("lexicographic", "min_cost", "max_cost")
COMPLETIONS: tuple[str, ...] = (
    "none",
    "budget_increase",
    "greedy_fill",
    "budget_increase_then_greedy",
)
RULES: tuple[str, ...] = (
    "greedy",
    "greedy_cost_utility",
    "mes_cost",
    "mes_cardinality",
    "mes_points",
    "phragmen",
)


class CountingError(ValueError):
    """The instance, the ballots or the options do not make a count."""


# ================================================================== instance and ballots


@dataclass(frozen=True)
class Instance:
    """The budget (won) and the projects: id → cost (won), optionally an area (district,
    dong…) and categories per project."""

    budget: int
    projects: Mapping[str, int]
    areas: Mapping[str, str] = field(default_factory=dict)
    categories: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.budget, bool) or not isinstance(self.budget, int) or self.budget < 0:
            raise CountingError(
                f"the budget must be a whole number of won ≥ 0, not {self.budget!r}"
            )
        for pid, cost in self.projects.items():
            if not isinstance(pid, str) or not pid:
                raise CountingError(f"a project id must be a non-empty string, not {pid!r}")
            if isinstance(cost, bool) or not isinstance(cost, int) or cost < 0:
                raise CountingError(f"the cost of {pid!r} must be a whole number of won ≥ 0")
        for pid in list(self.areas) + list(self.categories):
            if pid not in self.projects:
                raise CountingError(f"area or category given for unknown project {pid!r}")

    def cost(self, projects: Iterable[str]) -> int:
        return sum(self.projects[p] for p in projects)


CardinalBallot = tuple[tuple[str, int], ...]  # (project, points) sorted by project, points > 0
Ballot = frozenset[str] | CardinalBallot | tuple[str, ...]
Kind = Literal["approval", "cardinal", "ordinal"]


@dataclass(frozen=True)
class Profile:
    """Distinct ballots with the number of voters who cast each (``weight`` ≥ 1).

    ``kind``: ``"approval"`` (a ballot is a frozenset of project ids), ``"cardinal"``
    (points per project, e.g. a cumulative ballot: a tuple of ``(id, points)`` pairs
    sorted by id, points > 0) or ``"ordinal"`` (a ranking: a tuple of ids, best first).
    Build one with :meth:`approval`, :meth:`cardinal` or :meth:`ordinal`, which merge
    identical ballots.
    """

    kind: Kind
    ballots: tuple[tuple[Any, int], ...]

    @property
    def voters(self) -> int:
        return sum(map(itemgetter(1), self.ballots))

    @staticmethod
    def _weights(n: int, weights: Iterable[int] | None) -> list[int]:
        if weights is None:
            return [1] * n
        ws = list(weights)
        if len(ws) != n:
            raise CountingError("there must be one weight per ballot")
        for w in ws:
            if isinstance(w, bool) or not isinstance(w, int) or w < 1:
                raise CountingError(f"a ballot's weight must be a whole number ≥ 1, not {w!r}")
        return ws

    @classmethod
    def approval(
        cls, ballots: Iterable[Collection[str]], weights: Iterable[int] | None = None
    ) -> Profile:
        """Approval ballots (sets of project ids), one per voter unless ``weights``."""
        bs = [frozenset(b) for b in ballots]
        merged: dict[frozenset[str], int] = {}
        for b, w in zip(bs, cls._weights(len(bs), weights), strict=True):
            merged[b] = merged.get(b, 0) + w
        return cls("approval", tuple(merged.items()))

    @classmethod
    def cardinal(
        cls, ballots: Iterable[Mapping[str, int]], weights: Iterable[int] | None = None
    ) -> Profile:
        """Points per project (cumulative or scoring ballots); zero points are dropped."""
        bs: list[CardinalBallot] = []
        for b in ballots:
            for pid, pts in b.items():
                if isinstance(pts, bool) or not isinstance(pts, int) or pts < 0:
                    raise CountingError(
                        f"points must be whole numbers ≥ 0, not {pts!r} for {pid!r}"
                    )
            bs.append(tuple(sorted((p, v) for p, v in b.items() if v > 0)))
        merged: dict[CardinalBallot, int] = {}
        for b, w in zip(bs, cls._weights(len(bs), weights), strict=True):
            merged[b] = merged.get(b, 0) + w
        return cls("cardinal", tuple(merged.items()))

    @classmethod
    def ordinal(
        cls, ballots: Iterable[Sequence[str]], weights: Iterable[int] | None = None
    ) -> Profile:
        """Rankings, best first."""
        bs = [tuple(b) for b in ballots]
        for b in bs:
            if len(set(b)) != len(b):
                raise CountingError(f"a ranking lists a project twice: {b!r}")
        merged: dict[tuple[str, ...], int] = {}
        for b, w in zip(bs, cls._weights(len(bs), weights), strict=True):
            merged[b] = merged.get(b, 0) + w
        return cls("ordinal", tuple(merged.items()))

    def approved(self, ballot: Any) -> frozenset[str]:
        """The projects a ballot supports (ranked, or given points)."""
        return support_of(ballot)

    def as_approval(self) -> Profile:
        """Each ballot as the set of projects it ranks or gives points to."""
        if self.kind == "approval":
            return self
        merged: dict[frozenset[str], int] = {}
        for b, w in self.ballots:
            key = support_of(b)
            merged[key] = merged.get(key, 0) + w
        return Profile("approval", tuple(merged.items()))

    def borda(self, length: int | None = None) -> Profile:
        """Rankings as points: a first place is worth ``length`` points, a second one
        less, and so on (``length``: the longest ranking allowed; by default the longest
        ranking cast). Unranked projects get nothing."""
        if self.kind != "ordinal":
            raise CountingError("Borda points are for ranking ballots")
        longest = max((len(b) for b, _w in self.ballots), default=0)
        k = longest if length is None else length
        if k < longest:
            raise CountingError(f"a ranking is longer than {k}")
        return Profile.cardinal(
            ({p: k - i for i, p in enumerate(b)} for b, _w in self.ballots),
            [w for _b, w in self.ballots],
        )

    def check(self, instance: Instance) -> None:
        """Raise :class:`CountingError` if a ballot names a project not in ``instance``."""
        if self.kind == "approval" and set().union(*(b for b, _w in self.ballots)).issubset(
            instance.projects
        ):
            return  # the usual case, checked at once
        for b, _w in self.ballots:
            for p in support_of(b):
                if p not in instance.projects:
                    raise CountingError(
                        f"a ballot names project {p!r}, which is not on the ballot paper"
                    )


def support_of(ballot: Any) -> frozenset[str]:
    """The projects a ballot supports: an approval set, the projects with points, or the
    projects ranked."""
    if isinstance(ballot, frozenset | set):
        return frozenset(ballot)
    if isinstance(ballot, Mapping):
        return frozenset(p for p, v in ballot.items() if v > 0)
    items = tuple(ballot)
    if items and isinstance(items[0], tuple):
        return frozenset(p for p, v in items if v > 0)
    return frozenset(items)


def _points_of(ballot: Any) -> dict[str, int]:
    if isinstance(ballot, Mapping):
        return {p: int(v) for p, v in ballot.items() if v > 0}
    items = tuple(ballot)
    if items and isinstance(items[0], tuple):
        return {p: int(v) for p, v in items if v > 0}
    return dict.fromkeys(support_of(ballot), 1)


# =========================================================================== outcomes


@dataclass(frozen=True)
class Step:
    """One decision of a rule, in order.

    ``kind``: ``"funded"`` or ``"skipped"`` (greedy and fill phases), ``"mes"`` (bought by
    Equal Shares), ``"phragmen"`` (bought by Phragmén) or ``"stop"`` (Phragmén stopped
    at this project). ``phase``: ``"greedy"``, ``"mes"``, ``"fill"`` or ``"phragmen"``.
    ``figures`` hold the numbers (money in won, exact: int or Fraction):

    * greedy/fill: ``score`` (votes, points, or votes per won), ``remaining`` (budget
      left before this project's turn);
    * mes: ``rho`` (price per unit of satisfaction), ``price`` (what a supporter with the
      usual satisfaction pays in full — the cost for cost satisfaction: a supporter pays
      ``rho × satisfaction``), ``supporters``, ``paid_in_full``;
    * phragmen: ``load`` (every supporter's load after buying it);
      stop: ``load`` (the load it would have needed), ``remaining``.
    """

    kind: str
    phase: str
    project: str
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What a rule decided.

    ``winners`` in the order chosen; ``spent`` their total cost. ``steps``: the trace.
    ``satisfaction``: for Equal Shares, the satisfaction measure; ``share``: the money
    every voter started with in the Equal Shares run that was kept (won, exact; after a
    budget increase larger than ``budget / voters``); ``increases``: how many times the
    budget was raised; ``left``: for each project Equal Shares did not buy, the money
    its supporters still had together at the end (won, exact). Phragmén: ``left`` is
    empty and ``over_budget`` lists the projects that cost more than the whole budget.
    """

    rule: str
    completion: str
    tie_break: str
    budget: int
    voters: int
    winners: tuple[str, ...]
    spent: int
    steps: tuple[Step, ...]
    costs: Mapping[str, int]
    satisfaction: str = ""
    share: Fraction = Fraction(0)
    increases: int = 0
    left: Mapping[str, Fraction] = field(default_factory=dict)
    fund_unsupported: bool = False

    @property
    def funded(self) -> frozenset[str]:
        return frozenset(self.winners)

    # ----------------------------------------------------------------------- JSON

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data (fractions as ``"p/q"`` strings); see :meth:`from_json`."""
        return {
            "rule": self.rule,
            "completion": self.completion,
            "tie_break": self.tie_break,
            "budget": self.budget,
            "voters": self.voters,
            "winners": list(self.winners),
            "spent": self.spent,
            "costs": dict(self.costs),
            "satisfaction": self.satisfaction,
            "share": str(self.share),
            "increases": self.increases,
            "left": {p: str(v) for p, v in self.left.items()},
            "fund_unsupported": self.fund_unsupported,
            "steps": [
                {
                    "kind": s.kind,
                    "phase": s.phase,
                    "project": s.project,
                    "figures": {k: _enc(v) for k, v in s.figures.items()},
                }
                for s in self.steps
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Outcome:
        return cls(
            rule=data["rule"],
            completion=data["completion"],
            tie_break=data["tie_break"],
            budget=int(data["budget"]),
            voters=int(data["voters"]),
            winners=tuple(data["winners"]),
            spent=int(data["spent"]),
            costs={p: int(c) for p, c in data["costs"].items()},
            satisfaction=data.get("satisfaction", ""),
            share=Fraction(data.get("share", "0")),
            increases=int(data.get("increases", 0)),
            left={p: Fraction(v) for p, v in data.get("left", {}).items()},
            fund_unsupported=bool(data.get("fund_unsupported", False)),
            steps=tuple(
                Step(
                    s["kind"],
                    s["phase"],
                    s["project"],
                    {k: _dec(v) for k, v in s["figures"].items()},
                )
                for s in data["steps"]
            ),
        )


def _enc(v: Any) -> Any:
    if isinstance(v, Fraction):
        return {"q": str(v)}
    return v


def _dec(v: Any) -> Any:
    if isinstance(v, dict) and set(v) == {"q"}:
        return Fraction(v["q"])
    return v


# ======================================================================== tie-breaking


def _order(instance: Instance, tie_break: str) -> list[str]:
    """Projects from the one that wins a tie to the one that loses it."""
    projects = instance.projects
    if tie_break == "lexicographic":
        return sorted(projects)
    if tie_break == "min_cost":
        return sorted(projects, key=lambda p: (projects[p], p))
    if tie_break == "max_cost":
        return sorted(projects, key=lambda p: (-projects[p], p))
    raise CountingError(f"unknown tie-break {tie_break!r}; use one of {', '.join(TIE_BREAKS)}")


def _prepare(instance: Instance, profile: Profile) -> None:
    if not isinstance(profile, Profile):
        raise CountingError("the ballots must be a Profile")
    profile.check(instance)


def _scores(instance: Instance, profile: Profile, points: bool) -> dict[str, int]:
    """Votes (approvals; with ``points``, total points of cardinal ballots) per project."""
    out = dict.fromkeys(instance.projects, 0)
    for b, w in profile.ballots:
        if points and profile.kind == "cardinal":
            for p, v in b:
                out[p] += v * w
        else:
            for p in support_of(b):
                out[p] += w
    return out


def votes(instance: Instance, profile: Profile) -> dict[str, int]:
    """Votes per project as "most votes first" counts them: approvals, points of cardinal
    ballots, Borda points of rankings."""
    if profile.kind == "ordinal":
        profile = profile.borda()
    return _scores(instance, profile, points=True)


# ============================================================================= greedy


def _greedy_pass(
    instance: Instance,
    order: list[str],
    density: Mapping[str, Fraction | float],
    supported: Mapping[str, bool],
    already: Sequence[str],
    phase: str,
    fund_unsupported: bool,
    progress: Progress | None,
) -> tuple[list[str], list[Step]]:
    """Projects not in ``already`` from the highest ``density`` down (ties by ``order``),
    each funded if it fits the money left. Unsupported projects come last, and only with
    ``fund_unsupported``."""
    rank = {p: i for i, p in enumerate(order)}
    chosen = set(already)
    rest = [p for p in order if p not in chosen and (fund_unsupported or supported[p])]
    rest.sort(key=lambda p: (-density[p], rank[p]))
    remaining = instance.budget - instance.cost(already)
    winners: list[str] = []
    steps: list[Step] = []
    total = len(rest)
    for i, p in enumerate(rest):
        cost = instance.projects[p]
        score = density[p]
        figures: dict[str, Any] = {
            "score": score if score != math.inf else "free",
            "remaining": remaining,
        }
        if cost <= remaining:
            winners.append(p)
            remaining -= cost
            steps.append(Step("funded", phase, p, figures))
        else:
            steps.append(Step("skipped", phase, p, figures))
        if progress is not None and (i % 64 == 0 or i + 1 == total):
            progress(i + 1, total)
    return winners, steps


def _densities(
    instance: Instance, profile: Profile, measure: str
) -> tuple[dict[str, Fraction | float], dict[str, bool]]:
    """Greedy order keys: ``"votes"`` (approvals or points), ``"per_won"`` (the same per
    won), for Equal Shares' fill: the satisfaction per won of ``"cost"``,
    ``"cardinality"`` or ``"points"`` satisfaction (as ``pabutools``' greedy rule)."""
    approvals = _scores(instance, profile, points=False)
    points = _scores(instance, profile, points=True)
    supported = {p: approvals[p] > 0 for p in instance.projects}
    dens: dict[str, Fraction | float] = {}
    for p, cost in instance.projects.items():
        if measure == "votes":
            total = points[p] if profile.kind == "cardinal" else approvals[p]
            dens[p] = Fraction(total)
            continue
        if measure in ("per_won", "cardinality"):
            total = approvals[p]
        elif measure == "points":
            total = points[p]
        elif measure == "cost":
            total = approvals[p] * cost
        else:
            raise CountingError(f"unknown greedy measure {measure!r}")
        if total == 0:
            dens[p] = Fraction(0)
        elif cost == 0:
            dens[p] = math.inf
        else:
            dens[p] = Fraction(total, cost)
    return dens, supported


def greedy_by_votes(
    instance: Instance,
    profile: Profile,
    *,
    tie_break: TieBreak = "lexicographic",
    fund_unsupported: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    """Most votes first: approvals (approval ballots), total points (cardinal ballots) or
    Borda points (rankings, see :meth:`Profile.borda`); a project that no longer fits is
    skipped and the next one tried. Projects nobody voted for are left out unless
    ``fund_unsupported`` (``pabutools`` funds them last if they fit)."""
    return _greedy(instance, profile, "greedy", tie_break, fund_unsupported, progress)


def greedy_by_cost_utility(
    instance: Instance,
    profile: Profile,
    *,
    tie_break: TieBreak = "lexicographic",
    fund_unsupported: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    """Most votes per won first (approvals, or points of cardinal ballots, divided by the
    cost; a free project with votes comes first), skipping what no longer fits."""
    return _greedy(instance, profile, "greedy_cost_utility", tie_break, fund_unsupported, progress)


def _greedy(
    instance: Instance,
    profile: Profile,
    rule: str,
    tie_break: TieBreak,
    fund_unsupported: bool,
    progress: Progress | None,
) -> Outcome:
    """``greedy`` (by votes) or ``greedy_cost_utility`` (by votes per won); rankings
    count as their Borda points."""
    _prepare(instance, profile)
    if profile.kind == "ordinal":
        profile = profile.borda()
    per_won = "points" if profile.kind == "cardinal" else "per_won"
    measure = "votes" if rule == "greedy" else per_won
    dens, supported = _densities(instance, profile, measure)
    winners, steps = _greedy_pass(
        instance,
        _order(instance, tie_break),
        dens,
        supported,
        [],
        "greedy",
        fund_unsupported,
        progress,
    )
    return _outcome(instance, profile, rule, "none", tie_break, winners, steps, fund_unsupported)


def _outcome(
    instance: Instance,
    profile: Profile,
    rule: str,
    completion: str,
    tie_break: str,
    winners: Sequence[str],
    steps: Sequence[Step],
    fund_unsupported: bool,
    **extra: Any,
) -> Outcome:
    return Outcome(
        rule=rule,
        completion=completion,
        tie_break=tie_break,
        budget=instance.budget,
        voters=profile.voters,
        winners=tuple(winners),
        spent=instance.cost(winners),
        steps=tuple(steps),
        costs=dict(instance.projects),
        fund_unsupported=fund_unsupported,
        **extra,
    )


# ================================================================ Method of Equal Shares


@dataclass
class _MesRun:
    winners: list[str]  # free projects first, then the rounds
    rounds: list[_mes.RoundResult]
    b: Fraction  # money per voter (won)
    budgets: list[Fraction] | None = None  # reference engine: each group's money left (units)
    scale: int = 1  # units per won


class _MesProblem:
    """An instance and profile ready for repeated runs of Equal Shares."""

    def __init__(
        self, instance: Instance, profile: Profile, satisfaction: str, order: list[str]
    ) -> None:
        self.instance = instance
        self.order = order  # tie-break order: index = priority
        self.index = {p: i for i, p in enumerate(order)}
        self.costs = [instance.projects[p] for p in order]
        self.n = profile.voters
        self.satisfaction = satisfaction
        kind = profile.kind
        if kind == "ordinal":
            raise CountingError(
                "Equal Shares counts approval or cardinal ballots; convert rankings first"
            )
        if satisfaction == "points" and kind != "cardinal":
            satisfaction = "cardinality"
        if satisfaction not in ("cost", "cardinality", "points"):
            raise CountingError(f"unknown satisfaction {satisfaction!r}")
        self.sat_kind = satisfaction
        self.profile = profile
        bit = {p: 1 << i for i, p in enumerate(order)}
        masks: list[int] = []
        weights: list[int] = []
        everything = 0
        for ballot, w in profile.ballots:
            mask = 0
            for p in support_of(ballot) if kind == "cardinal" else ballot:
                mask |= bit[p]
            if mask:
                masks.append(mask)
                weights.append(w)
                everything |= mask
        supported = [bool(everything >> k & 1) for k in range(len(order))]
        self.supported = supported
        # a free project is bought at once if its supporters value it (as pabutools: with
        # cost satisfaction a free project is worth nothing, so Equal Shares ignores it)
        self.free = (
            []
            if satisfaction == "cost"
            else [order[k] for k in range(len(order)) if supported[k] and self.costs[k] == 0]
        )
        self.candidates = [k for k in range(len(order)) if supported[k] and self.costs[k] > 0]
        self.fast: _mes.ApprovalMES | None = None
        if kind == "approval" and satisfaction in ("cost", "cardinality") and self.candidates:
            sat = [c if satisfaction == "cost" else 1 for c in self.costs]
            self.fast = _mes.ApprovalMES(self.costs, sat, masks, weights, self.n)
        self._groups: list[tuple[dict[int, int], int]] | None = None

    @property
    def groups(self) -> list[tuple[dict[int, int], int]]:
        """Ballots as project index -> satisfaction, with their weight (plain engine)."""
        if self._groups is None:
            idx = self.index
            groups = []
            for ballot, w in self.profile.ballots:
                pts = (
                    _points_of(ballot)
                    if self.profile.kind == "cardinal"
                    else dict.fromkeys(ballot, 1)
                )
                sats: dict[int, int] = {}
                for p, v in pts.items():
                    k = idx[p]
                    if self.sat_kind == "cost":
                        sats[k] = self.costs[k]
                    elif self.sat_kind == "cardinality":
                        sats[k] = 1
                    else:
                        sats[k] = v
                if sats:
                    groups.append((sats, w))
            self._groups = groups
        return self._groups

    def run(self, b: Fraction, q: int = 1, progress: Progress | None = None) -> _MesRun:
        """Equal Shares with ``b`` won per voter; ``b * voters * q`` must be whole (a
        sequence of runs with the same ``q`` shares the fast engine's trace)."""
        if self.n == 0 or not self.candidates:
            return _MesRun(list(self.free), [], b)
        # units: every voter's share and every cost a whole number
        scale = self.n * q
        units = b * scale
        if units.denominator != 1:
            q = q * units.denominator
            scale = self.n * q
            units = b * scale
        bu = units.numerator
        budgets = None
        if self.fast is not None:
            rounds = self.fast.run(bu, scale, progress)
        else:
            costs = [c * scale for c in self.costs]
            rounds, budgets = _mes.mes_reference(costs, self.groups, bu, self.candidates)
        return _MesRun(
            self.free + [self.order[r.project] for r in rounds], rounds, b, budgets, scale
        )

    def left(self, run: _MesRun) -> dict[str, Fraction]:
        """Money (won) the supporters of each project the run did not buy have left."""
        if self.n == 0 or not self.candidates:
            return {}
        scale = run.scale
        bu = (run.b * scale).numerator
        bought = {r.project for r in run.rounds}
        out: dict[str, Fraction] = {}
        if run.budgets is None:
            assert self.fast is not None
            for k, units in self.fast.left(bu, scale, run.rounds).items():
                out[self.order[k]] = units / scale
            return out
        for k in self.candidates:
            if k in bought:
                continue
            total = sum(
                (run.budgets[gi] * w for gi, (sats, w) in enumerate(self.groups) if k in sats),
                Fraction(0),
            )
            out[self.order[k]] = total / scale
        return out


def method_of_equal_shares(
    instance: Instance,
    profile: Profile,
    *,
    satisfaction: Satisfaction = "cost",
    completion: Completion = "none",
    tie_break: TieBreak = "lexicographic",
    budget_step: Fraction | int | None = None,
    voter_budget_increment: Fraction | int | None = None,
    fill: Satisfaction | None = None,
    fund_unsupported: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    """The Method of Equal Shares, with an optional completion.

    ``satisfaction``: ``"cost"`` (a voter values a project at its cost), ``"cardinality"``
    (one per project) or ``"points"`` (cardinal ballots). ``completion``:

    * ``"budget_increase"`` — run again with a larger virtual budget, raised each time by
      ``budget_step`` won (default: 1 % of the budget, as ``pabutools``'
      ``exhaustion_by_budget_increase``), until a run's result costs more than the real
      budget (the previous result is kept) or leaves nothing that could still be
      funded; or, with ``voter_budget_increment``, each voter's share raised by that many
      won per run (``pabutools``' ``method_of_equal_shares(voter_budget_increment=…)``,
      which checks for left-overs among the supported projects only);
    * ``"greedy_fill"`` — spend what is left greedily (by ``fill`` satisfaction per won,
      by default the same satisfaction: for "cost" that is most votes first);
    * ``"budget_increase_then_greedy"`` — both, as ``pabutools``'
      ``completion_by_rule_combination``.
    """
    _prepare(instance, profile)
    if completion not in COMPLETIONS:
        raise CountingError(
            f"unknown completion {completion!r}; use one of {', '.join(COMPLETIONS)}"
        )
    if budget_step is not None and voter_budget_increment is not None:
        raise CountingError("give a budget step or a per-voter increment, not both")
    order = _order(instance, tie_break)
    prob = _MesProblem(instance, profile, satisfaction, order)
    n = prob.n
    B = instance.budget
    rule = f"mes_{prob.sat_kind}"
    increases = 0

    def feasible(ws: Sequence[str]) -> bool:
        return instance.cost(ws) <= B

    pool = [p for p in order if fund_unsupported or prob.supported[prob.index[p]]]

    def exhaustive(ws: Sequence[str], among: Sequence[str]) -> bool:
        spent = instance.cost(ws)
        chosen = set(ws)
        return all(p in chosen or spent + instance.projects[p] > B for p in among)

    share = Fraction(B, n) if n else Fraction(0)
    if completion in ("budget_increase", "budget_increase_then_greedy") and n:
        if voter_budget_increment is not None:
            inc = Fraction(voter_budget_increment)
            if inc <= 0:
                raise CountingError("the per-voter increment must be positive")
            mes_pool = [
                p for p in order if prob.supported[prob.index[p]] and instance.projects[p] > 0
            ]
            previous: _MesRun | None = None
            b = share
            q = inc.denominator
            while True:
                run = prob.run(b, q)
                _report_increase(progress, increases, instance, run)
                if not feasible(run.winners):
                    break
                if exhaustive(run.winners, mes_pool):
                    previous = run
                    break
                previous = run
                b += inc
                increases += 1
            chosen = previous if previous is not None else _MesRun(list(prob.free), [], share)
            increases = 0 if previous is None else max(0, round((previous.b - share) / inc))
        else:
            step = Fraction(B, 100) if budget_step is None else Fraction(budget_step)
            if step < 0:
                raise CountingError("the budget step must not be negative")
            bound = B * (n + 1)
            total = Fraction(B)
            previous = None
            t = 0
            while total <= bound:
                run = prob.run(total / n, step.denominator)
                _report_increase(progress, t, instance, run)
                if not feasible(run.winners):
                    break
                if exhaustive(run.winners, pool):
                    previous = run
                    break
                previous = run
                if step == 0:
                    break
                total += step
                t += 1
            chosen = previous if previous is not None else _MesRun([], [], share)
            increases = max(0, round((chosen.b * n - B) / step)) if step else 0
    else:
        chosen = prob.run(share, 1, progress)
    final = chosen
    steps = _mes_steps(prob, final)
    winners = list(final.winners)
    if completion in ("greedy_fill", "budget_increase_then_greedy") and not exhaustive(
        winners, list(order)
    ):
        dens, supported = _densities(instance, profile, fill or prob.sat_kind)
        more, fill_steps = _greedy_pass(
            instance, order, dens, supported, winners, "fill", fund_unsupported, None
        )
        winners += more
        steps += fill_steps
    left = prob.left(final)
    return _outcome(
        instance,
        profile,
        rule,
        completion,
        tie_break,
        winners,
        steps,
        fund_unsupported,
        satisfaction=prob.sat_kind,
        share=final.b,
        increases=increases,
        left=left,
    )


def _report_increase(progress: Progress | None, t: int, instance: Instance, run: _MesRun) -> None:
    """Progress of a budget increase: how far the runs' spending has come to the budget
    (the count stops once a run overspends or nothing more fits)."""
    if progress is None:
        return
    spent = instance.cost(run.winners)
    progress(min(spent, instance.budget), max(instance.budget, 1))


def _mes_steps(prob: _MesProblem, run: _MesRun) -> list[Step]:
    steps: list[Step] = []
    for p in prob.free:
        steps.append(
            Step(
                "mes",
                "mes",
                p,
                {"rho": Fraction(0), "price": Fraction(0), "supporters": 0, "paid_in_full": 0},
            )
        )
    scale = run.scale
    for r in run.rounds:
        k = r.project
        sat = prob.costs[k] if prob.sat_kind == "cost" else 1
        rho_won = r.rho / scale  # rho is in units per unit of satisfaction
        steps.append(
            Step(
                "mes",
                "mes",
                prob.order[k],
                {
                    "rho": rho_won,
                    "price": rho_won * sat,
                    "supporters": r.supporters,
                    "paid_in_full": r.paid_in_full,
                },
            )
        )
    return steps


# ================================================================ sequential Phragmén


def sequential_phragmen(
    instance: Instance,
    profile: Profile,
    *,
    tie_break: TieBreak = "lexicographic",
    fund_unsupported: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    """Sequential Phragmén on approval ballots (cardinal ballots count as approval of the
    projects with points; rankings of the projects ranked).

    Every supporter of a bought project carries a load; the next project is the one whose
    purchase, shared by its supporters, keeps the highest load among them lowest. The rule
    stops when that project (or one tied with it) no longer fits the budget — as
    ``pabutools``' ``sequential_phragmen``. Projects costing more than the budget are never
    considered; with ``fund_unsupported``, projects nobody approves come last (bought
    while all of them fit), as ``pabutools`` does.
    """
    _prepare(instance, profile)
    prof = profile.as_approval()
    order = _order(instance, tie_break)
    index = {p: i for i, p in enumerate(order)}
    B = instance.budget
    costs = [instance.projects[p] for p in order]
    m = len(order)
    groups: list[tuple[list[int], int]] = []
    score = [0] * m
    for ballot, w in prof.ballots:
        ks = sorted(index[p] for p in ballot)
        if ks:
            groups.append((ks, w))
            for k in ks:
                score[k] += w
    members: list[list[int]] = [[] for _ in range(m)]
    for gi, (ks, _w) in enumerate(groups):
        for k in ks:
            members[k].append(gi)
    remaining = {k for k in range(m) if costs[k] <= B and (score[k] > 0 or fund_unsupported)}
    # a voter's load is the load set when the last project they approve was bought;
    # per project: how many of its supporters last had their load set by each winner
    last = [-1] * len(groups)
    by_last: list[dict[int, int]] = [({-1: score[k]} if score[k] else {}) for k in range(m)]
    loads: dict[int, Fraction] = {-1: Fraction(0)}
    lb: dict[int, Fraction] = {k: Fraction(costs[k], score[k]) for k in remaining if score[k]}
    spent = 0
    winners: list[str] = []
    steps: list[Step] = []
    total = len(remaining)

    def maxload(k: int) -> Fraction:
        carried = sum((loads[j] * c for j, c in by_last[k].items() if c), Fraction(0))
        return (carried + costs[k]) / score[k]

    while remaining:
        supported = [k for k in remaining if score[k]]
        best: Fraction | None = None
        tied: list[int] = []
        for k in sorted(supported, key=lambda p: (lb[p], p)):
            if best is not None and lb[k] > best:
                break
            load = maxload(k)
            lb[k] = load
            if best is None or load < best:
                best, tied = load, [k]
            elif load == best:
                tied.append(k)
        if best is None:  # only unsupported projects are left (fund_unsupported)
            tied = sorted(remaining)
        if any(spent + costs[k] > B for k in tied):
            stopper = next(k for k in sorted(tied) if spent + costs[k] > B)
            figures: dict[str, Any] = {"remaining": B - spent}
            figures["load"] = best if best is not None else "none"
            steps.append(Step("stop", "phragmen", order[stopper], figures))
            break
        k = min(tied)
        remaining.discard(k)
        spent += costs[k]
        winners.append(order[k])
        steps.append(
            Step("phragmen", "phragmen", order[k], {"load": best if best is not None else "none"})
        )
        if best is not None:
            loads[k] = best
            for gi in members[k]:
                old = last[gi]
                last[gi] = k
                w = groups[gi][1]
                for q in groups[gi][0]:
                    d = by_last[q]
                    d[old] -= w
                    d[k] = d.get(k, 0) + w
        if progress is not None:
            progress(total - len(remaining), total)
    out = _outcome(
        instance, profile, "phragmen", "none", tie_break, winners, steps, fund_unsupported
    )
    return out


# ============================================================================ dispatch


def count(
    instance: Instance,
    profile: Profile,
    rule: str,
    *,
    completion: Completion = "none",
    tie_break: TieBreak = "lexicographic",
    progress: Progress | None = None,
) -> Outcome:
    """Run a rule by name (:data:`RULES`): ``greedy``, ``greedy_cost_utility``,
    ``mes_cost``, ``mes_cardinality``, ``mes_points`` or ``phragmen``."""
    if rule == "greedy":
        return greedy_by_votes(instance, profile, tie_break=tie_break, progress=progress)
    if rule == "greedy_cost_utility":
        return greedy_by_cost_utility(instance, profile, tie_break=tie_break, progress=progress)
    if rule in ("mes_cost", "mes_cardinality", "mes_points"):
        return method_of_equal_shares(
            instance,
            profile,
            satisfaction=cast(Satisfaction, rule.removeprefix("mes_")),
            completion=completion,
            tie_break=tie_break,
            progress=progress,
        )
    if rule == "phragmen":
        return sequential_phragmen(instance, profile, tie_break=tie_break, progress=progress)
    raise CountingError(f"unknown rule {rule!r}; use one of {', '.join(RULES)}")


# ======================================================================== explanations


@dataclass(frozen=True)
class Explanation:
    """Why one project a voter chose was or was not funded.

    ``reason`` codes and their ``figures`` (money in won, exact):

    * ``greedy_funded`` — ``position`` (1 = first funded), ``score``, ``remaining``
      (budget left at its turn), ``cost``;
    * ``greedy_skipped`` — it did not fit: ``cost`` > ``remaining`` at its turn; ``score``;
    * ``not_considered`` — nobody voted for it and unsupported projects are left out
      (cannot happen for a project on the voter's own ballot, but for completeness);
    * ``mes_funded`` — bought by Equal Shares in ``round``; ``paid`` (what this voter
      paid), ``price`` (full price per supporter), ``share`` (the voter's starting money);
    * ``mes_unaffordable`` — its supporters' money did not cover it: ``left``
      (their money left together at the end) < ``cost``; ``your_left`` (this voter's);
    * ``fill_funded`` / ``fill_skipped`` — funded, or skipped for lack of money
      (``cost`` > ``remaining``), when the leftover budget was spent greedily;
    * ``phragmen_funded`` — bought in ``round``; ``load`` (each supporter's load after);
    * ``phragmen_stopped`` — the rule stopped before it: ``stopped_at`` (the project that
      no longer fit), ``stop_cost``, ``remaining``;
    * ``over_budget`` — it costs more than the whole budget (``cost`` > ``budget``).
    """

    project: str
    funded: bool
    reason: str
    figures: dict[str, Any] = field(default_factory=dict)


def explain(outcome: Outcome, ballot: Any) -> list[Explanation]:
    """For each project on ``ballot`` (an approval set, points, or a ranking), why it was
    or was not funded, in the order of the ballot (sets: by project id)."""
    if isinstance(ballot, frozenset | set):
        chosen = sorted(ballot)
        points = dict.fromkeys(chosen, 1)
    elif isinstance(ballot, Mapping):
        points = {p: int(v) for p, v in ballot.items() if v > 0}
        chosen = sorted(points)
    else:
        items = list(ballot)
        if items and isinstance(items[0], tuple):
            points = {p: int(v) for p, v in items if v > 0}
            chosen = sorted(points)
        else:
            chosen = items
            points = dict.fromkeys(chosen, 1)
    funded = set(outcome.winners)
    by_project: dict[str, tuple[int, Step]] = {}
    for i, s in enumerate(outcome.steps):
        by_project.setdefault(s.project, (i, s))
    out: list[Explanation] = []
    mes_paid = _mes_payments(outcome, points) if outcome.rule.startswith("mes") else {}
    for p in chosen:
        cost = outcome.costs.get(p, 0)
        if cost > outcome.budget and p not in funded:
            out.append(
                Explanation(p, False, "over_budget", {"cost": cost, "budget": outcome.budget})
            )
            continue
        found = by_project.get(p)
        if outcome.rule.startswith("mes"):
            out.append(_explain_mes(outcome, p, cost, found, mes_paid))
        elif outcome.rule == "phragmen":
            out.append(_explain_phragmen(outcome, p, cost, found))
        else:
            out.append(_explain_greedy(outcome, p, cost, found))
    return out


def _position(outcome: Outcome, p: str) -> int:
    return outcome.winners.index(p) + 1


def _explain_greedy(
    outcome: Outcome, p: str, cost: int, found: tuple[int, Step] | None
) -> Explanation:
    if found is None:
        return Explanation(p, False, "not_considered", {"cost": cost})
    _i, s = found
    fig = {"score": s.figures.get("score"), "remaining": s.figures.get("remaining"), "cost": cost}
    if s.kind == "funded":
        fig["position"] = _position(outcome, p)
        return Explanation(p, True, "greedy_funded", fig)
    return Explanation(p, False, "greedy_skipped", fig)


def _mes_payments(
    outcome: Outcome, points: Mapping[str, int]
) -> dict[str, tuple[int, Fraction, Fraction]]:
    """Replay a voter's money through the Equal Shares rounds: project → (round, paid,
    money left after)."""
    money = outcome.share
    out: dict[str, tuple[int, Fraction, Fraction]] = {}
    r = 0
    for s in outcome.steps:
        if s.kind != "mes":
            continue
        r += 1
        p = s.project
        if p not in points:
            continue
        if outcome.satisfaction == "cost":
            sat = outcome.costs[p]
        elif outcome.satisfaction == "points":
            sat = points[p]
        else:
            sat = 1
        due = Fraction(s.figures["rho"]) * sat
        paid = min(money, due)
        money -= paid
        out[p] = (r, paid, money)
    out[""] = (0, Fraction(0), money)
    return out


def _explain_mes(
    outcome: Outcome,
    p: str,
    cost: int,
    found: tuple[int, Step] | None,
    paid: Mapping[str, tuple[int, Fraction, Fraction]],
) -> Explanation:
    if found is not None:
        _i, s = found
        if s.kind == "mes":
            r, amount, _after = paid[p]
            return Explanation(
                p,
                True,
                "mes_funded",
                {
                    "round": r,
                    "paid": amount,
                    "price": s.figures["price"],
                    "share": outcome.share,
                    "cost": cost,
                },
            )
        fig = {
            "cost": cost,
            "remaining": s.figures.get("remaining"),
            "score": s.figures.get("score"),
        }
        if p in outcome.left:
            fig["left"] = outcome.left[p]
        if s.kind == "funded":
            fig["position"] = _position(outcome, p)
            return Explanation(p, True, "fill_funded", fig)
        return Explanation(p, False, "fill_skipped", fig)
    fig2: dict[str, Any] = {"cost": cost, "your_left": paid[""][2]}
    if p in outcome.left:
        fig2["left"] = outcome.left[p]
    return Explanation(p, False, "mes_unaffordable", fig2)


def _explain_phragmen(
    outcome: Outcome, p: str, cost: int, found: tuple[int, Step] | None
) -> Explanation:
    if found is not None and found[1].kind == "phragmen":
        s = found[1]
        return Explanation(
            p,
            True,
            "phragmen_funded",
            {"round": _position(outcome, p), "load": s.figures["load"], "cost": cost},
        )
    stop = next((s for s in outcome.steps if s.kind == "stop"), None)
    fig: dict[str, Any] = {"cost": cost}
    if stop is not None:
        fig.update(
            stopped_at=stop.project,
            stop_cost=outcome.costs[stop.project],
            remaining=stop.figures.get("remaining"),
        )
    return Explanation(p, False, "phragmen_stopped", fig)


# ============================================================================= fairness


@dataclass(frozen=True)
class FairnessReport:
    """How the outcome treats the voters and the areas.

    ``voters``: everybody who cast a ballot (empty ones included); ``voting_for``: those
    who chose at least one project. Among them: ``with_none`` got none of their projects
    (``share_with_none`` of them), ``with_all`` got all, ``average_share_funded`` is the
    mean share of a voter's projects that were funded and ``average_cost_share`` the mean
    share of the cost of their projects that was funded. ``spent_by_area``: won spent
    per area (projects without an area under ``""``), ``budget_share_by_area`` the same as
    a share of the money spent; ``spent_by_category`` likewise (a project in several
    categories counts in each). ``funded_by_area``: number of projects funded per area.
    """

    voters: int
    voting_for: int
    with_none: int
    with_all: int
    share_with_none: Fraction
    average_share_funded: Fraction
    average_cost_share: Fraction
    spent: int
    budget: int
    spent_by_area: dict[str, int]
    budget_share_by_area: dict[str, Fraction]
    funded_by_area: dict[str, int]
    spent_by_category: dict[str, int]


def fairness(instance: Instance, profile: Profile, outcome: Outcome) -> FairnessReport:
    funded = set(outcome.winners)
    voters = profile.voters
    voting_for = with_none = with_all = 0
    share_sum = Fraction(0)
    cost_share_sum = Fraction(0)
    for ballot, w in profile.ballots:
        chosen = support_of(ballot)
        if not chosen:
            continue
        voting_for += w
        got = chosen & funded
        if not got:
            with_none += w
        if got == chosen:
            with_all += w
        share_sum += Fraction(len(got), len(chosen)) * w
        total_cost = instance.cost(chosen)
        if total_cost:
            cost_share_sum += Fraction(instance.cost(got), total_cost) * w
        elif got == chosen:
            cost_share_sum += w
    spent_by_area: dict[str, int] = {}
    funded_by_area: dict[str, int] = {}
    spent_by_category: dict[str, int] = {}
    for p in outcome.winners:
        area = instance.areas.get(p, "")
        spent_by_area[area] = spent_by_area.get(area, 0) + instance.projects[p]
        funded_by_area[area] = funded_by_area.get(area, 0) + 1
        for c in instance.categories.get(p, ()):
            spent_by_category[c] = spent_by_category.get(c, 0) + instance.projects[p]
    for area in set(instance.areas.values()):
        spent_by_area.setdefault(area, 0)
        funded_by_area.setdefault(area, 0)
    spent = instance.cost(outcome.winners)
    return FairnessReport(
        voters=voters,
        voting_for=voting_for,
        with_none=with_none,
        with_all=with_all,
        share_with_none=Fraction(with_none, voting_for) if voting_for else Fraction(0),
        average_share_funded=share_sum / voting_for if voting_for else Fraction(0),
        average_cost_share=cost_share_sum / voting_for if voting_for else Fraction(0),
        spent=spent,
        budget=instance.budget,
        spent_by_area=dict(sorted(spent_by_area.items())),
        budget_share_by_area={
            a: Fraction(v, spent) if spent else Fraction(0)
            for a, v in sorted(spent_by_area.items())
        },
        funded_by_area=dict(sorted(funded_by_area.items())),
        spent_by_category=dict(sorted(spent_by_category.items())),
    )
