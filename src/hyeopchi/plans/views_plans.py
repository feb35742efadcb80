"""Pages of plans, their sections and goals, tasks, indicators and budget lines.

The public sees plans from council approval on (drafts are the district's own work in
progress) and never personal data; staff of the district (city officers for all) see
drafts and edit while the plan is a draft or being revised. Every number on a plan page
links to where it comes from: a total to its lines, a line to its task, a task to its
agendas (whose pages lead on to forums and proposals).

The budget-line form is checked while the clerk types: htmx posts the form to
``line_check``, which runs the budget rules with the typed line in place and answers
with the findings (each named, explained, with its article).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action, serving_bodies, user_can

from . import services_plans as services
from .forms_plans import (
    GoalForm,
    IndicatorForm,
    LineForm,
    PlanForm,
    SectionForm,
    TaskForm,
    apply_errors,
)
from .models import (
    PUBLIC_PLAN_STATUSES,
    BudgetLine,
    Goal,
    Indicator,
    Plan,
    PlanSection,
    Task,
)

# ---------------------------------------------------------------- access


def _can_edit(request, plan: Plan) -> bool:
    return user_can(request.user, Action.EDIT, plan.district_id)


def _require_edit(request, plan: Plan) -> None:
    if not _can_edit(request, plan):
        raise PermissionDenied


def _can_edit_task(request, task: Task) -> bool:
    """The district's staff, city officers, and the current members of the task's working
    group (its text, indicators and budget lines; nothing else of the plan)."""
    return user_can(
        request.user, Action.EDIT_BODY_WORK, task.plan.district_id, task.working_group_id
    )


def _require_task_edit(request, task: Task) -> None:
    if not _can_edit_task(request, task):
        raise PermissionDenied


def _visible(request, plan: Plan) -> None:
    """Drafts are shown to the district's staff and city officers only."""
    if not plan.is_public and not user_can(request.user, Action.VIEW_PRIVATE, plan.district_id):
        raise PermissionDenied


def _plan(pk: int) -> Plan:
    return get_object_or_404(
        Plan.objects.select_related("district", "cycle", "approved_by", "basic_plan"), pk=pk
    )


def _task(pk: int) -> Task:
    return get_object_or_404(Task.objects.select_related("plan__district", "working_group"), pk=pk)


def _run(form, call, *args, **kwargs):
    """A service call whose ValidationError goes onto the form; the result or None."""
    try:
        return call(*args, **kwargs)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


def _form_page(request, template: str, context: dict, form) -> object:
    context["form"] = form
    return render(request, template, context, status=400 if form.errors else 200)


# ---------------------------------------------------------------- plans


def plan_list(request, code: str):
    district = get_object_or_404(District, code=code)
    plans = Plan.objects.filter(district=district).select_related("cycle")
    private = user_can(request.user, Action.VIEW_PRIVATE, district.pk)
    group_tasks = []
    if not private:
        plans = plans.filter(status__in=PUBLIC_PLAN_STATUSES)
        # A working group's members find the tasks they write (drafts included) here.
        bodies = serving_bodies(request.user)
        if bodies:
            group_tasks = list(
                Task.objects.filter(
                    plan__district=district,
                    working_group_id__in=bodies,
                    plan__status__in=services.EDITABLE_STATUSES,
                )
                .select_related("plan", "working_group")
                .order_by("-plan__start_year", "plan_id", "kind", "order", "id")
            )
    return render(
        request,
        "plans/plan_list.html",
        {
            "district": district,
            "plans": plans.order_by("-start_year", "kind", "id"),
            "can_edit": user_can(request.user, Action.EDIT, district.pk),
            "group_tasks": group_tasks,
        },
    )


def plan_detail(request, pk: int):
    plan = _plan(pk)
    _visible(request, plan)
    tasks = services.plan_tasks(plan)
    findings = services.check_plan(plan, tasks)
    task_titles = {t.pk: t.title for t in tasks}
    confirmed = {d.rule: d for d in plan.declarations.all()}
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "district": plan.district,
            "sections": plan.sections.order_by("order", "id"),
            "goals": plan.goals.order_by("year", "order", "id"),
            "tasks": tasks,
            "totals": services.totals(tasks),
            "findings": [
                (
                    f,
                    task_titles.get(f.scope_id, ""),
                    confirmed.get(f.rule) if f.kind == "declaration" else None,
                )
                for f in findings
            ],
            "can_edit": _can_edit(request, plan) and plan.status in services.EDITABLE_STATUSES,
            "can_view_private": user_can(request.user, Action.VIEW_PRIVATE, plan.district_id),
            "goal_form": GoalForm(),
        },
    )


