"""Forms of forum records (공론장): the staff's record form and the public list's filters.

The form checks field types and limits; the participant-count rules and everything else
are checked by :func:`forum_services.save_forum`, whose messages the view puts back onto
the form (see :meth:`ForumForm.apply_errors`), next to the field or group concerned.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hyeopchi.bodies.models import Body
from hyeopchi.core.models import District

from .forum_policy import ForumRecordPolicy
from .forum_rules import MAX_COUNT
from .forum_services import BREAKDOWN_LABELS
from .models import Forum, ForumType

PHASE_LABELS = {
    "planning": _("Plan formulation (계획수립)"),
    "execution": _("Plan execution (계획실행)"),
    "": _("Other stages"),
}
GROUP_HELP = {
    "sector": _("Participants by the sector they came from."),
    "gender": _("Participants by gender."),
    "age": _("Participants by age band."),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _count_field(label: str, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=MAX_COUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "step": 1}),
    )


def stage_choices(policy: ForumRecordPolicy) -> list:
    """The policy's stages grouped by phase, for a <select> with <optgroup>s."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for number, stage in enumerate(policy.stages, start=1):
        label = f"{number}. {stage.label}" if stage.phase == "planning" else stage.label
        groups.setdefault(stage.phase, []).append((stage.key, label))
    choices: list = [("", _("— not tied to a stage —"))]
    for phase, options in groups.items():
        choices.append((str(PHASE_LABELS.get(phase, phase)), options))
    return choices


class ForumForm(forms.ModelForm):
    total = _count_field(_("participants in total"))
    ideas = forms.CharField(
        label=_("Outputs: ideas, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Each line becomes one idea that an agenda can be made from. An idea an agenda "
            "was already made from cannot be removed."
        ),
    )
    stage = forms.ChoiceField(label=_("plan stage"), required=False)

    class Meta:
        model = Forum
        fields = [
            "title",
            "type",
            "organiser",
            "stage",
            "held_on",
            "place",
            "facilitation",
            "materials_in_advance",
            "summary",
        ]
        widgets = {
            "held_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "materials_in_advance": _(
                "Agenda descriptions, videos or other materials reached the participants "
                "before the forum (required for the large final forum)."
            ),
            "facilitation": _("For example: round tables with facilitators, World Café."),
            "summary": _("Plain text; line breaks are kept. No personal data."),
        }

    def __init__(self, *args, district: District, policy: ForumRecordPolicy, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        self.policy = policy
        self.fields["organiser"].queryset = Body.objects.filter(district=district).order_by(
            "name", "id"
        )
        self.fields["organiser"].label_from_instance = lambda b: b.name
        self.fields["organiser"].empty_label = _("— no body (the secretariat) —")
        self.fields["stage"].choices = stage_choices(policy)
        self.fields["type"].choices = [("", "---------"), *ForumType.choices]
        self.fields["summary"].max_length = 20_000
        self.groups: list[dict] = []
        participants = self.instance.participants or {}
        if self.instance.pk:
            self.fields["total"].initial = self.instance.participants_total
            self.fields["ideas"].initial = "\n".join(
                self.instance.ideas.order_by("id").values_list("text", flat=True)
            )
        for name, choices in policy.breakdowns().items():
            names = []
            for choice in choices:
                field_name = f"{name}_{choice.key}"
                self.fields[field_name] = _count_field(choice.label)
                recorded = participants.get(name)
                if recorded:
                    self.fields[field_name].initial = recorded.get(choice.key)
                names.append(field_name)
            self.groups.append(
                {
                    "name": name,
                    "legend": BREAKDOWN_LABELS[name],
                    "help": GROUP_HELP.get(name, ""),
                    "fields": names,
                    "errors": [],
                }
            )

    def breakdowns(self) -> dict[str, dict[str, int | None]]:
        data = self.cleaned_data
        return {
            group["name"]: {
                f.removeprefix(f"{group['name']}_"): data.get(f) for f in group["fields"]
            }
            for group in self.groups
        }

    def grouped(self) -> list[dict]:
        """The breakdown fieldsets with their bound fields and errors, for the template."""
        return [{**group, "bound": [self[f] for f in group["fields"]]} for group in self.groups]

    def apply_errors(self, exc: ValidationError) -> None:
        """Put a service's messages next to their field, or on their fieldset (a breakdown);
        the rest at the top of the form."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            group = next((g for g in self.groups if g["name"] == field), None)
            if group is not None:
                messages = [m for e in errors for m in e.messages]
                group["errors"].extend(messages)
                for name in group["fields"]:
                    self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.add_error(None, [f"{group['legend']}: {m}" for m in messages])
            elif field in self.fields:
                self.add_error(field, errors)
            else:
                self.add_error(None, errors)


class ForumFilterForm(forms.Form):
    """The public list's filters (GET); a bad value is reported and left out."""

    district = forms.ModelChoiceField(
        label=_("district"),
        queryset=District.objects.order_by("name_ko"),
        to_field_name="code",
        required=False,
        empty_label=_("all districts"),
    )
    type = forms.ChoiceField(label=_("type"), required=False)
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)
    q = forms.CharField(label=_("search"), required=False, max_length=100)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("all types")), *ForumType.choices]
        self.fields["year"].widget = forms.Select(
            choices=[("", _("all years")), *[(y, str(y)) for y in years]]
        )
