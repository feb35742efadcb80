"""Counting a city-scale participatory-budget vote: 200,000 approval ballots, 100 projects.

Times the Method of Equal Shares (cost satisfaction) with completion by budget increase
(1 % steps, as pabutools' ``exhaustion_by_budget_increase``) in our exact engine, then
pabutools' plain Method of Equal Shares on the same instance, and prints both and their
ratio. Needs no database. Run alone with ``python -m benchmarks.voting_bench``.
"""

from __future__ import annotations

import bisect
import random
import time
from collections.abc import Callable

from hyeopchi.voting.counting import Instance, Profile, method_of_equal_shares

VOTERS = 200_000
PROJECTS = 100


def build(
    seed: int = 2024, voters: int = VOTERS, projects: int = PROJECTS
) -> tuple[Instance, Profile]:
    """Costs from 10 to 500 million won; popularity Zipf-like (the r-th most popular
    project drawn in proportion to 1/r); each voter approves 1 to 5 distinct projects;
    the budget is a third of all the costs together."""
    rng = random.Random(seed)
    ids = [f"p{i:03d}" for i in range(projects)]
    costs = {p: rng.randrange(10, 500) * 1_000_000 for p in ids}
    by_popularity = ids[:]
    rng.shuffle(by_popularity)
    cumulative: list[float] = []
    total = 0.0
    for r in range(projects):
        total += 1 / (r + 1)
        cumulative.append(total)
    counts: dict[frozenset[str], int] = {}
    for _ in range(voters):
        k = rng.randint(1, 5)
        chosen: set[str] = set()
        while len(chosen) < k:
            chosen.add(by_popularity[bisect.bisect(cumulative, rng.random() * total)])
        key = frozenset(chosen)
        counts[key] = counts.get(key, 0) + 1
    instance = Instance(sum(costs.values()) // 3, costs)
    return instance, Profile.approval(list(counts), list(counts.values()))


def _timed(fn: Callable[[], object]) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def run(measure: Callable[..., None] | None = None) -> None:
    instance, profile = build()
    distinct = len(profile.ballots)
    print(
        f"voting: {profile.voters:,} approval ballots ({distinct:,} distinct), "
        f"{len(instance.projects)} projects, budget {instance.budget:,} won"
    )
    steps: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        steps.append((done, total))

    outcome, wall, cpu = _timed(
        lambda: method_of_equal_shares(
            instance, profile, completion="budget_increase", progress=progress
        )
    )
    ours = wall
    print(
        f"{'ours: Equal Shares + completion by budget increase':<58} {wall:8.2f} s"
        f"   (cpu {cpu:.2f} s; {outcome.increases} increases of 1 %, "  # type: ignore[attr-defined]
        f"{len(outcome.winners)} projects, {outcome.spent / instance.budget:.1%} spent)"  # type: ignore[attr-defined]
    )
    plain, wall, cpu = _timed(lambda: method_of_equal_shares(instance, profile))
    print(f"{'ours: plain Equal Shares':<58} {wall:8.2f} s   (cpu {cpu:.2f} s)")

    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Project
    from pabutools.election import Instance as PInstance
    from pabutools.rules import method_of_equal_shares as pb_mes

    projects = {p: Project(p, c) for p, c in instance.projects.items()}
    pb_instance = PInstance(projects.values(), budget_limit=instance.budget)
    pb_profile = ApprovalProfile(instance=pb_instance)
    for ballot, weight in profile.ballots:
        b = ApprovalBallot(projects[p] for p in ballot)
        for _ in range(weight):
            pb_profile.append(b)
    theirs, wall, cpu = _timed(lambda: pb_mes(pb_instance, pb_profile, sat_class=Cost_Sat))
    same = sorted(p.name for p in theirs) == sorted(plain.winners)  # type: ignore[attr-defined, union-attr]
    print(
        f"{'pabutools: plain Equal Shares':<58} {wall:8.2f} s   (cpu {cpu:.2f} s; "
        f"same projects as ours: {'yes' if same else 'NO'})"
    )
    print(f"{'ratio pabutools plain / ours with completion':<58} {wall / ours:8.1f} x")


if __name__ == "__main__":
    run()
