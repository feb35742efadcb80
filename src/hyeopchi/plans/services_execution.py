"""Execution of a plan: quarterly progress reports, the settlement report, termination.

A district opens the report of a quarter of the plan's year (the quarter must exist and
have begun), writes each task's progress, the spending to date per budget line (and what
of it national or other public money also paid) and the indicators' actual values, and
submits it: the approved changes decided below the threshold go to the city with it.
Spending above the plan is flagged per line and task by :mod:`.settlement_rules`.

After the year (or a termination) the settlement report is due (two months after 31
December); it computes the subsidy not spent, the interest to return and the subsidy
charged for expenses other public money also paid. Every state change is audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hyeopchi.core import audit
from hyeopchi.core.permissions import Action, Actor, actor_for, can

from . import settlement_rules as sr
from .models import (
    BudgetLine,
    Indicator,
    IndicatorActual,
    LineSpending,
    Plan,
    PlanKind,
    PlanStatus,
    ProgressReport,
    Settlement,
    Task,
    TaskProgress,
)
from .services_changes import MAX_AMOUNT, _refuse, _text, rules, to_report

NARRATIVE_MAX = 5000
NOTE_MAX = 2000
REPORTING_STATUSES = (PlanStatus.AGREED, PlanStatus.IN_EXECUTION)
SETTLING_STATUSES = (PlanStatus.AGREED, PlanStatus.IN_EXECUTION, PlanStatus.TERMINATED)
TERMINABLE_STATUSES = (PlanStatus.AGREED, PlanStatus.IN_EXECUTION)

audit.ACTION_LABELS.update(
    {
        "report opened": gettext_lazy("progress report opened"),
        "report saved": gettext_lazy("progress report saved"),
        "report submitted": gettext_lazy("progress report submitted"),
        "settlement submitted": gettext_lazy("settlement report submitted"),
        "return recorded": gettext_lazy("return of funds recorded"),
        "terminated": gettext_lazy("agreement terminated"),
    }
)


def _won(value, field: str, *, allow_zero: bool = True) -> int:
    message = _("Enter a whole number of won (no decimals, no minus sign), e.g. 1500000.")
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        _refuse(field, message)
    if isinstance(value, str):
        cleaned = value.replace(",", "").replace("원", "").strip()
        if not cleaned.isdecimal():
            _refuse(field, message)
        value = int(cleaned)
    if not isinstance(value, int) or value < 0 or (value == 0 and not allow_zero):
        _refuse(field, message)
    if value > MAX_AMOUNT:
        _refuse(field, _("The amount is too large."))
    return value


def _number(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) >= Decimal(10) ** 12:
        _refuse(field, _("Enter a number, e.g. 120 or 12.5."))
    assert number is not None
    if number != number.quantize(Decimal("0.01")):
        _refuse(field, _("Use at most two decimals."))
    return number


def _set_status(plan: Plan, status: str, user, reason: str) -> None:
    """A plan's status moved by execution, audited on the plan like its other steps."""
    before = plan.status
    plan.status = status
    plan.save(update_fields=["status", "updated_at"])
    audit.record(plan, "changed", user, reason, {"status": [before, status]})


# ---------------------------------------------------------------- quarterly reports


def report_due(report: ProgressReport) -> dt.date:
    return sr.quarterly_report_due(
        report.year, report.quarter, rules().execution.quarterly_report_due_days
    )


def open_report(plan: Plan, year, quarter, user, today: dt.date | None = None) -> ProgressReport:
    """Open the progress report of a quarter of the plan's years."""
    today = today or timezone.localdate()
    if plan.status not in REPORTING_STATUSES:
        _refuse(
            "__all__",
            _("Progress is reported on a plan in execution; this plan is %(status)s.")
            % {"status": plan.get_status_display()},
        )
    try:
        quarter = sr.check_quarter(int(quarter) if str(quarter).strip().isdecimal() else quarter)
    except sr.InvalidSettlement as exc:
        raise ValidationError({"quarter": [str(exc)]}) from exc
    if not (isinstance(year, int) or str(year).isdecimal()) or not (
        plan.start_year <= int(year) <= plan.end_year
    ):
        _refuse(
            "year",
            _("The plan runs %(first)s–%(last)s: report on a quarter of those years.")
            % {"first": plan.start_year, "last": plan.end_year},
        )
    year = int(year)
    if sr.quarter_bounds(year, quarter)[0] > today:
        _refuse("quarter", _("That quarter has not begun yet."))
    with transaction.atomic():
        if ProgressReport.objects.filter(plan=plan, year=year, quarter=quarter).exists():
            _refuse("quarter", _("The report of that quarter is already open."))
        report = ProgressReport.objects.create(plan=plan, year=year, quarter=quarter)
        audit.record(report, "report opened", user)
    return report


