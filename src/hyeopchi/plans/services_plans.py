"""Services of plans, their sections, goals, tasks, indicators and budget lines.

Each write validates (ValidationError by field, Korean or English by the request's
language), refuses plans that are no longer editable, saves and audits. The budget is
checked by P2's engine (``budget_rules.check_budget``) over plain data built here, both
for saved lines and for a line being typed (``check_candidate``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from hyeopchi.bodies.models import Body, BodyKind
from hyeopchi.core import audit
from hyeopchi.core.models import District
from hyeopchi.participation.models import Agenda

from . import budget_rules as engine
from .budget_policy import BUDGET_POLICY, item_label, load_budget_rules
from .cycle_policy import PlanCyclePolicy, cycle_policy, policy_for_year
from .models import (
    BudgetLine,
    Declaration,
    Goal,
    Indicator,
    Nature,
    Plan,
    PlanCycle,
    PlanKind,
    PlanSection,
    PlanStatus,
    Source,
    Task,
    TaskKind,
)

# Plans change only while the district writes or revises them; afterwards budget changes
# go through change requests.
EDITABLE_STATUSES = (PlanStatus.DRAFT, PlanStatus.REVISING)
MAX_AMOUNT = 10**13  # 10조 원: far above any plan; keeps typos out of the database


def require_editable(plan: Plan) -> None:
    if plan.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _(
                "This plan is %(status)s and can no longer be edited; "
                "budget changes go through a change request."
            )
            % {"status": plan.get_status_display()}
        )


def _text(value: str | None, limit: int | None = None) -> str:
    text = (value or "").strip()
    return text[:limit] if limit else text


# ---------------------------------------------------------------- plans


@dataclass
class PlanData:
    kind: str
    title: str
    start_year: int
    end_year: int
    vision: str = ""
    envelope: int | None = None
    basic_plan: Plan | None = None


def _check_plan(district: District, data: PlanData, policy: PlanCyclePolicy | None) -> None:
    errors: dict[str, str] = {}
    if data.kind not in PlanKind.values:
        errors["kind"] = _("Choose basic or execution plan.")
    if not data.title.strip():
        errors["title"] = _("This field is required.")
    if data.end_year < data.start_year:
        errors["end_year"] = _("The last year cannot be before the first year.")
    elif data.kind == PlanKind.EXECUTION and data.end_year != data.start_year:
        errors["end_year"] = _("An execution plan covers one year.")
    elif data.kind == PlanKind.BASIC and policy is not None:
        years = data.end_year - data.start_year + 1
        if years < policy.basic_plan_years:
            errors["end_year"] = _("A basic plan covers at least %(n)s years.") % {
                "n": policy.basic_plan_years
            }
    if data.envelope is not None and data.envelope <= 0:
        errors["envelope"] = _("Enter an amount of at least 1 won.")
    basic = data.basic_plan
    if basic is not None:
        if data.kind != PlanKind.EXECUTION:
            errors["basic_plan"] = _("Only an execution plan follows a basic plan.")
        elif basic.district_id != district.pk or basic.kind != PlanKind.BASIC:
            errors["basic_plan"] = _("Choose a basic plan of this district.")
        elif not basic.start_year <= data.start_year <= basic.end_year:
            errors["basic_plan"] = _("The execution year is outside the basic plan's period.")
    if errors:
        raise ValidationError(errors)


def create_plan(district: District, data: PlanData, actor=None) -> Plan:
    """A new draft plan with the sections of the policy's table of contents."""
    cycle = PlanCycle.objects.filter(district=district, year=data.start_year - 1).first()
    policy = cycle_policy(cycle.policy_key) if cycle else policy_for_year(data.start_year - 1)
    _check_plan(district, data, policy)
    with transaction.atomic():
        plan = Plan(
            district=district,
            cycle=cycle,
            kind=data.kind,
            title=_text(data.title, 200),
            start_year=data.start_year,
            end_year=data.end_year,
            vision=_text(data.vision),
            envelope=data.envelope,
            basic_plan=data.basic_plan,
        )
        audit.save_and_record(plan, actor=actor)
        if policy is not None:
            toc = policy.toc.basic if data.kind == PlanKind.BASIC else policy.toc.execution
            PlanSection.objects.bulk_create(
                PlanSection(plan=plan, code=e.code, order=i + 1, title=e.title)
                for i, e in enumerate(toc)
            )
    return plan


