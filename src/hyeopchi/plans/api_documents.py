"""API of a plan's official documents, under /api/v1/plans/{id}/documents/….

The budget tables as JSON (원) and as XLSX, the plan document as PDF: readable as the plan
is (public from council approval on; a draft is 404 to others). The manual's forms name
people and contacts: the district's staff and city officers only (401 / 403). 서식 2-1
and 3-1 are POSTed with what the form holds; bad values come back as 422 with messages by
field, as the page shows them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from hyeopchi.bodies.documents import FontMissing
from hyeopchi.core.api_support import (
    READ_ERRORS,
    WRITE_AUTH,
    WRITE_ERRORS,
    ErrorOut,
    can,
    require,
)
from hyeopchi.core.permissions import Action

from . import budget_tables as tables
from . import documents, documents_data, documents_xlsx
from .forms_documents import ApplicationForm, SubmissionForm
from .models import Plan
from .views_documents import PDF, XLSX, budget_totals, file_name, file_response

router = Router(tags=["plan documents"])


def _readable(request, plan_id: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("district"), pk=plan_id)
    if not plan.is_public and not can(request, Action.VIEW_PRIVATE, plan.district_id):
        raise HttpError(404, _("Not found."))
    return plan


def _staff(request, plan_id: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("district"), pk=plan_id)
    require(request, Action.VIEW_PRIVATE, plan.district_id)
    return plan


def _pdf(build, name: str) -> HttpResponse:
    try:
        return file_response(build(), PDF, name)
    except FontMissing as exc:
        raise HttpError(503, str(exc)) from exc


FILE = {200: bytes, **READ_ERRORS}


# ---------------------------------------------------------------- budget tables


class SourceRowOut(Schema):
    key: str
    label: str
    city: int = Field(description="원")
    district: int = Field(description="원")
    other: int = Field(description="원 (national and other funds)")
    total: int = Field(description="원")


class NatureOut(Schema):
    current: int = Field(description="City subsidy budgeted as current subsidy (원).")
    capital: int = Field(description="City subsidy budgeted as capital subsidy (원).")
    total: int


class BudgetTablesOut(Schema):
    plan_id: int
    by_nature: NatureOut
    by_item: list[SourceRowOut]
    by_task: list[SourceRowOut]
    total: SourceRowOut


def _row(row: tables.SourceRow) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "city": row.city,
        "district": row.district,
        "other": row.other,
        "total": row.total,
    }


@router.get("/plans/{plan_id}/documents/budget", response={200: BudgetTablesOut, **READ_ERRORS})
def budget_tables(request, plan_id: int):
    """The execution plan's budget tables (부록5 §4) in exact 원: the city subsidy by
    nature, the budget by item and by task, split by funding source."""
    plan = _readable(request, plan_id)
    doc = documents_data.plan_document(plan)
    nature = tables.by_nature(doc.lines)
    items = tables.by_item(doc.lines, doc.item_order)
    tasks = tables.by_task([(t.id, t.title) for t in doc.tasks], doc.lines)
    return {
        "plan_id": plan.pk,
        "by_nature": {
            "current": nature.current,
            "capital": nature.capital,
            "total": nature.total,
        },
        "by_item": [_row(r) for r in items],
        "by_task": [_row(r) for r in tasks],
        "total": _row(tables.total_row(items, _("Total project cost"))),
    }


@router.get("/plans/{plan_id}/documents/budget.xlsx", response=FILE)
def budget_workbook(request, plan_id: int):
    """The budget tables as an XLSX workbook (sheets 4.1, 4.2, 4.3 and the lines)."""
    plan = _readable(request, plan_id)
    content = documents_xlsx.budget_xlsx(documents_data.plan_document(plan))
    return file_response(content, XLSX, file_name(plan, "budget", "xlsx"))


@router.get("/plans/{plan_id}/documents/plan.pdf", response={**FILE, 503: ErrorOut})
def plan_document(request, plan_id: int):
    """The plan document as PDF."""
    plan = _readable(request, plan_id)
    doc = documents_data.plan_document(plan)
    return _pdf(lambda: documents.plan_pdf(doc), file_name(plan, "plan", "pdf"))


# ---------------------------------------------------------------- rosters


@router.get(
    "/plans/{plan_id}/documents/form-2-2.pdf", response={**FILE, 403: ErrorOut, 503: ErrorOut}
)
def discussion_roster(request, plan_id: int, on: dt.date | None = None):
    """서식 2-2: everyone in the district's discussion bodies on ``on`` (today)."""
    plan = _staff(request, plan_id)
    roster = documents_data.discussion_roster(plan, on)
    return _pdf(lambda: documents.discussion_roster_pdf(roster), file_name(plan, "form-2-2", "pdf"))


