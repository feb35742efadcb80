"""Pages of execution: the plan's quarterly reports, one report (its form while it is not
submitted), the settlement page (figures, submission, return, termination) and the list
of settlements with their due dates and overdue flags for city officers and staff.

Reports and settlements of a plan in execution are public (public money, no names).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hyeopchi.core.permissions import Action, actor_for, user_can

from . import services_execution as execution
from .forms_execution import (
    OpenReportForm,
    ReportForm,
    ReturnForm,
    SettlementForm,
    TerminationForm,
    apply_errors,
)
from .models import BudgetLine, Indicator, Plan, ProgressReport, Settlement, Task
from .views_changes import plan_url, visible_plan


def _can_edit(request, plan: Plan) -> bool:
    return user_can(request.user, Action.EDIT, plan.district_id)


def _base(plan: Plan) -> dict:
    return {"plan": plan, "district": plan.district, "plan_url": plan_url(plan)}


def report_list(request, pk: int):
    plan = visible_plan(request, pk)
    can_edit = _can_edit(request, plan) and plan.status in execution.REPORTING_STATUSES
    form = OpenReportForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = execution.open_report(
                    plan,
                    form.cleaned_data["year"].strip(),
                    form.cleaned_data["quarter"],
                    request.user,
                )
                return redirect("plan_execution:report", report.pk)
            except ValidationError as exc:
                apply_errors(form, exc)
    lines = list(BudgetLine.objects.filter(task__plan=plan).order_by("task_id", "id"))
    reports = list(
        ProgressReport.objects.filter(plan=plan)
        .prefetch_related("spending", "change_decisions")
        .order_by("year", "quarter")
    )
    for report in reports:
        spent = execution.spend_lines(report, lines)
        report.flags = execution.overspending(report, spent)
        report.due = execution.report_due(report)
        report.subsidy_spent = sum(x.spent for x in spent if x.source == "city")
    return render(
        request,
        "plans/execution_reports.html",
        {**_base(plan), "reports": reports, "form": form},
        status=422 if form is not None and form.errors else 200,
    )


def report_detail(request, pk: int):
    report = get_object_or_404(
        ProgressReport.objects.select_related("plan__district").prefetch_related(
            "task_progress", "spending", "actuals", "change_decisions"
        ),
        pk=pk,
    )
    plan = report.plan
    editable = _can_edit(request, plan) and report.submitted_at is None
    tasks = list(Task.objects.filter(plan=plan))
    lines = list(
        BudgetLine.objects.filter(task__plan=plan).select_related("task").order_by("task_id", "id")
    )
    indicators = list(Indicator.objects.filter(task__plan=plan).select_related("task"))
    form = None
    status = 200
    if editable:
        form = ReportForm(report, tasks, lines, indicators, request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                try:
                    execution.save_report(report, request.user, **form.typed())
                    if "submit" in request.POST:
                        execution.submit_report(report, request.user)
                        messages.success(request, _("The report was submitted."))
                    else:
                        messages.success(request, _("The report was saved."))
                    return redirect("plan_execution:report", report.pk)
                except ValidationError as exc:
                    apply_errors(form, exc)
            status = 422
    elif request.method == "POST":
        raise PermissionDenied
    spent = execution.spend_lines(report, lines)
    by_line = {int(x.id): x for x in spent}
    flags = execution.overspending(report, spent)
    flagged = {(o.scope, int(o.scope_id)) for o in flags}
    rows = [
        {"line": line, "spend": by_line[line.pk], "over": ("line", line.pk) in flagged}
        for line in lines
    ]
    narratives = {t.task_id: t.narrative for t in report.task_progress.all()}
    actuals = {a.indicator_id: a.value for a in report.actuals.all()}
    return render(
        request,
        "plans/execution_report.html",
        {
            **_base(plan),
            "report": report,
            "here": f"{report.year} Q{report.quarter}",
            "due": execution.report_due(report),
            "form": form,
            "rows": rows,
            "flags": flags,
            "flagged_tasks": {tid for scope, tid in flagged if scope == "task"},
            "tasks": [(t, narratives.get(t.pk, "")) for t in tasks],
            "indicators": [(i, actuals.get(i.pk)) for i in indicators],
            "notified": [d.request_id for d in report.change_decisions.all()],
        },
        status=status,
    )


def settlement(request, pk: int):
    plan = visible_plan(request, pk)
    record = Settlement.objects.filter(plan=plan).first()
    due = record.due_date if record else execution.due_date(plan)
    return _settlement_page(request, plan, record, due)


def _settlement_page(request, plan, record, due, **forms):
    actor = actor_for(request.user)
    rules = execution.rules()
    can_edit = _can_edit(request, plan)
    submitted = record is not None and record.submitted_at is not None
    today = timezone.localdate()
    submitted_on = timezone.localdate(record.submitted_at) if submitted else None
    context = {
        **_base(plan),
        "settlement": record,
        "due": due,
        "overdue": execution.sr.is_overdue(due, submitted_on, today),
        "late": execution.sr.submitted_late(due, submitted_on),
        "method": rules.settlement.return_method(record.return_method) if record else None,
        "ground": rules.settlement.ground(record.termination_ground) if record else None,
        "settlement_form": SettlementForm(
            rules, initial={"subsidy_received": plan.disbursed_amount or ""}
        )
        if can_edit and not submitted and plan.status in execution.SETTLING_STATUSES
        else None,
        "return_form": ReturnForm(initial={"returned": record.to_return if record else ""})
        if can_edit and submitted and not record.returned
        else None,
        "termination_form": TerminationForm(rules)
        if (actor.city_wide or actor.superuser) and plan.status in execution.TERMINABLE_STATUSES
        else None,
    }
    context.update({k: v for k, v in forms.items() if v is not None})
    status = 422 if any(f is not None and f.errors for f in forms.values()) else 200
    return render(request, "plans/execution_settlement.html", context, status=status)


def _plan_for_edit(request, pk: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("district"), pk=pk)
    if not _can_edit(request, plan):
        raise PermissionDenied
    return plan


def _again(request, plan: Plan, **forms):
    record = Settlement.objects.filter(plan=plan).first()
    due = record.due_date if record else execution.due_date(plan)
    return _settlement_page(request, plan, record, due, **forms)


@login_required
@require_POST
def settlement_submit(request, pk: int):
    plan = _plan_for_edit(request, pk)
    form = SettlementForm(execution.rules(), request.POST)
    if form.is_valid():
        try:
            execution.submit_settlement(plan, request.user, **form.cleaned_data)
            messages.success(request, _("The settlement report was submitted."))
            return redirect("plan_execution:settlement", plan.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    return _again(request, plan, settlement_form=form)


@login_required
@require_POST
def settlement_return(request, pk: int):
    plan = _plan_for_edit(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            execution.record_return(
                execution.settlement_for(plan),
                form.cleaned_data["returned"],
                form.cleaned_data["returned_at"],
                request.user,
            )
            messages.success(request, _("The return was recorded."))
            return redirect("plan_execution:settlement", plan.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    return _again(request, plan, return_form=form)


@login_required
@require_POST
def terminate(request, pk: int):
    plan = _plan_for_edit(request, pk)
    form = TerminationForm(execution.rules(), request.POST)
    if form.is_valid():
        try:
            execution.terminate(plan, request.user, **form.cleaned_data)
            messages.success(request, _("The termination was recorded."))
            return redirect("plan_execution:settlement", plan.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    return _again(request, plan, termination_form=form)


@login_required
def settlement_list(request):
    """Settlements with their due dates, the overdue first: city officers see every
    district, district staff their own."""
    actor = actor_for(request.user)
    if not actor.is_staff_anywhere:
        raise PermissionDenied
    rows = execution.settlement_rows(execution.settling_plans(actor))
    return render(
        request,
        "plans/execution_settlements.html",
        {
            "rows": rows,
            "overdue_count": sum(1 for r in rows if r["overdue"]),
            "months": execution.rules().settlement.due_months_after_period_end,
        },
    )
