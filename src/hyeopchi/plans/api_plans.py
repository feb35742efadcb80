"""API of the plan cycle, plans, tasks, indicators and budget lines.

Public reads: every district's cycle (stages, dates, bodies, forums, decisions) and plans
from council approval on, with tasks, indicators, budget lines, totals and the budget
rules' findings. Drafts are read by the district's staff and city officers only. Writes
(staff of the district, city officers for all) go through the same services as the pages:
422 with messages by field when the input is wrong. ``POST /tasks/{id}/budget-lines/check``
answers what the budget rules say of a line before it is saved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from hyeopchi.bodies.models import Body, Decision
from hyeopchi.core.api_support import (
    READ_ERRORS,
    WRITE_AUTH,
    WRITE_ERRORS,
    ErrorOut,
    can,
    require,
)
from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action
from hyeopchi.participation.models import Agenda, Forum

from . import cycle as cycle_rules
from . import cycle_services
from . import services_plans as services
from .models import (
    PUBLIC_PLAN_STATUSES,
    BudgetLine,
    CycleStage,
    Indicator,
    Plan,
    PlanCycle,
    Task,
)

router = Router(tags=["plans"])

Amount = int  # whole 원


# ---------------------------------------------------------------- schemas


class StageOut(Schema):
    id: int
    code: str
    order: int
    title: str
    status: str
    required: bool
    from_policy: bool
    start_date: dt.date | None
    end_date: dt.date | None
    responsible_body_id: int | None
    forum_ids: list[int]
    decision_ids: list[int]
    note: str


class CycleFindingOut(Schema):
    stage: str
    kind: str
    severity: str
    message: str


class CycleOut(Schema):
    district: str
    year: int
    policy: str
    current_stage: str | None
    done: int
    counted: int
    stages: list[StageOut]
    findings: list[CycleFindingOut]


class CycleSummaryOut(Schema):
    district: str
    district_name: str
    opened: bool
    current_stage: str | None
    done: int
    counted: int
    warnings: int


def _stage_out(stage: CycleStage) -> dict:
    return {
        "id": stage.pk,
        "code": stage.code,
        "order": stage.order,
        "title": stage.display_title,
        "status": stage.status,
        "required": stage.required,
        "from_policy": stage.from_policy,
        "start_date": stage.start_date,
        "end_date": stage.end_date,
        "responsible_body_id": stage.responsible_body_id,
        "forum_ids": [f.pk for f in stage.forums.all()],
        "decision_ids": [d.pk for d in stage.decisions.all()],
        "note": stage.note,
    }


def _cycle_out(cycle: PlanCycle) -> dict:
    stages = cycle_services.cycle_with_stages(cycle)
    facts = [cycle_services.as_rule(s) for s in stages]
    current = cycle_rules.current_stage(facts)
    progress = cycle_rules.progress(facts)
    return {
        "district": cycle.district.code,
        "year": cycle.year,
        "policy": cycle.policy_key,
        "current_stage": current.code if current else None,
        "done": progress.done,
        "counted": progress.counted,
        "stages": [_stage_out(s) for s in stages],
        "findings": [
            {"stage": f.code, "kind": f.kind, "severity": f.severity, "message": f.message}
            for f in cycle_rules.findings(facts, timezone.localdate())
        ],
    }


class LineOut(Schema):
    id: int
    task_id: int
    category: str
    subtype: str
    label: str
    nature: str
    source: str
    amount: Amount
    description: str


class IndicatorOut(Schema):
    id: int
    task_id: int
    name: str
    unit: str
    baseline: Decimal | None
    target: Decimal
    actual: Decimal | None
    method: str


class TaskOut(Schema):
    id: int
    plan_id: int
    kind: str
    title: str
    sub_project: str
    period: str
    working_group_id: int | None
    agenda_ids: list[int]
    background: str
    goals: str
    content: str
    governance: str
    publicity: str
    expected_effects: str
    joint_operation: bool
    private_transfer_reason: str
    total: Amount
    indicators: list[IndicatorOut]
    budget_lines: list[LineOut]


class FindingOut(Schema):
    rule: str
    article: str
    kind: str
    scope: str
    scope_id: int | str | None
    sub_project: str | None
    amount: Amount
    base: Amount
    limit: Amount
    excess: Amount
    message: str


class TotalsOut(Schema):
    total: Amount
    city: Amount
    district: Amount
    other: Amount
    current: Amount
    capital: Amount
    foundation: Amount
    sector: Amount


class SectionOut(Schema):
    id: int
    code: str
    title: str
    body: str


class GoalOut(Schema):
    id: int
    year: int | None
    text: str


class PlanSummaryOut(Schema):
    id: int
    district: str
    kind: str
    title: str
    start_year: int
    end_year: int
    status: str
    cycle_year: int | None


class PlanOut(PlanSummaryOut):
    vision: str
    envelope: Amount | None
    basic_plan_id: int | None
    approved_by_id: int | None
    sections: list[SectionOut]
    goals: list[GoalOut]
    tasks: list[TaskOut]
    totals: TotalsOut
    findings: list[FindingOut]


def _summary(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "district": plan.district.code,
        "kind": plan.kind,
        "title": plan.title,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "status": plan.status,
        "cycle_year": plan.cycle.year if plan.cycle_id else None,
    }


def _line_out(line: BudgetLine) -> dict:
    return {
        "id": line.pk,
        "task_id": line.task_id,
        "category": line.category,
        "subtype": line.subtype,
        "label": services.item_label(line.category, line.subtype),
        "nature": line.nature,
        "source": line.source,
        "amount": line.amount,
        "description": line.description,
    }


def _indicator_out(i: Indicator) -> dict:
    return {
        "id": i.pk,
        "task_id": i.task_id,
        "name": i.name,
        "unit": i.unit,
        "baseline": i.baseline,
        "target": i.target,
        "actual": i.actual,
        "method": i.method,
    }


def _task_out(task: Task) -> dict:
    lines = list(task.budget_lines.all())
    return {
        "id": task.pk,
        "plan_id": task.plan_id,
        "kind": task.kind,
        "title": task.title,
        "sub_project": task.sub_project,
        "period": task.period,
        "working_group_id": task.working_group_id,
        "agenda_ids": [a.pk for a in task.agendas.all()],
        **{name: getattr(task, name) for name in services.TASK_TEXT_FIELDS},
        "joint_operation": task.joint_operation,
        "total": sum(x.amount for x in lines),
        "indicators": [_indicator_out(i) for i in task.indicators.all()],
        "budget_lines": [_line_out(x) for x in lines],
    }


def _finding_out(f) -> dict:
    return {
        "rule": f.rule,
        "article": f.article,
        "kind": f.kind,
        "scope": f.scope,
        "scope_id": f.scope_id,
        "sub_project": f.sub_project,
        "amount": f.amount,
        "base": f.base,
        "limit": f.limit,
        "excess": f.excess,
        "message": f.message,
    }


def _plan_out(plan: Plan) -> dict:
    tasks = services.plan_tasks(plan)
    t = services.totals(tasks)
    return {
        **_summary(plan),
        "vision": plan.vision,
        "envelope": plan.envelope,
        "basic_plan_id": plan.basic_plan_id,
        "approved_by_id": plan.approved_by_id,
        "sections": list(
            plan.sections.order_by("order", "id").values("id", "code", "title", "body")
        ),
        "goals": list(plan.goals.order_by("year", "order", "id").values("id", "year", "text")),
        "tasks": [_task_out(x) for x in tasks],
        "totals": {
            "total": t.total,
            "city": t.by_source["city"],
            "district": t.by_source["district"],
            "other": t.by_source["other"],
            "current": t.by_nature["current"],
            "capital": t.by_nature["capital"],
            "foundation": t.foundation,
            "sector": t.sector,
        },
        "findings": [_finding_out(f) for f in services.check_plan(plan, tasks)],
    }


# ---------------------------------------------------------------- access


def _readable_plan(request, plan_id: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("district", "cycle"), pk=plan_id)
    if not plan.is_public:
        require(request, Action.VIEW_PRIVATE, plan.district_id)
    return plan


def _editable_plan(request, plan_id: int):
    plan = get_object_or_404(Plan.objects.select_related("district", "cycle"), pk=plan_id)
    return plan, require(request, Action.EDIT, plan.district_id)


def _require_task(request, task: Task):
    """The district's staff, city officers, and the current members of the task's working
    group may change the task's text, indicators and budget lines."""
    return require(request, Action.EDIT_BODY_WORK, task.plan.district_id, task.working_group_id)


