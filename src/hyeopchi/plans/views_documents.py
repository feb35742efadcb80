"""Downloads of a plan's official documents: the plan document (PDF), its budget tables
(XLSX) and the manual's forms 서식 2-1, 2-2, 3-1 and 3-2 (PDF).

The plan document and the budget tables follow the plan's visibility (public from council
approval on). The forms name people and their contacts: only the district's staff and
city officers may print them. 서식 2-1 and 3-1 are filled in on a form first (POST, with
CSRF); a bad form comes back with its messages and what was typed (status 400).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from hyeopchi.bodies.documents import FontMissing
from hyeopchi.core.permissions import Action, user_can

from . import documents, documents_data, documents_xlsx
from .budget_tables import by_task, total_row
from .forms_documents import ApplicationForm, RosterDateForm, SubmissionForm
from .models import Plan

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan(pk: int) -> Plan:
    return get_object_or_404(Plan.objects.select_related("district"), pk=pk)


def may_read_plan(user, plan: Plan) -> bool:
    return plan.is_public or user_can(user, Action.VIEW_PRIVATE, plan.district_id)


def may_print_forms(user, plan: Plan) -> bool:
    return user_can(user, Action.VIEW_PRIVATE, plan.district_id)


def _readable(request, pk: int) -> Plan:
    plan = _plan(pk)
    if not may_read_plan(request.user, plan):
        raise PermissionDenied
    return plan


def _staff(request, pk: int) -> Plan:
    plan = _plan(pk)
    if not may_print_forms(request.user, plan):
        raise PermissionDenied
    return plan


def file_name(plan: Plan, what: str, ext: str) -> str:
    # ASCII names: every browser and mail client keeps them as they are.
    return f"plan-{plan.pk}-{plan.district.code}-{plan.start_year}-{what}.{ext}"


def file_response(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _pdf_or_503(request, build, name: str):
    try:
        return file_response(build(), PDF, name)
    except FontMissing as exc:
        return render(request, "plans/documents_unavailable.html", {"problem": exc}, status=503)


def budget_totals(plan: Plan) -> dict[str, int]:
    """The plan's budget by source (원) for 서식 3-1, from its lines."""
    doc = documents_data.plan_document(plan)
    total = total_row(by_task([(t.id, "") for t in doc.tasks], doc.lines), "")
    return {"total": total.total, "city": total.city, "district": total.district}


# ---------------------------------------------------------------- pages


def documents_index(request, pk: int):
    plan = _readable(request, pk)
    return render(
        request,
        "plans/documents_index.html",
        {
            "plan": plan,
            "district": plan.district,
            "can_print_forms": may_print_forms(request.user, plan),
        },
    )


def plan_pdf(request, pk: int):
    plan = _readable(request, pk)
    doc = documents_data.plan_document(plan)
    return _pdf_or_503(request, lambda: documents.plan_pdf(doc), file_name(plan, "plan", "pdf"))


def budget_xlsx(request, pk: int):
    plan = _readable(request, pk)
    content = documents_xlsx.budget_xlsx(documents_data.plan_document(plan))
    return file_response(content, XLSX, file_name(plan, "budget", "xlsx"))


def _roster_day(request):
    """The roster's day from ``?on=`` (today without it); None when it is not a date."""
    form = RosterDateForm(request.GET)
    return form.day() if form.is_valid() else None


def _roster(request, pk: int, collect, build, what: str):
    plan = _staff(request, pk)
    day = _roster_day(request)
    if day is None:
        return render(
            request,
            "plans/documents_index.html",
            {
                "plan": plan,
                "district": plan.district,
                "can_print_forms": True,
                "roster_error": _("Give the roster's date as YYYY-MM-DD, e.g. 2020-07-01."),
            },
            status=400,
        )
    roster = collect(plan, day)
    return _pdf_or_503(request, lambda: build(roster), file_name(plan, what, "pdf"))


def discussion_roster_pdf(request, pk: int):
    return _roster(
        request,
        pk,
        documents_data.discussion_roster,
        documents.discussion_roster_pdf,
        "form-2-2",
    )


def council_roster_pdf(request, pk: int):
    return _roster(
        request, pk, documents_data.council_roster, documents.council_roster_pdf, "form-3-2"
    )


def _form_page(request, plan: Plan, form, heading: str, intro: str):
    return render(
        request,
        "plans/documents_form.html",
        {"plan": plan, "district": plan.district, "form": form, "heading": heading, "intro": intro},
        status=400 if form.errors else 200,
    )


def application_form(request, pk: int):
    """서식 2-1: GET shows the form filled in beforehand, POST prints it."""
    plan = _staff(request, pk)
    heading = _("Form 2-1: application")
    intro = _(
        "The application for the district-unit plan, signed by the council's civil and "
        "administrative representatives and addressed to the Mayor of Seoul."
    )
    if request.method != "POST":
        return _form_page(request, plan, ApplicationForm(plan=plan), heading, intro)
    form = ApplicationForm(request.POST, plan=plan)
    if not form.is_valid():
        return _form_page(request, plan, form, heading, intro)
    data = form.data_for_pdf()
    return _pdf_or_503(
        request, lambda: documents.application_pdf(data), file_name(plan, "form-2-1", "pdf")
    )


def submission_form(request, pk: int):
    """서식 3-1: GET shows the form filled in beforehand, POST prints it."""
    plan = _staff(request, pk)
    heading = _("Form 3-1: submission")
    intro = _(
        "The cover sheet submitted with the plan. The project cost is the plan's budget "
        "as entered: change the budget lines to change it."
    )
    totals = budget_totals(plan)
    if request.method != "POST":
        form = SubmissionForm(plan=plan, totals=totals)
        return _form_page(request, plan, form, heading, intro)
    form = SubmissionForm(request.POST, plan=plan, totals=totals)
    if not form.is_valid():
        return _form_page(request, plan, form, heading, intro)
    data = form.data_for_pdf()
    return _pdf_or_503(
        request, lambda: documents.submission_pdf(data), file_name(plan, "form-3-1", "pdf")
    )
