"""API of budget change requests under /api/v1/plans/{id}/changes… and /api/v1/changes….

Public reads (a plan in execution is published): each request with its moves, computed
route, who must approve it and its trail of decisions; who asked and who decided are
shown to the district's staff and city officers only. Staff of the plan's district file,
preview and withdraw requests and record the council's (or delegated unit's) decisions;
city officers record the city's consultation and approval. Errors: 422 by field.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from hyeopchi.bodies.models import Decision
from hyeopchi.core.api_support import (
    READ_ERRORS,
    WRITE_AUTH,
    WRITE_ERRORS,
    Pagination,
    can_see_private,
    require,
    require_staff,
)
from hyeopchi.core.permissions import Action, actor_for

from . import services_changes as changes
from .models import Approver, ChangeRequest, Plan

router = Router(tags=["plan changes"])


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


# ---------------------------------------------------------------- schemas


class ItemOut(Schema):
    from_line_id: int | None
    to_line_id: int | None
    amount: int = Field(description="Amount moved, in won.")
    kind: str = Field(description="change (변경, same budget item) or transfer (전용).")


class StepOut(Schema):
    step: str
    approver: str
    outcome: str
    decided_at: dt.datetime
    decided_by: str | None = Field(description="Shown to staff only.")
    body_decision_id: int | None
    body_decision_title: str | None
    delegated_unit_id: int | None
    note: str
    reported_in_id: int | None = Field(description="The quarterly report that notified it.")


class RouteOut(Schema):
    key: str
    label: str
    article: str
    approver: str
    prior_consultation: bool
    report_quarterly: bool
    refused: bool


class ChangeOut(Schema):
    id: int
    plan_id: int
    district_id: int
    status: str
    urgent: bool
    reason: str
    content_change: str
    amount: int = Field(description="Total moved, in won.")
    subsidy_total: int = Field(description="The subsidy project total the share is measured on.")
    share_percent: str = Field(description="amount / subsidy_total in per cent (display only).")
    route: RouteOut | None
    approvers: list[str] = Field(description="Who may decide it now.")
    requested_by: str | None = Field(description="Shown to staff only.")
    created_at: dt.datetime
    items: list[ItemOut]
    trail: list[StepOut]


def route_out(route) -> dict | None:
    if route is None:
        return None
    return {
        "key": route.key,
        "label": route.label,
        "article": route.article,
        "approver": route.approver,
        "prior_consultation": route.prior_consultation,
        "report_quarterly": route.report_quarterly,
        "refused": route.refused,
    }


def change_out(request_obj: ChangeRequest, private: bool) -> dict:
    items = list(request_obj.items.all())
    amount = changes.amount_of(request_obj)
    route = changes.route_of(request_obj)
    base = request_obj.subsidy_total
    hundredths = amount * 10_000 // base if base else 0
    return {
        "id": request_obj.pk,
        "plan_id": request_obj.plan_id,
        "district_id": request_obj.plan.district_id,
        "status": request_obj.status,
        "urgent": request_obj.urgent,
        "reason": request_obj.reason,
        "content_change": request_obj.content_change,
        "amount": amount,
        "subsidy_total": base,
        "share_percent": f"{hundredths // 100}.{hundredths % 100:02d}",
        "route": route_out(route),
        "approvers": list(changes.allowed_approvers(route))
        if route and request_obj.status == "submitted"
        else [],
        "requested_by": request_obj.requested_by.get_username() if private else None,
        "created_at": _local(request_obj.created_at),
        "items": [
            {
                "from_line_id": i.from_line_id,
                "to_line_id": i.to_line_id,
                "amount": i.amount,
                "kind": i.kind,
            }
            for i in items
        ],
        "trail": [
            {
                "step": d.step,
                "approver": d.approver,
                "outcome": d.outcome,
                "decided_at": _local(d.decided_at),
                "decided_by": d.decided_by.get_username() if private else None,
                "body_decision_id": d.body_decision_id,
                "body_decision_title": d.body_decision.title if d.body_decision_id else None,
                "delegated_unit_id": d.delegated_unit_id,
                "note": d.note,
                "reported_in_id": d.reported_in_id,
            }
            for d in request_obj.decisions.all()
        ],
    }


def _requests():
    return ChangeRequest.objects.select_related("plan", "requested_by").prefetch_related(
        "items", "decisions__decided_by", "decisions__body_decision"
    )


class ItemIn(Schema):
    from_line_id: int
    to_line_id: int
    amount: int = Field(description="Whole won, above zero.")


class ChangeIn(Schema):
    items: list[ItemIn] = Field(default_factory=list, max_length=changes.MAX_ITEMS)
    reason: str = Field("", max_length=changes.REASON_MAX)
    urgent: bool = False
    content_change: str = Field("", max_length=changes.REASON_MAX)


class DecisionIn(Schema):
    approver: Approver
    approved: bool
    body_decision_id: int | None = Field(
        None, description="The council's (or delegated unit's) decision; not for the city."
    )
    note: str = Field("", max_length=changes.REASON_MAX)


class ConsultationIn(Schema):
    agreed: bool
    note: str = Field("", max_length=changes.REASON_MAX)


class ReasonIn(Schema):
    reason: str = Field("", max_length=changes.REASON_MAX)


def _specs(payload: ChangeIn) -> list[changes.ItemSpec]:
    return [changes.ItemSpec(i.from_line_id, i.to_line_id, i.amount) for i in payload.items]


# ---------------------------------------------------------------- reads


@router.get("/plans/{int:plan_id}/changes", response={200: list[ChangeOut], **READ_ERRORS})
@paginate(Pagination)
def list_changes(request, plan_id: int):
    """The change requests of a plan, newest first."""
    plan = get_object_or_404(
        Plan, pk=plan_id, status__in=changes.OPEN_STATUSES + changes.CLOSED_STATUSES
    )
    private = can_see_private(request, plan.district_id)
    return [change_out(r, private) for r in _requests().filter(plan=plan)]


@router.get("/changes/{int:change_id}", response={200: ChangeOut, **READ_ERRORS})
def get_change(request, change_id: int):
    """One change request with its route and its trail of decisions."""
    obj = get_object_or_404(_requests(), pk=change_id)
    return change_out(obj, can_see_private(request, obj.plan.district_id))


class NoticeOut(Schema):
    change_id: int
    plan_id: int
    district_id: int
    approver: str
    decided_at: dt.datetime
    amount: int
    body_decision_id: int | None


@router.get("/changes/to-report", response={200: list[NoticeOut], **READ_ERRORS})
def changes_to_report(request, district_id: int | None = None):
    """Approved changes below the threshold not yet notified to the city in a quarterly
    report (staff: their districts; city officers: all)."""
    user = require_staff(request)
    plans = Plan.objects.all()
    if district_id is not None:
        require(request, Action.VIEW_PRIVATE, district_id)
        plans = plans.filter(district_id=district_id)
    elif not (user.is_superuser or actor_for(user).city_wide):
        plans = plans.filter(district_id__in=actor_for(user).districts)
    rows = changes.to_report(plans).prefetch_related("request__items")
    return [
        {
            "change_id": d.request_id,
            "plan_id": d.request.plan_id,
            "district_id": d.request.plan.district_id,
            "approver": d.approver,
            "decided_at": _local(d.decided_at),
            "amount": changes.amount_of(d.request),
            "body_decision_id": d.body_decision_id,
        }
        for d in rows
    ]


# ---------------------------------------------------------------- writes


def _plan_for_edit(request, plan_id: int):
    plan = get_object_or_404(Plan, pk=plan_id)
    return plan, require(request, Action.EDIT, plan.district_id)


def _change_for_edit(request, change_id: int):
    obj = get_object_or_404(ChangeRequest.objects.select_related("plan"), pk=change_id)
    return obj, require(request, Action.EDIT, obj.plan.district_id)


@router.post(
    "/plans/{int:plan_id}/changes/preview",
    response={200: RouteOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def preview_change(request, plan_id: int, payload: ChangeIn):
    """The route a request would take (refused, or who approves), without filing it."""
    plan, _user = _plan_for_edit(request, plan_id)
    routing = changes.preview(
        plan, _specs(payload), urgent=payload.urgent, content_change=payload.content_change
    )
    return route_out(routing.route)


@router.post(
    "/plans/{int:plan_id}/changes", response={201: ChangeOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def file_change(request, plan_id: int, payload: ChangeIn):
    """File a change request on a plan in execution; a refused route answers 422 naming
    the rule and its article."""
    plan, user = _plan_for_edit(request, plan_id)
    obj = changes.file_request(
        plan,
        _specs(payload),
        payload.reason,
        user,
        urgent=payload.urgent,
        content_change=payload.content_change,
    )
    return Status(201, change_out(_requests().get(pk=obj.pk), True))


@router.post(
    "/changes/{int:change_id}/consultation",
    response={200: ChangeOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def consult_change(request, change_id: int, payload: ConsultationIn):
    """The city's prior consultation on a change of content (city officers)."""
    obj, user = _change_for_edit(request, change_id)
    changes.record_consultation(obj, payload.agreed, user, payload.note)
    return change_out(_requests().get(pk=obj.pk), True)


@router.post(
    "/changes/{int:change_id}/decision",
    response={200: ChangeOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def decide_change(request, change_id: int, payload: DecisionIn):
    """Record the decision the route calls for: the city's (city officers), or the
    council's / delegated unit's with its recorded decision (the district's staff)."""
    obj, user = _change_for_edit(request, change_id)
    decision = None
    if payload.body_decision_id is not None:
        decision = (
            Decision.objects.select_related("body").filter(pk=payload.body_decision_id).first()
        )
        if decision is None:
            raise ValidationError(
                {
                    "body_decision_id": [
                        _("No decision with id %(id)s.") % {"id": payload.body_decision_id}
                    ]
                }
            )
    changes.decide(
        obj,
        payload.approver.value,
        payload.approved,
        user,
        body_decision=decision,
        note=payload.note,
    )
    return change_out(_requests().get(pk=obj.pk), True)


@router.post(
    "/changes/{int:change_id}/withdraw",
    response={200: ChangeOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def withdraw_change(request, change_id: int, payload: ReasonIn):
    obj, user = _change_for_edit(request, change_id)
    changes.withdraw(obj, user, payload.reason)
    return change_out(_requests().get(pk=obj.pk), True)
