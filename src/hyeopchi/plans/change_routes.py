"""Routing of a budget change request (사업비 변경) during execution — pure rules.

운영지침 3.3 and 협약 제10조 (seed 003 S 4211-4227, 4316-4332; spec 3.6, 4.4):

1. money may not move between current and capital subsidy (경상보조 ↔ 자본보조): refused;
2. money may not move between the sub-projects of the submitted list (세부사업목록): refused;
3. another important change of content: prior consultation with the city, then its approval;
4. a transfer between budget items (전용), or a change (변경) of at least the threshold share
   (10 %) of the subsidy project total: the city approves;
5. below the threshold: the district council decides — or, if urgent, the unit it delegated
   budget changes to — and the city is notified in the quarterly report.

A request is a set of moves, each taking an amount from one budget line to another. A move
between lines of different budget items (예산과목) is a transfer (전용); within one item it is
a change (변경). The share compared with the threshold is the total moved over the subsidy
project total, as an exact fraction: no rounding ever decides a route.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from django.utils.translation import gettext as _

from .change_policy import ChangeSection, Route

Nature = Literal["current", "capital"]


class InvalidChange(ValueError):
    """A request that cannot be routed at all; ``code`` names the problem."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class LineRef:
    """A budget line as the routing sees it."""

    id: str
    nature: Nature  # 경상 (current) or 자본 (capital)
    project: str  # the listed sub-project (세부사업) the line belongs to
    item: str  # the budget item (예산과목); moving between items is a transfer (전용)
    amount: int  # the line's current amount, which a move may not exceed


@dataclass(frozen=True)
class Move:
    source: LineRef
    target: LineRef
    amount: int

    @property
    def crosses_nature(self) -> bool:
        return self.source.nature != self.target.nature

    @property
    def crosses_projects(self) -> bool:
        return self.source.project != self.target.project

    @property
    def is_transfer(self) -> bool:
        return self.source.item != self.target.item


@dataclass(frozen=True)
class ChangeRequest:
    moves: tuple[Move, ...]
    subsidy_total: int  # 보조금 사업 총액
    urgent: bool = False
    content_change: bool = False  # an important change of what the project does


@dataclass(frozen=True)
class Routing:
    route: Route
    amount: int  # total moved
    base: int  # the subsidy project total
    share: Fraction  # amount / base, exact
    threshold: Fraction  # e.g. 1/10
    is_transfer: bool
    offending: tuple[int, ...] = ()  # indexes of the moves that caused a refusal

    @property
    def refused(self) -> bool:
        return self.route.refused

    @property
    def approver(self) -> str:
        return self.route.approver

    @property
    def report_quarterly(self) -> bool:
        return self.route.report_quarterly

    @property
    def threshold_amount(self) -> Fraction:
        """The smallest amount that needs the city's approval (may be a fraction of a won)."""
        return self.threshold * self.base

    @property
    def share_percent(self) -> str:
        """The share in per cent with two decimals, for display only (never compared)."""
        hundredths = (self.share * 10_000).__floor__()
        return f"{hundredths // 100}.{hundredths % 100:02d}"


def _is_won(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate(request: ChangeRequest) -> None:
    """Raise :class:`InvalidChange` for a request no route can apply to."""
    if not _is_won(request.subsidy_total) or request.subsidy_total <= 0:
        raise InvalidChange(
            "subsidy_total", _("The subsidy project total must be a positive number of won.")
        )
    if not request.moves and not request.content_change:
        raise InvalidChange(
            "empty", _("A change request moves an amount between budget lines or changes content.")
        )
    taken: dict[str, int] = {}
    for move in request.moves:
        if not _is_won(move.amount) or move.amount <= 0:
            raise InvalidChange(
                "amount", _("Each amount moved must be a whole number of won above zero.")
            )
        if move.source.id == move.target.id:
            raise InvalidChange("same_line", _("Money cannot move from a budget line to itself."))
        taken[move.source.id] = taken.get(move.source.id, 0) + move.amount
        if taken[move.source.id] > move.source.amount:
            raise InvalidChange(
                "exceeds_line",
                _("More is taken from a budget line than it holds (%(held)s won).")
                % {"held": f"{move.source.amount:,}"},
            )


def route_change(request: ChangeRequest, rules: ChangeSection) -> Routing:
    """The route of ``request`` under ``rules``: refused, or who must approve it."""
    validate(request)
    amount = sum(m.amount for m in request.moves)
    share = Fraction(amount, request.subsidy_total)
    threshold = rules.threshold
    is_transfer = any(m.is_transfer for m in request.moves)

    def routing(key: str, offending: tuple[int, ...] = ()) -> Routing:
        return Routing(
            route=rules.route(key),
            amount=amount,
            base=request.subsidy_total,
            share=share,
            threshold=threshold,
            is_transfer=is_transfer,
            offending=offending,
        )

    crossing = tuple(i for i, m in enumerate(request.moves) if m.crosses_nature)
    if crossing:
        return routing("refused_nature", crossing)
    between = tuple(i for i, m in enumerate(request.moves) if m.crosses_projects)
    if between:
        return routing("refused_between_projects", between)
    if request.content_change:
        return routing("city_consultation")
    if is_transfer or share >= threshold:
        return routing("city_approval")
    if request.urgent and rules.urgent_delegation:
        return routing("delegated_decision")
    return routing("council_decision")
