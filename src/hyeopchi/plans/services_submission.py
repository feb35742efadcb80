"""What the UI, the API and the demo do to a plan between the council's approval and the
money: approval by a council decision, submission as a frozen version (on time, or late
with a city officer's recorded exception), review opinions per reviewer and round,
revision rounds, selection, the participatory-budget committee's approval, the agreement
(협약) and the disbursement (교부).

Every step goes through :func:`_step`: it locks the plan row, asks the pure rules
(:mod:`.submission_rules`) whether this actor may take this step now, applies it, saves
and records who, when and why in the audit history. Errors are ``ValidationError``s keyed
by field (a form shows them next to the field, the API under the payload's name);
a step the actor may not take is ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hyeopchi.bodies.models import BodyKind, Decision
from hyeopchi.core import audit
from hyeopchi.core.dates import format_date
from hyeopchi.core.money import format_won
from hyeopchi.core.permissions import actor_for
from hyeopchi.participation.services_agendas import tell_proposers

from . import submission_rules as rules
from .budget_policy import category_choices
from .cycle_deadlines import Deadlines, deadlines_of
from .models import (
    Agreement,
    DeadlineException,
    Plan,
    PlanVersion,
    Recommendation,
    ReviewOpinion,
    VersionReason,
)
from .plan_diff import PlanDiff, diff_snapshots, item_label
from .services_plans import MAX_AMOUNT
from .snapshot import plan_snapshot
from .submission_rules import Event, State

TEXT_MAX = 10_000
REASON_MAX = 2_000
# Bodies whose decision approves a plan: the council, or the public-private TFT where the
# council is not yet formed (spec §3.1 state 1).
APPROVING_BODIES = (BodyKind.COUNCIL, BodyKind.TFT)

audit.ACTION_LABELS.update(
    {
        "plan approved by council": gettext_lazy("approved by the council"),
        "plan re-opened": gettext_lazy("re-opened for editing"),
        "plan submitted": gettext_lazy("submitted to the city"),
        "review started": gettext_lazy("review started"),
        "revision requested": gettext_lazy("revision requested"),
        "plan resubmitted": gettext_lazy("revised version submitted"),
        "plan selected": gettext_lazy("selected"),
        "approved by PB committee": gettext_lazy("approved by the participatory-budget committee"),
        "agreement signed": gettext_lazy("agreement signed"),
        "subsidy disbursed": gettext_lazy("subsidy disbursed"),
        "deadline exception granted": gettext_lazy("late submission allowed"),
        "review opinion written": gettext_lazy("review opinion written"),
        "review opinion changed": gettext_lazy("review opinion changed"),
    }
)

STATE_LABELS = {
    State.DRAFT: gettext_lazy("draft"),
    State.APPROVED: gettext_lazy("approved by the council"),
    State.SUBMITTED: gettext_lazy("submitted to the city"),
    State.IN_REVIEW: gettext_lazy("in review"),
    State.REVISING: gettext_lazy("being revised"),
    State.SELECTED: gettext_lazy("selected"),
    State.PB_APPROVED: gettext_lazy("approved by the participatory-budget committee"),
    State.AGREED: gettext_lazy("agreement signed"),
    State.IN_EXECUTION: gettext_lazy("in execution"),
}

EVENT_LABELS = {
    Event.APPROVE: gettext_lazy("council approval"),
    Event.REOPEN: gettext_lazy("re-opening for editing"),
    Event.SUBMIT: gettext_lazy("submission"),
    Event.START_REVIEW: gettext_lazy("start of the review"),
    Event.REQUEST_REVISION: gettext_lazy("request for revision"),
    Event.RESUBMIT: gettext_lazy("submission of a revised version"),
    Event.SELECT: gettext_lazy("selection"),
    Event.PB_APPROVE: gettext_lazy("participatory-budget committee approval"),
    Event.AGREE: gettext_lazy("agreement"),
    Event.DISBURSE: gettext_lazy("disbursement"),
}


# ---------------------------------------------------------------- state and refusals


def state(plan: Plan) -> str:
    return rules.state_of(plan.status, plan.pb_approved_on is not None)


def state_label(value: str) -> str:
    try:
        return str(STATE_LABELS[State(value)])
    except (ValueError, KeyError):
        return value


def refusal_message(refused: rules.TransitionRefused) -> str:
    message = _("A plan that is “%(state)s” cannot take this step (%(step)s).") % {
        "state": state_label(refused.state),
        "step": EVENT_LABELS.get(refused.event, refused.event),
    }
    possible = [str(EVENT_LABELS[e]) for e in refused.allowed]
    if possible:
        message += " " + _("Possible now: %(steps)s.") % {"steps": ", ".join(possible)}
    return message


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _text(value: Any) -> str:
    return str(value or "").replace("\r\n", "\n").strip()


def _need_text(errors: dict, field: str, value: str, limit: int, what: str) -> None:
    if not value:
        errors.setdefault(field, []).append(_("Write %(what)s.") % {"what": what})
    elif len(value) > limit:
        errors.setdefault(field, []).append(
            _("Use at most %(n)s characters (you wrote %(len)s).") % {"n": limit, "len": len(value)}
        )


def _need_date(errors: dict, field: str, value: Any, today: dt.date) -> None:
    if not isinstance(value, dt.date):
        errors.setdefault(field, []).append(_("Enter a date."))
    elif value > today:
        errors.setdefault(field, []).append(
            _("The date cannot be in the future (today is %(today)s).")
            % {"today": format_date(today)}
        )


def _need_amount(errors: dict, field: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.setdefault(field, []).append(_("Enter the amount as a whole number of won."))
    elif value <= 0:
        errors.setdefault(field, []).append(_("The amount must be more than 0 won."))
    elif value > MAX_AMOUNT:
        errors.setdefault(field, []).append(
            _("The amount is larger than any subsidy (at most %(max)s).")
            % {"max": format_won(MAX_AMOUNT)}
        )


def _not_before(errors: dict, field: str, value: Any, earlier: dt.date | None, what: str) -> None:
    if isinstance(value, dt.date) and earlier is not None and value < earlier:
        errors.setdefault(field, []).append(
            _("The date cannot be before %(what)s (%(day)s).")
            % {"what": what, "day": format_date(earlier)}
        )


def _check_may(plan: Plan, event: Event, user) -> None:
    if not rules.may_take(actor_for(user), event, plan.district_id):
        raise PermissionDenied


def _moment(today: dt.date) -> dt.datetime:
    """Now, or noon (Seoul) of ``today`` when a step is recorded for another day (the demo,
    records entered after the fact)."""
    now = timezone.now()
    if timezone.localdate(now) == today:
        return now
    return timezone.make_aware(dt.datetime.combine(today, dt.time(12)))


@dataclass(frozen=True)
class Step:
    event: Event
    plan: Plan  # locked, fresh from the database
    before: dict[str, Any]


def _step(
    plan: Plan,
    event: Event,
    user,
    apply: Callable[[Step], dict[str, Any] | None],
    reason: str = "",
) -> Plan:
    """Lock the plan, check who and when, let ``apply`` change it (it may raise
    ValidationError and return extra audit changes), save, audit."""
    _check_may(plan, event, user)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        try:
            target = rules.next_state(state(locked), event)
        except rules.TransitionRefused as refused:
            raise ValidationError({"__all__": [refusal_message(refused)]}) from None
        before = audit.snapshot(locked)
        extra = apply(Step(event, locked, before)) or {}
        locked.status = rules.stored_status(target)
        locked.save()
        changes = audit.diff(before, audit.snapshot(locked))
        changes.update(extra)
        audit.record(locked, rules.ACTIONS[event], user, reason, changes)
    # The caller's object follows the database.
    for f in locked._meta.concrete_fields:
        setattr(plan, f.attname, getattr(locked, f.attname))
    return plan


# ---------------------------------------------------------------- district steps


def approve(plan: Plan, decision: Decision | None, user, today: dt.date | None = None) -> Plan:
    """The district council approves the plan by a recorded decision of its own."""
    _check_may(plan, Event.APPROVE, user)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if decision is None:
        errors["decision"] = [
            _("Choose the council's decision that approved the plan; record it first.")
        ]
    else:
        body = decision.body
        if body.district_id != plan.district_id or body.kind not in APPROVING_BODIES:
            errors["decision"] = [
                _(
                    "Only a decision of this district's governance council (or its "
                    "public-private TFT) approves the plan; “%(body)s” is not one."
                )
                % {"body": body.name}
            ]
        elif decision.decided_on > today:
            errors["decision"] = [_("The decision is dated in the future.")]
    _refuse(errors)

    def apply(step: Step) -> None:
        step.plan.approved_by = decision

    plan = _step(plan, Event.APPROVE, user, apply, reason=decision.title if decision else "")
    tell_proposers_of_tasks(plan)
    return plan


def tell_proposers_of_tasks(plan: Plan) -> int:
    """The proposers follow their idea into the approved plan: whoever proposed an agenda
    a task took up hears which task and plan it became."""
    sent = 0
    for task in plan.tasks.prefetch_related("agendas"):
        for agenda in task.agendas.all():
            sent += tell_proposers(
                agenda,
                lambda proposal, task=task: (
                    _(
                        "Your proposal “%(proposal)s” is now the task “%(task)s” of the plan "
                        "“%(plan)s”, approved by the council."
                    )
                    % {"proposal": proposal.title, "task": task.title, "plan": plan.title}
                ),
            )
    return sent


def reopen(plan: Plan, reason: str, user) -> Plan:
    """Take an approved plan back to draft to edit it; the approval no longer holds."""
    _check_may(plan, Event.REOPEN, user)
    reason = _text(reason)
    errors: dict[str, list[str]] = {}
    _need_text(errors, "reason", reason, REASON_MAX, _("why the plan is re-opened"))
    _refuse(errors)

    def apply(step: Step) -> None:
        step.plan.approved_by = None

    return _step(plan, Event.REOPEN, user, apply, reason)


def next_submission_event(plan: Plan) -> Event | None:
    current = state(plan)
    if current == State.APPROVED:
        return Event.SUBMIT
    if current == State.REVISING:
        return Event.RESUBMIT
    return None


def pending_exception(plan: Plan) -> DeadlineException | None:
    return (
        DeadlineException.objects.filter(plan=plan, used_by__isnull=True)
        .select_related("granted_by")
        .order_by("-granted_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class SubmissionCheck:
    """What a submission now would meet: which step, its deadline, whether it is late and
    whether an exception lets it in."""

    event: Event | None
    deadlines: Deadlines
    timing: rules.Timing | None
    exception: DeadlineException | None


def submission_check(plan: Plan, today: dt.date | None = None) -> SubmissionCheck:
    today = today or timezone.localdate()
    event = next_submission_event(plan)
    limits = deadlines_of(plan)
    if event is None:
        return SubmissionCheck(None, limits, None, None)
    deadline = rules.deadline_for(event, limits.submission, limits.final)
    exception = pending_exception(plan)
    grant = (
        rules.DeadlineException(exception.reason, exception.until)
        if exception is not None
        else None
    )
    return SubmissionCheck(
        event, limits, rules.submission_timing(today, deadline, grant), exception
    )


def late_message(check: SubmissionCheck) -> str:
    timing = check.timing
    assert timing is not None and timing.deadline is not None
    if timing.problem == "exception_expired" and check.exception is not None:
        return _(
            "The deadline was %(deadline)s. The exception a city officer recorded allowed "
            "a late submission until %(until)s, which has passed too; ask the city for a "
            "new exception."
        ) % {
            "deadline": format_date(timing.deadline),
            "until": format_date(check.exception.until),
        }
    return ngettext(
        "The deadline for this submission was %(deadline)s (%(days)s day ago). A late "
        "submission needs an exception recorded by a city officer, with its reason; "
        "nothing was submitted, the plan is unchanged.",
        "The deadline for this submission was %(deadline)s (%(days)s days ago). A late "
        "submission needs an exception recorded by a city officer, with its reason; "
        "nothing was submitted, the plan is unchanged.",
        timing.late_days,
    ) % {"deadline": format_date(timing.deadline), "days": timing.late_days}


def _not_submittable(plan: Plan) -> str:
    current = state(plan)
    if current == State.DRAFT:
        return _(
            "The council has not approved this plan: record the council's decision first, "
            "then submit."
        )
    if current in (State.SUBMITTED, State.IN_REVIEW):
        version = current_version(plan)
        return _(
            "This plan is already with the city (version %(n)s, “%(state)s”). A new "
            "version can be submitted when the city asks for a revision."
        ) % {"n": version.number if version else "-", "state": state_label(current)}
    return _("A plan that is “%(state)s” is not submitted again.") % {"state": state_label(current)}


def submit(plan: Plan, user, final: bool = False, today: dt.date | None = None) -> PlanVersion:
    """Freeze the plan as a new version and send it to the city: the first submission of
    an approved plan, or a revised version (``final``: the last one, after negotiation).
    Late only with the city's recorded exception, which the version keeps."""
    today = today or timezone.localdate()
    _check_may(plan, Event.SUBMIT, user)
    event = next_submission_event(plan)
    if event is None:
        raise ValidationError({"__all__": [_not_submittable(plan)]})
    created: dict[str, PlanVersion] = {}

    def apply(step: Step) -> dict[str, Any]:
        check = submission_check(step.plan, today)
        timing = check.timing
        if timing is None or check.event is not event:
            raise ValidationError({"__all__": [_("The plan changed meanwhile; reload the page.")]})
        if not timing.allowed:
            raise ValidationError({"__all__": [late_message(check)]})
        number = (step.plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        if event is Event.SUBMIT:
            reason = VersionReason.SUBMISSION
        else:
            reason = VersionReason.FINAL if final else VersionReason.REVISION
        exception = check.exception if timing.by_exception else None
        version = PlanVersion.objects.create(
            plan=step.plan,
            number=number,
            reason=reason,
            snapshot=plan_snapshot(step.plan),
            created_by=user,
            submitted_at=_moment(today),
            late=timing.late,
            late_exception_reason=exception.reason if exception else "",
            exception_approved_by=exception.granted_by if exception else None,
        )
        if exception is not None:
            exception.used_by = version
            exception.save(update_fields=["used_by"])
        created["version"] = version
        return {"version": [None, number], "late": [None, timing.late]}

    _step(plan, event, user, apply)
    return created["version"]


# ---------------------------------------------------------------- city steps


def grant_exception(
    plan: Plan, reason: str, user, until: dt.date | None = None, today: dt.date | None = None
) -> DeadlineException:
    """A city officer allows a late submission, for a reason (kept on the version)."""
    if not rules.may_grant_exception(actor_for(user)):
        raise PermissionDenied
    today = today or timezone.localdate()
    reason = _text(reason)
    errors: dict[str, list[str]] = {}
    _need_text(errors, "reason", reason, REASON_MAX, _("why a late submission is allowed"))
    if until is not None and until < today:
        errors["until"] = [_("The last day allowed cannot be in the past.")]
    if next_submission_event(plan) is None:
        errors.setdefault("__all__", []).append(
            _("The plan is not waiting to be submitted (it is “%(state)s”).")
            % {"state": state_label(state(plan))}
        )
    _refuse(errors)
    exception = DeadlineException(plan=plan, reason=reason, until=until, granted_by=user)
    with transaction.atomic():
        exception.save()
        audit.record(
            plan,
            "deadline exception granted",
            user,
            reason,
            {"until": [None, until.isoformat() if until else None]},
        )
    return exception


def current_version(plan: Plan) -> PlanVersion | None:
    return plan.versions.order_by("-number").first()


def write_opinion(plan: Plan, text: str, recommendation: str, user) -> ReviewOpinion:
    """A reviewer's opinion (검토의견) on the version under review, one per reviewer and
    round (writing again changes it). The first opinion starts the review."""
    _check_may(plan, Event.START_REVIEW, user)
    text = _text(text)
    errors: dict[str, list[str]] = {}
    _need_text(errors, "text", text, TEXT_MAX, _("the opinion"))
    if recommendation not in Recommendation.values:
        errors["recommendation"] = [_("Choose a recommendation.")]
    if state(plan) not in rules.REVIEWABLE:
        errors.setdefault("__all__", []).append(
            _(
                "Opinions are written while the plan is with the city for review "
                "(it is “%(state)s”)."
            )
            % {"state": state_label(state(plan))}
        )
    _refuse(errors)
    with transaction.atomic():
        if state(plan) == State.SUBMITTED:
            _step(plan, Event.START_REVIEW, user, lambda step: None)
        version = current_version(plan)
        assert version is not None
        opinion = ReviewOpinion.objects.filter(
            version=version, round=version.number, reviewer=user
        ).first()
        if opinion is None:
            opinion = ReviewOpinion(version=version, round=version.number, reviewer=user)
        opinion.text, opinion.recommendation = text, recommendation
        audit.save_and_record(
            opinion,
            actor=user,
            created="review opinion written",
            changed="review opinion changed",
        )
    return opinion


def request_revision(plan: Plan, reason: str, user) -> Plan:
    """Send the plan back to the district to revise it (a new round on resubmission)."""
    _check_may(plan, Event.REQUEST_REVISION, user)
    reason = _text(reason)
    errors: dict[str, list[str]] = {}
    _need_text(errors, "reason", reason, REASON_MAX, _("what the district should revise"))
    _refuse(errors)
    return _step(plan, Event.REQUEST_REVISION, user, lambda step: None, reason)


def select(plan: Plan, on: Any, user, today: dt.date | None = None) -> Plan:
    """최종 선정: the city selects the plan as it stands in its latest version."""
    _check_may(plan, Event.SELECT, user)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _need_date(errors, "on", on, today)
    version = current_version(plan)
    if version is not None and version.submitted_at is not None:
        submitted = timezone.localtime(version.submitted_at).date()
        _not_before(errors, "on", on, submitted, _("the latest version's submission"))
    _refuse(errors)

    def apply(step: Step) -> None:
        step.plan.selected_on = on

    return _step(plan, Event.SELECT, user, apply)


def pb_approve(plan: Plan, on: Any, user, today: dt.date | None = None) -> Plan:
    """시 참여예산위원회 approves the selected plan (the plan stays "selected")."""
    _check_may(plan, Event.PB_APPROVE, user)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _need_date(errors, "on", on, today)
    _not_before(errors, "on", on, plan.selected_on, _("the selection"))
    _refuse(errors)

    def apply(step: Step) -> None:
        step.plan.pb_approved_on = on

    return _step(plan, Event.PB_APPROVE, user, apply)


def agree(
    plan: Plan,
    user,
    signed_on: Any,
    period_start: Any,
    period_end: Any,
    amount: Any,
    note: str = "",
    today: dt.date | None = None,
) -> Agreement:
    """협약: the city and the district's council sign the agreement on the subsidy."""
    _check_may(plan, Event.AGREE, user)
    today = today or timezone.localdate()
    note = _text(note)
    errors: dict[str, list[str]] = {}
    _need_date(errors, "signed_on", signed_on, today)
    _not_before(
        errors,
        "signed_on",
        signed_on,
        plan.pb_approved_on,
        _("the participatory-budget committee's approval"),
    )
    for field, value in (("period_start", period_start), ("period_end", period_end)):
        if not isinstance(value, dt.date):
            errors.setdefault(field, []).append(_("Enter a date."))
    _need_amount(errors, "amount", amount)
    if len(note) > TEXT_MAX:
        errors["note"] = [_("Use at most %(n)s characters.") % {"n": TEXT_MAX}]
    if not errors:
        for problem in rules.agreement_problems(signed_on, period_start, period_end, amount):
            if problem == "period_reversed":
                errors.setdefault("period_end", []).append(
                    _("The period cannot end before it starts.")
                )
            elif problem == "signed_after_period":
                errors.setdefault("signed_on", []).append(
                    _("The agreement cannot be signed after its period has ended.")
                )
    _refuse(errors)
    created: dict[str, Agreement] = {}

    def apply(step: Step) -> dict[str, Any]:
        created["agreement"] = Agreement.objects.create(
            plan=step.plan,
            signed_on=signed_on,
            period_start=period_start,
            period_end=period_end,
            amount=amount,
            note=note,
            recorded_by=user,
        )
        step.plan.agreed_on = signed_on
        return {"agreement_amount": [None, amount]}

    _step(plan, Event.AGREE, user, apply)
    return created["agreement"]


def disburse(plan: Plan, on: Any, amount: Any, user, today: dt.date | None = None) -> Plan:
    """교부: the city pays the agreed subsidy (in one sum); execution starts."""
    _check_may(plan, Event.DISBURSE, user)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _need_date(errors, "on", on, today)
    _not_before(errors, "on", on, plan.agreed_on, _("the agreement"))
    _need_amount(errors, "amount", amount)
    agreement = Agreement.objects.filter(plan=plan).first()
    if (
        "amount" not in errors
        and agreement is not None
        and rules.disbursement_problems(amount, agreement.amount, 0)
    ):
        errors["amount"] = [
            _("More than the agreement's subsidy (%(agreed)s).")
            % {"agreed": format_won(agreement.amount)}
        ]
    _refuse(errors)

    def apply(step: Step) -> None:
        step.plan.disbursed_on = on
        step.plan.disbursed_amount = amount

    return _step(plan, Event.DISBURSE, user, apply)


# ---------------------------------------------------------------- decisions to choose from


def approving_decisions(plan: Plan):
    """Decisions that may approve the plan: of this district's council or TFT."""
    return (
        Decision.objects.filter(body__district_id=plan.district_id, body__kind__in=APPROVING_BODIES)
        .select_related("body")
        .order_by("-decided_on", "-id")
    )


# ---------------------------------------------------------------- versions compared


def _line_labeller() -> Callable[[Mapping[str, Any]], str]:
    names = dict(category_choices())

    def label(line: Mapping[str, Any]) -> str:
        category = names.get(line.get("category", ""), line.get("category", ""))
        description = line.get("description") or ""
        return f"{category} — {description}" if description else str(category)

    return label


def _goal_label(goal: Mapping[str, Any]) -> str:
    return str(goal.get("text") or item_label(goal))


def _section_label(section: Mapping[str, Any]) -> str:
    return " ".join(str(part) for part in (section.get("code"), section.get("title")) if part)


def compare(older: PlanVersion, newer: PlanVersion) -> PlanDiff:
    return diff_snapshots(
        older.snapshot,
        newer.snapshot,
        labels={
            "budget_lines": _line_labeller(),
            "goals": _goal_label,
            "sections": _section_label,
        },
    )
