"""Pages of a plan's way from the council's approval to the money: the submission page
(status, deadlines, versions, review rounds, agreement and payment), one form per step,
the version-to-version comparison and the city's receipt list of every district.

The public sees a plan's submission page and its versions once the council approved it
(the plan is public from then on), never the reviewers' opinions or names: those are for
the district's staff and the city. Each step's form is shown only to whoever may take it
(:func:`submission_rules.may_take`: the district's secretariat for the district's steps,
city officers for the city's).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action, actor_for, user_can

from . import forms_submission as forms
from . import services_submission as sub
from . import submission_rules as rules
from .budget_policy import category_choices
from .models import Agreement, Plan, PlanVersion, ReviewOpinion
from .plan_diff import Change
from .submission_rules import Event
from .views_changes import visible_plan

# ---------------------------------------------------------------- helpers


def _plan(request, pk: int) -> Plan:
    """The plan, if this user may see it: published (approved or later) for everyone,
    drafts for the district's staff and the city."""
    return visible_plan(request, pk, Plan.objects.select_related("district", "approved_by__body"))


def _posted(request):
    """The posted data (an empty POST still binds the form), or None for a GET."""
    return request.POST if request.method == "POST" else None


def _page(plan: Plan) -> str:
    return reverse("submission:detail", args=[plan.pk])


@dataclass
class StepLink:
    event: str
    label: str
    url: str


ACTION_PAGES = [
    (Event.APPROVE, "submission:approve", gettext_lazy("Record the council's approval")),
    (Event.SUBMIT, "submission:submit", gettext_lazy("Submit to the city")),
    (Event.RESUBMIT, "submission:submit", gettext_lazy("Submit the revised version")),
    (Event.REOPEN, "submission:reopen", gettext_lazy("Re-open for editing")),
    (Event.START_REVIEW, "submission:opinion", gettext_lazy("Write a review opinion")),
    (Event.REQUEST_REVISION, "submission:revision", gettext_lazy("Ask for a revision")),
    (Event.SELECT, "submission:select", gettext_lazy("Record the selection")),
    (Event.PB_APPROVE, "submission:pb_approve", gettext_lazy("Record the PB committee's approval")),
    (Event.AGREE, "submission:agree", gettext_lazy("Record the agreement")),
    (Event.DISBURSE, "submission:disburse", gettext_lazy("Record the disbursement")),
]


def _actions(request, plan: Plan, current: str) -> list[StepLink]:
    found = []
    actor = actor_for(request.user)
    for event, name, label in ACTION_PAGES:
        if not rules.may_take(actor, event, plan.district_id):
            continue
        possible = rules.can(current, event)
        # Opinions are written on a plan that is submitted or already in review.
        if event is Event.START_REVIEW:
            possible = current in rules.REVIEWABLE
        if possible:
            found.append(StepLink(event, str(label), reverse(name, args=[plan.pk])))
    return found


# ---------------------------------------------------------------- the submission page


def detail(request, pk: int):
    plan = _plan(request, pk)
    private = user_can(request.user, Action.VIEW_PRIVATE, plan.district_id)
    versions = list(
        plan.versions.select_related("exception_approved_by").order_by("number").defer("snapshot")
    )
    opinions_by_round: dict[int, list[ReviewOpinion]] = defaultdict(list)
    if private:
        for opinion in (
            ReviewOpinion.objects.filter(version__plan=plan)
            .select_related("reviewer", "version")
            .order_by("round", "created_at", "id")
        ):
            opinions_by_round[opinion.round].append(opinion)
    counts = dict(
        ReviewOpinion.objects.filter(version__plan=plan)
        .values_list("round")
        .annotate(n=Count("id"))
        .values_list("round", "n")
    )
    agreement = Agreement.objects.filter(plan=plan).first()
    check = sub.submission_check(plan)
    actor = actor_for(request.user)
    current = sub.state(plan)
    return render(
        request,
        "plans/submission_detail.html",
        {
            "plan": plan,
            "district": plan.district,
            "state": current,
            "state_label": sub.state_label(current),
            "versions": versions,
            "rounds": sorted(opinions_by_round.items()),
            "opinion_counts": counts,
            "private": private,
            "agreement": agreement,
            "check": check,
            "exception": check.exception,
            "actions": _actions(request, plan, current),
            "may_grant": rules.may_grant_exception(actor) and check.event is not None,
        },
    )


