"""Pages of the plan cycle: one district's stages of a year, and the city-wide view.

The stages, their dates, bodies, forums and decisions are public (no personal data);
staff of the district (city officers for all) open the cycle, edit and adapt stages.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action, user_can

from . import cycle as rules
from . import cycle_services as services
from .budget_rules import is_english
from .cycle_policy import cycle_policy, cycle_years, policy_for_year
from .forms_plans import AddStageForm, StageForm, apply_errors
from .models import CycleStage, PlanCycle, StageStatus


def _require_edit(request, district_id: int) -> None:
    if not user_can(request.user, Action.EDIT, district_id):
        raise PermissionDenied


def _year(raw: str | None) -> int:
    years = cycle_years()
    if raw and raw.isdecimal() and len(raw) == 4:
        return int(raw)
    return years[0] if years else timezone.localdate().year


def district_cycle(request, code: str, year: int):
    district = get_object_or_404(District, code=code)
    cycle = PlanCycle.objects.filter(district=district, year=year).first()
    can_edit = user_can(request.user, Action.EDIT, district.pk)
    policy = cycle_policy(cycle.policy_key) if cycle else policy_for_year(year)
    if cycle is None and policy is None:
        raise Http404
    stages = services.cycle_with_stages(cycle) if cycle else []
    facts = [services.as_rule(s) for s in stages]
    current = rules.current_stage(facts)
    findings = rules.findings(facts, timezone.localdate())
    by_stage: dict[str, list[rules.CycleFinding]] = {}
    for f in findings:
        by_stage.setdefault(f.code, []).append(f)
    rows = [(s, by_stage.get(s.code, [])) for s in stages]
    return render(
        request,
        "plans/cycle_district.html",
        {
            "district": district,
            "year": year,
            "cycle": cycle,
            "policy": policy,
            "rows": rows,
            "current_code": current.code if current else "",
            "progress": rules.progress(facts),
            "can_edit": can_edit,
            "add_form": AddStageForm(cycle=cycle) if cycle and can_edit else None,
            "plans": cycle.plans.order_by("kind", "id") if cycle else [],
        },
    )


@require_POST
def cycle_open(request, code: str, year: int):
    district = get_object_or_404(District, code=code)
    _require_edit(request, district.pk)
    try:
        services.open_cycle(district, year, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("plans:cycle", district.code, year)


def stage_edit(request, pk: int):
    stage = get_object_or_404(CycleStage.objects.select_related("cycle__district"), pk=pk)
    cycle = stage.cycle
    _require_edit(request, cycle.district_id)
    form = StageForm(request.POST or None, stage=stage)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        change = services.StageChange(
            status=d["status"],
            start_date=d.get("start_date"),
            end_date=d.get("end_date"),
            title=d.get("title") or "",
            responsible_body=d.get("responsible_body"),
            forums=list(d.get("forums") or []),
            decisions=list(d.get("decisions") or []),
            note=d.get("note") or "",
        )
        try:
            services.update_stage(stage, change, actor=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The stage was saved."))
            return redirect("plans:cycle", cycle.district.code, cycle.year)
    return render(
        request,
        "plans/cycle_stage_form.html",
        {"stage": stage, "cycle": cycle, "district": cycle.district, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def stage_add(request, code: str, year: int):
    district = get_object_or_404(District, code=code)
    _require_edit(request, district.pk)
    cycle = get_object_or_404(PlanCycle, district=district, year=year)
    form = AddStageForm(request.POST, cycle=cycle)
    if form.is_valid():
        try:
            services.add_stage(
                cycle, form.cleaned_data["title"], form.cleaned_data.get("after"), request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The stage was added."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("plans:cycle", district.code, year)


@require_POST
def stage_remove(request, pk: int):
    stage = get_object_or_404(CycleStage.objects.select_related("cycle__district"), pk=pk)
    cycle = stage.cycle
    _require_edit(request, cycle.district_id)
    try:
        services.remove_stage(stage, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The stage was removed."))
    return redirect("plans:cycle", cycle.district.code, cycle.year)


def city_cycles(request):
    year = _year(request.GET.get("year"))
    rows = services.city_overview(year)
    policy = policy_for_year(year)
    columns = (
        [(s.code, s.title_en if is_english() else s.title) for s in policy.stages] if policy else []
    )
    table = []
    for row in rows:
        by_code = {s.code: s for s in row.stages}
        cells = [by_code.get(code) for code, _label in columns]
        extra = [s for s in row.stages if s.code not in dict(columns)]
        table.append((row, cells, extra))
    return render(
        request,
        "plans/cycle_city.html",
        {
            "year": year,
            "years": cycle_years(),
            "columns": columns,
            "table": table,
            "policy": policy,
            "statuses": StageStatus,
        },
    )