def save_report(
    report: ProgressReport,
    user,
    *,
    narratives: dict[int, str] | None = None,
    spending: dict[int, tuple[object, object]] | None = None,
    actuals: dict[int, object] | None = None,
) -> list[sr.Overspend]:
    """Save what the district wrote; returns the overspending now flagged."""
    report.refresh_from_db(fields=["submitted_at"])
    if report.submitted_at is not None:
        _refuse("__all__", _("This report was submitted; it can no longer be changed."))
    plan = report.plan
    narratives, spending, actuals = narratives or {}, spending or {}, actuals or {}
    tasks = set(Task.objects.filter(plan=plan).values_list("pk", flat=True))
    lines = set(BudgetLine.objects.filter(task__plan=plan).values_list("pk", flat=True))
    indicators = set(Indicator.objects.filter(task__plan=plan).values_list("pk", flat=True))
    errors: dict[str, list[str]] = {}
    clean_spend: dict[int, tuple[int, int]] = {}
    for line_id, (spent, duplicated) in spending.items():
        if line_id not in lines:
            errors.setdefault(f"spent_{line_id}", []).append(_("Not a line of this plan."))
            continue
        try:
            s = _won(spent, f"spent_{line_id}")
            d = _won(duplicated, f"duplicated_{line_id}")
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
            continue
        if d > s:
            errors.setdefault(f"duplicated_{line_id}", []).append(
                _("Cannot exceed what was spent on the line.")
            )
            continue
        clean_spend[line_id] = (s, d)
    clean_values: dict[int, Decimal] = {}
    for indicator_id, value in actuals.items():
        if indicator_id not in indicators:
            errors.setdefault(f"actual_{indicator_id}", []).append(
                _("Not an indicator of this plan.")
            )
            continue
        try:
            number = _number(value, f"actual_{indicator_id}")
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
            continue
        if number is not None:
            clean_values[indicator_id] = number
    clean_text: dict[int, str] = {}
    for task_id, text in narratives.items():
        if task_id not in tasks:
            errors.setdefault(f"narrative_{task_id}", []).append(_("Not a task of this plan."))
            continue
        text = _text(text)
        if len(text) > NARRATIVE_MAX:
            errors.setdefault(f"narrative_{task_id}", []).append(
                _("Use at most %(n)s characters.") % {"n": NARRATIVE_MAX}
            )
            continue
        clean_text[task_id] = text
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for task_id, text in clean_text.items():
            TaskProgress.objects.update_or_create(
                report=report, task_id=task_id, defaults={"narrative": text}
            )
        for line_id, (s, d) in clean_spend.items():
            LineSpending.objects.update_or_create(
                report=report, line_id=line_id, defaults={"spent": s, "duplicated": d}
            )
        for indicator_id, number in clean_values.items():
            IndicatorActual.objects.update_or_create(
                report=report, indicator_id=indicator_id, defaults={"value": number}
            )
        found = overspending(report)
        audit.record(
            report,
            "report saved",
            user,
            changes={"overspent": [None, [f"{o.scope}:{o.scope_id}" for o in found]]},
        )
    return found


def spend_lines(
    report: ProgressReport, lines: list[BudgetLine] | None = None
) -> list[sr.LineSpend]:
    """Every budget line of the plan with its spending to date in this report (0 when the
    report leaves it out); ``lines``: the plan's lines, when already read."""
    spent = {s.line_id: s for s in report.spending.all()}
    if lines is None:
        lines = list(BudgetLine.objects.filter(task__plan=report.plan_id).order_by("task_id", "id"))
    return [
        sr.LineSpend(
            id=str(line.pk),
            task_id=str(line.task_id),
            source=line.source,  # type: ignore[arg-type]
            planned=line.amount,
            spent=spent[line.pk].spent if line.pk in spent else 0,
            duplicated=spent[line.pk].duplicated if line.pk in spent else 0,
        )
        for line in lines
    ]


def overspending(
    report: ProgressReport, lines: list[sr.LineSpend] | None = None
) -> list[sr.Overspend]:
    return sr.overspending(
        lines if lines is not None else spend_lines(report),
        rules().execution.overspend_tolerance,
    )