# ---------------------------------------------------------------- step forms


def _step_page(
    request,
    plan: Plan,
    form,
    heading: str,
    intro: str = "",
    submit_label: str = "",
    extra: dict | None = None,
):
    return render(
        request,
        "plans/submission_step.html",
        {
            "plan": plan,
            "district": plan.district,
            "form": form,
            "heading": heading,
            "intro": intro,
            "submit_label": submit_label or _("Save"),
            **(extra or {}),
        },
    )


def _run(request, form, call, *args, **kwargs):
    """Run a service; its ValidationError goes onto the form. True when it worked."""
    try:
        call(*args, **kwargs)
    except ValidationError as exc:
        forms.apply_errors(form, exc)
        return False
    return True


def _guard(request, plan: Plan, event: Event) -> None:
    if not rules.may_take(actor_for(request.user), event, plan.district_id):
        raise PermissionDenied


@login_required
def approve(request, pk: int):
    plan = _plan(request, pk)
    _guard(request, plan, Event.APPROVE)
    form = forms.ApproveForm(_posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        if _run(request, form, sub.approve, plan, decision, request.user):
            messages.success(request, _("The council's approval is recorded."))
            return redirect(_page(plan))
    return _step_page(
        request,
        plan,
        form,
        _("Record the council's approval"),
        _(
            "A plan is submitted only after the district's governance council approved it "
            "by a decision. Record the meeting's decision first, then choose it here."
        ),
        extra={"decisions_url": reverse("bodies:district_decisions", args=[plan.district.code])},
    )


@login_required
def reopen(request, pk: int):
    plan = _plan(request, pk)
    _guard(request, plan, Event.REOPEN)
    form = forms.ReasonForm(_posted(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(request, form, sub.reopen, plan, form.cleaned_data["reason"], request.user)
    ):
        messages.success(request, _("The plan is a draft again; the council must approve it anew."))
        return redirect(_page(plan))
    return _step_page(
        request,
        plan,
        form,
        _("Re-open for editing"),
        _("The council's approval no longer holds once the plan is re-opened."),
    )


@login_required
def submit(request, pk: int):
    plan = _plan(request, pk)
    _guard(request, plan, Event.SUBMIT)
    form = forms.SubmitForm(_posted(request))
    check = sub.submission_check(plan)
    if check.event is not Event.RESUBMIT:
        del form.fields["final"]
    if request.method == "POST" and form.is_valid():
        final = bool(form.cleaned_data.get("final"))
        if _run(request, form, sub.submit, plan, request.user, final):
            version = plan.versions.order_by("-number").first()
            messages.success(
                request,
                _("Version %(n)s of the plan is submitted to the city.")
                % {"n": version.number if version else "?"},
            )
            return redirect(_page(plan))
    return _step_page(
        request,
        plan,
        form,
        _("Submit to the city"),
        _(
            "The plan is frozen as it stands now into a new version; the city reviews that "
            "version. The plan cannot be edited until the city asks for a revision."
        ),
        _("Submit"),
        extra={"check": check, "exception": check.exception},
    )


@login_required
def exception(request, pk: int):
    plan = _plan(request, pk)
    if not rules.may_grant_exception(actor_for(request.user)):
        raise PermissionDenied
    form = forms.ExceptionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request, form, sub.grant_exception, plan, data["reason"], request.user, data["until"]
        ):
            messages.success(request, _("The district may now submit late."))
            return redirect(_page(plan))
    return _step_page(
        request,
        plan,
        form,
        _("Allow a late submission"),
        _("The reason is kept with the version the district submits late."),
        extra={"check": sub.submission_check(plan)},
    )


@login_required
def opinion(request, pk: int):
    plan = _plan(request, pk)
    _guard(request, plan, Event.START_REVIEW)
    version = sub.current_version(plan)
    mine = None
    if version is not None:
        mine = ReviewOpinion.objects.filter(
            version=version, round=version.number, reviewer=request.user
        ).first()
    initial = {"text": mine.text, "recommendation": mine.recommendation} if mine else None
    form = forms.OpinionForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            form,
            sub.write_opinion,
            plan,
            data["text"],
            data["recommendation"],
            request.user,
        ):
            messages.success(request, _("Your review opinion is saved."))
            return redirect(_page(plan))
    return _step_page(
        request,
        plan,
        form,
        _("Review opinion (검토의견서)"),
        _("One opinion per reviewer and round; writing again replaces yours for this round."),
        extra={"version": version},
    )