def plan_create(request, code: str):
    district = get_object_or_404(District, code=code)
    if not user_can(request.user, Action.EDIT, district.pk):
        raise PermissionDenied
    form = PlanForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        plan = _run(form, services.create_plan, district, form.data_object(), request.user)
        if plan is not None:
            messages.success(request, _("The plan was created."))
            return redirect("plans:detail", plan.pk)
    return _form_page(
        request, "plans/plan_form.html", {"district": district, "heading": _("New plan")}, form
    )


def plan_edit(request, pk: int):
    plan = _plan(pk)
    _require_edit(request, plan)
    form = PlanForm(request.POST or None, district=plan.district, plan=plan)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, services.update_plan, plan, form.data_object(), request.user)
    ):
        messages.success(request, _("The plan was saved."))
        return redirect("plans:detail", plan.pk)
    return _form_page(
        request,
        "plans/plan_form.html",
        {"district": plan.district, "plan": plan, "heading": _("Edit the plan")},
        form,
    )


def section_edit(request, pk: int):
    section = get_object_or_404(PlanSection.objects.select_related("plan__district"), pk=pk)
    plan = section.plan
    _require_edit(request, plan)
    form = SectionForm(request.POST or None, initial={"body": section.body})
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, services.update_section, section, form.cleaned_data["body"], request.user)
    ):
        messages.success(request, _("The section was saved."))
        return redirect(reverse("plans:detail", args=[plan.pk]) + f"#section-{section.pk}")
    return _form_page(
        request,
        "plans/plan_section_form.html",
        {"plan": plan, "district": plan.district, "section": section},
        form,
    )


@require_POST
def goal_add(request, pk: int):
    plan = _plan(pk)
    _require_edit(request, plan)
    form = GoalForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        if _run(form, services.add_goal, plan, d["text"], d.get("year"), request.user):
            messages.success(request, _("The goal was added."))
            return redirect(reverse("plans:detail", args=[plan.pk]) + "#goals")
    return _form_page(
        request,
        "plans/plan_goal_form.html",
        {"plan": plan, "district": plan.district},
        form,
    )


@require_POST
def goal_remove(request, pk: int):
    goal = get_object_or_404(Goal.objects.select_related("plan__district"), pk=pk)
    _require_edit(request, goal.plan)
    try:
        services.remove_goal(goal, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("plans:detail", args=[goal.plan_id]) + "#goals")


# ---------------------------------------------------------------- tasks


def task_detail(request, pk: int):
    task = _task(pk)
    plan = task.plan
    if not _can_edit_task(request, task):
        _visible(request, plan)
    tasks = services.plan_tasks(plan)
    this = next(t for t in tasks if t.pk == task.pk)
    lines = list(this.budget_lines.all())
    line_ids = {x.pk for x in lines}
    findings = [
        f
        for f in services.check_plan(plan, tasks)
        if f.scope == "plan"
        or (f.scope == "task" and f.scope_id == task.pk)
        or (f.scope == "line" and f.scope_id in line_ids)
    ]
    return render(
        request,
        "plans/task_detail.html",
        {
            "task": this,
            "plan": plan,
            "district": plan.district,
            "lines": lines,
            "line_total": this.line_total,
            "findings": findings,
            "can_edit": _can_edit_task(request, task) and plan.status in services.EDITABLE_STATUSES,
            "can_view_plan": plan.is_public
            or user_can(request.user, Action.VIEW_PRIVATE, plan.district_id),
        },
    )


def task_create(request, pk: int):
    plan = _plan(pk)
    _require_edit(request, plan)
    form = TaskForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        task = _run(form, services.save_task, plan, form.data_object(), None, request.user)
        if task is not None:
            messages.success(request, _("The task was created."))
            return redirect("plans:task", task.pk)
    return _form_page(
        request,
        "plans/task_form.html",
        {"plan": plan, "district": plan.district, "heading": _("New task")},
        form,
    )


def task_edit(request, pk: int):
    task = _task(pk)
    plan = task.plan
    _require_task_edit(request, task)
    form = TaskForm(
        request.POST or None, plan=plan, task=task, structure_locked=not _can_edit(request, plan)
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, services.save_task, plan, form.data_object(), task, request.user)
    ):
        messages.success(request, _("The task was saved."))
        return redirect("plans:task", task.pk)
    return _form_page(
        request,
        "plans/task_form.html",
        {"plan": plan, "district": plan.district, "task": task, "heading": _("Edit the task")},
        form,
    )


