"""Pages of budget change requests: the plan's list with the changes to notify the city
of, the form (with a preview of the route before filing), and each request with its
route, who must approve it and its trail, with the forms of whoever may decide now.

A plan in execution is published, so the pages are public; the names of who asked and
who decided are shown to the district's staff and city officers only. Writes check the
one permission function and the services check who may record which decision.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hyeopchi.core.permissions import Action, actor_for, user_can

from . import services_changes as changes
from .forms_execution import (
    ChangeForm,
    ConsultationForm,
    DecisionForm,
    apply_errors,
    rename_item_field,
)
from .models import Approver, ChangeRequest, ChangeStatus, ChangeStep, Plan


def plan_url(plan: Plan) -> str:
    """The plan's own page, where the plans area provides one."""
    try:
        return reverse("plans:detail", args=[plan.pk])
    except NoReverseMatch:
        return ""


def visible_plan(request, pk: int, plans=None) -> Plan:
    """The plan (from ``plans``, a queryset, if given), if the user may see it: drafts are
    for the district's staff and the city only."""
    if plans is None:
        plans = Plan.objects.select_related("district")
    plan = get_object_or_404(plans, pk=pk)
    if not plan.is_public and not user_can(request.user, Action.VIEW_PRIVATE, plan.district_id):
        raise Http404
    return plan


def _can_edit(request, plan: Plan) -> bool:
    return user_can(request.user, Action.EDIT, plan.district_id)


def _private(request, plan: Plan) -> bool:
    return user_can(request.user, Action.VIEW_PRIVATE, plan.district_id)


def _requests():
    return ChangeRequest.objects.select_related("plan__district", "requested_by").prefetch_related(
        "items__from_line__task", "items__to_line__task", "decisions__body_decision__body",
        "decisions__decided_by", "decisions__delegated_unit",
    )  # fmt: skip


def change_list(request, pk: int):
    plan = visible_plan(request, pk)
    rows = list(
        ChangeRequest.objects.filter(plan=plan)
        .select_related("requested_by")
        .prefetch_related("items")
    )
    for row in rows:
        row.route_info = changes.route_of(row)
        row.total = changes.amount_of(row)
    return render(
        request,
        "plans/changes_list.html",
        {
            "plan": plan,
            "district": plan.district,
            "plan_url": plan_url(plan),
            "rows": rows,
            "notices": list(changes.to_report([plan]).prefetch_related("request__items")),
            "can_edit": _can_edit(request, plan) and plan.status in changes.OPEN_STATUSES,
            "private": _private(request, plan),
            "rules": changes.rules(),
        },
    )


@login_required
def change_create(request, pk: int):
    plan = get_object_or_404(Plan.objects.select_related("district"), pk=pk)
    if not _can_edit(request, plan):
        raise PermissionDenied
    form = ChangeForm(plan, request.POST or None)
    routing = None
    if request.method == "POST" and form.is_valid():
        moves = form.moves()
        specs = [changes.ItemSpec(src, dst, amount) for src, dst, amount in moves]
        kwargs = {
            "urgent": form.cleaned_data["urgent"],
            "content_change": form.cleaned_data["content_change"],
        }
        if not form.errors:
            try:
                if "preview" in request.POST:
                    routing = changes.preview(plan, specs, **kwargs)
                else:
                    obj = changes.file_request(
                        plan, specs, form.cleaned_data["reason"], request.user, **kwargs
                    )
                    messages.success(
                        request,
                        _("The change request was filed: %(route)s.")
                        % {"route": changes.route_of(obj).label},
                    )
                    return redirect("plan_changes:detail", obj.pk)
            except ValidationError as exc:
                apply_errors(form, exc, rename_item_field)
    return render(
        request,
        "plans/changes_form.html",
        {
            "plan": plan,
            "district": plan.district,
            "plan_url": plan_url(plan),
            "form": form,
            "routing": routing,
            "heading": _("Request a budget change"),
            "rules": changes.rules(),
        },
    )


def _decision_context(request, obj: ChangeRequest) -> dict:
    route = changes.route_of(obj)
    actor = actor_for(request.user)
    open_ = obj.status == ChangeStatus.SUBMITTED and route is not None and not route.refused
    city = actor.city_wide or actor.superuser
    consulted = any(
        d.step == ChangeStep.CONSULTATION and d.outcome == "approved" for d in obj.decisions.all()
    )
    approvers = changes.allowed_approvers(route) if route else ()
    staff = city or obj.plan.district_id in actor.districts
    may_decide = open_ and (("city" in approvers and city) or (set(approvers) - {"city"} and staff))
    if route is not None and route.prior_consultation and not consulted:
        may_decide = False
    shown = tuple(a for a in approvers if a != "city" or city)
    return {
        "route": route,
        "may_consult": open_ and city and route.prior_consultation and not consulted,
        "may_decide": bool(may_decide),
        "may_withdraw": open_ and staff,
        "decision_form": DecisionForm(obj.plan, shown) if may_decide else None,
        "consultation_form": ConsultationForm() if open_ and city else None,
    }


def change_detail(request, pk: int):
    obj = get_object_or_404(_requests(), pk=pk)
    return _detail(request, obj)


def _detail(request, obj: ChangeRequest, **forms):
    context = {
        "change": obj,
        "plan": obj.plan,
        "district": obj.plan.district,
        "plan_url": plan_url(obj.plan),
        "items": list(obj.items.all()),
        "total": changes.amount_of(obj),
        "trail": list(obj.decisions.all()),
        "private": _private(request, obj.plan),
        **_decision_context(request, obj),
    }
    context.update({k: v for k, v in forms.items() if v is not None})
    status = 200 if not any(f is not None and f.errors for f in forms.values()) else 422
    return render(request, "plans/changes_detail.html", context, status=status)


def _for_edit(request, pk: int) -> ChangeRequest:
    obj = get_object_or_404(_requests(), pk=pk)
    if not _can_edit(request, obj.plan):
        raise PermissionDenied
    return obj


@login_required
@require_POST
def change_decide(request, pk: int):
    obj = _for_edit(request, pk)
    # Any approver may be posted; the service says who may decide this route.
    form = DecisionForm(obj.plan, Approver.values, request.POST)
    if form.is_valid():
        try:
            changes.decide(
                obj,
                form.cleaned_data["approver"],
                form.cleaned_data["approved"],
                request.user,
                body_decision=form.cleaned_data["body_decision"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The decision was recorded."))
            return redirect("plan_changes:detail", obj.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    return _detail(request, obj, decision_form=form)


@login_required
@require_POST
def change_consult(request, pk: int):
    obj = _for_edit(request, pk)
    form = ConsultationForm(request.POST)
    if form.is_valid():
        try:
            changes.record_consultation(
                obj, form.cleaned_data["agreed"], request.user, form.cleaned_data["note"]
            )
            messages.success(request, _("The consultation was recorded."))
            return redirect("plan_changes:detail", obj.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    return _detail(request, obj, consultation_form=form)


@login_required
@require_POST
def change_withdraw(request, pk: int):
    obj = _for_edit(request, pk)
    try:
        changes.withdraw(obj, request.user, request.POST.get("reason", ""))
        messages.success(request, _("The request was withdrawn."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("plan_changes:detail", obj.pk)
