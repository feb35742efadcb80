"""Builders for the submission tests: a council decision, a plan walked to a given state."""

from __future__ import annotations

import datetime as dt

from hyeopchi.bodies.models import Body, Decision
from hyeopchi.plans import services_submission as sub
from hyeopchi.plans.models import Plan

ON_TIME = dt.date(2020, 7, 10)  # the 2020 cycle's submission deadline
SELECTED_ON = dt.date(2020, 8, 21)
PB_ON = dt.date(2020, 8, 29)
SIGNED_ON = dt.date(2020, 12, 15)
PAID_ON = dt.date(2021, 1, 5)


def council_decision(council: Body, day: dt.date = dt.date(2020, 7, 1)) -> Decision:
    return Decision.objects.create(
        body=council, title="2021 지역사회혁신계획 승인의 건", decided_on=day, published=True
    )


def walk(plan: Plan, council: Body, clerk, officer, to: str) -> Plan:
    """Take ``plan`` from draft through the steps up to state ``to`` (on 2020 dates)."""
    order = ["approved", "submitted", "in_review", "selected", "pb_approved", "agreed"]
    order.append("in_execution")
    for target in order[: order.index(to) + 1]:
        if target == "approved":
            sub.approve(plan, council_decision(council), clerk, today=ON_TIME)
        elif target == "submitted":
            sub.submit(plan, clerk, today=ON_TIME)
        elif target == "in_review":
            sub.write_opinion(plan, "예산 구성이 적정함.", "accept", officer)
        elif target == "selected":
            sub.select(plan, SELECTED_ON, officer, today=SELECTED_ON)
        elif target == "pb_approved":
            sub.pb_approve(plan, PB_ON, officer, today=PB_ON)
        elif target == "agreed":
            sub.agree(
                plan,
                officer,
                SIGNED_ON,
                dt.date(2021, 1, 1),
                dt.date(2021, 12, 31),
                1_000_000_000,
                today=SIGNED_ON,
            )
        elif target == "in_execution":
            sub.disburse(plan, PAID_ON, 1_000_000_000, officer, today=PAID_ON)
    plan.refresh_from_db()
    return plan
