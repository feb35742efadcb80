"""Builders of plans, tasks, indicators and budget lines for the plans tests."""

from __future__ import annotations

from decimal import Decimal

from hyeopchi.core.models import District
from hyeopchi.plans.models import (
    BudgetLine,
    Indicator,
    Nature,
    Plan,
    PlanKind,
    PlanStatus,
    Source,
    Task,
    TaskKind,
)


def make_plan(district: District, status: str = PlanStatus.DRAFT, **kw) -> Plan:
    defaults = {
        "kind": PlanKind.EXECUTION,
        "start_year": 2021,
        "end_year": 2021,
        "title": f"2021 {district.name_ko} 지역사회혁신계획 실행계획",
        "vision": "함께 만드는 마을",
        "status": status,
        "envelope": 1_000_000_000,
    }
    defaults.update(kw)
    return Plan.objects.create(district=district, **defaults)


def make_task(plan: Plan, kind: str = TaskKind.SECTOR, **kw) -> Task:
    defaults = {"title": "마을 돌봄 네트워크", "sub_project": "S-1", "joint_operation": True}
    defaults.update(kw)
    return Task.objects.create(plan=plan, kind=kind, **defaults)


def make_line(task: Task, amount: int = 10_000_000, **kw) -> BudgetLine:
    defaults = {
        "category": "operating",
        "subtype": "",
        "nature": Nature.CURRENT,
        "source": Source.CITY,
        "description": "행사운영비",
    }
    defaults.update(kw)
    return BudgetLine.objects.create(task=task, amount=amount, **defaults)


def make_indicator(task: Task, **kw) -> Indicator:
    defaults = {
        "name": "참여 주민 수",
        "unit": "명",
        "baseline": Decimal(20),
        "target": Decimal(100),
    }
    defaults.update(kw)
    return Indicator.objects.create(task=task, **defaults)
