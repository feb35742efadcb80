"""A frozen, JSON-serialisable copy of a plan, stored in ``PlanVersion.snapshot``.

Every item carries its database id as a stable key, so two snapshots of the same plan can
be compared item by item (``plan_diff``). Lists are in display order; amounts are integer
원; decimals are strings (JSON has no exact decimals).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from .models import BudgetLine, Indicator, Plan, Task
from .services_plans import TASK_TEXT_FIELDS

SNAPSHOT_FORMAT = 1


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """The plan as it stands now: header, sections, goals, tasks with indicators and lines."""
    tasks = (
        Task.objects.filter(plan=plan)
        .order_by("kind", "order", "id")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id")),
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("order", "id")),
            "agendas",
        )
    )
    return {
        "format": SNAPSHOT_FORMAT,
        "plan": {
            "id": plan.pk,
            "district": plan.district.code,
            "kind": plan.kind,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "title": plan.title,
            "vision": plan.vision,
            "envelope": plan.envelope,
            "basic_plan": plan.basic_plan_id,
            "approved_by": plan.approved_by_id,
        },
        "sections": [
            {"id": s.pk, "code": s.code, "title": s.title, "body": s.body}
            for s in plan.sections.order_by("order", "id")
        ],
        "goals": [
            {"id": g.pk, "year": g.year, "text": g.text}
            for g in plan.goals.order_by("year", "order", "id")
        ],
        "tasks": [_task(t) for t in tasks],
        "declarations": [
            {"id": d.pk, "rule": d.rule, "note": d.note} for d in plan.declarations.order_by("rule")
        ],
    }


def _task(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "kind": task.kind,
        "title": task.title,
        "sub_project": task.sub_project,
        "period": task.period,
        "working_group": task.working_group_id,
        "agendas": sorted(a.pk for a in task.agendas.all()),
        **{name: getattr(task, name) for name in TASK_TEXT_FIELDS},
        "joint_operation": task.joint_operation,
        "indicators": [
            {
                "id": i.pk,
                "name": i.name,
                "unit": i.unit,
                "baseline": _decimal(i.baseline),
                "target": _decimal(i.target),
                "actual": _decimal(i.actual),
                "method": i.method,
            }
            for i in task.indicators.all()
        ],
        "budget_lines": [
            {
                "id": line.pk,
                "category": line.category,
                "subtype": line.subtype,
                "nature": line.nature,
                "source": line.source,
                "amount": line.amount,
                "description": line.description,
            }
            for line in task.budget_lines.all()
        ],
    }
