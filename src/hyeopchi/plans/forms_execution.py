"""Forms of change requests, progress reports and settlement. Amounts are typed as text
(commas and 원 allowed) and checked by the services, so that every bad amount gets the same
clear message in the UI and the API."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hyeopchi.bodies.forms import apply_errors as put_errors
from hyeopchi.bodies.models import Decision

from .change_policy import ChangeRules
from .models import Approver, BudgetLine, Plan, ProgressReport

MOVE_ROWS = 3


def apply_errors(form: forms.BaseForm, exc: ValidationError, rename=None) -> None:
    """A service's messages next to their field (renamed first by ``rename``: the service
    names a row's field ``items.0.amount``, the form ``amount_0``), the rest on top."""
    if rename is not None and hasattr(exc, "error_dict"):
        renamed: dict[str, list] = {}
        for field, errors in exc.error_dict.items():
            renamed.setdefault(rename(field), []).extend(errors)
        exc = ValidationError(renamed)
    put_errors(form, exc)


def line_label(line: BudgetLine) -> str:
    what = line.description or line.category
    return f"{line.task.title} · {what} · {line.get_source_display()} · {line.amount:,}원"


class ChangeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    urgent = forms.BooleanField(
        label=_("Urgent (may be decided by the unit the council delegated to)"), required=False
    )
    content_change = forms.CharField(
        label=_("Important change of content (if any)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, plan: Plan, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        lines = BudgetLine.objects.filter(task__plan=plan).select_related("task")
        choices = [("", "—")] + [(str(x.pk), line_label(x)) for x in lines]
        for n in range(MOVE_ROWS):
            self.fields[f"from_line_{n}"] = forms.ChoiceField(
                label=_("Move %(n)s: from line") % {"n": n + 1}, choices=choices, required=False
            )
            self.fields[f"to_line_{n}"] = forms.ChoiceField(
                label=_("to line"), choices=choices, required=False
            )
            self.fields[f"amount_{n}"] = forms.CharField(
                label=_("amount (원)"), required=False, max_length=30
            )

    def moves(self) -> list[tuple[int, int, str]]:
        """The filled rows; a half-filled row is an error on its empty field."""
        rows = []
        for n in range(MOVE_ROWS):
            src, dst, amount = (
                self.cleaned_data.get(f"from_line_{n}"),
                self.cleaned_data.get(f"to_line_{n}"),
                (self.cleaned_data.get(f"amount_{n}") or "").strip(),
            )
            if not (src or dst or amount):
                continue
            for name, value in (("from_line", src), ("to_line", dst), ("amount", amount)):
                if not value:
                    self.add_error(f"{name}_{n}", _("Fill in the whole row, or leave it empty."))
            if src and dst and amount:
                rows.append((int(src), int(dst), amount))
        return rows


def rename_item_field(field: str) -> str:
    """items.0.amount → amount_0 (the service's name of a row's field)."""
    parts = field.split(".")
    if len(parts) == 3 and parts[0] == "items":
        return f"{parts[2]}_{parts[1]}"
    return "from_line_0" if field == "items" else field


class DecisionForm(forms.Form):
    approver = forms.ChoiceField(label=_("Decided by"), choices=Approver.choices)
    approved = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("1", _("approved")), ("0", _("rejected"))],
        coerce=lambda v: v == "1",
    )
    body_decision = forms.ModelChoiceField(
        label=_("Decision of the body"), queryset=Decision.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, plan: Plan, approvers, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approver"].choices = [c for c in Approver.choices if c[0] in approvers]
        self.fields["body_decision"].queryset = (
            Decision.objects.filter(body__district_id=plan.district_id)
            .select_related("body")
            .order_by("-decided_on", "-id")
        )
        self.fields["body_decision"].label_from_instance = lambda d: (
            f"{d.decided_on:%Y-%m-%d} · {d.body.name} · {d.title}"
        )


class ConsultationForm(forms.Form):
    agreed = forms.TypedChoiceField(
        label=_("The city"),
        choices=[("1", _("agrees after consultation")), ("0", _("objects"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class OpenReportForm(forms.Form):
    year = forms.CharField(label=_("Year"), max_length=4)
    quarter = forms.CharField(label=_("Quarter (1–4)"), max_length=2)


class ReportForm(forms.Form):
    """Progress per task, spending to date per line, indicator actual values."""

    def __init__(self, report: ProgressReport, tasks, lines, indicators, *args, **kwargs):
        super().__init__(*args, **kwargs)
        narratives = {t.task_id: t.narrative for t in report.task_progress.all()}
        spending = {s.line_id: s for s in report.spending.all()}
        actuals = {a.indicator_id: a.value for a in report.actuals.all()}
        self.tasks, self.lines, self.indicators = tasks, lines, indicators
        for task in tasks:
            self.fields[f"narrative_{task.pk}"] = forms.CharField(
                label=task.title,
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                initial=narratives.get(task.pk, ""),
            )
        for line in lines:
            spent = spending.get(line.pk)
            self.fields[f"spent_{line.pk}"] = forms.CharField(
                label=_("%(line)s: spent to date (원)") % {"line": line_label(line)},
                required=False,
                max_length=30,
                initial=spent.spent if spent else "",
            )
            self.fields[f"duplicated_{line.pk}"] = forms.CharField(
                label=_("of which also paid by national or other public money (원)"),
                required=False,
                max_length=30,
                initial=spent.duplicated if spent and spent.duplicated else "",
            )
        for indicator in indicators:
            self.fields[f"actual_{indicator.pk}"] = forms.CharField(
                label=_("%(task)s · %(indicator)s (target %(target)s %(unit)s)")
                % {
                    "task": indicator.task.title,
                    "indicator": indicator.name,
                    "target": indicator.target.normalize(),
                    "unit": indicator.unit,
                },
                required=False,
                max_length=30,
                initial=actuals.get(indicator.pk, ""),
            )

    def typed(self) -> dict:
        data = self.cleaned_data
        return {
            "narratives": {t.pk: data.get(f"narrative_{t.pk}", "") for t in self.tasks},
            "spending": {
                x.pk: (data.get(f"spent_{x.pk}", ""), data.get(f"duplicated_{x.pk}", ""))
                for x in self.lines
                if (data.get(f"spent_{x.pk}") or data.get(f"duplicated_{x.pk}"))
            },
            "actuals": {
                i.pk: data.get(f"actual_{i.pk}")
                for i in self.indicators
                if (data.get(f"actual_{i.pk}") or "").strip()
            },
        }


class SettlementForm(forms.Form):
    subsidy_received = forms.CharField(label=_("Subsidy received (원)"), max_length=30)
    interest = forms.CharField(
        label=_("Interest earned on the deposited subsidy (원)"), max_length=30, initial="0"
    )
    return_method = forms.ChoiceField(label=_("Return of the remaining funds"), required=False)
    note = forms.CharField(
        label=_("Other funding of the same expenses (national etc.), notes"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, rules: ChangeRules, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["return_method"].choices = [("", "—")] + [
            (m.key, m.label) for m in rules.settlement.return_methods
        ]


class ReturnForm(forms.Form):
    returned = forms.CharField(label=_("Amount returned (원)"), max_length=30)
    returned_at = forms.DateField(
        label=_("Returned on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class TerminationForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"))
    terminated_on = forms.DateField(
        label=_("Terminated on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    council_heard_on = forms.DateField(
        label=_("The council heard on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    correction_deadline = forms.DateField(
        label=_("End of the correction period"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, rules: ChangeRules, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [
            (g.key, f"{g.label} ({g.article})") for g in rules.settlement.termination_grounds
        ]