# ---------------------------------------------------------------- indicators


def indicator_create(request, pk: int):
    task = _task(pk)
    _require_task_edit(request, task)
    form = IndicatorForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, services.save_indicator, task, form.data_object(), None, request.user)
    ):
        messages.success(request, _("The indicator was added."))
        return redirect(reverse("plans:task", args=[task.pk]) + "#indicators")
    return _form_page(
        request,
        "plans/indicator_form.html",
        {"task": task, "plan": task.plan, "district": task.plan.district},
        form,
    )


def indicator_edit(request, pk: int):
    indicator = get_object_or_404(Indicator.objects.select_related("task__plan__district"), pk=pk)
    task = indicator.task
    _require_task_edit(request, task)
    initial = {
        f: getattr(indicator, f) for f in ("name", "unit", "baseline", "target", "actual", "method")
    }
    form = IndicatorForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, services.save_indicator, task, form.data_object(), indicator, request.user)
    ):
        messages.success(request, _("The indicator was saved."))
        return redirect(reverse("plans:task", args=[task.pk]) + "#indicators")
    return _form_page(
        request,
        "plans/indicator_form.html",
        {"task": task, "plan": task.plan, "district": task.plan.district, "indicator": indicator},
        form,
    )


# ---------------------------------------------------------------- budget lines


def _line_initial(line: BudgetLine) -> dict:
    return {
        "category": line.category,
        "subtype": line.subtype,
        "nature": line.nature,
        "source": line.source,
        "amount": f"{line.amount:,}",
        "description": line.description,
    }


def line_create(request, pk: int):
    task = _task(pk)
    _require_task_edit(request, task)
    return _line_form(request, task, None)


def line_edit(request, pk: int):
    line = get_object_or_404(BudgetLine.objects.select_related("task__plan__district"), pk=pk)
    _require_task_edit(request, line.task)
    return _line_form(request, line.task, line)


def _line_form(request, task: Task, line: BudgetLine | None):
    plan = task.plan
    if request.method == "POST":
        form = LineForm(request.POST)
    else:
        form = LineForm(initial=_line_initial(line) if line else {"source": "city"})
    check = None
    if request.method == "POST" and form.is_valid():
        data = form.data_object()
        saved = _run(form, services.save_line, task, data, line, request.user)
        if saved is not None:
            messages.success(request, _("The budget line was saved."))
            return redirect(reverse("plans:task", args=[task.pk]) + f"#line-{saved.pk}")
        if not form.errors.get("amount") and not form.errors.get("category"):
            check = services.check_candidate(task, data, line)
    return _form_page(
        request,
        "plans/line_form.html",
        {
            "task": task,
            "plan": plan,
            "district": plan.district,
            "line": line,
            "check": check,
            "check_url": reverse("plans:line_check", args=[task.pk])
            + (f"?replacing={line.pk}" if line else ""),
        },
        form,
    )


@require_POST
def line_check(request, pk: int):
    """htmx: the budget rules with the typed line in place (nothing is saved)."""
    task = _task(pk)
    _require_task_edit(request, task)
    replacing = None
    raw = request.GET.get("replacing", "")
    if raw.isdecimal():
        replacing = BudgetLine.objects.filter(pk=int(raw), task=task).first()
        if replacing is None:
            raise Http404
    form = LineForm(request.POST)
    check = None
    if form.is_valid():
        data = form.data_object()
        errors = services.line_errors(data)
        if errors:
            apply_errors(form, ValidationError(errors))
        else:
            check = services.check_candidate(task, data, replacing)
    amount = form.cleaned_data.get("amount")  # is_valid() above made cleaned_data
    return render(
        request,
        "plans/line_check.html",
        {"form": form, "check": check, "amount": amount, "task": task},
    )


@require_POST
def line_remove(request, pk: int):
    line = get_object_or_404(BudgetLine.objects.select_related("task__plan__district"), pk=pk)
    task = line.task
    _require_task_edit(request, task)
    try:
        services.remove_line(line, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The budget line was removed."))
    return redirect(reverse("plans:task", args=[task.pk]) + "#lines")


@require_POST
def declaration_confirm(request, pk: int):
    plan = _plan(pk)
    _require_edit(request, plan)
    try:
        services.confirm_declaration(
            plan, request.POST.get("rule", ""), request.POST.get("note", ""), request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The statement was confirmed."))
    return redirect(reverse("plans:detail", args=[plan.pk]) + "#budget")
