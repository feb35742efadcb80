"""What the UI, the API and the demo do to budget change requests (사업비 변경).

A district files a request on a plan in execution: amounts moved between budget lines,
and/or an important change of content. :mod:`.change_routes` decides its route from the
change-rules policy; a refused route is not filed (the message names the rule and its
article). Then each step of the trail is recorded: the city's prior consultation where
the route needs it, and the decision of whoever the route names — a city officer, the
district council by a recorded decision of that body, or, for an urgent change, the unit
the council delegated budget changes to. An approved request moves the money. Decisions
below the threshold are listed for the quarter's progress report, which notifies the city
of them. Every state change is audited; errors are ``ValidationError``s keyed by field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hyeopchi.bodies.models import BodyKind, Decision
from hyeopchi.core import audit
from hyeopchi.core.money import format_won
from hyeopchi.core.permissions import actor_for

from . import change_routes as routes
from .change_policy import ChangeRules, Route, load_change_rules
from .models import (
    Approver,
    BudgetLine,
    ChangeDecision,
    ChangeItem,
    ChangeKind,
    ChangeOutcome,
    ChangeRequest,
    ChangeStatus,
    ChangeStep,
    Plan,
    PlanStatus,
    Source,
)
from .services_plans import MAX_AMOUNT
from .settlement_rules import quarter_bounds

REASON_MAX = 2000
MAX_ITEMS = 50

# A change may be filed while the plan's money is being spent.
OPEN_STATUSES = (PlanStatus.AGREED, PlanStatus.IN_EXECUTION)
CLOSED_STATUSES = (PlanStatus.CLOSED, PlanStatus.TERMINATED)
COUNCIL_KINDS = (BodyKind.COUNCIL, BodyKind.TFT)  # a TFT acts while no council is formed
DELEGATED_KINDS = (BodyKind.STEERING, BodyKind.SUBCOMMITTEE)

audit.ACTION_LABELS.update(
    {
        "change requested": gettext_lazy("change requested"),
        "change consulted": gettext_lazy("city consulted on the change"),
        "change approved": gettext_lazy("change approved"),
        "change rejected": gettext_lazy("change rejected"),
        "change withdrawn": gettext_lazy("change withdrawn"),
        "budget changed": gettext_lazy("budget changed by an approved change"),
    }
)


def rules() -> ChangeRules:
    """The change, execution and settlement rules (one policy file serves all three)."""
    return load_change_rules("seoul-2020")


def _refuse(field: str, message: str) -> None:
    raise ValidationError({field: [message]})


def _text(value) -> str:
    return str(value or "").replace("\r\n", "\n").strip()


def _whole_won(value, field: str) -> int:
    """An amount as typed: a whole, positive number of won, or a clear message."""
    if isinstance(value, bool):
        _refuse(field, _("Enter the amount as a whole number of won, e.g. 5000000."))
    if isinstance(value, str):
        cleaned = value.replace(",", "").replace("원", "").strip()
        if not cleaned.lstrip("-").isdecimal():
            _refuse(field, _("Enter the amount as a whole number of won, e.g. 5000000."))
        value = int(cleaned)
    if not isinstance(value, int):
        _refuse(field, _("Enter the amount as a whole number of won, e.g. 5000000."))
    if value <= 0:
        _refuse(field, _("The amount must be above zero."))
    if value > MAX_AMOUNT:
        _refuse(field, _("The amount is too large."))
    return value


@dataclass(frozen=True)
class ItemSpec:
    from_line_id: int
    to_line_id: int
    amount: object  # validated by the service: typed text or an int


def subsidy_total(plan: Plan) -> int:
    """The subsidy project total (보조금 사업 총액) a change's share is measured against:
    the subsidy disbursed, or while none is recorded, the city-funded lines of the plan."""
    if plan.disbursed_amount:
        return plan.disbursed_amount
    total = BudgetLine.objects.filter(task__plan=plan, source=Source.CITY).aggregate(
        s=Sum("amount")
    )["s"]
    return total or 0


def line_ref(line: BudgetLine) -> routes.LineRef:
    task = line.task
    return routes.LineRef(
        id=str(line.pk),
        nature=line.nature,  # type: ignore[arg-type]
        # The listed sub-project: its code, or the task itself when it has none.
        project=task.sub_project or f"task-{task.pk}",
        item=line.category,
        amount=line.amount,
    )


def _check_plan_open(plan: Plan) -> None:
    if plan.status in CLOSED_STATUSES:
        _refuse(
            "__all__",
            _(
                "This plan is %(status)s: its budget can no longer be changed. A change "
                "request needs a plan in execution."
            )
            % {"status": plan.get_status_display()},
        )
    if plan.status not in OPEN_STATUSES:
        _refuse(
            "__all__",
            _(
                "This plan is %(status)s: budget changes are requested once the agreement "
                "is signed and the plan is in execution; until then edit the plan itself."
            )
            % {"status": plan.get_status_display()},
        )


def _lines(plan: Plan, items: list[ItemSpec]) -> dict[int, BudgetLine]:
    ids = {i.from_line_id for i in items} | {i.to_line_id for i in items}
    found = {
        line.pk: line
        for line in BudgetLine.objects.filter(pk__in=ids, task__plan=plan).select_related("task")
    }
    for n, item in enumerate(items):
        for field, pk in (("from_line", item.from_line_id), ("to_line", item.to_line_id)):
            if pk not in found:
                raise ValidationError(
                    {f"items.{n}.{field}": [_("Choose a budget line of this plan.")]}
                )
    return found


def build_request(
    plan: Plan, items: list[ItemSpec], *, urgent: bool = False, content_change: str = ""
) -> tuple[routes.ChangeRequest, dict[int, BudgetLine], list[int]]:
    """Validate the typed request and build the pure one; amounts are returned parsed."""
    if len(items) > MAX_ITEMS:
        _refuse("items", _("At most %(n)s moves per request.") % {"n": MAX_ITEMS})
    amounts = [_whole_won(i.amount, f"items.{n}.amount") for n, i in enumerate(items)]
    lines = _lines(plan, items)
    for n, item in enumerate(items):
        source, target = lines[item.from_line_id], lines[item.to_line_id]
        if source.source != target.source:
            raise ValidationError(
                {
                    f"items.{n}.to_line": [
                        _(
                            "Money of one funding source cannot move to a line of another "
                            "(%(from)s → %(to)s)."
                        )
                        % {
                            "from": source.get_source_display(),
                            "to": target.get_source_display(),
                        }
                    ]
                }
            )
    taken: dict[int, int] = {}
    for item, amount in zip(items, amounts, strict=True):
        taken[item.from_line_id] = taken.get(item.from_line_id, 0) + amount
    for n, item in enumerate(items):
        line = lines[item.from_line_id]
        if taken[item.from_line_id] >= line.amount:
            raise ValidationError(
                {
                    f"items.{n}.amount": [
                        _(
                            "The line holds %(held)s: a change may take less than that "
                            "(a line keeps at least 1 won; to drop an item, request a "
                            "change of content)."
                        )
                        % {"held": format_won(line.amount)}
                    ]
                }
            )
    moves = tuple(
        routes.Move(line_ref(lines[i.from_line_id]), line_ref(lines[i.to_line_id]), amount)
        for i, amount in zip(items, amounts, strict=True)
    )
    pure = routes.ChangeRequest(
        moves=moves,
        subsidy_total=subsidy_total(plan),
        urgent=urgent,
        content_change=bool(content_change),
    )
    return pure, lines, amounts


def _invalid(exc: routes.InvalidChange) -> ValidationError:
    field = {"amount": "items", "same_line": "items", "exceeds_line": "items"}.get(
        exc.code, "__all__"
    )
    if exc.code == "subsidy_total":
        return ValidationError(
            {
                "__all__": [
                    _(
                        "The plan has no city subsidy to measure the change against: record "
                        "the subsidy disbursed or its city-funded budget lines first."
                    )
                ]
            }
        )
    return ValidationError({field: [str(exc)]})


def refusal_message(routing: routes.Routing) -> str:
    return _("%(route)s — %(article)s.") % {
        "route": routing.route.label,
        "article": routing.route.article,
    }


def preview(
    plan: Plan, items: list[ItemSpec], *, urgent: bool = False, content_change: str = ""
) -> routes.Routing:
    """The route a request would take, without filing it."""
    pure, *_rest = build_request(plan, items, urgent=urgent, content_change=content_change)
    try:
        return routes.route_change(pure, rules().change)
    except routes.InvalidChange as exc:
        raise _invalid(exc) from exc


def file_request(
    plan: Plan,
    items: list[ItemSpec],
    reason: str,
    actor,
    *,
    urgent: bool = False,
    content_change: str = "",
    now: dt.datetime | None = None,
) -> ChangeRequest:
    """File a change request; refused routes and bad input raise ``ValidationError``.
    ``now``: when it was filed (the demo files requests of past years)."""
    _check_plan_open(plan)
    reason, content_change = _text(reason), _text(content_change)
    if not reason:
        _refuse("reason", _("Say why the budget or content must change."))
    if len(reason) > REASON_MAX or len(content_change) > REASON_MAX:
        _refuse(
            "reason" if len(reason) > REASON_MAX else "content_change",
            _("Use at most %(n)s characters.") % {"n": REASON_MAX},
        )
    if not items and not content_change:
        _refuse(
            "items",
            _("Move an amount between budget lines, or describe the change of content."),
        )
    with transaction.atomic():
        # Lock the lines so that two requests cannot both take the same money unseen.
        list(BudgetLine.objects.select_for_update().filter(task__plan=plan).values("pk"))
        pure, lines, amounts = build_request(
            plan, items, urgent=urgent, content_change=content_change
        )
        try:
            routing = routes.route_change(pure, rules().change)
        except routes.InvalidChange as exc:
            raise _invalid(exc) from exc
        if routing.refused:
            field = f"items.{routing.offending[0]}.to_line" if routing.offending else "items"
            raise ValidationError(
                {
                    field: [
                        _("This change is not allowed: %(why)s") % {"why": refusal_message(routing)}
                    ]
                }
            )
        request = ChangeRequest.objects.create(
            plan=plan,
            requested_by=actor,
            urgent=urgent,
            reason=reason,
            content_change=content_change,
            status=ChangeStatus.SUBMITTED,
            route=routing.route.key,
            subsidy_total=routing.base,
        )
        if now is not None:  # created_at is set on creation; a past filing day is kept
            ChangeRequest.objects.filter(pk=request.pk).update(created_at=now)
            request.created_at = now
        for item, amount in zip(items, amounts, strict=True):
            source, target = lines[item.from_line_id], lines[item.to_line_id]
            transfer = source.category != target.category
            ChangeItem.objects.create(
                request=request,
                from_line=source,
                to_line=target,
                amount=amount,
                kind=ChangeKind.TRANSFER if transfer else ChangeKind.CHANGE,
            )
        audit.record(
            request,
            "change requested",
            actor,
            reason,
            {
                "route": [None, routing.route.key],
                "amount": [None, routing.amount],
                "share": [None, f"{routing.share.numerator}/{routing.share.denominator}"],
            },
        )
    return request


# ---------------------------------------------------------------- the route of a request


def route_of(request: ChangeRequest) -> Route | None:
    try:
        return rules().change.route(request.route)
    except StopIteration:
        return None


def amount_of(request: ChangeRequest) -> int:
    return sum(i.amount for i in request.items.all())


def allowed_approvers(route: Route) -> tuple[str, ...]:
    """Who may decide a request on this route: an urgent request may also go to the
    full council, which always may decide what it delegated."""
    if route.approver == "delegated":
        return (Approver.DELEGATED, Approver.COUNCIL)
    return (route.approver,) if route.approver != "none" else ()


def needs_consultation(request: ChangeRequest) -> bool:
    route = route_of(request)
    return bool(route and route.prior_consultation)


# ---------------------------------------------------------------- decisions


def _check_decider(request: ChangeRequest, approver: str, user) -> None:
    actor = actor_for(user)
    if approver == Approver.CITY:
        if not (actor.city_wide or actor.superuser):
            _refuse("approver", _("Only a city officer may record the city's approval."))
    elif not (actor.city_wide or actor.superuser or request.plan.district_id in actor.districts):
        _refuse("approver", _("Only the district's staff may record the council's decision."))


def _check_body_decision(
    request: ChangeRequest, approver: str, decision: Decision | None, decided_at: dt.datetime
) -> None:
    if approver == Approver.CITY:
        return
    if decision is None:
        _refuse(
            "body_decision",
            _("Link the decision of the council (or of its delegated unit) that decided this."),
        )
    assert decision is not None
    body = decision.body
    if body.district_id != request.plan.district_id:
        _refuse("body_decision", _("The decision must be one of this district's bodies."))
    kinds = COUNCIL_KINDS if approver == Approver.COUNCIL else DELEGATED_KINDS
    if body.kind not in kinds:
        _refuse(
            "body_decision",
            _("A decision of the council itself is needed here.")
            if approver == Approver.COUNCIL
            else _("An urgent change is decided by the steering committee or a subcommittee."),
        )
    if decision.decided_on < timezone.localdate(request.created_at):
        _refuse("body_decision", _("The decision was taken before the request was filed."))
    if decision.decided_on > timezone.localdate(decided_at):
        _refuse("body_decision", _("The decision is dated after the day recorded."))


def record_consultation(
    request: ChangeRequest, agreed: bool, user, note: str = "", at: dt.datetime | None = None
) -> ChangeDecision:
    """The city's prior consultation on a change of content (운영지침 3.3.2)."""
    at = at or timezone.now()
    with transaction.atomic():
        request = (
            ChangeRequest.objects.select_for_update().select_related("plan").get(pk=request.pk)
        )
        if not needs_consultation(request):
            _refuse("step", _("This route has no prior consultation with the city."))
        if request.status != ChangeStatus.SUBMITTED:
            _refuse("__all__", _("This request is already decided or withdrawn."))
        if request.decisions.filter(step=ChangeStep.CONSULTATION).exists():
            _refuse("step", _("The city was already consulted on this request."))
        _check_decider(request, Approver.CITY, user)
        step = ChangeDecision.objects.create(
            request=request,
            step=ChangeStep.CONSULTATION,
            approver=Approver.CITY,
            outcome=ChangeOutcome.APPROVED if agreed else ChangeOutcome.REJECTED,
            decided_at=at,
            decided_by=user,
            note=_text(note),
        )
        if not agreed:
            request.status = ChangeStatus.REJECTED
            request.save(update_fields=["status"])
        audit.record(
            request,
            "change consulted" if agreed else "change rejected",
            user,
            _text(note),
            {"consultation": [None, "agreed" if agreed else "objected"]},
        )
    return step


