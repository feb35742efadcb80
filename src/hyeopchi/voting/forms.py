"""Forms of the voting pages.

Forms check what a form can see (types, lengths, choices); the rules are checked by
``voting.services`` and its ValidationErrors are put back onto the form by the views. The
ballot itself is not a Django form: :func:`parse_ballot` reads the posted choices of any
design, keeping what the voter entered so that a refused ballot comes back as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hyeopchi.bodies.forms import DateTimeInput, apply_errors
from hyeopchi.core.models import District

from .models import Completion, Contest, Design, Project, Rule

__all__ = ["apply_errors"]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _districts():
    return District.objects.order_by("name_ko")


class DistrictChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: District) -> str:
        return obj.name


class RegisterForm(forms.Form):
    district = DistrictChoiceField(
        label=gettext_lazy("District where you live"), queryset=District.objects.none()
    )
    birth_year = forms.IntegerField(
        label=gettext_lazy("Birth year"),
        min_value=1900,
        help_text=gettext_lazy("Four digits, for example 1985."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts()

    def clean_birth_year(self):
        value = self.cleaned_data["birth_year"]
        this_year = timezone.localdate().year
        if value > this_year:
            raise ValidationError(
                _("Enter a birth year between 1900 and %(year)s.") % {"year": this_year}
            )
        return value


class ElectionForm(forms.Form):
    """A new vote under one voting policy: its ballots (contests) come from the policy, and
    the form asks for each ballot's budget."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    district = DistrictChoiceField(
        label=gettext_lazy("District"),
        queryset=District.objects.none(),
        required=False,
        help_text=gettext_lazy("Leave empty for a city-wide vote."),
    )
    opens_at = forms.DateTimeField(label=gettext_lazy("Opens at"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=gettext_lazy("Closes at"), widget=DateTimeInput())

    def __init__(self, *args, policy, districts, city_wide=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.fields["district"].queryset = districts
        if not city_wide:
            self.fields["district"].required = True
            self.fields["district"].help_text = ""
        for contest in policy.contests:
            self.fields[budget_field(contest.key)] = forms.IntegerField(
                label=_("Budget of “%(name)s” (won)") % {"name": contest.name},
                min_value=1,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def budgets(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[budget_field(c.key)] for c in self.policy.contests}


def budget_field(contest_key: str) -> str:
    return f"budget_{contest_key}"


class ElectionEditForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    opens_at = forms.DateTimeField(label=gettext_lazy("Opens at"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=gettext_lazy("Closes at"), widget=DateTimeInput())


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["code", "title", "cost", "area", "description"]
        widgets = {
            "cost": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def _post_clean(self):  # the service validates and saves
        pass


class ContestForm(forms.ModelForm):
    class Meta:
        model = Contest
        fields = [
            "name",
            "budget",
            "max_choices",
            "points",
            "min_share_spent",
            "rule",
            "completion",
        ]
        widgets = {"budget": forms.NumberInput(attrs={"inputmode": "numeric"})}

    def _post_clean(self):
        pass


class FileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV, UTF-8)"))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload


class CodeBatchForm(forms.Form):
    n = forms.IntegerField(
        label=gettext_lazy("Number of codes"), min_value=1, max_value=50_000, initial=50
    )
    note = forms.CharField(label=gettext_lazy("Note (booth, dong)"), max_length=200, required=False)
    district = DistrictChoiceField(
        label=gettext_lazy("District of the voters"),
        queryset=District.objects.none(),
        required=False,
        help_text=gettext_lazy("City-wide votes: the district whose ballots the codes open."),
    )

    def __init__(self, *args, city_wide=False, **kwargs):
        super().__init__(*args, **kwargs)
        if city_wide:
            self.fields["district"].queryset = _districts()
        else:
            del self.fields["district"]


class CountForm(forms.Form):
    rule = forms.ChoiceField(
        label=gettext_lazy("Counting rule"), choices=Rule.choices, widget=forms.RadioSelect
    )
    completion = forms.ChoiceField(
        label=gettext_lazy("Completion (Method of Equal Shares only)"),
        choices=Completion.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, design: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if design == Design.RANKING:
            self.fields["rule"].choices = [(Rule.GREEDY, Rule.GREEDY.label)]

    def clean(self):
        data = super().clean()
        if data.get("completion") not in (None, Completion.NONE) and not str(
            data.get("rule", "")
        ).startswith("mes"):
            self.add_error(
                "completion", _("A completion applies to the Method of Equal Shares only.")
            )
        return data


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=gettext_lazy("Your receipt code"),
        max_length=40,
        help_text=gettext_lazy("The code you were shown after voting, e.g. ABCD-EFGH-JKMN-PQRS."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class BoothCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Voting code"),
        max_length=40,
        help_text=gettext_lazy("The 12-character code on your slip, e.g. ABCD-EFGH-JKMN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


# ---------------------------------------------------------------- the ballot


@dataclass
class BallotEntry:
    """What a voter entered on one ballot, as the page shows it back."""

    contest: Contest
    projects: list[Project]
    chosen: set[str] = field(default_factory=set)
    points: dict[str, str] = field(default_factory=dict)  # as typed, for redisplay
    ranks: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    choices: Any = None  # what services.validate_ballot receives
    prefix: str = ""

    @property
    def total(self) -> int:
        if self.contest.design == Design.CUMULATIVE:
            return sum(p.cost for p in self.projects if p.code in self.points_given)
        return sum(p.cost for p in self.projects if p.code in self.picked)

    @property
    def picked(self) -> set[str]:
        if self.contest.design == Design.RANKING:
            return {code for code, rank in self.ranks.items() if rank}
        return self.chosen

    @property
    def points_given(self) -> dict[str, int]:
        return {c: int(v) for c, v in self.points.items() if v.isdigit() and int(v) > 0}

    @property
    def points_used(self) -> int:
        return sum(self.points_given.values())

    @property
    def empty(self) -> bool:
        if self.contest.design == Design.CUMULATIVE:
            return not any(v.strip() and v.strip() != "0" for v in self.points.values())
        return not self.picked

    def rows(self) -> list[dict]:
        """Each project with what the voter gave it, for the ballot and the review."""
        ranked = self.ranked_codes()
        rows = []
        for p in self.projects:
            rows.append(
                {
                    "project": p,
                    "checked": p.code in self.chosen,
                    "points": self.points.get(p.code, ""),
                    "rank": self.ranks.get(p.code, ""),
                    "position": ranked.index(p.code) + 1 if p.code in ranked else None,
                }
            )
        return rows

    def ranked_codes(self) -> list[str]:
        pairs = []
        for code, rank in self.ranks.items():
            if rank.isdigit():
                pairs.append((int(rank), code))
        return [code for _rank, code in sorted(pairs)]

    def chosen_projects(self) -> list[tuple[Project, Any]]:
        """The review's list: (project, points or rank) in the order the ballot counts."""
        by_code = {p.code: p for p in self.projects}
        design = self.contest.design
        if design == Design.CUMULATIVE:
            return [(by_code[c], v) for c, v in self.points_given.items() if c in by_code]
        if design == Design.RANKING:
            return [(by_code[c], i + 1) for i, c in enumerate(self.ranked_codes()) if c in by_code]
        return [(p, None) for p in self.projects if p.code in self.chosen]


def parse_ballot(contest: Contest, projects: list[Project], data, prefix: str = "") -> BallotEntry:
    """Read one ballot from posted data (``data`` is a QueryDict or None).

    Approval designs post ``choice`` values; cumulative ballots ``points_<code>``; ranking
    ballots ``rank_<code>`` (1 = first choice). Typing mistakes a form can see (points or
    ranks that are not whole numbers, the same rank twice) become errors here; everything
    else is for ``services.validate_ballot``.
    """
    entry = BallotEntry(contest=contest, projects=projects, prefix=prefix)
    if data is None:
        return entry
    codes = {p.code for p in projects}
    design = contest.design
    if design == Design.CUMULATIVE:
        spread: dict[str, Any] = {}
        for code in codes:
            raw = (data.get(f"{prefix}points_{code}") or "").strip()[:9]
            entry.points[code] = raw
            if not raw:
                continue
            if not raw.isdigit():
                entry.errors.append(
                    _("The points for %(code)s must be a whole number of at least 0.")
                    % {"code": code}
                )
            elif int(raw):
                spread[code] = int(raw)
        entry.choices = spread
    elif design == Design.RANKING:
        taken: dict[int, str] = {}
        for code in sorted(codes):
            raw = (data.get(f"{prefix}rank_{code}") or "").strip()[:4]
            entry.ranks[code] = raw
            if not raw:
                continue
            if not raw.isdigit() or int(raw) < 1:
                entry.errors.append(
                    _("Choose a place for %(code)s from the list.") % {"code": code}
                )
            elif int(raw) in taken:
                entry.errors.append(
                    _("%(a)s and %(b)s have the same place %(n)s; give each place once.")
                    % {"a": taken[int(raw)], "b": code, "n": raw}
                )
            else:
                taken[int(raw)] = code
        entry.choices = entry.ranked_codes()
    else:
        picked = [str(v)[:40] for v in data.getlist(f"{prefix}choice")]
        entry.chosen = {v for v in picked if v in codes}
        # Unknown codes go on to the service, which names them.
        entry.choices = sorted(set(picked))
    return entry


def entry_from_choices(contest: Contest, projects: list[Project], choices: Any) -> BallotEntry:
    """A stored ballot's choices as the form shows them (to change a ballot)."""
    entry = BallotEntry(contest=contest, projects=projects, choices=choices)
    if contest.design == Design.CUMULATIVE and isinstance(choices, dict):
        entry.points = {str(c): str(v) for c, v in choices.items()}
    elif contest.design == Design.RANKING and isinstance(choices, list):
        entry.ranks = {str(c): str(i + 1) for i, c in enumerate(choices)}
    elif isinstance(choices, list):
        entry.chosen = {str(c) for c in choices}
    return entry