def submit_report(report: ProgressReport, user, now: dt.datetime | None = None) -> ProgressReport:
    """Submit the report; the quarter's approved changes below the threshold go with it,
    and the indicators take the reported actual values."""
    now = now or timezone.now()
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().select_related("plan").get(pk=report.pk)
        if report.submitted_at is not None:
            _refuse("__all__", _("This report was already submitted."))
        report.submitted_at = now
        report.save(update_fields=["submitted_at"])
        notices = list(to_report([report.plan], year=report.year, quarter=report.quarter))
        for decision in notices:
            decision.reported_in = report
            decision.save(update_fields=["reported_in"])
        for actual in report.actuals.select_related("indicator"):
            Indicator.objects.filter(pk=actual.indicator_id).update(actual=actual.value)
        if report.plan.status == PlanStatus.AGREED:
            _set_status(report.plan, PlanStatus.IN_EXECUTION, user, _("first progress report"))
        audit.record(
            report,
            "report submitted",
            user,
            changes={"changes_notified": [None, [d.request_id for d in notices]]},
        )
    return report


# ---------------------------------------------------------------- settlement


def period_end(plan: Plan) -> dt.date:
    """The end of the period settled: the fiscal year's, or the termination day."""
    stored = Settlement.objects.filter(plan=plan).values_list("period_end", flat=True).first()
    return stored or sr.fiscal_year_end(plan.end_year)


def due_date(plan: Plan) -> dt.date:
    return sr.settlement_due(period_end(plan), rules().settlement.due_months_after_period_end)


def settlement_for(plan: Plan) -> Settlement:
    """The plan's settlement record, created with its due date when first asked for."""
    existing = Settlement.objects.filter(plan=plan).first()
    if existing is not None:
        return existing
    settlement, _created = Settlement.objects.get_or_create(
        plan=plan, defaults={"due_date": due_date(plan), "period_end": period_end(plan)}
    )
    return settlement


def last_report(plan: Plan) -> ProgressReport | None:
    return (
        ProgressReport.objects.filter(plan=plan, submitted_at__isnull=False)
        .order_by("-year", "-quarter")
        .first()
    )


def compute_settlement(plan: Plan, subsidy_received, interest) -> sr.Settlement:
    received = _won(subsidy_received, "subsidy_received")
    earned = _won(interest, "interest")
    report = last_report(plan)
    if report is None:
        _refuse(
            "__all__",
            _(
                "Submit a progress report first (the year's last quarter, or the last before "
                "the termination): the settlement takes the spending to date from it."
            ),
        )
    assert report is not None
    try:
        return sr.settle(
            spend_lines(report), received, earned, rules().execution.overspend_tolerance
        )
    except sr.InvalidSettlement as exc:
        raise ValidationError({exc.code: [str(exc)]}) from exc


