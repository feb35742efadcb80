"""The search form: words, and optionally one district and one kind of record."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hyeopchi.core.models import District

from . import search
from .search_models import SearchKind


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        strip=False,
        help_text=_("2 to 100 characters. Parts of words are found: 보행 finds 보행환경."),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "maxlength": search.MAX_LENGTH,
                "autocomplete": "off",
                "enterkeyhint": "search",
            }
        ),
    )
    district = forms.ChoiceField(label=_("District"), required=False)
    kind = forms.ChoiceField(
        label=_("Only"),
        required=False,
        choices=[("", _("proposals, agendas and forums")), *SearchKind.choices],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        english = (get_language() or "ko").startswith("en")
        name = "name_en" if english else "name_ko"
        self.fields["district"].choices = [
            ("", _("all districts")),
            *District.objects.order_by(name).values_list("code", name),
        ]

    def clean_q(self) -> str:
        try:
            return search.clean_query(self.cleaned_data.get("q"))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["q"]) from None
