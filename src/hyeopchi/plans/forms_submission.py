"""Forms of the submission pages: each step's few fields. The services check the rules;
their ValidationErrors go back onto the form (``apply_errors``), the input kept."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hyeopchi.bodies.forms import DateInput, apply_errors  # noqa: F401 - re-exported
from hyeopchi.core.dates import format_date

from . import services_submission as sub
from .models import Plan, Recommendation

MAX_AMOUNT = sub.MAX_AMOUNT


class DecisionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title} — {obj.body.name}, {format_date(obj.decided_on)}"


class ApproveForm(forms.Form):
    decision = DecisionChoice(
        label=_("Council decision"),
        queryset=None,
        required=False,
        help_text=_("The decision of this district's council (or TFT) that approved the plan."),
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = sub.approving_decisions(plan)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class SubmitForm(forms.Form):
    final = forms.BooleanField(
        label=_("This is the final version after negotiation"),
        required=False,
    )


class ExceptionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why a late submission is allowed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    until = forms.DateField(
        label=_("Last day allowed"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for no limit."),
    )


class OpinionForm(forms.Form):
    text = forms.CharField(
        label=_("Review opinion (검토의견)"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=[("", "—"), *Recommendation.choices], required=False
    )


class DateForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())


class AgreementForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    period_start = forms.DateField(label=_("Project period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Project period until"), widget=DateInput())
    amount = forms.IntegerField(
        label=_("Subsidy agreed (원)"),
        min_value=1,
        max_value=MAX_AMOUNT,
        help_text=_("In won, e.g. 1000000000 for 10억 원."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DisburseForm(forms.Form):
    on = forms.DateField(label=_("Paid on"), widget=DateInput())
    amount = forms.IntegerField(
        label=_("Amount paid (원)"),
        min_value=1,
        max_value=MAX_AMOUNT,
        help_text=_("In won; at most the agreement's subsidy."),
    )
