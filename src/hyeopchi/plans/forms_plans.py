"""Forms of the plan cycle, plans, tasks, indicators and budget lines.

Forms check what a form can see (types, choices limited to the district, amounts typed as
whole 원); the services check the rules and their ValidationErrors go back onto the form
(``apply_errors``). Amounts are typed in 원 — the unit the database keeps — and shown
back in 천원 as the manual's budget tables use, so the clerk never converts by hand.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hyeopchi.bodies.forms import apply_errors  # noqa: F401 - re-exported
from hyeopchi.bodies.models import Body, Decision
from hyeopchi.core.models import District
from hyeopchi.participation.models import Agenda, Forum

from . import budget_rules as engine
from .budget_policy import category_choices, load_budget_rules
from .models import (
    CycleStage,
    Nature,
    Plan,
    PlanKind,
    Source,
    StageStatus,
    Task,
    TaskKind,
)
from .services_plans import (
    STRUCTURE_FIELDS,
    TASK_TEXT_FIELDS,
    WORKING_GROUP_KINDS,
    IndicatorData,
    LineData,
    PlanData,
    TaskData,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_AMOUNT = re.compile(r"^\d+$")


def parse_won(raw: str) -> int:
    """“1,500,000”, “1 500 000원” → 1500000; anything else is a ValidationError that says
    what to type."""
    text = (raw or "").strip().replace(",", "").replace(" ", "").removesuffix("원")
    if not text:
        raise ValidationError(_("Enter the amount in won."), code="required")
    if text.startswith("-"):
        raise ValidationError(
            _("Enter an amount of at least 1 won; a budget line cannot be negative."),
            code="negative",
        )
    if re.match(r"^\d*[.]\d*$", text):
        raise ValidationError(
            _("Enter the amount in whole won, without decimals (e.g. 1,500,000)."),
            code="decimal",
        )
    if not _AMOUNT.match(text) or len(text) > 16:
        raise ValidationError(
            _("Enter the amount in won as a whole number, e.g. 1,500,000."), code="invalid"
        )
    return int(text)


class WonField(forms.Field):
    """An amount in whole 원; commas and a trailing 원 are accepted."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "maxlength": 30})

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        return parse_won(str(value))


# ---------------------------------------------------------------- cycle


class StageForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=StageStatus.choices)
    start_date = forms.DateField(label=gettext_lazy("Start date"), required=False, widget=DATE)
    end_date = forms.DateField(label=gettext_lazy("End date"), required=False, widget=DATE)
    responsible_body = forms.ModelChoiceField(
        label=gettext_lazy("Responsible body"), queryset=Body.objects.none(), required=False
    )
    forums = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Forums of this stage"),
        queryset=Forum.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decisions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Decisions of this stage"),
        queryset=Decision.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, stage: CycleStage, **kwargs):
        district = stage.cycle.district
        kwargs.setdefault(
            "initial",
            {
                "title": stage.title,
                "status": stage.status,
                "start_date": stage.start_date,
                "end_date": stage.end_date,
                "responsible_body": stage.responsible_body_id,
                "forums": [f.pk for f in stage.forums.all()],
                "decisions": [d.pk for d in stage.decisions.all()],
                "note": stage.note,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["responsible_body"].queryset = Body.objects.filter(district=district).order_by(
            "name"
        )
        year = stage.cycle.year
        self.fields["forums"].queryset = Forum.objects.filter(
            district=district, held_on__year=year
        ).order_by("held_on", "id")
        self.fields["decisions"].queryset = (
            Decision.objects.filter(body__district=district, decided_on__year=year)
            .select_related("body")
            .order_by("decided_on", "id")
        )


class AddStageForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title of the new stage"), max_length=200)
    after = forms.ModelChoiceField(
        label=gettext_lazy("After the stage"),
        queryset=CycleStage.objects.none(),
        required=False,
        empty_label=gettext_lazy("(first)"),
    )

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["after"].queryset = cycle.stages.order_by("order", "id")


# ---------------------------------------------------------------- plans


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=PlanKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    start_year = forms.IntegerField(
        label=gettext_lazy("First year"), min_value=2000, max_value=2100
    )
    end_year = forms.IntegerField(label=gettext_lazy("Last year"), min_value=2000, max_value=2100)
    vision = forms.CharField(
        label=gettext_lazy("Vision"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    envelope = WonField(
        label=gettext_lazy("City allocation (원)"),
        required=False,
        help_text=gettext_lazy("The amount the city allocated to the district, if known."),
    )
    basic_plan = forms.ModelChoiceField(
        label=gettext_lazy("Basic plan it follows"), queryset=Plan.objects.none(), required=False
    )

    def __init__(self, *args, district: District, plan: Plan | None = None, **kwargs):
        if plan is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": plan.kind,
                    "title": plan.title,
                    "start_year": plan.start_year,
                    "end_year": plan.end_year,
                    "vision": plan.vision,
                    "envelope": f"{plan.envelope:,}" if plan.envelope else "",
                    "basic_plan": plan.basic_plan_id,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["basic_plan"].queryset = Plan.objects.filter(
            district=district, kind=PlanKind.BASIC
        ).order_by("-start_year")
        if plan is not None:
            self.fields["kind"].disabled = True

    def data_object(self) -> PlanData:
        d = self.cleaned_data
        return PlanData(
            kind=d["kind"],
            title=d["title"],
            start_year=d["start_year"],
            end_year=d["end_year"],
            vision=d.get("vision", ""),
            envelope=d.get("envelope"),
            basic_plan=d.get("basic_plan"),
        )


class SectionForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Text"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )


class GoalForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Goal"), max_length=300)
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        help_text=gettext_lazy("Leave empty for a goal of the whole period."),
    )


# ---------------------------------------------------------------- tasks


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=TaskKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    sub_project = forms.CharField(
        label=gettext_lazy("Sub-project code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("The number of the sub-project (세부사업) in the plan's list."),
    )
    period = forms.CharField(label=gettext_lazy("Period"), max_length=100, required=False)
    working_group = forms.ModelChoiceField(
        label=gettext_lazy("Working group"), queryset=Body.objects.none(), required=False
    )
    agendas = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Agendas"),
        queryset=Agenda.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    background = forms.CharField(
        label=gettext_lazy("Background and necessity"), required=False, widget=forms.Textarea
    )
    goals = forms.CharField(
        label=gettext_lazy("Goals and direction"), required=False, widget=forms.Textarea
    )
    content = forms.CharField(
        label=gettext_lazy("Detailed plan"), required=False, widget=forms.Textarea
    )
    governance = forms.CharField(
        label=gettext_lazy("Public-private structure and roles"),
        required=False,
        widget=forms.Textarea,
    )
    publicity = forms.CharField(
        label=gettext_lazy("Publicity and monitoring"), required=False, widget=forms.Textarea
    )
    expected_effects = forms.CharField(
        label=gettext_lazy("Expected effects"), required=False, widget=forms.Textarea
    )
    joint_operation = forms.BooleanField(
        label=gettext_lazy("Planned and run jointly by public and private partners"),
        required=False,
    )
    private_transfer_reason = forms.CharField(
        label=gettext_lazy("Why a private transfer is needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    TEXT = TASK_TEXT_FIELDS

    def __init__(
        self, *args, plan: Plan, task: Task | None = None, structure_locked=False, **kwargs
    ):
        if task is not None:
            initial = {name: getattr(task, name) for name in ("kind", "title", "sub_project")}
            initial.update({name: getattr(task, name) for name in self.TEXT})
            initial.update(
                period=task.period,
                working_group=task.working_group_id,
                agendas=[a.pk for a in task.agendas.all()],
                joint_operation=task.joint_operation,
            )
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = Body.objects.filter(
            district=plan.district_id, kind__in=WORKING_GROUP_KINDS
        ).order_by("name")
        self.fields["agendas"].queryset = Agenda.objects.filter(
            district=plan.district_id, year__in=[plan.start_year - 1, plan.start_year]
        ).order_by("year", "rank", "id")
        if structure_locked:
            # A working group's member: the task's place in the plan is shown, not posted.
            for name in STRUCTURE_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Set by the district's secretariat; working-group members cannot change it."
                )

    def data_object(self) -> TaskData:
        d = self.cleaned_data
        return TaskData(
            kind=d["kind"],
            title=d["title"],
            sub_project=d.get("sub_project", ""),
            period=d.get("period", ""),
            working_group=d.get("working_group"),
            agendas=list(d.get("agendas") or []),
            joint_operation=bool(d.get("joint_operation")),
            **{name: d.get(name, "") for name in self.TEXT},
        )


class IndicatorForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Indicator"), max_length=200)
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=30, required=False)
    baseline = forms.DecimalField(
        label=gettext_lazy("Baseline"), max_digits=14, decimal_places=2, required=False
    )
    target = forms.DecimalField(label=gettext_lazy("Target"), max_digits=14, decimal_places=2)
    actual = forms.DecimalField(
        label=gettext_lazy("Actual"), max_digits=14, decimal_places=2, required=False
    )
    method = forms.CharField(
        label=gettext_lazy("How it is measured"), max_length=200, required=False
    )

    def data_object(self) -> IndicatorData:
        d = self.cleaned_data
        return IndicatorData(
            name=d["name"],
            unit=d.get("unit", ""),
            baseline=d.get("baseline"),
            target=d["target"],
            actual=d.get("actual"),
            method=d.get("method", ""),
        )


# ---------------------------------------------------------------- budget lines


def _category_choices() -> list:
    return [("", _("— choose a budget item —")), *category_choices()]


def _subtype_choices() -> list:
    rules = load_budget_rules()
    english = engine.is_english()
    groups: list = [("", _("(none)"))]
    for c in rules.categories:
        if c.subtypes:
            groups.append(
                (
                    c.label_en if english else c.label,
                    [(s.code, s.label_en if english else s.label) for s in c.subtypes],
                )
            )
    return groups


class LineForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Budget item"))
    subtype = forms.ChoiceField(label=gettext_lazy("Expense type"), required=False)
    nature = forms.ChoiceField(label=gettext_lazy("Nature"), choices=Nature.choices)
    source = forms.ChoiceField(label=gettext_lazy("Funding source"), choices=Source.choices)
    amount = WonField(
        label=gettext_lazy("Amount (원)"),
        help_text=gettext_lazy(
            "Type the amount in whole won (e.g. 1,500,000); it is shown in 천원 "
            "(thousands of won) in the budget tables."
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("Calculation basis"), max_length=300, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices()
        self.fields["category"].error_messages["required"] = _("Choose a budget item.")
        self.fields["category"].error_messages["invalid_choice"] = _(
            "Choose one of the budget items of the policy."
        )
        self.fields["subtype"].choices = _subtype_choices()
        self.fields["amount"].error_messages["required"] = _("Enter the amount in won.")

    def data_object(self) -> LineData:
        d = self.cleaned_data
        return LineData(
            category=d["category"],
            subtype=d.get("subtype") or "",
            nature=d["nature"],
            source=d["source"],
            amount=d["amount"],
            description=d.get("description", ""),
        )
