"""Forms that fill the manual's application forms (서식 2-1, 3-1) before they are printed.

What the database knows is filled in beforehand (district, council, its chairs and their
contacts, the plan's goals and budget totals); the clerk completes the rest. The budget
totals of 서식 3-1 are never typed: they come from the plan's budget lines.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .documents import ApplicationData, Contact, SubmissionData
from .documents_data import district_council, representatives
from .models import Plan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


def _contact(prefix: str, cleaned: dict) -> Contact:
    return Contact(
        name=cleaned.get(f"{prefix}_name", "").strip(),
        position=cleaned.get(f"{prefix}_position", "").strip(),
        phone=cleaned.get(f"{prefix}_phone", "").strip(),
        email=cleaned.get(f"{prefix}_email", "").strip(),
    )


def _contact_fields(prefix: str, who, *, position: bool = True, required: bool = False) -> dict:
    fields = {
        f"{prefix}_name": forms.CharField(
            label=gettext_lazy("%(who)s: name") % {"who": who},
            max_length=60,
            required=required,
        ),
        f"{prefix}_phone": forms.RegexField(
            label=gettext_lazy("%(who)s: phone") % {"who": who},
            regex=r"^[0-9+() -]{0,30}$",
            max_length=30,
            required=False,
            error_messages={"invalid": gettext_lazy("Enter a phone number such as 02-860-2114.")},
        ),
        f"{prefix}_email": forms.EmailField(
            label=gettext_lazy("%(who)s: e-mail") % {"who": who}, required=False
        ),
    }
    if position:
        fields[f"{prefix}_position"] = forms.CharField(
            label=gettext_lazy("%(who)s: affiliation/position") % {"who": who},
            max_length=200,
            required=False,
        )
    return fields


def _initial_contact(prefix: str, membership) -> dict:
    if membership is None:
        return {}
    person = membership.person
    return {
        f"{prefix}_name": person.name,
        f"{prefix}_position": person.affiliation,
        f"{prefix}_phone": person.phone,
        f"{prefix}_email": person.email,
    }


class _DocumentForm(forms.Form):
    """Fields declared as dicts (contacts repeat) and added in order."""

    def __init__(self, *args, plan: Plan, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)


class ApplicationForm(_DocumentForm):
    """서식 2-1 지원 신청서."""

    council = forms.CharField(label=gettext_lazy("Council (or public-private TFT)"), max_length=200)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        self.fields.update(
            _contact_fields("civil", gettext_lazy("Civil representative"), position=False)
        )
        self.fields.update(
            _contact_fields("admin", gettext_lazy("Administrative representative"), position=False)
        )
        self.fields["civil_name"].required = True
        self.fields["admin_name"].required = True
        self.fields["discussed_from"] = forms.DateField(
            label=gettext_lazy("Discussions from"), widget=DATE, required=False
        )
        self.fields["discussed_to"] = forms.DateField(
            label=gettext_lazy("Discussions until"), widget=DATE, required=False
        )
        self.fields["discussion_body"] = forms.CharField(
            label=gettext_lazy("Discussion body"), max_length=300, required=False
        )
        self.fields["composition"] = forms.CharField(
            label=gettext_lazy("How the body carrying the project was composed"),
            widget=TEXT,
            max_length=3000,
            required=False,
        )
        self.fields["background"] = forms.CharField(
            label=gettext_lazy("Background of the project"),
            widget=TEXT,
            max_length=3000,
            required=False,
        )
        self.fields["signed_on"] = forms.DateField(
            label=gettext_lazy("Date of the application"), widget=DATE
        )
        if not self.is_bound:
            council = district_council(plan)
            reps = representatives(plan)
            self.initial = {
                "council": council.name if council else "",
                "signed_on": timezone.localdate(),
                "discussion_body": council.name if council else "",
                **_initial_contact("civil", reps["civil"]),
                **_initial_contact("admin", reps["admin"]),
            }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("discussed_from"), cleaned.get("discussed_to")
        if start and end and end < start:
            self.add_error("discussed_to", _("The discussions cannot end before they start."))
        return cleaned

    def data_for_pdf(self) -> ApplicationData:
        c = self.cleaned_data
        return ApplicationData(
            district=self.plan.district.name,
            council=c["council"].strip(),
            civil=_contact("civil", c),
            admin=_contact("admin", c),
            discussed_from=c.get("discussed_from"),
            discussed_to=c.get("discussed_to"),
            discussion_body=c.get("discussion_body", "").strip(),
            composition=c.get("composition", "").strip(),
            background=c.get("background", "").strip(),
            plan_year=self.plan.start_year,
            signed_on=c["signed_on"],
        )


SUBMITTERS = [
    ("council", gettext_lazy("the district's governance council")),
    ("tft", gettext_lazy("a public-private TFT")),
]


class SubmissionForm(_DocumentForm):
    """서식 3-1 신청서 (submitted with the plan)."""

    submitter = forms.ChoiceField(
        label=gettext_lazy("Submitted by"), choices=SUBMITTERS, widget=forms.RadioSelect
    )
    council = forms.CharField(label=gettext_lazy("Council (or public-private TFT)"), max_length=200)
    civil_structure = forms.CharField(
        label=gettext_lazy("Civil consultation structure (organisations, experts)"),
        widget=TEXT,
        max_length=3000,
        required=False,
    )
    admin_structure = forms.CharField(
        label=gettext_lazy("Administrative consultation structure (departments)"),
        widget=TEXT,
        max_length=3000,
        required=False,
    )
    goal = forms.CharField(label=gettext_lazy("Goal"), widget=TEXT, max_length=3000, required=False)
    background = forms.CharField(
        label=gettext_lazy("Background"), widget=TEXT, max_length=3000, required=False
    )
    content = forms.CharField(
        label=gettext_lazy("Content"), widget=TEXT, max_length=3000, required=False
    )
    schedule = forms.CharField(
        label=gettext_lazy("Schedule"), widget=TEXT, max_length=3000, required=False
    )

    PEOPLE = (
        ("civil_rep", gettext_lazy("Civil representative")),
        ("admin_rep", gettext_lazy("Administrative representative")),
        ("civil_staff", gettext_lazy("Staff (civil)")),
        ("admin_staff", gettext_lazy("Staff (administration)")),
    )

    def __init__(self, *args, plan: Plan, totals: dict[str, int], **kwargs):
        self.totals = totals
        super().__init__(*args, plan=plan, **kwargs)
        for prefix, who in self.PEOPLE:
            self.fields.update(_contact_fields(prefix, who))
        self.fields["civil_rep_name"].required = True
        self.fields["admin_rep_name"].required = True
        self.fields["submitted_on"] = forms.DateField(
            label=gettext_lazy("Date of submission"), widget=DATE
        )
        if not self.is_bound:
            council = district_council(plan)
            reps = representatives(plan)
            goals = plan.goals.filter(year__isnull=True).order_by("order", "id")
            self.initial = {
                "submitter": "council",
                "council": council.name if council else "",
                "goal": "\n".join(g.text for g in goals) or plan.vision,
                "submitted_on": timezone.localdate(),
                **_initial_contact("civil_rep", reps["civil"]),
                **_initial_contact("admin_rep", reps["admin"]),
            }

    def data_for_pdf(self) -> SubmissionData:
        c = self.cleaned_data
        return SubmissionData(
            district=self.plan.district.name,
            submitter=c["submitter"],
            council=c["council"].strip(),
            civil_structure=c.get("civil_structure", "").strip(),
            admin_structure=c.get("admin_structure", "").strip(),
            goal=c.get("goal", "").strip(),
            background=c.get("background", "").strip(),
            content=c.get("content", "").strip(),
            schedule=c.get("schedule", "").strip(),
            total=self.totals.get("total", 0),
            city=self.totals.get("city", 0),
            district_funds=self.totals.get("district", 0),
            civil_rep=_contact("civil_rep", c),
            admin_rep=_contact("admin_rep", c),
            civil_staff=_contact("civil_staff", c),
            admin_staff=_contact("admin_staff", c),
            plan_year=self.plan.start_year,
            submitted_on=c["submitted_on"],
        )


class RosterDateForm(forms.Form):
    """``?on=YYYY-MM-DD``: the day the roster is drawn up for (today by default)."""

    on = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def day(self) -> dt.date:
        return self.cleaned_data.get("on") or timezone.localdate()
