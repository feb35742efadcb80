"""API of execution under /api/v1/plans/{id}/reports…, /api/v1/reports…, settlement and
the city's list of settlements.

Progress reports and settlements of a plan in execution are public (public money, no
personal data). Staff of the plan's district open, fill and submit the quarterly reports
and submit the settlement and the return; city officers record a termination. The list
of settlements with their due dates and overdue flags is for staff: city officers see
every district, district staff their own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from hyeopchi.core.api_support import (
    READ_ERRORS,
    WRITE_AUTH,
    WRITE_ERRORS,
    can_see_private,
    require,
    require_staff,
)
from hyeopchi.core.permissions import Action, actor_for

from . import services_execution as execution
from .models import BudgetLine, Plan, ProgressReport, Settlement

router = Router(tags=["plan execution"])


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


# ---------------------------------------------------------------- schemas


class OverspendOut(Schema):
    scope: str = Field(description="line or task")
    scope_id: int
    planned: int
    spent: int
    excess: int


class SpendingOut(Schema):
    line_id: int
    task_id: int
    source: str
    planned: int
    spent: int
    duplicated: int = Field(description="Of spent, also paid by national or other public money.")


class ReportOut(Schema):
    id: int
    plan_id: int
    year: int
    quarter: int
    due: dt.date
    submitted_at: dt.datetime | None
    narratives: dict[str, str] = Field(description="Progress text by task id.")
    spending: list[SpendingOut]
    actuals: dict[str, Decimal] = Field(description="Actual values by indicator id.")
    overspending: list[OverspendOut]
    changes_notified: list[int] = Field(description="Change requests notified with it.")


def report_out(report: ProgressReport, plan_lines: list | None = None) -> dict:
    lines = execution.spend_lines(report, plan_lines)
    found = execution.overspending(report, lines)
    return {
        "id": report.pk,
        "plan_id": report.plan_id,
        "year": report.year,
        "quarter": report.quarter,
        "due": execution.report_due(report),
        "submitted_at": _local(report.submitted_at),
        "narratives": {str(t.task_id): t.narrative for t in report.task_progress.all()},
        "spending": [
            {
                "line_id": int(x.id),
                "task_id": int(x.task_id),
                "source": x.source,
                "planned": x.planned,
                "spent": x.spent,
                "duplicated": x.duplicated,
            }
            for x in lines
        ],
        "actuals": {str(a.indicator_id): a.value for a in report.actuals.all()},
        "overspending": [
            {
                "scope": o.scope,
                "scope_id": int(o.scope_id),
                "planned": o.planned,
                "spent": o.spent,
                "excess": o.excess,
            }
            for o in found
        ],
        "changes_notified": [d.request_id for d in report.change_decisions.all()],
    }


class ReportIn(Schema):
    year: int
    quarter: int = Field(description="1–4")


class NarrativeIn(Schema):
    task_id: int
    text: str = Field("", max_length=execution.NARRATIVE_MAX)


class SpendingIn(Schema):
    line_id: int
    spent: int = Field(description="Spent to date, whole won.")
    duplicated: int = 0


class ActualIn(Schema):
    indicator_id: int
    value: Decimal


class ReportContentIn(Schema):
    narratives: list[NarrativeIn] = Field(default_factory=list, max_length=500)
    spending: list[SpendingIn] = Field(default_factory=list, max_length=5000)
    actuals: list[ActualIn] = Field(default_factory=list, max_length=2000)


class SettlementOut(Schema):
    plan_id: int
    district_id: int
    due_date: dt.date
    overdue: bool
    submitted_at: dt.datetime | None
    period_end: dt.date | None
    subsidy_received: int
    subsidy_spent: int
    unspent: int
    interest: int
    duplicated: int
    national_duplicate: bool
    to_return: int
    return_method: str
    returned: int
    returned_at: dt.date | None
    terminated: bool
    terminated_on: dt.date | None
    termination_ground: str


def settlement_out(settlement: Settlement, today: dt.date | None = None) -> dict:
    row = execution.settlement_rows([settlement.plan], today)[0]
    fields = [
        f for f in SettlementOut.model_fields if f not in ("overdue", "plan_id", "district_id")
    ]
    data = {f: getattr(settlement, f) for f in fields}
    data.update(
        plan_id=settlement.plan_id,
        district_id=settlement.plan.district_id,
        overdue=row["overdue"],
        submitted_at=_local(settlement.submitted_at),
    )
    return data


class SettlementIn(Schema):
    subsidy_received: int | None = Field(None, description="Default: the subsidy disbursed.")
    interest: int = 0
    return_method: str = Field("", max_length=40)
    note: str = Field("", max_length=execution.NOTE_MAX)


class ReturnIn(Schema):
    amount: int
    returned_on: dt.date


class TerminationIn(Schema):
    ground: str = Field(max_length=40)
    terminated_on: dt.date
    reason: str = Field(max_length=execution.NOTE_MAX)
    council_heard_on: dt.date | None = None
    correction_deadline: dt.date | None = None


class SettlementRowOut(Schema):
    plan_id: int
    plan_title: str
    district_id: int
    district_code: str
    due: dt.date
    submitted_on: dt.date | None
    overdue: bool
    late: bool
    days_overdue: int
    to_return: int | None


def _visible(request, plan_id: int) -> Plan:
    """A plan the caller may see: drafts only for the district's staff (404 otherwise)."""
    plan = get_object_or_404(Plan, pk=plan_id)
    if not plan.is_public and not can_see_private(request, plan.district_id):
        raise Http404
    return plan