@login_required
def revision(request, pk: int):
    plan = _plan(request, pk)
    _guard(request, plan, Event.REQUEST_REVISION)
    form = forms.ReasonForm(_posted(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request, form, sub.request_revision, plan, form.cleaned_data["reason"], request.user
        )
    ):
        messages.success(request, _("The plan is back with the district for revision."))
        return redirect(_page(plan))
    return _step_page(
        request,
        plan,
        form,
        _("Ask for a revision"),
        _("Say what the district should revise; the reviewers' opinions go with it."),
    )


def _date_step(request, pk: int, event: Event, call, heading: str, done: str):
    plan = _plan(request, pk)
    _guard(request, plan, event)
    form = forms.DateForm(_posted(request), initial={"on": timezone.localdate().isoformat()})
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(request, form, call, plan, form.cleaned_data["on"], request.user)
    ):
        messages.success(request, done)
        return redirect(_page(plan))
    return _step_page(request, plan, form, heading)


@login_required
def select(request, pk: int):
    return _date_step(
        request,
        pk,
        Event.SELECT,
        sub.select,
        _("Record the selection (최종 선정)"),
        _("The plan is selected."),
    )


@login_required
def pb_approve(request, pk: int):
    return _date_step(
        request,
        pk,
        Event.PB_APPROVE,
        sub.pb_approve,
        _("Record the approval by the participatory-budget committee"),
        _("The participatory-budget committee's approval is recorded."),
    )


@login_required
def agree(request, pk: int):
    plan = _plan(request, pk)
    _guard(request, plan, Event.AGREE)
    initial = {"amount": plan.envelope} if plan.envelope else None
    form = forms.AgreementForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(
            request,
            form,
            sub.agree,
            plan,
            request.user,
            d["signed_on"],
            d["period_start"],
            d["period_end"],
            d["amount"],
            d["note"],
        ):
            messages.success(request, _("The agreement is recorded."))
            return redirect(_page(plan))
    return _step_page(request, plan, form, _("Record the agreement (협약)"))


@login_required
def disburse(request, pk: int):
    plan = _plan(request, pk)
    _guard(request, plan, Event.DISBURSE)
    agreement = Agreement.objects.filter(plan=plan).first()
    initial = {"amount": agreement.amount} if agreement else None
    form = forms.DisburseForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(request, form, sub.disburse, plan, d["on"], d["amount"], request.user):
            messages.success(request, _("The disbursement is recorded; the plan is in execution."))
            return redirect(_page(plan))
    return _step_page(request, plan, form, _("Record the disbursement (교부)"))


# ---------------------------------------------------------------- versions compared