@router.get(
    "/plans/{plan_id}/documents/form-3-2.pdf", response={**FILE, 403: ErrorOut, 503: ErrorOut}
)
def council_roster(request, plan_id: int, on: dt.date | None = None):
    """서식 3-2: the district council's members on ``on`` (today)."""
    plan = _staff(request, plan_id)
    roster = documents_data.council_roster(plan, on)
    return _pdf(lambda: documents.council_roster_pdf(roster), file_name(plan, "form-3-2", "pdf"))


# ---------------------------------------------------------------- 서식 2-1, 3-1


class ApplicationIn(Schema):
    council: str
    civil_name: str
    civil_phone: str = ""
    civil_email: str = ""
    admin_name: str
    admin_phone: str = ""
    admin_email: str = ""
    discussed_from: dt.date | None = None
    discussed_to: dt.date | None = None
    discussion_body: str = ""
    composition: str = ""
    background: str = ""
    signed_on: dt.date


class SubmissionIn(Schema):
    submitter: Literal["council", "tft"] = "council"
    council: str
    civil_structure: str = ""
    admin_structure: str = ""
    goal: str = ""
    background: str = ""
    content: str = ""
    schedule: str = ""
    civil_rep_name: str
    civil_rep_position: str = ""
    civil_rep_phone: str = ""
    civil_rep_email: str = ""
    admin_rep_name: str
    admin_rep_position: str = ""
    admin_rep_phone: str = ""
    admin_rep_email: str = ""
    civil_staff_name: str = ""
    civil_staff_position: str = ""
    civil_staff_phone: str = ""
    civil_staff_email: str = ""
    admin_staff_name: str = ""
    admin_staff_position: str = ""
    admin_staff_phone: str = ""
    admin_staff_email: str = ""
    submitted_on: dt.date


def _form_data(payload: Schema) -> dict[str, str]:
    data = {}
    for key, value in payload.dict().items():
        if value is None:
            continue
        data[key] = value.isoformat() if isinstance(value, dt.date) else str(value)
    return data


@router.post(
    "/plans/{plan_id}/documents/form-2-1.pdf",
    response={**FILE, **WRITE_ERRORS, 503: ErrorOut},
    auth=WRITE_AUTH,
)
def application(request, plan_id: int, payload: ApplicationIn):
    """서식 2-1 filled with the payload, as PDF."""
    plan = _staff(request, plan_id)
    form = ApplicationForm(_form_data(payload), plan=plan)
    if not form.is_valid():
        return Status(422, {"detail": _("The form has errors."), "errors": _errors(form)})
    data = form.data_for_pdf()
    return _pdf(lambda: documents.application_pdf(data), file_name(plan, "form-2-1", "pdf"))


@router.post(
    "/plans/{plan_id}/documents/form-3-1.pdf",
    response={**FILE, **WRITE_ERRORS, 503: ErrorOut},
    auth=WRITE_AUTH,
)
def submission(request, plan_id: int, payload: SubmissionIn):
    """서식 3-1 filled with the payload and the plan's budget totals, as PDF."""
    plan = _staff(request, plan_id)
    form = SubmissionForm(_form_data(payload), plan=plan, totals=budget_totals(plan))
    if not form.is_valid():
        return Status(422, {"detail": _("The form has errors."), "errors": _errors(form)})
    data = form.data_for_pdf()
    return _pdf(lambda: documents.submission_pdf(data), file_name(plan, "form-3-1", "pdf"))


def _errors(form) -> dict[str, list[str]]:
    return {key: [str(m) for m in messages] for key, messages in form.errors.items()}