def submit_settlement(
    plan: Plan,
    user,
    *,
    subsidy_received=None,
    interest=0,
    return_method: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Settlement:
    """Submit the settlement (결과 및 정산 보고): figures computed, the plan closed."""
    now = now or timezone.now()
    if plan.status not in SETTLING_STATUSES:
        _refuse(
            "__all__",
            _(
                "A settlement is submitted for a plan in execution or terminated; this plan is "
                "%(status)s."
            )
            % {"status": plan.get_status_display()},
        )
    if subsidy_received in (None, ""):
        subsidy_received = plan.disbursed_amount or 0
    result = compute_settlement(plan, subsidy_received, interest)
    method = rules().settlement.return_method(return_method) if return_method else None
    if result.to_return and method is None:
        _refuse("return_method", _("Choose how the remaining funds are returned."))
    note = _text(note)
    if len(note) > NOTE_MAX:
        _refuse("note", _("Use at most %(n)s characters.") % {"n": NOTE_MAX})
    with transaction.atomic():
        settlement = Settlement.objects.select_for_update().get(pk=settlement_for(plan).pk)
        if settlement.submitted_at is not None:
            _refuse("__all__", _("The settlement was already submitted."))
        before = audit.snapshot(settlement)
        settlement.submitted_at = now
        settlement.subsidy_received = result.subsidy_received
        settlement.subsidy_spent = result.subsidy_spent
        settlement.unspent = result.unspent
        settlement.interest = result.interest
        settlement.duplicated = result.duplicated
        settlement.national_duplicate = bool(result.duplicated)
        settlement.national_duplicate_note = note
        settlement.to_return = result.to_return
        settlement.return_method = method.key if method else ""
        settlement.save()
        if plan.status != PlanStatus.TERMINATED:
            _set_status(plan, PlanStatus.CLOSED, user, _("settlement submitted"))
        audit.record(
            settlement,
            "settlement submitted",
            user,
            note,
            audit.diff(before, audit.snapshot(settlement)),
        )
    return settlement


def record_return(settlement: Settlement, amount, returned_on, user) -> Settlement:
    """Record the funds returned to the city (by 추경 or next year's budget)."""
    if settlement.submitted_at is None:
        _refuse("__all__", _("Submit the settlement before recording the return."))
    amount = _won(amount, "returned", allow_zero=False)
    if amount > settlement.to_return:
        _refuse(
            "returned",
            _("More than the %(due)s won to return.") % {"due": f"{settlement.to_return:,}"},
        )
    if not isinstance(returned_on, dt.date):
        _refuse("returned_at", _("Enter the date of the return."))
    if returned_on < timezone.localdate(settlement.submitted_at):
        _refuse("returned_at", _("The return cannot precede the settlement."))
    with transaction.atomic():
        before = audit.snapshot(settlement)
        settlement.returned, settlement.returned_at = amount, returned_on
        settlement.save(update_fields=["returned", "returned_at"])
        audit.record(
            settlement,
            "return recorded",
            user,
            changes=audit.diff(before, audit.snapshot(settlement)),
        )
    return settlement


def terminate(
    plan: Plan,
    user,
    *,
    ground: str,
    terminated_on: dt.date,
    reason: str,
    council_heard_on: dt.date | None = None,
    correction_deadline: dt.date | None = None,
) -> Settlement:
    """Record a termination (협약 제12조) or the end of a project that cannot go on
    (제11조①): the plan is terminated and its settlement falls due as of that day."""
    actor = actor_for(user)
    if not (actor.city_wide or actor.superuser):
        _refuse("__all__", _("Only a city officer records the termination of an agreement."))
    if plan.status not in TERMINABLE_STATUSES:
        _refuse(
            "__all__",
            _("Only a plan in execution can be terminated; this plan is %(status)s.")
            % {"status": plan.get_status_display()},
        )
    choice = rules().settlement.ground(ground)
    if choice is None:
        _refuse("ground", _("Choose one of the grounds of the agreement."))
    assert choice is not None
    reason = _text(reason)
    if not reason:
        _refuse("reason", _("Say what happened."))
    if len(reason) > NOTE_MAX:
        _refuse("reason", _("Use at most %(n)s characters.") % {"n": NOTE_MAX})
    if terminated_on.year < plan.start_year or terminated_on > sr.fiscal_year_end(plan.end_year):
        _refuse("terminated_on", _("The date must fall within the plan's years."))
    problems = sr.termination_problems(
        choice.needs_correction_period, council_heard_on, correction_deadline, terminated_on
    )
    if problems:
        raise ValidationError({"__all__": problems})
    months = rules().settlement.due_months_after_period_end
    with transaction.atomic():
        settlement = settlement_for(plan)
        before = audit.snapshot(settlement)
        settlement.terminated = True
        settlement.terminated_on = terminated_on
        settlement.termination_ground = choice.key
        settlement.termination_reason = reason
        settlement.council_heard_on = council_heard_on
        settlement.correction_deadline = correction_deadline
        settlement.period_end = terminated_on
        settlement.due_date = sr.settlement_due(terminated_on, months)
        settlement.save()
        _set_status(plan, PlanStatus.TERMINATED, user, reason)
        audit.record(
            settlement, "terminated", user, reason, audit.diff(before, audit.snapshot(settlement))
        )
    return settlement


# ---------------------------------------------------------------- the city's list


def settlement_rows(plans, today: dt.date | None = None) -> list[dict]:
    """Each execution plan past its agreement with its settlement's due date and state;
    the overdue first."""
    today = today or timezone.localdate()
    rows = []
    for plan in plans:
        settlement = getattr(plan, "settlement", None)
        due = settlement.due_date if settlement else due_date(plan)
        submitted = (
            timezone.localdate(settlement.submitted_at)
            if settlement and settlement.submitted_at
            else None
        )
        rows.append(
            {
                "plan": plan,
                "settlement": settlement,
                "due": due,
                "submitted_on": submitted,
                "overdue": sr.is_overdue(due, submitted, today),
                "late": sr.submitted_late(due, submitted),
                "days_overdue": (today - due).days if sr.is_overdue(due, submitted, today) else 0,
            }
        )
    rows.sort(key=lambda r: (not r["overdue"], r["due"], r["plan"].district.code))
    return rows


def settling_plans(actor: Actor | None = None):
    """Execution plans whose settlement is or will be due; with ``actor``, only those of
    the districts the actor is staff of (city officers: all)."""
    plans = Plan.objects.filter(
        kind=PlanKind.EXECUTION,
        status__in=[
            PlanStatus.AGREED,
            PlanStatus.IN_EXECUTION,
            PlanStatus.CLOSED,
            PlanStatus.TERMINATED,
        ],
    ).select_related("district", "settlement")
    if actor is not None and not can(actor, Action.VIEW_PRIVATE, None):
        plans = plans.filter(district_id__in=actor.districts)
    return plans