def update_plan(plan: Plan, data: PlanData, actor=None) -> Plan:
    require_editable(plan)
    if data.kind != plan.kind:
        raise ValidationError({"kind": _("The kind of a plan cannot change.")})
    policy = cycle_policy(plan.cycle.policy_key) if plan.cycle else None
    _check_plan(plan.district, data, policy)
    plan.title = _text(data.title, 200)
    plan.start_year, plan.end_year = data.start_year, data.end_year
    plan.vision = _text(data.vision)
    plan.envelope = data.envelope
    plan.basic_plan = data.basic_plan
    return audit.save_and_record(plan, actor=actor)


def update_section(section: PlanSection, body: str, actor=None) -> PlanSection:
    require_editable(section.plan)
    section.body = _text(body)
    return audit.save_and_record(section, actor=actor)


def add_goal(plan: Plan, text: str, year: int | None, actor=None) -> Goal:
    require_editable(plan)
    errors = {}
    if not _text(text):
        errors["text"] = _("This field is required.")
    elif len(_text(text)) > 300:
        errors["text"] = _("Use at most %(n)s characters.") % {"n": 300}
    if year is not None and not plan.start_year <= year <= plan.end_year:
        errors["year"] = _("Choose a year of the plan's period (%(a)s–%(b)s).") % {
            "a": plan.start_year,
            "b": plan.end_year,
        }
    if errors:
        raise ValidationError(errors)
    order = plan.goals.count() + 1
    goal = Goal(plan=plan, text=_text(text), year=year, order=order)
    return audit.save_and_record(goal, actor=actor)


def remove_goal(goal: Goal, actor=None) -> None:
    require_editable(goal.plan)
    with transaction.atomic():
        audit.record(goal.plan, "goal removed", actor, changes={"goal": [goal.text, None]})
        goal.delete()


# ---------------------------------------------------------------- tasks


# The kinds of body that may write a task (its "working group").
WORKING_GROUP_KINDS = (
    BodyKind.WORKING_GROUP,
    BodyKind.TFT,
    BodyKind.SUBCOMMITTEE,
    BodyKind.WORKING_UNIT,
)
# A task's free texts (its detailed plan), written by the district or its working group.
TASK_TEXT_FIELDS = (
    "background",
    "goals",
    "content",
    "governance",
    "publicity",
    "expected_effects",
    "private_transfer_reason",
)


@dataclass
class TaskData:
    kind: str
    title: str
    sub_project: str = ""
    period: str = ""
    working_group: Body | None = None
    agendas: list[Agenda] | None = None
    background: str = ""
    goals: str = ""
    content: str = ""
    governance: str = ""
    publicity: str = ""
    expected_effects: str = ""
    joint_operation: bool = False
    private_transfer_reason: str = ""


def _check_task(plan: Plan, data: TaskData) -> None:
    errors: dict[str, str] = {}
    if data.kind not in TaskKind.values:
        errors["kind"] = _("Choose governance foundation or sector task.")
    if not data.title.strip():
        errors["title"] = _("This field is required.")
    wg = data.working_group
    if wg is not None and (wg.district_id != plan.district_id):
        errors["working_group"] = _("Choose a body of this district.")
    elif wg is not None and wg.kind not in WORKING_GROUP_KINDS:
        errors["working_group"] = _("Choose a working group, task force or subcommittee.")
    if any(a.district_id != plan.district_id for a in data.agendas or []):
        errors["agendas"] = _("Choose agendas of this district.")
    if errors:
        raise ValidationError(errors)


def save_task(plan: Plan, data: TaskData, task: Task | None = None, actor=None) -> Task:
    require_editable(plan)
    _check_task(plan, data)
    with transaction.atomic():
        if task is None:
            task = Task(plan=plan, order=plan.tasks.filter(kind=data.kind).count() + 1)
        for name in ("kind", "title", "sub_project", "period", *TASK_TEXT_FIELDS):
            value = _text(getattr(data, name))
            limit = Task._meta.get_field(name).max_length
            setattr(task, name, value[:limit] if limit else value)
        task.working_group = data.working_group
        task.joint_operation = data.joint_operation
        audit.save_and_record(task, actor=actor)
        if data.agendas is not None:
            task.agendas.set(data.agendas)
    return task


# Where a task sits in the plan — its kind, sub-project number, working group and agendas —
# is the district's decision; the working group writes the rest (text, indicators, budget).
STRUCTURE_FIELDS = ("kind", "sub_project", "working_group", "agendas")


