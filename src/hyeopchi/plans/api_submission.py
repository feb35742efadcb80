"""API of a plan's approval, submission, review, selection, agreement and disbursement,
under /api/v1/plans/{id}/….

Reads are public once the council approved the plan (drafts: the district's staff and the
city); review opinions and reviewers are for the district's staff and the city only. Each
write is one step of :mod:`.submission_rules`: the district's secretariat approves (with
the council's decision), re-opens and submits; city officers grant late exceptions, write
opinions, ask for revisions, select, and record the PB committee's approval, the
agreement and the disbursement. Errors: 401 not signed in, 403 not this actor's step,
422 with messages by field (a step out of order, a late submission without exception…).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError

from hyeopchi.bodies.models import Decision
from hyeopchi.core.api_support import (
    READ_ERRORS,
    WRITE_AUTH,
    WRITE_ERRORS,
    authentication_message,
    can,
    current_user,
)
from hyeopchi.core.permissions import Action, actor_for

from . import services_submission as sub
from . import submission_rules as rules
from .models import Agreement, Plan, PlanVersion, Recommendation, ReviewOpinion
from .submission_rules import Event

router = Router(tags=["plan submission"])


def _plan(request, plan_id: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("district"), pk=plan_id)
    if not plan.is_public and not can(request, Action.VIEW_PRIVATE, plan.district_id):
        raise HttpError(404, _("Not found."))
    return plan


def _actor(request, plan: Plan, event: Event):
    """The user, if they may take ``event`` on ``plan``; else 401 or 403."""
    user = current_user(request)
    if not user.is_authenticated:
        raise AuthenticationError(message=authentication_message())
    if not rules.may_take(actor_for(user), event, plan.district_id):
        if rules.is_city_step(event):
            raise HttpError(403, _("Only city officers take this step."))
        raise HttpError(403, _("Only the district's secretariat takes this step."))
    return user


# ---------------------------------------------------------------- schemas


class VersionOut(Schema):
    number: int
    reason: str
    submitted_at: dt.datetime | None
    late: bool
    late_exception_reason: str | None = Field(
        description="Why it was let in late (staff and city only; null for others)."
    )


class OpinionOut(Schema):
    round: int
    version: int
    reviewer: str
    recommendation: str
    text: str
    created_at: dt.datetime


class AgreementOut(Schema):
    signed_on: dt.date
    period_start: dt.date
    period_end: dt.date
    amount: int = Field(description="Subsidy agreed, in won.")
    note: str


class SubmissionOut(Schema):
    plan_id: int
    district_code: str
    status: str
    state: str = Field(description="As status, but 'pb_approved' after the PB committee.")
    state_label: str
    approved_by_decision_id: int | None
    submission_deadline: dt.date | None
    final_version_deadline: dt.date | None
    deadline_policy: str
    next_submission_late_days: int | None = Field(
        description="Days late a submission today would be (0: on time); null if none is due."
    )
    selected_on: dt.date | None
    pb_approved_on: dt.date | None
    agreed_on: dt.date | None
    agreement: AgreementOut | None
    disbursed_on: dt.date | None
    disbursed_amount: int | None
    versions: list[VersionOut]
    opinions: list[OpinionOut] | None = Field(
        description="Review opinions (staff and city only; null for others)."
    )


def submission_out(request, plan: Plan) -> dict[str, Any]:
    private = can(request, Action.VIEW_PRIVATE, plan.district_id)
    check = sub.submission_check(plan)
    versions = list(plan.versions.order_by("number").defer("snapshot"))
    opinions = None
    if private:
        opinions = [
            {
                "round": o.round,
                "version": o.version.number,
                "reviewer": o.reviewer.get_username(),
                "recommendation": o.recommendation,
                "text": o.text,
                "created_at": o.created_at,
            }
            for o in ReviewOpinion.objects.filter(version__plan=plan)
            .select_related("reviewer", "version")
            .order_by("round", "created_at", "id")
        ]
    agreement = Agreement.objects.filter(plan=plan).first()
    current = sub.state(plan)
    return {
        "plan_id": plan.pk,
        "district_code": plan.district.code,
        "status": plan.status,
        "state": current,
        "state_label": sub.state_label(current),
        "approved_by_decision_id": plan.approved_by_id,
        "submission_deadline": check.deadlines.submission,
        "final_version_deadline": check.deadlines.final,
        "deadline_policy": check.deadlines.policy_key,
        "next_submission_late_days": check.timing.late_days if check.timing else None,
        "selected_on": plan.selected_on,
        "pb_approved_on": plan.pb_approved_on,
        "agreed_on": plan.agreed_on,
        "agreement": agreement,
        "disbursed_on": plan.disbursed_on,
        "disbursed_amount": plan.disbursed_amount,
        "versions": [
            {
                "number": v.number,
                "reason": v.reason,
                "submitted_at": v.submitted_at,
                "late": v.late,
                "late_exception_reason": v.late_exception_reason if private else None,
            }
            for v in versions
        ],
        "opinions": opinions,
    }


class SnapshotOut(Schema):
    number: int
    reason: str
    submitted_at: dt.datetime | None
    snapshot: dict[str, Any]


class TotalOut(Schema):
    scope: str
    key: str | None
    label: str
    before: int
    after: int
    delta: int


class ChangeOut(Schema):
    kind: str
    path: str
    collection: str
    field: str
    before: Any
    after: Any
    delta: str | None = Field(description="after − before for numbers (as text: exact).")
    lines: list[list[str]] = Field(description="[op, text] pairs of a line diff.")


class DiffOut(Schema):
    plan_id: int
    from_version: int
    to_version: int
    totals: list[TotalOut]
    changes: list[ChangeOut]


# ---------------------------------------------------------------- reads


@router.get("/plans/{int:plan_id}/submission", response={200: SubmissionOut, **READ_ERRORS})
def get_submission(request, plan_id: int):
    """Where the plan stands between approval and money: status, deadlines (from the cycle
    policy), versions, opinions (staff), agreement and disbursement."""
    return submission_out(request, _plan(request, plan_id))


@router.get(
    "/plans/{int:plan_id}/versions/{int:number}", response={200: SnapshotOut, **READ_ERRORS}
)
def get_version(request, plan_id: int, number: int):
    """One frozen version of the plan, as submitted."""
    plan = _plan(request, plan_id)
    return get_object_or_404(PlanVersion, plan=plan, number=number)


@router.get("/plans/{int:plan_id}/compare", response={200: DiffOut, **READ_ERRORS})
def compare_versions(request, plan_id: int, from_version: int, to_version: int):
    """What changed from one version to another: budget totals, then each change."""
    plan = _plan(request, plan_id)
    older = get_object_or_404(PlanVersion, plan=plan, number=from_version)
    newer = get_object_or_404(PlanVersion, plan=plan, number=to_version)
    diff = sub.compare(older, newer)
    return {
        "plan_id": plan.pk,
        "from_version": older.number,
        "to_version": newer.number,
        "totals": [
            {
                "scope": t.scope,
                "key": None if t.key is None else str(t.key),
                "label": t.label,
                "before": t.before,
                "after": t.after,
                "delta": t.delta,
            }
            for t in diff.totals
        ],
        "changes": [
            {
                "kind": c.kind,
                "path": c.path,
                "collection": c.collection,
                "field": c.field,
                "before": c.before,
                "after": c.after,
                "delta": None if c.delta is None else str(c.delta),
                "lines": [[line.op, line.text] for line in c.lines],
            }
            for c in diff.changes
        ],
    }


# ---------------------------------------------------------------- writes


class ApproveIn(Schema):
    decision_id: int = Field(description="The council's (or TFT's) decision that approved it.")


class ReasonIn(Schema):
    reason: str = Field(max_length=2000)


class SubmitIn(Schema):
    final: bool = Field(False, description="The final version after negotiation.")


class ExceptionIn(Schema):
    reason: str = Field(max_length=2000)
    until: dt.date | None = Field(None, description="Last day allowed; null: no limit.")


class OpinionIn(Schema):
    text: str = Field(max_length=10000)
    recommendation: Recommendation


class DateIn(Schema):
    on: dt.date


class AgreementIn(Schema):
    signed_on: dt.date
    period_start: dt.date
    period_end: dt.date
    amount: int = Field(description="Subsidy agreed, in won (a whole number).")
    note: str = Field("", max_length=10000)


class DisbursementIn(Schema):
    on: dt.date
    amount: int = Field(description="Amount paid, in won.")


WRITE = {"response": {200: SubmissionOut, **WRITE_ERRORS}, "auth": WRITE_AUTH}


@router.post("/plans/{int:plan_id}/approve", **WRITE)
def approve(request, plan_id: int, payload: ApproveIn):
    """Record the council's approval: its decision (of this district's council or TFT)."""
    plan = _plan(request, plan_id)
    user = _actor(request, plan, Event.APPROVE)
    decision = Decision.objects.select_related("body").filter(pk=payload.decision_id).first()
    if decision is None:
        raise ValidationError(
            {"decision_id": [_("No decision with id %(id)s.") % {"id": payload.decision_id}]}
        )
    sub.approve(plan, decision, user)
    return submission_out(request, plan)


@router.post("/plans/{int:plan_id}/reopen", **WRITE)
def reopen(request, plan_id: int, payload: ReasonIn):
    """Take an approved plan back to draft (the approval no longer holds)."""
    plan = _plan(request, plan_id)
    sub.reopen(plan, payload.reason, _actor(request, plan, Event.REOPEN))
    return submission_out(request, plan)


@router.post(
    "/plans/{int:plan_id}/submit",
    response={201: SubmissionOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def submit(request, plan_id: int, payload: SubmitIn):
    """Freeze the plan as a new version and send it to the city (422 when late without a
    recorded exception, or when the plan is not waiting to be submitted)."""
    plan = _plan(request, plan_id)
    sub.submit(plan, _actor(request, plan, Event.SUBMIT), payload.final)
    return Status(201, submission_out(request, plan))


@router.post("/plans/{int:plan_id}/late-exception", **WRITE)
def late_exception(request, plan_id: int, payload: ExceptionIn):
    """City officers: allow a late submission, for a reason (kept on the version)."""
    plan = _plan(request, plan_id)
    user = _actor(request, plan, Event.SELECT)  # any city step: city officers only
    sub.grant_exception(plan, payload.reason, user, payload.until)
    return submission_out(request, plan)


@router.post("/plans/{int:plan_id}/opinions", **WRITE)
def write_opinion(request, plan_id: int, payload: OpinionIn):
    """City reviewers: an opinion (검토의견) on the version under review; the first one
    starts the review; writing again replaces yours for this round."""
    plan = _plan(request, plan_id)
    user = _actor(request, plan, Event.START_REVIEW)
    sub.write_opinion(plan, payload.text, payload.recommendation.value, user)
    return submission_out(request, plan)


@router.post("/plans/{int:plan_id}/revision", **WRITE)
def request_revision(request, plan_id: int, payload: ReasonIn):
    """City: send the plan back to the district to revise it."""
    plan = _plan(request, plan_id)
    sub.request_revision(plan, payload.reason, _actor(request, plan, Event.REQUEST_REVISION))
    return submission_out(request, plan)


@router.post("/plans/{int:plan_id}/select", **WRITE)
def select(request, plan_id: int, payload: DateIn):
    """City: final selection (최종 선정) on a date."""
    plan = _plan(request, plan_id)
    sub.select(plan, payload.on, _actor(request, plan, Event.SELECT))
    return submission_out(request, plan)


@router.post("/plans/{int:plan_id}/pb-approval", **WRITE)
def pb_approve(request, plan_id: int, payload: DateIn):
    """City: the participatory-budget committee's approval on a date."""
    plan = _plan(request, plan_id)
    sub.pb_approve(plan, payload.on, _actor(request, plan, Event.PB_APPROVE))
    return submission_out(request, plan)


@router.post("/plans/{int:plan_id}/agreement", **WRITE)
def agree(request, plan_id: int, payload: AgreementIn):
    """City: the agreement (협약) with its period and subsidy."""
    plan = _plan(request, plan_id)
    user = _actor(request, plan, Event.AGREE)
    sub.agree(
        plan,
        user,
        payload.signed_on,
        payload.period_start,
        payload.period_end,
        payload.amount,
        payload.note,
    )
    return submission_out(request, plan)


@router.post("/plans/{int:plan_id}/disbursement", **WRITE)
def disburse(request, plan_id: int, payload: DisbursementIn):
    """City: the subsidy paid (at most the agreement's); the plan goes into execution."""
    plan = _plan(request, plan_id)
    sub.disburse(plan, payload.on, payload.amount, _actor(request, plan, Event.DISBURSE))
    return submission_out(request, plan)
