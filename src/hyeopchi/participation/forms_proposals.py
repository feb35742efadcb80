"""Forms of proposals, the debate, residency and sign-up.

Forms check what a form can see (types, lengths, choices); the services check the rules
and their ValidationErrors are put back on the form (``apply_errors``), so that typed
text is never lost.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hyeopchi.core.models import District
from hyeopchi.directory.models import Organisation

from . import debate, residency
from . import proposal_services as ps
from .models import Proposal, ProposalStatus, Stance


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: by field where the form has the field,
    the rest at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


ACCEPT = ".png,.jpg,.jpeg,.pdf,image/png,image/jpeg,application/pdf"


def _textarea(rows: int, limit: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": limit})


class ProposalForm(forms.Form):
    title = forms.CharField(
        label=_("title"),
        max_length=ps.TITLE_MAX,
        help_text=_("In one line: what should change?"),
    )
    problem = forms.CharField(
        label=_("problem"),
        widget=_textarea(5, ps.TEXT_MAX),
        max_length=ps.TEXT_MAX,
        help_text=_("What is wrong today, where, and for whom?"),
    )
    solution = forms.CharField(
        label=_("proposed solution"),
        widget=_textarea(5, ps.TEXT_MAX),
        max_length=ps.TEXT_MAX,
    )
    expected_effect = forms.CharField(
        label=_("expected effect"),
        widget=_textarea(3, ps.TEXT_MAX),
        max_length=ps.TEXT_MAX,
        required=False,
    )
    category = forms.ChoiceField(label=_("category"))
    dong = forms.CharField(
        label=_("dong"),
        max_length=residency.DONG_MAX,
        required=False,
        help_text=_("The neighbourhood (동) concerned; yours when left empty."),
    )
    files = MultipleFileField(
        label=_("images and PDF files"),
        help_text=_("Up to 5 files: PNG, JPG or PDF, at most 5 MB each."),
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.fields["category"].choices = [("", "---------"), *[(c, c) for c in policy.categories]]
        self.order_fields(
            ["title", "category", "problem", "solution", "expected_effect", "dong", "files"]
        )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        errors = ps.check_files(files)
        if errors:
            raise ValidationError(errors)
        return files


class ResidencyForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("district where you live"), queryset=District.objects.order_by("name_ko")
    )
    dong = forms.CharField(label=_("dong"), max_length=residency.DONG_MAX, required=False)
    birth_year = forms.IntegerField(label=_("birth year"), required=False, min_value=1900)

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        message = residency.check_birth_year(year)
        if message:
            raise ValidationError(message)
        return year


class SignupForm(UserCreationForm):
    """A resident's account: user name, password, e-mail (for notices), district, dong,
    birth year."""

    email = forms.EmailField(
        label=_("e-mail"),
        required=False,
        help_text=_("Optional: to receive notices about your proposals by e-mail."),
    )
    district = ResidencyForm.base_fields["district"]
    dong = ResidencyForm.base_fields["dong"]
    birth_year = forms.IntegerField(label=_("birth year"), min_value=1900)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        message = residency.check_birth_year(year)
        if message:
            raise ValidationError(message)
        return year


class CommentForm(forms.Form):
    stance = forms.ChoiceField(
        label=_("your stance"),
        choices=Stance.choices,
        widget=forms.RadioSelect,
        initial=Stance.NEUTRAL,
    )
    text = forms.CharField(
        label=_("comment"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": debate.COMMENT_MAX}),
        help_text=_("Plain text, at most 2,000 characters."),
        # Length and blanks are checked by the service, so the text is kept on error.
        required=False,
        strip=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=debate.REASON_MAX, widget=forms.TextInput()
    )


class ReviewForm(forms.Form):
    feasible = forms.TypedChoiceField(
        label=_("finding of the department review"),
        choices=[("yes", _("feasible")), ("no", _("infeasible"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=_("department opinion"),
        widget=_textarea(6, ps.TEXT_MAX),
        max_length=ps.TEXT_MAX,
        help_text=_("Published on the proposal."),
    )
    responsible_office = forms.ModelChoiceField(
        label=_("responsible office"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_office"].queryset = Organisation.objects.filter(
            district_id=proposal.district_id
        ).order_by("name")


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("answer"),
        widget=_textarea(8, ps.TEXT_MAX),
        max_length=ps.TEXT_MAX,
        help_text=_("Published on the proposal; the proposer and every supporter are told."),
    )


class RollImportForm(forms.Form):
    file = forms.FileField(
        label=_("resident roll (CSV)"),
        help_text=_(
            "UTF-8 CSV lines of: name, e-mail, district code, dong, birth year. A file with "
            "any bad line is refused whole."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 10 MB."))
        return upload


class ProposalFilterForm(forms.Form):
    """The list's filters; bad values are ignored (and said so), never a server error."""

    district = forms.ChoiceField(label=_("district"), required=False)
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("all")), *ProposalStatus.choices]
    )
    category = forms.ChoiceField(label=_("category"), required=False)
    scope = forms.ChoiceField(
        label=_("scope"),
        required=False,
        choices=[("", _("all")), ("district", _("district")), ("city", _("city-wide"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [
            ("", _("all")),
            *District.objects.order_by("name_ko").values_list("code", "name_ko"),
        ]
        categories = sorted({c for p in ps.proposal_policies() for c in p.categories})
        self.fields["category"].choices = [("", _("all")), *[(c, c) for c in categories]]


def this_year() -> int:
    return timezone.localdate().year