def structure_changes(task: Task, data: TaskData) -> list[str]:
    """The structure fields ``data`` would change on ``task`` (for working-group members,
    who may not change them)."""
    changed = []
    if data.kind != task.kind:
        changed.append("kind")
    if _text(data.sub_project) != task.sub_project:
        changed.append("sub_project")
    if (data.working_group.pk if data.working_group else None) != task.working_group_id:
        changed.append("working_group")
    if data.agendas is not None and {a.pk for a in data.agendas} != set(
        task.agendas.values_list("pk", flat=True)
    ):
        changed.append("agendas")
    return changed


# ---------------------------------------------------------------- indicators


@dataclass
class IndicatorData:
    name: str
    target: Decimal
    unit: str = ""
    baseline: Decimal | None = None
    actual: Decimal | None = None
    method: str = ""


def save_indicator(
    task: Task, data: IndicatorData, indicator: Indicator | None = None, actor=None
) -> Indicator:
    # Actual values are reported during execution as well, so only the plan's wording
    # (name, unit, baseline, target) is locked once the plan leaves the draft.
    if indicator is None or _plan_fields_changed(indicator, data):
        require_editable(task.plan)
    if not data.name.strip():
        raise ValidationError({"name": _("This field is required.")})
    indicator = indicator or Indicator(task=task, order=task.indicators.count() + 1)
    indicator.name = _text(data.name, 200)
    indicator.unit = _text(data.unit, 30)
    indicator.baseline, indicator.target, indicator.actual = (
        data.baseline,
        data.target,
        data.actual,
    )
    indicator.method = _text(data.method, 200)
    return audit.save_and_record(indicator, actor=actor)


def _plan_fields_changed(indicator: Indicator, data: IndicatorData) -> bool:
    return (
        indicator.name != data.name.strip()
        or indicator.unit != data.unit.strip()
        or indicator.baseline != data.baseline
        or indicator.target != data.target
        or indicator.method != data.method.strip()
    )


# ---------------------------------------------------------------- budget lines


@dataclass(frozen=True)
class LineData:
    category: str
    subtype: str
    nature: str
    source: str
    amount: int
    description: str = ""


def line_errors(data: LineData) -> dict[str, str]:
    """What is wrong with a line as typed (the caps are findings, not errors)."""
    rules = load_budget_rules(BUDGET_POLICY)
    errors: dict[str, str] = {}
    category = rules.category(data.category) if data.category else None
    if not data.category:
        errors["category"] = _("Choose a budget item.")
    elif category is None:
        errors["category"] = _("Choose one of the budget items of the policy.")
    elif data.subtype and category.subtype(data.subtype) is None:
        errors["subtype"] = _("This expense type does not belong to the budget item chosen.")
    if data.nature not in Nature.values:
        errors["nature"] = _("Choose current or capital subsidy.")
    if data.source not in Source.values:
        errors["source"] = _("Choose a funding source.")
    if data.amount < 1:
        errors["amount"] = _("Enter an amount of at least 1 won.")
    elif data.amount > MAX_AMOUNT:
        errors["amount"] = _("The amount is too large.")
    if len(data.description) > 300:
        errors["description"] = _("Use at most %(n)s characters.") % {"n": 300}
    return errors


def save_line(task: Task, data: LineData, line: BudgetLine | None = None, actor=None):
    require_editable(task.plan)
    errors = line_errors(data)
    if errors:
        raise ValidationError(errors)
    line = line or BudgetLine(task=task, order=task.budget_lines.count() + 1)
    line.category, line.subtype = data.category, data.subtype
    line.nature, line.source = data.nature, data.source
    line.amount, line.description = data.amount, data.description.strip()
    return audit.save_and_record(line, actor=actor)


def remove_line(line: BudgetLine, actor=None) -> None:
    require_editable(line.task.plan)
    with transaction.atomic():
        audit.record(
            line.task,
            "budget line removed",
            actor,
            changes={"line": [f"{line.category} {line.amount}", None]},
        )
        line.delete()


# ---------------------------------------------------------------- budget checks


def plan_tasks(plan: Plan) -> list[Task]:
    """The plan's tasks with lines, indicators, agendas and working group: 4 queries.
    Each task gets ``line_total``; each line its policy ``label``."""
    tasks = list(
        plan.tasks.select_related("working_group")
        .prefetch_related(
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("order", "id")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id")),
            Prefetch("agendas", queryset=Agenda.objects.order_by("rank", "id")),
        )
        .order_by("kind", "order", "id")
    )
    for task in tasks:
        lines = task.budget_lines.all()
        task.line_total = sum(x.amount for x in lines)  # type: ignore[attr-defined]
        for line in lines:
            line.label = item_label(line.category, line.subtype)  # type: ignore[attr-defined]
    return tasks