FIELD_LABELS = {
    "title": gettext_lazy("title"),
    "vision": gettext_lazy("vision"),
    "envelope": gettext_lazy("city allocation"),
    "body": gettext_lazy("text"),
    "text": gettext_lazy("text"),
    "year": gettext_lazy("year"),
    "kind": gettext_lazy("kind"),
    "sub_project": gettext_lazy("sub-project code"),
    "period": gettext_lazy("period"),
    "working_group": gettext_lazy("working group"),
    "agendas": gettext_lazy("agendas"),
    "background": gettext_lazy("background and necessity"),
    "goals": gettext_lazy("goals and direction"),
    "content": gettext_lazy("detailed plan"),
    "governance": gettext_lazy("public-private structure and roles"),
    "publicity": gettext_lazy("publicity and monitoring"),
    "expected_effects": gettext_lazy("expected effects"),
    "joint_operation": gettext_lazy("planned and run jointly"),
    "private_transfer_reason": gettext_lazy("why a private transfer is needed"),
    "name": gettext_lazy("indicator"),
    "unit": gettext_lazy("unit"),
    "baseline": gettext_lazy("baseline"),
    "target": gettext_lazy("target"),
    "actual": gettext_lazy("actual"),
    "method": gettext_lazy("how it is measured"),
    "category": gettext_lazy("budget item"),
    "subtype": gettext_lazy("expense type"),
    "nature": gettext_lazy("nature"),
    "source": gettext_lazy("funding source"),
    "amount": gettext_lazy("amount"),
    "description": gettext_lazy("calculation basis"),
    "rule": gettext_lazy("rule"),
    "note": gettext_lazy("note"),
    "approved_by": gettext_lazy("approved by decision"),
    "basic_plan": gettext_lazy("basic plan it follows"),
    "start_year": gettext_lazy("first year"),
    "end_year": gettext_lazy("last year"),
}

COLLECTION_LABELS = {
    "": gettext_lazy("The plan"),
    "sections": gettext_lazy("Sections"),
    "goals": gettext_lazy("Goals"),
    "tasks": gettext_lazy("Tasks"),
    "indicators": gettext_lazy("Indicators"),
    "budget_lines": gettext_lazy("Budget lines"),
    "declarations": gettext_lazy("Declarations"),
}

ITEM_LABELS = {
    "sections": gettext_lazy("section"),
    "goals": gettext_lazy("goal"),
    "tasks": gettext_lazy("task"),
    "indicators": gettext_lazy("indicator"),
    "budget_lines": gettext_lazy("budget line"),
    "declarations": gettext_lazy("declaration"),
}

SOURCE_LABELS = {
    "city": gettext_lazy("city subsidy (시비)"),
    "district": gettext_lazy("district funds (구비)"),
    "other": gettext_lazy("other funds (국비·기타)"),
}


@dataclass
class ChangeRow:
    change: Change
    where: str
    field: str
    money: bool


def _rows(changes: list[Change]) -> list[ChangeRow]:
    rows = []
    for c in changes:
        where = " › ".join(
            f"{ITEM_LABELS.get(s.key, s.key)} “{s.item_label}”" if s.item_id is not None else ""
            for s in c.where
        ).strip(" ›")
        rows.append(
            ChangeRow(c, where, str(FIELD_LABELS.get(c.field, c.field)), c.field == "amount")
        )
    return rows


def version(request, pk: int, number: int):
    """One frozen version as it was submitted: sections, goals, tasks with their
    indicators and budget lines (amounts in 천원, as on the official forms)."""
    plan = _plan(request, pk)
    frozen = get_object_or_404(PlanVersion, plan=plan, number=number)
    snapshot = frozen.snapshot
    names = dict(category_choices())
    tasks = []
    for task in snapshot.get("tasks", []):
        lines = [
            {**line, "label": names.get(line.get("category", ""), line.get("category", ""))}
            for line in task.get("budget_lines", [])
        ]
        tasks.append({**task, "lines": lines, "total": sum(x.get("amount", 0) for x in lines)})
    numbers = list(plan.versions.order_by("number").values_list("number", flat=True))
    return render(
        request,
        "plans/submission_version.html",
        {
            "plan": plan,
            "district": plan.district,
            "version": frozen,
            "snapshot": snapshot,
            "tasks": tasks,
            "total": sum(t["total"] for t in tasks),
            "numbers": numbers,
            "source_labels": SOURCE_LABELS,
        },
    )