def decide(
    request: ChangeRequest,
    approver: str,
    approved: bool,
    user,
    *,
    body_decision: Decision | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> ChangeDecision:
    """Record the decision the route calls for; an approval moves the money."""
    at = at or timezone.now()
    note = _text(note)
    with transaction.atomic():
        request = (
            ChangeRequest.objects.select_for_update().select_related("plan").get(pk=request.pk)
        )
        route = route_of(request)
        if request.status != ChangeStatus.SUBMITTED:
            _refuse("__all__", _("This request is already decided or withdrawn."))
        if route is None or approver not in allowed_approvers(route):
            _refuse(
                "approver",
                _("On this route the request is decided by: %(who)s.")
                % {
                    "who": ", ".join(
                        str(Approver(a).label) for a in (allowed_approvers(route) if route else ())
                    )
                    or "—"
                },
            )
        assert route is not None
        if (
            route.prior_consultation
            and not request.decisions.filter(
                step=ChangeStep.CONSULTATION, outcome=ChangeOutcome.APPROVED
            ).exists()
        ):
            _refuse("__all__", _("Consult the city first: this change of content needs it."))
        _check_decider(request, approver, user)
        _check_body_decision(request, approver, body_decision, at)
        if not approved and not note:
            _refuse("note", _("Say why the change is rejected."))
        step = ChangeDecision.objects.create(
            request=request,
            step=ChangeStep.DECISION,
            approver=approver,
            outcome=ChangeOutcome.APPROVED if approved else ChangeOutcome.REJECTED,
            decided_at=at,
            decided_by=user,
            body_decision=body_decision if approver != Approver.CITY else None,
            delegated_unit=body_decision.body
            if body_decision is not None and approver == Approver.DELEGATED
            else None,
            note=note,
        )
        request.status = ChangeStatus.APPROVED if approved else ChangeStatus.REJECTED
        request.save(update_fields=["status"])
        audit.record(
            request,
            "change approved" if approved else "change rejected",
            user,
            note,
            {"status": [ChangeStatus.SUBMITTED, request.status], "approver": [None, approver]},
        )
        if approved:
            _apply(request, user)
    return step


def _apply(request: ChangeRequest, user) -> None:
    """Move the approved amounts; the lines are re-checked under lock."""
    items = list(request.items.all())
    ids = {i.from_line_id for i in items} | {i.to_line_id for i in items}
    lines = {line.pk: line for line in BudgetLine.objects.select_for_update().filter(pk__in=ids)}
    before = {pk: line.amount for pk, line in lines.items()}
    for item in items:
        source = lines[item.from_line_id]
        if item.amount >= source.amount:
            _refuse(
                "__all__",
                _(
                    "Since the request was filed the line “%(line)s” fell to %(held)s: it "
                    "cannot give %(amount)s. File a new request."
                )
                % {
                    "line": source.description or source.category,
                    "held": format_won(source.amount),
                    "amount": format_won(item.amount),
                },
            )
        source.amount -= item.amount
        lines[item.to_line_id].amount += item.amount
    for pk, line in lines.items():
        line.save(update_fields=["amount"])
        audit.record(
            line,
            "budget changed",
            user,
            _("change request #%(n)s") % {"n": request.pk},
            {"amount": [before[pk], line.amount]},
        )


def withdraw(request: ChangeRequest, user, reason: str = "") -> None:
    with transaction.atomic():
        request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != ChangeStatus.SUBMITTED:
            _refuse("__all__", _("Only a request still waiting for its decision can be withdrawn."))
        request.status = ChangeStatus.WITHDRAWN
        request.save(update_fields=["status"])
        audit.record(request, "change withdrawn", user, _text(reason))


# ---------------------------------------------------------------- quarterly notices


def quarterly_route_keys() -> list[str]:
    return [r.key for r in rules().change.routes if r.report_quarterly]


def to_report(plans: Iterable[Plan] | None = None, *, year: int | None = None, quarter=None):
    """Approved decisions below the threshold that the quarterly report notifies the city
    of: not yet reported, decided up to the end of the quarter (when one is given)."""
    qs = ChangeDecision.objects.filter(
        step=ChangeStep.DECISION,
        outcome=ChangeOutcome.APPROVED,
        request__route__in=quarterly_route_keys(),
        reported_in__isnull=True,
    )
    if plans is not None:
        qs = qs.filter(request__plan__in=list(plans))
    if year is not None and quarter is not None:
        end = quarter_bounds(year, quarter)[1]
        qs = qs.filter(Q(decided_at__date__lte=end))
    return qs.select_related("request__plan__district", "body_decision", "delegated_unit").order_by(
        "decided_at", "id"
    )
