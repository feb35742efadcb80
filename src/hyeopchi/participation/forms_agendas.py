"""Forms of agenda and priority-round pages.

Forms check what a form can see (types, choices limited to the district, the lines of a
transfer list); the services check the rules, and their ValidationErrors are put back
onto the form by the views (``apply_errors``). Text is stored as plain text.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hyeopchi.bodies.forms import DateTimeInput, apply_errors  # noqa: F401 - re-exported
from hyeopchi.bodies.models import Decision
from hyeopchi.core.models import District
from hyeopchi.directory.models import Organisation, OrganisationType

from . import services_agendas as agenda_services
from . import services_priority as rounds
from .agenda_states import State
from .models import (
    Agenda,
    AgendaCategory,
    ForumIdea,
    PriorityRound,
    Proposal,
    ProposalStatus,
    SourceKind,
)
from .services_agendas import PROPERTIES, SourceSpec

YES_NO = [("yes", gettext_lazy("yes")), ("no", gettext_lazy("no"))]
MAX_LISTED = 300  # choices shown in a list; others are entered by number


def departments_of(district: District):
    return Organisation.objects.filter(
        district=district, type=OrganisationType.ADMIN_UNIT
    ).order_by("name", "id")


def _yes(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def parse_numbers(text: str) -> list[int]:
    """“12, 15 20” → [12, 15, 20]; anything else is an error naming the bad part."""
    numbers = []
    for part in text.replace(",", " ").split():
        part = part.lstrip("#")
        if not part.isdecimal() or len(part) > 12:
            raise ValidationError(
                _("“%(part)s” is not a number; separate numbers by commas.") % {"part": part[:20]}
            )
        numbers.append(int(part))
    return numbers


def parse_transfers(text: str) -> list[SourceSpec]:
    """One transferred proposal per line: ``reference; amount in won; note`` (amount and
    note may be left out; the amount may carry commas: 331,690,000)."""
    specs, problems = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";", 2)]
        reference = parts[0]
        amount_text = parts[1].replace(",", "").replace("원", "").strip() if len(parts) > 1 else ""
        note = parts[2] if len(parts) > 2 else ""
        amount = None
        if amount_text:
            if not amount_text.isdecimal() or len(amount_text) > 16:
                problems.append(
                    _("Line %(n)s: the amount “%(amount)s” is not a whole number of won.")
                    % {"n": n, "amount": parts[1][:30]}
                )
                continue
            amount = int(amount_text)
        specs.append(
            SourceSpec(
                kind=SourceKind.TRANSFERRED_PB,
                transfer_reference=reference,
                transfer_amount=amount,
                note=note,
            )
        )
    if problems:
        raise ValidationError(problems)
    return specs


# ---------------------------------------------------------------- sources


class SourcesForm(forms.Form):
    """The sources of an agenda: proposals, forum ideas, departments, transfers."""

    proposals = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Citizen proposals"),
        queryset=Proposal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Proposals that reached their threshold, newest first."),
    )
    proposal_numbers = forms.CharField(
        label=gettext_lazy("Other proposals by number"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("The numbers in the proposal's address, separated by commas."),
    )
    forum_ideas = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Forum ideas"),
        queryset=ForumIdea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Department suggestions (행정부서 발굴)"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    transfers = forms.CharField(
        label=gettext_lazy("Transferred city participatory-budget proposals (시민참여예산 이관)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One per line: reference; amount in won; note — for example "
            "“2020-시민참여예산-0412; 331,690,000; 보행환경 개선”."
        ),
    )

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        reached = [
            ProposalStatus.IN_REVIEW,
            ProposalStatus.IN_DEBATE,
            ProposalStatus.AWAITING_ANSWER,
            ProposalStatus.ANSWERED,
            ProposalStatus.INFEASIBLE,
        ]
        proposal_ids = list(
            Proposal.objects.filter(district=district, status__in=reached)
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)[:MAX_LISTED]
        )
        self.fields["proposals"].queryset = Proposal.objects.filter(pk__in=proposal_ids).order_by(
            "-created_at", "-id"
        )
        self.fields["proposals"].label_from_instance = lambda p: f"#{p.pk} {p.title}"
        idea_ids = list(
            ForumIdea.objects.filter(forum__district=district)
            .order_by("-forum__held_on", "-id")
            .values_list("pk", flat=True)[:MAX_LISTED]
        )
        self.fields["forum_ideas"].queryset = (
            ForumIdea.objects.filter(pk__in=idea_ids)
            .select_related("forum")
            .order_by("-forum__held_on", "-id")
        )
        self.fields["forum_ideas"].label_from_instance = lambda i: (
            f"{i.text} ({i.forum.title}, {i.forum.held_on.isoformat()})"
        )
        self.fields["departments"].queryset = departments_of(district)

    def clean_proposal_numbers(self):
        return parse_numbers(self.cleaned_data.get("proposal_numbers") or "")

    def clean_transfers(self):
        return parse_transfers(self.cleaned_data.get("transfers") or "")

    def specs(self) -> list[SourceSpec]:
        data = self.cleaned_data
        proposal_ids = [p.pk for p in data.get("proposals") or []]
        proposal_ids += [n for n in data.get("proposal_numbers") or [] if n not in proposal_ids]
        specs = [SourceSpec(kind=SourceKind.PROPOSAL, proposal_id=pk) for pk in proposal_ids]
        specs += [
            SourceSpec(kind=SourceKind.FORUM_IDEA, forum_idea_id=i.pk)
            for i in data.get("forum_ideas") or []
        ]
        specs += [
            SourceSpec(kind=SourceKind.DEPARTMENT, department_id=d.pk)
            for d in data.get("departments") or []
        ]
        return specs + list(data.get("transfers") or [])


class AgendaForm(SourcesForm):
    title = forms.CharField(label=gettext_lazy("title"), max_length=agenda_services.TITLE_MAX)
    description = forms.CharField(
        label=gettext_lazy("description"),
        required=False,
        max_length=agenda_services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Plain text; line breaks are kept."),
    )
    category = forms.ChoiceField(label=gettext_lazy("category"), choices=AgendaCategory.choices)
    year = forms.IntegerField(
        label=gettext_lazy("plan year"),
        min_value=agenda_services.FIRST_YEAR,
        max_value=agenda_services.LAST_YEAR,
    )
    field_order = ["title", "description", "category", "year"]


class AgendaEditForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("title"), max_length=agenda_services.TITLE_MAX)
    description = forms.CharField(
        label=gettext_lazy("description"),
        required=False,
        max_length=agenda_services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    category = forms.ChoiceField(label=gettext_lazy("category"), choices=AgendaCategory.choices)
    reason = forms.CharField(
        label=gettext_lazy("reason for the change"),
        required=False,
        max_length=agenda_services.REASON_MAX,
    )


# ---------------------------------------------------------------- merge


class MergeForm(forms.Form):
    agendas = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Agendas to merge"),
        queryset=Agenda.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    into = forms.ModelChoiceField(
        label=gettext_lazy("Merge into"),
        queryset=Agenda.objects.none(),
        required=False,
        empty_label=gettext_lazy("— a new agenda (give its title below) —"),
    )
    title = forms.CharField(
        label=gettext_lazy("title of the new agenda"),
        required=False,
        max_length=agenda_services.TITLE_MAX,
    )
    description = forms.CharField(
        label=gettext_lazy("description of the new agenda"),
        required=False,
        max_length=agenda_services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=gettext_lazy("why these belong together"),
        max_length=agenda_services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, district: District, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        open_ = Agenda.objects.filter(
            district=district, year=year, status__in=list(agenda_services.sm.OPEN_FOR_SOURCES)
        ).order_by("created_at", "id")
        self.fields["agendas"].queryset = open_
        self.fields["into"].queryset = open_
        label = lambda a: f"#{a.pk} {a.title}"  # noqa: E731
        self.fields["agendas"].label_from_instance = label
        self.fields["into"].label_from_instance = label


# ---------------------------------------------------------------- review, screening, decision


class ReviewForm(forms.Form):
    department = forms.ModelChoiceField(
        label=gettext_lazy("department"), queryset=Organisation.objects.none()
    )
    feasible = forms.ChoiceField(
        label=gettext_lazy("Feasible?"),
        choices=[("yes", gettext_lazy("feasible")), ("no", gettext_lazy("infeasible (수행불가)"))],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=gettext_lazy("the department's opinion"),
        max_length=agenda_services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Published on the agenda's page."),
    )

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_of(district)

    @property
    def is_feasible(self) -> bool | None:
        return _yes(self.cleaned_data.get("feasible"))


class ScreeningForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in PROPERTIES:
            self.fields[key] = forms.ChoiceField(
                label=label,
                choices=[("yes", _("met")), ("no", _("not met"))],
                widget=forms.RadioSelect,
            )
            self.fields[f"{key}_reason"] = forms.CharField(
                label=_("reason"),
                max_length=agenda_services.REASON_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def groups(self):
        return [(label, self[key], self[f"{key}_reason"]) for key, label in PROPERTIES]

    def findings(self) -> dict:
        data = dict(self.cleaned_data)
        for key, _label in PROPERTIES:
            data[key] = _yes(data.get(key))
        return data


class DecisionForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=gettext_lazy("decision of the body"),
        queryset=Decision.objects.none(),
        help_text=gettext_lazy("Decisions of the district's bodies, newest first."),
    )
    suitable = forms.ChoiceField(
        label=gettext_lazy("Suitable?"),
        choices=[
            ("yes", gettext_lazy("suitable: shortlist for the priority decision")),
            ("no", gettext_lazy("unsuitable for governance (협치부적합)")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("note"), required=False, max_length=agenda_services.REASON_MAX
    )

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        recent = list(
            Decision.objects.filter(body__district=district)
            .order_by("-decided_on", "-id")
            .values_list("pk", flat=True)[:MAX_LISTED]
        )
        self.fields["decision"].queryset = (
            Decision.objects.filter(pk__in=recent)
            .select_related("body")
            .order_by("-decided_on", "-id")
        )
        self.fields["decision"].label_from_instance = lambda d: (
            f"{d.decided_on.isoformat()} · {d.body.name} · {d.title}"
        )

    @property
    def is_suitable(self) -> bool | None:
        return _yes(self.cleaned_data.get("suitable"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("reason"),
        max_length=agenda_services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# ---------------------------------------------------------------- priority rounds


class RoundForm(forms.ModelForm):
    policy_key = forms.ChoiceField(label=gettext_lazy("priority policy"))
    year = forms.IntegerField(
        label=gettext_lazy("plan year"),
        min_value=agenda_services.FIRST_YEAR,
        max_value=agenda_services.LAST_YEAR,
    )
    agendas = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Agendas on the ballot"),
        queryset=Agenda.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Shortlisted agendas of the district and plan year."),
    )

    class Meta:
        model = PriorityRound
        fields = [
            "title",
            "year",
            "policy_key",
            "category",
            "online_opens_at",
            "online_closes_at",
            "selected_count",
        ]
        widgets = {"online_opens_at": DateTimeInput(), "online_closes_at": DateTimeInput()}

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy_key"].choices = [("", "---------"), *rounds.policy_choices()]
        self.fields["category"].choices = [
            ("", _("all agendas on one ballot")),
            *AgendaCategory.choices,
        ]
        year = self.data.get("year") or self.initial.get("year") or self.instance.year
        try:
            year = int(year)
        except (TypeError, ValueError):
            year = timezone.localdate().year
        eligible = Q(district=district, year=year, status=State.SHORTLISTED)
        if self.instance.pk:
            eligible |= Q(priority_rounds=self.instance)
        self.fields["agendas"].queryset = (
            Agenda.objects.filter(eligible).distinct().order_by("created_at", "id")
        )
        self.fields["agendas"].label_from_instance = lambda a: (
            f"#{a.pk} {a.title} ({a.get_category_display()})"
        )


class VoteForm(forms.Form):
    agendas = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Your choices"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, ballot: list[Agenda], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agendas"].choices = [(a.pk, a.title) for a in ballot]


class ScoreForm(forms.Form):
    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        for c in criteria:
            self.fields[c.key] = forms.IntegerField(
                label=f"{c.name} (0–{c.max_points})",
                min_value=0,
                max_value=c.max_points,
                help_text=c.question,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
