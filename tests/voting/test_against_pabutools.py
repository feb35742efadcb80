"""Agreement with the reference implementation, ``pabutools`` (GPL: a test-only
dependency, never imported by ``src/``).

On randomized instances of varied shape (seeded, so the run is the same every time) and on
hand-made ones with ties, our rules must fund exactly the projects ``pabutools`` funds,
with the same tie-breaking. ``fund_unsupported=True`` on our side, because ``pabutools``
also funds projects nobody voted for when they fit.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import pytest

pabutools = pytest.importorskip("pabutools")

from pabutools.election import (  # noqa: E402
    ApprovalMultiProfile,
    Cardinality_Sat,
    Cost_Sat,
    FrozenApprovalBallot,
    Project,
)
from pabutools.election import Instance as PInstance  # noqa: E402
from pabutools.rules import (  # noqa: E402
    completion_by_rule_combination,
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
    sequential_phragmen,
)
from pabutools.tiebreaking import (  # noqa: E402
    lexico_tie_breaking,
    max_cost_tie_breaking,
    min_cost_tie_breaking,
)

from hyeopchi.voting import counting  # noqa: E402
from hyeopchi.voting.counting import Instance, Profile  # noqa: E402

PB_TIE = {
    "lexicographic": lexico_tie_breaking,
    "min_cost": min_cost_tie_breaking,
    "max_cost": max_cost_tie_breaking,
}


@dataclass
class Case:
    instance: Instance
    profile: Profile
    label: str

    def pabutools(self) -> tuple[PInstance, ApprovalMultiProfile]:
        projects = {p: Project(p, c) for p, c in self.instance.projects.items()}
        inst = PInstance(projects.values(), budget_limit=self.instance.budget)
        prof = ApprovalMultiProfile(instance=inst)
        for ballot, weight in self.profile.ballots:
            fb = FrozenApprovalBallot([projects[p] for p in sorted(ballot)])
            prof[fb] = prof.get(fb, 0) + weight
        return inst, prof


def _mes_increase(sat):
    def run(i, p, tie):
        return exhaustion_by_budget_increase(
            i, p, method_of_equal_shares, {"sat_class": sat, "tie_breaking": tie}
        )

    return run


def _mes_increase_greedy(sat):
    def run(i, p, tie):
        return completion_by_rule_combination(
            i,
            p,
            [exhaustion_by_budget_increase, greedy_utilitarian_welfare],
            [
                {
                    "rule": method_of_equal_shares,
                    "rule_params": {"sat_class": sat, "tie_breaking": tie},
                },
                {"sat_class": sat, "tie_breaking": tie},
            ],
        )

    return run


# name -> (ours(instance, profile, tie_break), theirs(instance, profile, tie), increase?)
RULES: dict[str, tuple[Callable, Callable, bool]] = {
    "greedy": (
        lambda i, p, t: counting.greedy_by_votes(i, p, tie_break=t, fund_unsupported=True),
        lambda i, p, t: greedy_utilitarian_welfare(i, p, sat_class=Cost_Sat, tie_breaking=t),
        False,
    ),
    "greedy_cost_utility": (
        lambda i, p, t: counting.greedy_by_cost_utility(i, p, tie_break=t, fund_unsupported=True),
        lambda i, p, t: greedy_utilitarian_welfare(i, p, sat_class=Cardinality_Sat, tie_breaking=t),
        False,
    ),
    "mes_cost": (
        lambda i, p, t: counting.method_of_equal_shares(i, p, tie_break=t),
        lambda i, p, t: method_of_equal_shares(i, p, sat_class=Cost_Sat, tie_breaking=t),
        False,
    ),
    "mes_cardinality": (
        lambda i, p, t: counting.method_of_equal_shares(
            i, p, satisfaction="cardinality", tie_break=t
        ),
        lambda i, p, t: method_of_equal_shares(i, p, sat_class=Cardinality_Sat, tie_breaking=t),
        False,
    ),
    "mes_cost_increase": (
        lambda i, p, t: counting.method_of_equal_shares(
            i, p, completion="budget_increase", tie_break=t, fund_unsupported=True
        ),
        _mes_increase(Cost_Sat),
        True,
    ),
    "mes_cardinality_increase": (
        lambda i, p, t: counting.method_of_equal_shares(
            i,
            p,
            satisfaction="cardinality",
            completion="budget_increase",
            tie_break=t,
            fund_unsupported=True,
        ),
        _mes_increase(Cardinality_Sat),
        True,
    ),
    "mes_cost_increase_greedy": (
        lambda i, p, t: counting.method_of_equal_shares(
            i, p, completion="budget_increase_then_greedy", tie_break=t, fund_unsupported=True
        ),
        _mes_increase_greedy(Cost_Sat),
        True,
    ),
    "mes_cost_fill": (
        lambda i, p, t: counting.method_of_equal_shares(
            i, p, completion="greedy_fill", tie_break=t, fund_unsupported=True
        ),
        lambda i, p, t: completion_by_rule_combination(
            i,
            p,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [
                {"sat_class": Cost_Sat, "tie_breaking": t},
                {"sat_class": Cost_Sat, "tie_breaking": t},
            ],
        ),
        False,
    ),
    "mes_voter_increment": (
        lambda i, p, t: counting.method_of_equal_shares(
            i, p, completion="budget_increase", voter_budget_increment=1, tie_break=t
        ),
        lambda i, p, t: method_of_equal_shares(
            i, p, sat_class=Cost_Sat, voter_budget_increment=1, tie_breaking=t
        ),
        True,
    ),
    "phragmen": (
        lambda i, p, t: counting.sequential_phragmen(i, p, tie_break=t, fund_unsupported=True),
        lambda i, p, t: sequential_phragmen(i, p, tie_breaking=t),
        False,
    ),
}


def disagreements(case: Case, tie_break: str = "lexicographic", rules=RULES) -> list[str]:
    pi, pp = case.pabutools()
    out = []
    for name, (ours, theirs, increase) in rules.items():
        if increase and case.instance.budget == 0:
            continue  # pabutools' budget increase never ends with a budget of 0
        mine = sorted(ours(case.instance, case.profile, tie_break).winners)
        ref = sorted(p.name for p in theirs(pi, pp, PB_TIE[tie_break]))
        if mine != ref:
            out.append(f"{case.label} {name}/{tie_break}: ours {mine}, pabutools {ref}")
    return out


# ----------------------------------------------------------------------- random cases


def random_case(rng: random.Random, index: int) -> Case:
    shape = ["few", "many", "cheap", "expensive", "concentrated", "spread"][index % 6]
    m = (
        rng.randint(1, 4)
        if shape == "few"
        else rng.randint(8, 16)
        if shape == "many"
        else rng.randint(3, 9)
    )
    ids = [f"p{i:02d}" if rng.random() < 0.8 else f"q{i}" for i in range(m)]
    if shape == "cheap":
        costs = [rng.choice([0, 1, 2, 3, 5]) for _ in ids]
        budget = rng.randint(8, 40)
    elif shape == "expensive":
        budget = rng.randint(10, 100)
        costs = [rng.randint(budget // 3, budget + budget // 2) for _ in ids]
    else:
        costs = [rng.choice([1, 2, 4, 5, 10, 20, 25, 40, 50]) * rng.choice([1, 1, 3]) for _ in ids]
        budget = max(1, sum(costs) * rng.choice([1, 2, 3]) // 6)
    if shape == "concentrated":
        weights = [1 / (r + 1) ** 1.5 for r in range(m)]
    elif shape == "spread":
        weights = [1.0] * m
    else:
        weights = [rng.random() + 0.05 for _ in range(m)]
    ballots, counts = [], []
    for _ in range(rng.randint(0, 14)):
        k = rng.randint(0, min(m, 5))
        chosen = set(rng.choices(ids, weights, k=k))
        ballots.append(chosen)
        counts.append(rng.choice([1, 1, 1, 2, 3, 7]))
    return Case(
        Instance(budget, dict(zip(ids, costs, strict=True))),
        Profile.approval(ballots, counts),
        f"#{index} {shape}",
    )


def test_random_instances_agree_with_pabutools():
    rng = random.Random(20240521)
    problems: list[str] = []
    for index in range(240):
        problems += disagreements(random_case(rng, index))
    assert problems == []


def test_random_instances_with_distinct_costs_agree_on_cost_tie_breaks():
    """pabutools' cost tie-breaks leave equal costs in arbitrary order; with distinct
    costs they are fully determined."""
    rng = random.Random(7)
    rules = {
        k: v for k, v in RULES.items() if k in ("greedy", "mes_cost", "mes_cardinality", "phragmen")
    }
    problems: list[str] = []
    for index in range(60):
        case = random_case(rng, index)
        distinct = dict(
            zip(
                case.instance.projects,
                rng.sample(range(1, 200), len(case.instance.projects)),
                strict=True,
            )
        )
        case.instance = Instance(max(1, sum(distinct.values()) // 3), distinct)
        for tie_break in ("min_cost", "max_cost"):
            problems += disagreements(case, tie_break, rules)
    assert problems == []


# ------------------------------------------------------------------ hand-made with ties


HAND_MADE = [
    # everything equal: greedy and MES go by project id
    Case(
        Instance(10, {"c": 5, "a": 5, "b": 5}), Profile.approval([{"a", "b", "c"}] * 2), "all equal"
    ),
    # MES: a three-way tie in the first round; buying one ruins the others
    Case(
        Instance(6, {"x": 6, "y": 6, "z": 6}),
        Profile.approval([{"x", "y", "z"}] * 3),
        "three-way MES tie",
    ),
    # MES-cardinality tie between projects of different cost
    Case(Instance(4, {"a": 4, "b": 2}), Profile.approval([{"a", "b"}, {"a"}]), "cardinality tie"),
    # Phragmén: two projects tie on load, the first in order does not fit -> stop
    Case(
        Instance(10, {"a": 8, "b": 4, "c": 4}),
        Profile.approval([{"a"}, {"a"}, {"b"}, {"c"}, {"b", "c"}]),
        "Phragmén tie at the stop",
    ),
    # project costing exactly the remaining budget; one won more is skipped
    Case(
        Instance(100, {"a": 70, "b": 30, "c": 31}),
        Profile.approval([{"a", "b", "c"}, {"a", "c"}, {"a"}]),
        "exact fit",
    ),
    # ids that sort differently as strings and as numbers
    Case(
        Instance(10, {"10": 5, "9": 5, "100": 5}),
        Profile.approval([{"10", "9", "100"}]),
        "string order",
    ),
    # unaffordable until the budget grows; then over budget
    Case(
        Instance(10, {"a": 6, "b": 3, "c": 3}),
        Profile.approval([{"a"}, {"b", "c"}]),
        "increase overshoots",
    ),
    Case(Instance(10, {"a": 6, "b": 4}), Profile.approval([{"a"}, {"b"}]), "increase fits"),
    # free projects, an unsupported one, empty ballots
    Case(
        Instance(10, {"free": 0, "lonely": 3, "x": 7}),
        Profile.approval([{"free", "x"}, set(), {"x"}], [1, 4, 2]),
        "free and unsupported",
    ),
]


@pytest.mark.parametrize("case", HAND_MADE, ids=[c.label for c in HAND_MADE])
def test_hand_made_instances_with_ties_agree_with_pabutools(case):
    assert disagreements(case) == []