def _editable_task(request, task_id: int):
    task = get_object_or_404(Task.objects.select_related("plan__district"), pk=task_id)
    return task, _require_task(request, task)


def _task_with_children(task_id: int) -> Task:
    return (
        Task.objects.prefetch_related(
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("order", "id")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id")),
            "agendas",
        )
        .select_related("plan")
        .get(pk=task_id)
    )


def _pick(model, ids, field: str, district_id: int):
    """Objects of ``model`` by id; an unknown id is a 422 naming the field. Whether they
    belong to ``district_id`` is the services' check (one rule for pages and API)."""
    found = list(model.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({field: _("No such record: check the ids.")})
    return found


# ---------------------------------------------------------------- cycles


@router.get("/cycles", response={200: list[CycleSummaryOut], **READ_ERRORS})
def list_cycles(request, year: int = Query(..., ge=2000, le=2100)):
    """Every district's cycle of ``year``: current stage and progress (public)."""
    return [
        {
            "district": row.district.code,
            "district_name": row.district.name_ko,
            "opened": row.cycle is not None,
            "current_stage": row.current.code if row.current else None,
            "done": row.progress.done,
            "counted": row.progress.counted,
            "warnings": len(row.findings),
        }
        for row in cycle_services.city_overview(year)
    ]


@router.get("/districts/{code}/cycles/{int:year}", response={200: CycleOut, **READ_ERRORS})
def get_cycle(request, code: str, year: int):
    """One district's cycle: stages with status, dates, body, forums, decisions (public)."""
    cycle = get_object_or_404(
        PlanCycle.objects.select_related("district"), district__code=code, year=year
    )
    return _cycle_out(cycle)


@router.post(
    "/districts/{code}/cycles/{int:year}",
    response={201: CycleOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def open_cycle(request, code: str, year: int):
    """Open the district's cycle with the stages of the year's policy."""
    district = get_object_or_404(District, code=code)
    user = require(request, Action.EDIT, district.pk)
    cycle = cycle_services.open_cycle(district, year, actor=user)
    return Status(201, _cycle_out(cycle))


class StagePatch(Schema):
    status: Literal["not_started", "in_progress", "done", "skipped"] | None = None
    title: str | None = Field(None, max_length=200)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    responsible_body_id: int | None = None
    forum_ids: list[int] | None = None
    decision_ids: list[int] | None = None
    note: str | None = None


@router.patch(
    "/cycle-stages/{int:stage_id}", response={200: StageOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def update_stage(request, stage_id: int, payload: StagePatch):
    """Change a stage; fields left out keep their value."""
    stage = get_object_or_404(CycleStage.objects.select_related("cycle__district"), pk=stage_id)
    user = require(request, Action.EDIT, stage.cycle.district_id)
    fields = payload.model_fields_set
    district_id = stage.cycle.district_id
    body = stage.responsible_body
    if "responsible_body_id" in fields:
        body = (
            _pick(Body, [payload.responsible_body_id], "responsible_body_id", district_id)[0]
            if payload.responsible_body_id
            else None
        )
    change = cycle_services.StageChange(
        status=payload.status or stage.status,
        start_date=payload.start_date if "start_date" in fields else stage.start_date,
        end_date=payload.end_date if "end_date" in fields else stage.end_date,
        title=payload.title or "",
        responsible_body=body,
        forums=_pick(Forum, payload.forum_ids, "forum_ids", district_id)
        if payload.forum_ids is not None
        else list(stage.forums.all()),
        decisions=_pick(Decision, payload.decision_ids, "decision_ids", district_id)
        if payload.decision_ids is not None
        else list(stage.decisions.select_related("body")),
        note=payload.note if payload.note is not None else stage.note,
    )
    cycle_services.update_stage(stage, change, actor=user)
    stage = CycleStage.objects.prefetch_related("forums", "decisions").get(pk=stage.pk)
    return _stage_out(stage)


# ---------------------------------------------------------------- plans


@router.get("/districts/{code}/plans", response={200: list[PlanSummaryOut], **READ_ERRORS})
def list_plans(request, code: str):
    """The district's plans; drafts only for its staff and city officers."""
    district = get_object_or_404(District, code=code)
    plans = Plan.objects.filter(district=district).select_related("district", "cycle")
    if not can(request, Action.VIEW_PRIVATE, district.pk):
        plans = plans.filter(status__in=PUBLIC_PLAN_STATUSES)
    return [_summary(p) for p in plans.order_by("-start_year", "kind", "id")]


@router.get("/plans/{int:plan_id}", response={200: PlanOut, 403: ErrorOut, **READ_ERRORS})
def get_plan(request, plan_id: int):
    """A plan with sections, goals, tasks, indicators, budget lines, totals and findings."""
    return _plan_out(_readable_plan(request, plan_id))


class PlanIn(Schema):
    district: str = Field(..., max_length=5, description="5-digit district code")
    kind: Literal["basic", "execution"]
    title: str = Field(..., min_length=1, max_length=200)
    start_year: int = Field(..., ge=2000, le=2100)
    end_year: int = Field(..., ge=2000, le=2100)
    vision: str = ""
    envelope: Amount | None = Field(None, ge=1)
    basic_plan_id: int | None = None


def _basic_plan(basic_plan_id: int | None, district_id: int) -> Plan | None:
    if basic_plan_id is None:
        return None
    return _pick(Plan, [basic_plan_id], "basic_plan_id", district_id)[0]


@router.post("/plans", response={201: PlanOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_plan(request, payload: PlanIn):
    """A new draft plan, with the chapters of the policy's table of contents."""
    district = get_object_or_404(District, code=payload.district)
    user = require(request, Action.EDIT, district.pk)
    data = services.PlanData(
        kind=payload.kind,
        title=payload.title,
        start_year=payload.start_year,
        end_year=payload.end_year,
        vision=payload.vision,
        envelope=payload.envelope,
        basic_plan=_basic_plan(payload.basic_plan_id, district.pk),
    )
    plan = services.create_plan(district, data, actor=user)
    return Status(201, _plan_out(plan))


class PlanPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    start_year: int | None = Field(None, ge=2000, le=2100)
    end_year: int | None = Field(None, ge=2000, le=2100)
    vision: str | None = None
    envelope: Amount | None = Field(None, ge=1)
    basic_plan_id: int | None = None


@router.patch("/plans/{int:plan_id}", response={200: PlanOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def update_plan(request, plan_id: int, payload: PlanPatch):
    """Change a draft (or a plan being revised); fields left out keep their value."""
    plan, user = _editable_plan(request, plan_id)
    fields = payload.model_fields_set
    data = services.PlanData(
        kind=plan.kind,
        title=payload.title if payload.title is not None else plan.title,
        start_year=payload.start_year or plan.start_year,
        end_year=payload.end_year or plan.end_year,
        vision=payload.vision if payload.vision is not None else plan.vision,
        envelope=payload.envelope if "envelope" in fields else plan.envelope,
        basic_plan=_basic_plan(payload.basic_plan_id, plan.district_id)
        if "basic_plan_id" in fields
        else plan.basic_plan,
    )
    services.update_plan(plan, data, actor=user)
    return _plan_out(plan)


# ---------------------------------------------------------------- tasks


class TaskIn(Schema):
    kind: Literal["foundation", "sector"]
    title: str = Field(..., min_length=1, max_length=200)
    sub_project: str = Field("", max_length=40)
    period: str = Field("", max_length=100)
    working_group_id: int | None = None
    agenda_ids: list[int] = []
    background: str = ""
    goals: str = ""
    content: str = ""
    governance: str = ""
    publicity: str = ""
    expected_effects: str = ""
    joint_operation: bool = False
    private_transfer_reason: str = ""


def _task_data(payload: TaskIn, district_id: int) -> services.TaskData:
    wg = (
        _pick(Body, [payload.working_group_id], "working_group_id", district_id)[0]
        if payload.working_group_id
        else None
    )
    return services.TaskData(
        kind=payload.kind,
        title=payload.title,
        sub_project=payload.sub_project,
        period=payload.period,
        working_group=wg,
        agendas=_pick(Agenda, payload.agenda_ids, "agenda_ids", district_id),
        joint_operation=payload.joint_operation,
        **{name: getattr(payload, name) for name in services.TASK_TEXT_FIELDS},
    )


@router.post("/plans/{int:plan_id}/tasks", response={201: TaskOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_task(request, plan_id: int, payload: TaskIn):
    plan, user = _editable_plan(request, plan_id)
    task = services.save_task(plan, _task_data(payload, plan.district_id), None, actor=user)
    return Status(201, _task_out(_task_with_children(task.pk)))


@router.get("/tasks/{int:task_id}", response={200: TaskOut, 403: ErrorOut, **READ_ERRORS})
def get_task(request, task_id: int):
    task = get_object_or_404(Task.objects.select_related("plan"), pk=task_id)
    if not can(request, Action.EDIT_BODY_WORK, task.plan.district_id, task.working_group_id):
        _readable_plan(request, task.plan_id)
    return _task_out(_task_with_children(task.pk))


@router.put("/tasks/{int:task_id}", response={200: TaskOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def replace_task(request, task_id: int, payload: TaskIn):
    """Replace the task's fields (agendas included). Members of the task's working group
    may change everything but its kind, sub-project, working group and agendas (403)."""
    task, user = _editable_task(request, task_id)
    data = _task_data(payload, task.plan.district_id)
    if not can(request, Action.EDIT, task.plan.district_id):
        changed = services.structure_changes(task, data)
        if changed:
            raise HttpError(
                403,
                _(
                    "Working-group members may not change the task's %(fields)s: "
                    "the district's secretariat sets them."
                )
                % {"fields": ", ".join(changed)},
            )
    services.save_task(task.plan, data, task, actor=user)
    return _task_out(_task_with_children(task.pk))


# ---------------------------------------------------------------- indicators


class IndicatorIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    unit: str = Field("", max_length=30)
    baseline: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    target: Decimal = Field(..., max_digits=14, decimal_places=2)
    actual: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    method: str = Field("", max_length=200)


def _indicator_data(payload: IndicatorIn) -> services.IndicatorData:
    return services.IndicatorData(**payload.model_dump())


@router.post(
    "/tasks/{int:task_id}/indicators",
    response={201: IndicatorOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def create_indicator(request, task_id: int, payload: IndicatorIn):
    task, user = _editable_task(request, task_id)
    indicator = services.save_indicator(task, _indicator_data(payload), None, actor=user)
    return Status(201, _indicator_out(indicator))


@router.put(
    "/indicators/{int:indicator_id}", response={200: IndicatorOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def replace_indicator(request, indicator_id: int, payload: IndicatorIn):
    indicator = get_object_or_404(
        Indicator.objects.select_related("task__plan__district"), pk=indicator_id
    )
    user = _require_task(request, indicator.task)
    services.save_indicator(indicator.task, _indicator_data(payload), indicator, actor=user)
    return _indicator_out(indicator)


# ---------------------------------------------------------------- budget lines


class LineIn(Schema):
    category: str = Field(..., min_length=1, max_length=40)
    subtype: str = Field("", max_length=40)
    nature: Literal["current", "capital"]
    source: Literal["city", "district", "other"]
    amount: Amount = Field(..., ge=1, le=services.MAX_AMOUNT, description="whole 원")
    description: str = Field("", max_length=300)


def _line_data(payload: LineIn) -> services.LineData:
    return services.LineData(**payload.model_dump())


@router.post(
    "/tasks/{int:task_id}/budget-lines",
    response={201: LineOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def create_line(request, task_id: int, payload: LineIn):
    task, user = _editable_task(request, task_id)
    line = services.save_line(task, _line_data(payload), None, actor=user)
    return Status(201, _line_out(line))


@router.put("/budget-lines/{int:line_id}", response={200: LineOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def replace_line(request, line_id: int, payload: LineIn):
    line = get_object_or_404(BudgetLine.objects.select_related("task__plan__district"), pk=line_id)
    user = _require_task(request, line.task)
    services.save_line(line.task, _line_data(payload), line, actor=user)
    return _line_out(line)


@router.delete("/budget-lines/{int:line_id}", response={204: None, **WRITE_ERRORS}, auth=WRITE_AUTH)
def delete_line(request, line_id: int):
    line = get_object_or_404(BudgetLine.objects.select_related("task__plan__district"), pk=line_id)
    user = _require_task(request, line.task)
    services.remove_line(line, actor=user)
    return Status(204, None)


class CheckOut(Schema):
    caused: list[FindingOut] = Field(
        description="Blocking findings the line brings or worsens (empty: the line is fine)."
    )
    findings: list[FindingOut] = Field(description="Every finding with the line in place.")


@router.post(
    "/tasks/{int:task_id}/budget-lines/check",
    response={200: CheckOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def check_line(request, task_id: int, payload: LineIn, replacing: int | None = None):
    """What the budget rules say of this line (in place of line ``replacing``), unsaved.
    The typed line's findings have ``scope_id`` ``"candidate"``."""
    task, _user = _editable_task(request, task_id)
    data = _line_data(payload)
    errors = services.line_errors(data)
    if errors:
        raise ValidationError(errors)
    old = get_object_or_404(BudgetLine, pk=replacing, task=task) if replacing else None
    result = services.check_candidate(task, data, old)
    return {
        "caused": [_finding_out(f) for f in result.caused],
        "findings": [_finding_out(f) for f in result.findings],
    }