def _reports():
    return ProgressReport.objects.select_related("plan").prefetch_related(
        "task_progress", "actuals", "change_decisions", "spending"
    )


# ---------------------------------------------------------------- reads


@router.get("/plans/{int:plan_id}/reports", response={200: list[ReportOut], **READ_ERRORS})
def list_reports(request, plan_id: int):
    """The quarterly progress reports of a plan with their overspending flags."""
    plan = _visible(request, plan_id)
    lines = list(BudgetLine.objects.filter(task__plan=plan).order_by("task_id", "id"))
    reports = _reports().filter(plan=plan).order_by("year", "quarter")
    return [report_out(r, lines) for r in reports]


@router.get("/reports/{int:report_id}", response={200: ReportOut, **READ_ERRORS})
def get_report(request, report_id: int):
    return report_out(get_object_or_404(_reports(), pk=report_id))


@router.get("/plans/{int:plan_id}/settlement", response={200: SettlementOut, **READ_ERRORS})
def get_settlement(request, plan_id: int):
    """The plan's settlement: due date, overdue, figures, return and termination."""
    plan = _visible(request, plan_id)
    settlement = Settlement.objects.filter(plan=plan).select_related("plan").first()
    if settlement is None:
        settlement = Settlement(plan=plan, due_date=execution.due_date(plan))
    return settlement_out(settlement)


@router.get("/settlements", response={200: list[SettlementRowOut], **READ_ERRORS})
def list_settlements(request, overdue: bool | None = None):
    """Every execution plan's settlement with its due date, overdue first (city officers:
    all districts; district staff: their own)."""
    user = require_staff(request)
    actor = actor_for(user)
    rows = execution.settlement_rows(execution.settling_plans(actor))
    if overdue is not None:
        rows = [r for r in rows if r["overdue"] == overdue]
    return [
        {
            "plan_id": r["plan"].pk,
            "plan_title": r["plan"].title,
            "district_id": r["plan"].district_id,
            "district_code": r["plan"].district.code,
            "due": r["due"],
            "submitted_on": r["submitted_on"],
            "overdue": r["overdue"],
            "late": r["late"],
            "days_overdue": r["days_overdue"],
            "to_return": r["settlement"].to_return
            if r["settlement"] and r["settlement"].submitted_at
            else None,
        }
        for r in rows
    ]


# ---------------------------------------------------------------- writes


def _plan_for_edit(request, plan_id: int):
    plan = get_object_or_404(Plan, pk=plan_id)
    return plan, require(request, Action.EDIT, plan.district_id)


def _report_for_edit(request, report_id: int):
    report = get_object_or_404(ProgressReport.objects.select_related("plan"), pk=report_id)
    return report, require(request, Action.EDIT, report.plan.district_id)


@router.post(
    "/plans/{int:plan_id}/reports", response={201: ReportOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def open_report(request, plan_id: int, payload: ReportIn):
    """Open the report of a quarter (1–4) of the plan's years that has begun."""
    plan, user = _plan_for_edit(request, plan_id)
    report = execution.open_report(plan, payload.year, payload.quarter, user)
    return Status(201, report_out(_reports().get(pk=report.pk)))


@router.patch(
    "/reports/{int:report_id}", response={200: ReportOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def save_report(request, report_id: int, payload: ReportContentIn):
    """Save progress per task, spending to date per line, indicator actual values."""
    report, user = _report_for_edit(request, report_id)
    execution.save_report(
        report,
        user,
        narratives={n.task_id: n.text for n in payload.narratives},
        spending={s.line_id: (s.spent, s.duplicated) for s in payload.spending},
        actuals={a.indicator_id: a.value for a in payload.actuals},
    )
    return report_out(_reports().get(pk=report.pk))


@router.post(
    "/reports/{int:report_id}/submit",
    response={200: ReportOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def submit_report(request, report_id: int):
    report, user = _report_for_edit(request, report_id)
    execution.submit_report(report, user)
    return report_out(_reports().get(pk=report.pk))


@router.post(
    "/plans/{int:plan_id}/settlement",
    response={200: SettlementOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def submit_settlement(request, plan_id: int, payload: SettlementIn):
    """Submit the settlement: unspent subsidy, interest and double funding to return."""
    plan, user = _plan_for_edit(request, plan_id)
    settlement = execution.submit_settlement(
        plan,
        user,
        subsidy_received=payload.subsidy_received,
        interest=payload.interest,
        return_method=payload.return_method,
        note=payload.note,
    )
    return settlement_out(Settlement.objects.select_related("plan").get(pk=settlement.pk))


@router.post(
    "/plans/{int:plan_id}/settlement/return",
    response={200: SettlementOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def record_return(request, plan_id: int, payload: ReturnIn):
    plan, user = _plan_for_edit(request, plan_id)
    settlement = execution.settlement_for(plan)
    execution.record_return(settlement, payload.amount, payload.returned_on, user)
    return settlement_out(Settlement.objects.select_related("plan").get(pk=settlement.pk))


@router.post(
    "/plans/{int:plan_id}/termination",
    response={200: SettlementOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def terminate(request, plan_id: int, payload: TerminationIn):
    """Record the termination of the agreement (city officers)."""
    plan, user = _plan_for_edit(request, plan_id)
    settlement = execution.terminate(
        plan,
        user,
        ground=payload.ground,
        terminated_on=payload.terminated_on,
        reason=payload.reason,
        council_heard_on=payload.council_heard_on,
        correction_deadline=payload.correction_deadline,
    )
    return settlement_out(Settlement.objects.select_related("plan").get(pk=settlement.pk))