def _engine_line(line: BudgetLine | LineData, line_id, sub_project: str) -> engine.BudgetLine:
    return engine.BudgetLine(
        id=line_id,
        category=line.category,
        subtype=line.subtype or None,
        nature=line.nature,  # type: ignore[arg-type]
        source=line.source,  # type: ignore[arg-type]
        amount=line.amount,
        sub_project=sub_project or None,
    )


def _budget(tasks: tuple[engine.TaskBudget, ...], envelope: int | None) -> engine.PlanBudget:
    """The engine's plan budget; the city subsidy is what the city-funded lines add up to."""
    city = sum(x.amount for t in tasks for x in t.lines if x.source == "city")
    return engine.PlanBudget(tasks, city_subsidy=city, envelope=envelope)


def plan_budget(plan: Plan, tasks: Iterable[Task]) -> engine.PlanBudget:
    task_budgets = tuple(
        engine.TaskBudget(
            task.pk,
            task.kind,  # type: ignore[arg-type]
            task.title,
            tuple(_engine_line(x, x.pk, task.sub_project) for x in task.budget_lines.all()),
            # what the task's detailed plan states, for the requirements of 3.2.2
            joint_operation=task.joint_operation,
            transfer_reason=task.private_transfer_reason,
        )
        for task in tasks
    )
    return _budget(task_budgets, plan.envelope)


def check_plan(plan: Plan, tasks: Iterable[Task] | None = None) -> list[engine.Finding]:
    tasks = plan_tasks(plan) if tasks is None else tasks
    return engine.check_budget(plan_budget(plan, tasks), load_budget_rules(BUDGET_POLICY))


CANDIDATE = "candidate"


@dataclass
class CandidateCheck:
    findings: list[engine.Finding]  # every finding with the typed line in place
    caused: list[engine.Finding]  # the blocking ones the typed line brings or worsens


def check_candidate(
    task: Task, data: LineData, replacing: BudgetLine | None = None
) -> CandidateCheck:
    """The plan's findings if the typed line were saved (in place of ``replacing``)."""
    tasks = plan_tasks(task.plan)
    base = plan_budget(task.plan, tasks)
    candidate = _engine_line(data, CANDIDATE, task.sub_project)
    with_line = []
    for t in base.tasks:
        lines = tuple(x for x in t.lines if replacing is None or x.id != replacing.pk)
        if t.id == task.pk:
            lines = (*lines, candidate)
        with_line.append(replace(t, lines=lines))
    after = _budget(tuple(with_line), base.envelope)
    rules = load_budget_rules(BUDGET_POLICY)
    before_findings = engine.check_budget(base, rules)
    after_findings = engine.check_budget(after, rules)
    before = {(f.rule, f.scope, f.scope_id, f.sub_project): f.excess for f in before_findings}
    caused = [
        f
        for f in engine.blocking(after_findings)
        if f.scope_id == CANDIDATE
        or f.excess > before.get((f.rule, f.scope, f.scope_id, f.sub_project), 0)
    ]
    return CandidateCheck(findings=after_findings, caused=caused)


@dataclass
class Totals:
    by_source: dict[str, int]
    by_nature: dict[str, int]
    total: int
    foundation: int
    sector: int


def totals(tasks: Iterable[Task]) -> Totals:
    by_source = dict.fromkeys(Source.values, 0)
    by_nature = dict.fromkeys(Nature.values, 0)
    total = foundation = sector = 0
    for task in tasks:
        for line in task.budget_lines.all():
            by_source[line.source] = by_source.get(line.source, 0) + line.amount
            by_nature[line.nature] = by_nature.get(line.nature, 0) + line.amount
            total += line.amount
            if task.kind == TaskKind.FOUNDATION:
                foundation += line.amount
            else:
                sector += line.amount
    return Totals(by_source, by_nature, total, foundation, sector)


# ---------------------------------------------------------------- declarations


def confirm_declaration(plan: Plan, rule: str, note: str, actor) -> Declaration:
    """The district confirms a statement the engine cannot check (운영지침 3.2.1 and the
    conditions of 3.2.2), e.g. that no project mainly sells a product."""
    require_editable(plan)
    known = {d.rule for d in load_budget_rules(BUDGET_POLICY).declarations}
    if rule not in known:
        raise ValidationError({"rule": _("Choose one of the statements of the policy.")})
    declaration = Declaration.objects.filter(plan=plan, rule=rule).first()
    declaration = declaration or Declaration(plan=plan, rule=rule)
    declaration.confirmed_by = actor
    declaration.note = _text(note)
    return audit.save_and_record(declaration, actor=actor, created="confirmed")