def _version(plan: Plan, raw: str | None, default: int) -> PlanVersion:
    """The version numbered ``raw`` (a query parameter), or ``default`` when it is empty."""
    if raw is None or raw == "":
        number = default
    elif raw.isdecimal() and len(raw) <= 5:
        number = int(raw)
    else:
        raise Http404
    return get_object_or_404(PlanVersion, plan=plan, number=number)


def compare(request, pk: int):
    """Version to version: totals first, then every change grouped by what changed."""
    plan = _plan(request, pk)
    numbers = list(plan.versions.order_by("number").values_list("number", flat=True))
    if len(numbers) < 2:
        messages.info(request, _("There is only one version so far: nothing to compare."))
        return redirect(_page(plan))
    newer = _version(plan, request.GET.get("to"), numbers[-1])
    older = _version(plan, request.GET.get("from"), numbers[-2])
    if older.number == newer.number:
        messages.error(request, _("Choose two different versions."))
        return redirect("submission:compare", plan.pk)
    if older.number > newer.number:
        older, newer = newer, older
    diff = sub.compare(older, newer)
    groups = []
    for key in ("", "sections", "goals", "tasks", "indicators", "budget_lines", "declarations"):
        changes = diff.in_collection(key)
        if changes:
            groups.append((COLLECTION_LABELS[key], _rows(changes)))
    known = set(COLLECTION_LABELS)
    others = [c for c in diff.changes if c.collection not in known]
    if others:
        groups.append((_("Other"), _rows(others)))
    totals = [
        (
            {
                "plan": _("Plan total"),
                "source": SOURCE_LABELS.get(str(t.key), t.key),
                "task": t.label,
            }[t.scope],
            t,
        )
        for t in diff.totals
    ]
    return render(
        request,
        "plans/submission_compare.html",
        {
            "plan": plan,
            "district": plan.district,
            "older": older,
            "newer": newer,
            "numbers": numbers,
            "diff": diff,
            "groups": groups,
            "totals": totals,
        },
    )


# ---------------------------------------------------------------- the city's receipt list


def receipts(request):
    """Every district's plans that reached the council's approval or beyond, with their
    latest version, whether it came in late and the opinions so far (접수현황)."""
    year_raw = (request.GET.get("year") or "").strip()
    plans = (
        Plan.objects.exclude(status="draft")
        .select_related("district")
        .annotate(opinions=Count("versions__opinions", distinct=True))
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=PlanVersion.objects.defer("snapshot").order_by("number"),
                to_attr="version_list",
            )
        )
        .order_by("district__code", "-start_year", "kind", "id")
    )
    years = sorted(
        set(Plan.objects.exclude(status="draft").values_list("start_year", flat=True)),
        reverse=True,
    )
    year = int(year_raw) if year_raw.isdecimal() and len(year_raw) == 4 else None
    if year is not None:
        plans = plans.filter(start_year=year)
    rows = []
    for plan in plans:
        first = plan.version_list[0] if plan.version_list else None
        last = plan.version_list[-1] if plan.version_list else None
        rows.append(
            {
                "plan": plan,
                "state_label": sub.state_label(sub.state(plan)),
                "first": first,
                "last": last,
                "late": any(v.late for v in plan.version_list),
            }
        )
    submitted = sum(1 for r in rows if r["first"] is not None)
    return render(
        request,
        "plans/submission_receipts.html",
        {
            "rows": rows,
            "years": years,
            "year": year,
            "districts_total": District.objects.count(),
            "submitted": submitted,
            "private": user_can(request.user, Action.VIEW_PRIVATE, None),
        },
    )
