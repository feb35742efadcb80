"""From the database's ballots to the pure counting engine and back to stored JSON.

``services.ballots_for_count`` gives the contest's ballots grouped as plain data
(``CountInput``); this module turns them into ``counting.Instance`` and
``counting.Profile``, runs the rule, and makes the JSON a ``CountRun`` stores (see
``voting.results``): winners in order with cost and votes, spending, votes per project,
the engine's trace (``Outcome.to_json``, which ``counting.explain`` reads back) and the
fairness report. It also turns a stored ballot into what ``counting.explain`` takes.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from . import counting
from .models import Design

Progress = Callable[[int, int], None]


def instance_of(data) -> counting.Instance:
    return counting.Instance(
        budget=int(data.budget),
        projects=dict(data.projects),
        areas={code: area for code, area in data.areas.items() if code in data.projects},
    )


def profile_of(data) -> counting.Profile:
    """The grouped ballots as a counting profile of the contest's design."""
    ballots = [b for b, _n in data.ballots]
    weights = [n for _b, n in data.ballots]
    if data.design == Design.CUMULATIVE:
        return counting.Profile.cardinal((dict(b) for b in ballots), weights)
    if data.design == Design.RANKING:
        return counting.Profile.ordinal(ballots, weights)
    return counting.Profile.approval(ballots, weights)


def _fraction(value: Fraction) -> str:
    return str(Fraction(value))


def fairness_json(report: counting.FairnessReport) -> dict[str, Any]:
    areas = [
        {"area": area, "funded": report.funded_by_area.get(area, 0), "spent": spent}
        for area, spent in report.spent_by_area.items()
    ]
    areas.sort(key=lambda a: (-a["spent"], a["area"]))
    return {
        "voters": report.voters,
        "voting_for": report.voting_for,
        "voters_with_nothing": report.with_none,
        "voters_with_all": report.with_all,
        "share_with_nothing": _fraction(report.share_with_none),
        "average_share_funded": _fraction(report.average_share_funded),
        "average_cost_share": _fraction(report.average_cost_share),
        "areas": areas,
    }


def count(data, rule: str, completion: str, progress: Progress | None = None) -> dict[str, Any]:
    """Count ``data`` (a ``services.CountInput``) with ``rule``; the result to store."""
    instance = instance_of(data)
    profile = profile_of(data)
    outcome = counting.count(
        instance,
        profile,
        rule,
        completion=completion if str(rule).startswith("mes") else "none",
        tie_break=data.tie_break,
        progress=progress,
    )
    votes = counting.votes(instance, profile)
    report = counting.fairness(instance, profile, outcome)
    return {
        "rule": rule,
        "completion": outcome.completion,
        "tie_break": data.tie_break,
        "design": data.design,
        "budget": instance.budget,
        "voters": profile.voters,
        "winners": [
            {"code": code, "cost": instance.projects[code], "votes": votes.get(code, 0)}
            for code in outcome.winners
        ],
        "spent": outcome.spent,
        "votes": votes,
        "turnout": data.turnout.as_dict(),
        "trace": outcome.to_json(),
        "fairness": fairness_json(report),
    }


def ballot_of(design: str, choices: Any) -> Any:
    """A stored ballot's choices as ``counting.explain`` takes them."""
    if design == Design.CUMULATIVE and isinstance(choices, dict):
        return {str(k): int(v) for k, v in choices.items()}
    if design == Design.RANKING and isinstance(choices, list):
        return tuple(choices)
    return frozenset(choices or ())


def explain(result: dict[str, Any], design: str, choices: Any) -> list[counting.Explanation]:
    trace = result.get("trace")
    if not trace:
        return []
    outcome = counting.Outcome.from_json(trace)
    return counting.explain(outcome, ballot_of(design, choices))
