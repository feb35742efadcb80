"""The submission deadlines a plan answers to, from the cycle policy (7.10 and 8.21 in 2020).

A plan belongs to a district's cycle, whose policy names the deadlines; a plan without a
cycle takes the policy of the cycle that writes plans for its first year. No policy: no
deadline (nothing to be late for), said so on the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hyeopchi.core.policy import policies

from .cycle_policy import PlanCyclePolicy, cycle_policy
from .models import Plan


@dataclass(frozen=True)
class Deadlines:
    submission: dt.date | None
    final: dt.date | None
    policy_key: str = ""  # where the dates come from
    policy_name: str = ""


def _policy_of(plan: Plan) -> PlanCyclePolicy | None:
    if plan.cycle_id is not None:
        try:
            return cycle_policy(plan.cycle.policy_key)
        except LookupError:
            return None
    for file in policies().of_kind("plan_cycle"):
        document = file.document
        if isinstance(document, PlanCyclePolicy) and document.plan_year == plan.start_year:
            return document
    return None


def deadlines_of(plan: Plan) -> Deadlines:
    policy = _policy_of(plan)
    if policy is None:
        return Deadlines(None, None)
    return Deadlines(
        policy.submission_deadline, policy.final_version_deadline, policy.key, policy.name
    )
