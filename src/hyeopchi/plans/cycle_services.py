"""Services of a district's plan cycle: open it from the policy, adapt and update stages,
and read the city-wide overview. Every change is validated, then audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hyeopchi.bodies.models import Body, Decision
from hyeopchi.core import audit
from hyeopchi.core.models import District
from hyeopchi.participation.models import Forum

from . import cycle as rules
from .cycle_policy import policy_for_year
from .models import CycleStage, PlanCycle


def as_rule(stage: CycleStage) -> rules.Stage:
    return rules.Stage(
        code=stage.code,
        order=stage.order,
        title=stage.display_title,
        status=stage.status,  # type: ignore[arg-type]
        required=stage.required,
        start=stage.start_date,
        end=stage.end_date,
    )


def open_cycle(district: District, year: int, actor=None) -> PlanCycle:
    """The district's cycle of ``year``, created with the policy's stages if new."""
    existing = PlanCycle.objects.filter(district=district, year=year).first()
    if existing is not None:
        return existing
    policy = policy_for_year(year)
    if policy is None:
        raise ValidationError({"year": _("No plan-cycle policy covers %(year)s.") % {"year": year}})
    with transaction.atomic():
        cycle = PlanCycle.objects.create(district=district, year=year, policy_key=policy.key)
        CycleStage.objects.bulk_create(
            CycleStage(
                cycle=cycle,
                code=spec.code,
                order=(index + 1) * 10,
                title=spec.title,
                title_en=spec.title_en,
                required=spec.required,
                end_date=spec.due,
                from_policy=True,
            )
            for index, spec in enumerate(policy.stages)
        )
        audit.record(cycle, "created", actor, changes={"policy": [None, policy.key]})
    return cycle


@dataclass
class StageChange:
    status: str
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    title: str = ""
    responsible_body: Body | None = None
    forums: list[Forum] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    note: str = ""


def _check_links(stage: CycleStage, change: StageChange) -> dict[str, str]:
    district_id = stage.cycle.district_id
    errors: dict[str, str] = {}
    body = change.responsible_body
    if body is not None and body.district_id not in (None, district_id):
        errors["responsible_body"] = _("Choose a body of this district or of the city.")
    if any(f.district_id != district_id for f in change.forums):
        errors["forums"] = _("Choose forums of this district.")
    if any(d.body.district_id not in (None, district_id) for d in change.decisions):
        errors["decisions"] = _("Choose decisions of this district's bodies or of the city.")
    return errors


def update_stage(stage: CycleStage, change: StageChange, actor=None) -> CycleStage:
    errors = _check_links(stage, change)
    problem = rules.status_change_error(as_rule(stage), change.status)
    if problem:
        errors["status"] = problem
    if change.start_date and change.end_date and change.end_date < change.start_date:
        errors["end_date"] = _("The end date cannot be before the start date.")
    if change.title and len(change.title) > 200:
        errors["title"] = _("Use at most %(n)s characters.") % {"n": 200}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if change.title.strip() and change.title.strip() != stage.title:
            stage.title = change.title.strip()
            stage.title_en = ""  # a renamed stage has no policy translation any more
        stage.status = change.status
        stage.start_date = change.start_date
        stage.end_date = change.end_date
        stage.responsible_body = change.responsible_body
        stage.note = change.note
        audit.save_and_record(stage, actor=actor)
        stage.forums.set(change.forums)
        stage.decisions.set(change.decisions)
    return stage


def add_stage(cycle: PlanCycle, title: str, after: CycleStage | None, actor=None) -> CycleStage:
    """A stage of the district's own, placed after ``after`` (first when None)."""
    title = (title or "").strip()
    stages = list(cycle.stages.all())
    code = "own_" + (slugify(title, allow_unicode=False).replace("-", "_") or "stage")[:30]
    suffix = 2
    base = code
    while any(s.code == code for s in stages):
        code = f"{base}_{suffix}"
        suffix += 1
    problem = rules.new_stage_error([as_rule(s) for s in stages], code, title)
    if problem:
        raise ValidationError({"title": problem})
    if len(title) > 200:
        raise ValidationError({"title": _("Use at most %(n)s characters.") % {"n": 200}})
    if after is not None and after.cycle_id != cycle.pk:
        raise ValidationError({"after": _("Choose a stage of this cycle.")})
    with transaction.atomic():
        # Room between stages: renumber in steps of 10 and take the gap after `after`.
        ordered = sorted(stages, key=lambda s: (s.order, s.pk))
        for index, s in enumerate(ordered):
            s.order = (index + 1) * 10
        CycleStage.objects.bulk_update(ordered, ["order"])
        order = 5 if after is None else next(s.order for s in ordered if s.pk == after.pk) + 5
        stage = CycleStage(
            cycle=cycle, code=code, order=order, title=title, from_policy=False, required=False
        )
        audit.save_and_record(stage, actor=actor)
    return stage


def remove_stage(stage: CycleStage, actor=None) -> None:
    problem = rules.removal_error(as_rule(stage), stage.from_policy)
    if problem:
        raise ValidationError(problem)
    with transaction.atomic():
        audit.record(stage, "removed", actor, changes={"title": [stage.title, None]})
        stage.delete()


# ---------------------------------------------------------------- reading


def cycle_with_stages(cycle: PlanCycle) -> list[CycleStage]:
    return list(
        cycle.stages.select_related("responsible_body")
        .prefetch_related(
            Prefetch("forums", queryset=Forum.objects.order_by("held_on", "id")),
            Prefetch("decisions", queryset=Decision.objects.order_by("decided_on", "id")),
        )
        .order_by("order", "id")
    )


@dataclass
class DistrictRow:
    district: District
    cycle: PlanCycle | None
    stages: list[CycleStage]
    current: CycleStage | None
    progress: rules.Progress
    findings: list[rules.CycleFinding]


def city_overview(year: int, today: dt.date | None = None) -> list[DistrictRow]:
    """Every district's cycle of ``year`` with its stages: a fixed number of queries."""
    today = today or timezone.localdate()
    cycles = {
        c.district_id: c
        for c in PlanCycle.objects.filter(year=year).prefetch_related(
            Prefetch("stages", queryset=CycleStage.objects.order_by("order", "id"))
        )
    }
    rows = []
    for district in District.objects.order_by("code"):
        cycle = cycles.get(district.pk)
        stages = list(cycle.stages.all()) if cycle else []
        by_code = {s.code: s for s in stages}
        facts = [as_rule(s) for s in stages]
        current = rules.current_stage(facts)
        rows.append(
            DistrictRow(
                district=district,
                cycle=cycle,
                stages=stages,
                current=by_code[current.code] if current else None,
                progress=rules.progress(facts),
                findings=rules.findings(facts, today),
            )
        )
    return rows
