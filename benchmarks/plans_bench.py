"""Budget rule check of a large Community Innovation Plan: 200 tasks × 20 budget lines.

The live check runs on every keystroke of a budget line, so the whole plan is re-checked
each time (findings and every cap's headroom). Pure: needs no database, only the shipped
policy file. Run alone with ``python -m benchmarks.plans_bench``.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

TASKS = 200
LINES_PER_TASK = 20


def build(seed: int = 2020, tasks: int = TASKS, lines: int = LINES_PER_TASK):
    from hyeopchi.plans.budget_policy import load_budget_rules
    from hyeopchi.plans.budget_rules import BudgetLine, PlanBudget, TaskBudget

    rules = load_budget_rules()
    rng = random.Random(seed)
    items = [(c, s.code) for c in rules.categories for s in c.subtypes] + [
        (c, None) for c in rules.categories
    ]
    built = []
    for t in range(tasks):
        kind = "foundation" if t < tasks // 5 else "sector"
        budget_lines = []
        for n in range(lines):
            category, subtype = rng.choice(items)
            budget_lines.append(
                BudgetLine(
                    id=t * lines + n,
                    category=category.code,
                    subtype=subtype,
                    nature=category.nature or "current",
                    source=rng.choice(("city", "city", "district", "other")),
                    amount=rng.randrange(1, 50_000) * 1_000,
                    sub_project=rng.choice((None, "가", "나", "다")),
                )
            )
        built.append(
            TaskBudget(
                id=t,
                kind=kind,
                title=f"과제 {t}",
                lines=tuple(budget_lines),
                joint_operation=rng.random() < 0.9,
                transfer_reason=rng.choice(("", "민간 전문기관만 운영 가능")),
            )
        )
    plan = PlanBudget(tasks=tuple(built), city_subsidy=1_000_000_000, envelope=1_000_000_000)
    return plan, rules


def run(measure: Callable[..., None] | None = None, runs: int = 50) -> None:
    from hyeopchi.plans.budget_rules import cap_measures, check_budget

    plan, rules = build()
    findings = check_budget(plan, rules)
    print(
        f"plans: budget check of {TASKS} tasks × {LINES_PER_TASK} lines "
        f"({TASKS * LINES_PER_TASK:,} lines): {len(findings)} findings"
    )

    def check() -> None:
        check_budget(plan, rules)
        cap_measures(plan, rules)

    if measure is not None:
        measure("plans: budget rule check, 200 tasks × 20 lines", check, runs)
        return
    check()
    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        check()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    # CPU time beside wall time: on a shared machine the wall clock includes waiting.
    print(
        f"plans: budget rule check           median {statistics.median(samples):8.2f} ms"
        f"   p95 {p95:8.2f} ms   cpu median {statistics.median(cpu):6.2f} ms"
        f"   (target < 50 ms)"
    )


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hyeopchi.settings")
    django.setup()
    run()
