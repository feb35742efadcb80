"""Staff forms for bodies, members, meetings and their records.

Forms check what a form can see (field types, choices limited to the user's districts,
upload type and size); the services check the rules and their ValidationErrors are put
back onto the form by the views (see ``apply_errors``).
"""

from __future__ import annotations

import os

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action, actor_for, user_can
from hyeopchi.directory.models import Organisation, Person

from .models import (
    ActionItem,
    AgendaItem,
    Body,
    Capacity,
    Choice,
    ConvenedBy,
    Decision,
    EndReason,
    Meeting,
    Membership,
    Minutes,
    Motion,
    Scope,
)
from .rulebooks import rulebook_choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError onto the form: field-keyed messages next to their
    field, the rest at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def visible_people(body: Body):
    """People staff may pick for this body: of its district, or already in its bodies."""
    people = Person.objects.all()
    if body.district_id is not None:
        people = people.filter(
            Q(district_id=body.district_id) | Q(memberships__body__district_id=body.district_id)
        ).distinct()
    return people.order_by("name", "id")


def _membership_label(m: Membership) -> str:
    end = m.last_day.isoformat() if m.last_day else "…"
    return f"{m.person.name} · {m.get_role_display()} · {m.start_date.isoformat()}–{end}"


# ---------------------------------------------------------------- bodies


class BodyForm(forms.ModelForm):
    rulebook_key = forms.ChoiceField(label=_("rulebook"))

    class Meta:
        model = Body
        fields = [
            "name",
            "name_en",
            "kind",
            "scope",
            "district",
            "parent",
            "rulebook_key",
            "established_on",
            "dissolved_on",
            "description",
        ]
        widgets = {"established_on": DateInput(), "dissolved_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        actor = actor_for(user)
        self.fields["rulebook_key"].choices = [("", "---------"), *rulebook_choices()]
        parents = Body.objects.select_related("district").order_by("district__code", "name")
        if not (actor.superuser or actor.city_wide):
            self.fields["district"].queryset = District.objects.filter(pk__in=actor.districts)
            self.fields["scope"].choices = [(Scope.DISTRICT.value, Scope.DISTRICT.label)]
            parents = parents.filter(district_id__in=actor.districts)
        if self.instance.pk:
            parents = parents.exclude(pk__in=self._descendants(self.instance))
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda b: (
            f"{b.name} ({b.district.name if b.district else _('city')})"
        )

    @staticmethod
    def _descendants(body: Body) -> set[int]:
        found, frontier = {body.pk}, [body.pk]
        while frontier:
            frontier = list(
                Body.objects.filter(parent_id__in=frontier)
                .exclude(pk__in=found)
                .values_list("pk", flat=True)
            )
            found.update(frontier)
        return found

    def clean(self):
        """Only who may manage the chosen district; the rules of a body (scope, parent,
        rulebook, dates) are checked by ``services.validate_body`` when it is saved."""
        data = super().clean()
        scope, district = data.get("scope"), data.get("district")
        if (
            scope
            and (scope == Scope.CITY or district is not None)
            and not self.errors.get("district")
            and not user_can(self.user, Action.EDIT, district.pk if district else None)
        ):
            self.add_error("district", _("You cannot manage bodies of that district."))
        return data

    def _get_validation_exclusions(self):
        # Whether scope and district fit together is said, next to the field, by
        # services.validate_body; the database constraint behind it is not run here too.
        return super()._get_validation_exclusions() | {"district"}


# ---------------------------------------------------------------- people and members


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "gender",
            "birth_year",
            "affiliation",
            "organisation",
            "email",
            "phone",
            "public_name_consent",
        ]

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.order_by("name")
        if body.district_id is not None:
            organisations = organisations.filter(
                Q(district_id=body.district_id) | Q(district__isnull=True)
            )
        self.fields["organisation"].queryset = organisations


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = [
            "person",
            "sector",
            "appointment",
            "role",
            "represents",
            "nomination_source",
            "start_date",
            "term_end",
            "predecessor",
            "renewal_of",
        ]
        widgets = {"start_date": DateInput(), "term_end": DateInput()}
        help_texts = {
            "term_end": _("Left empty for a replacement: the predecessor's term end applies."),
            "predecessor": _("For a replacement: the member whose seat this is."),
            "renewal_of": _("For a renewed term: the previous term of the same person."),
        }
        error_messages = {
            "predecessor": {"unique": _("That member has already been replaced.")},
            "renewal_of": {"unique": _("That term has already been renewed.")},
        }

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        self.fields["person"].queryset = visible_people(body)
        earlier = Membership.objects.filter(body=body).select_related("person")
        if self.instance.pk:
            earlier = earlier.exclude(pk=self.instance.pk)
        for name in ("predecessor", "renewal_of"):
            self.fields[name].queryset = earlier
            self.fields[name].label_from_instance = _membership_label

    def clean(self):
        data = super().clean()
        start, term_end = data.get("start_date"), data.get("term_end")
        if start and term_end and term_end < start:
            self.add_error("term_end", _("The term cannot end before it starts."))
        renewal_of, person = data.get("renewal_of"), data.get("person")
        if renewal_of and person and renewal_of.person_id != person.pk:
            self.add_error("renewal_of", _("A renewal continues the same person's term."))
        return data


class EndMembershipForm(forms.Form):
    ended_on = forms.DateField(label=_("ended on"), widget=DateInput())
    end_reason = forms.ChoiceField(label=_("end reason"), choices=EndReason.choices)
    end_ground = forms.CharField(
        label=_("ground for ending"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a dismissal (해촉)."),
    )


# ---------------------------------------------------------------- meetings


class MeetingForm(forms.ModelForm):
    requested_by = forms.ModelMultipleChoiceField(
        label=_("requested by members"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For an extraordinary meeting convened at the request of members."),
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "number",
            "title",
            "starts_at",
            "ends_at",
            "venue",
            "status",
            "presiding",
            "convened_by",
            "convening_decision",
        ]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}
        help_texts = {
            "number": _("Left empty for a regular meeting: the next number is used."),
            "convening_decision": _("For an extraordinary meeting convened by a resolution."),
        }

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        members = Person.objects.filter(memberships__body=body).distinct().order_by("name", "id")
        self.fields["requested_by"].queryset = members
        self.fields["presiding"].queryset = members
        decisions = Decision.objects.select_related("body").order_by("-decided_on", "-id")
        if body.district_id is None:
            decisions = decisions.filter(body__district__isnull=True)
        else:
            decisions = decisions.filter(body__district_id=body.district_id)
        self.fields["convening_decision"].queryset = decisions
        self.fields["convening_decision"].label_from_instance = lambda d: (
            f"{d.body.name} · {d.decided_on.isoformat()} · {d.title}"
        )
        if self.instance.pk:
            self.initial.setdefault("requested_by", list(self.instance.requested_by.all()))

    def clean(self):
        data = super().clean()
        kind, convened_by = data.get("kind"), data.get("convened_by")
        if kind == "regular" and convened_by and convened_by != ConvenedBy.SCHEDULE:
            self.add_error(
                "convened_by", _("A regular meeting is convened by the regular schedule.")
            )
        if kind == "extraordinary" and convened_by == ConvenedBy.SCHEDULE:
            self.add_error("convened_by", _("Say who convened this extraordinary meeting."))
        number = data.get("number")
        if number:
            clash = Meeting.objects.filter(body=self.body, kind=kind, number=number)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("number", _("This body already has a meeting with that number."))
        return data


ALLOWED_UPLOADS: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    # HWP 5 is an OLE compound file; HWP 3 starts with its name.
    ".hwp": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"HWP Document File"),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def validate_upload(upload) -> None:
    """Only documents and images of the accepted types, at most 10 MB."""
    ext = os.path.splitext(upload.name or "")[1].lower()
    if ext not in ALLOWED_UPLOADS:
        raise ValidationError(
            _("Files of type “%(ext)s” are not accepted. Use PDF, HWP, DOCX, XLSX, PNG or JPG.")
            % {"ext": ext or _("(no extension)")},
            code="file_type",
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size).1f MB; at most 10 MB is accepted.")
            % {"size": upload.size / (1024 * 1024)},
            code="file_size",
        )
    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ALLOWED_UPLOADS[ext]):
        raise ValidationError(
            _("The file's content is not a %(ext)s file.") % {"ext": ext.lstrip(".").upper()},
            code="file_content",
        )


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["section", "number", "title", "description", "attachment", "attachment_label"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "attachment": _("PDF, HWP, DOCX, XLSX, PNG or JPG, at most 10 MB."),
        }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["attachment"].widget.attrs["accept"] = ",".join(ALLOWED_UPLOADS)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if isinstance(upload, UploadedFile):  # a new upload, not the file kept from before
            validate_upload(upload)
        return upload


class AttendanceForm(forms.Form):
    """Every member enrolled on the meeting date, present or absent; plus observers and
    attending staff, who never count toward the quorum."""

    EXTRA_ROWS = 3

    def __init__(self, *args, meeting: Meeting, enrolled, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.enrolled = list(enrolled)
        current = {a.person_id: a.capacity for a in meeting.attendances.all()}
        self.member_fields = []
        enrolled_ids = set()
        for m in self.enrolled:
            if m.person_id in enrolled_ids:
                continue
            enrolled_ids.add(m.person_id)
            name = f"member_{m.person_id}"
            self.fields[name] = forms.ChoiceField(
                label=f"{m.person.name} ({m.get_role_display()})",
                choices=[("member", _("present as member")), ("absent", _("absent"))],
                widget=forms.RadioSelect,
                initial="member" if current.get(m.person_id) == Capacity.MEMBER else "absent",
            )
            self.member_fields.append(name)
        others = [(pid, cap) for pid, cap in current.items() if pid not in enrolled_ids]
        person_choices = [("", "---------")] + [
            (p.pk, p.name) for p in people if p.pk not in enrolled_ids
        ]
        capacity_choices = [
            (Capacity.OBSERVER.value, Capacity.OBSERVER.label),
            (Capacity.STAFF.value, Capacity.STAFF.label),
        ]
        self.extra_rows = []
        for i in range(len(others) + self.EXTRA_ROWS):
            pid, cap = others[i] if i < len(others) else ("", Capacity.OBSERVER.value)
            person_field, capacity_field = f"extra_{i}_person", f"extra_{i}_capacity"
            self.fields[person_field] = forms.TypedChoiceField(
                label=_("Person"),
                choices=person_choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=pid,
            )
            self.fields[capacity_field] = forms.ChoiceField(
                label=_("Capacity"), choices=capacity_choices, initial=cap, required=False
            )
            self.extra_rows.append((person_field, capacity_field))

    def member_rows(self):
        return [self[name] for name in self.member_fields]

    def extra_row_fields(self):
        return [(self[p], self[c]) for p, c in self.extra_rows]

    def entries(self) -> list[tuple[int, str]]:
        result = []
        for name in self.member_fields:
            if self.cleaned_data.get(name) == "member":
                result.append((int(name.removeprefix("member_")), Capacity.MEMBER.value))
        for person_field, capacity_field in self.extra_rows:
            person_id = self.cleaned_data.get(person_field)
            if person_id:
                capacity = self.cleaned_data.get(capacity_field) or Capacity.OBSERVER.value
                result.append((person_id, capacity))
        return result


class MotionForm(forms.ModelForm):
    """A motion and its vote: counts, a roll call of the members present, or not yet."""

    MODE_NONE, MODE_COUNTS, MODE_ROLL_CALL = "none", "counts", "roll_call"

    mode = forms.ChoiceField(
        label=_("How was it voted?"),
        choices=[
            (MODE_NONE, _("not voted yet")),
            (MODE_COUNTS, _("vote counts")),
            (MODE_ROLL_CALL, _("roll call")),
        ],
        widget=forms.RadioSelect,
        initial=MODE_COUNTS,
    )
    yes_count = forms.IntegerField(label=_("yes"), min_value=0, required=False)
    no_count = forms.IntegerField(label=_("no"), min_value=0, required=False)
    abstain_count = forms.IntegerField(label=_("abstain"), min_value=0, required=False)

    class Meta:
        model = Motion
        fields = ["title", "kind", "agenda_item"]

    def __init__(self, *args, meeting: Meeting, present, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        self.roll_call_fields = []
        votes = {}
        if self.instance.pk:
            votes = {v.person_id: v.choice for v in self.instance.votes.all()}
            self.initial.update(
                yes_count=self.instance.yes,
                no_count=self.instance.no,
                abstain_count=self.instance.abstain,
                mode=self.MODE_ROLL_CALL if self.instance.roll_call else self.MODE_COUNTS,
            )
            self.fields["mode"].choices = self.fields["mode"].choices[1:]
        for attendance in present:
            name = f"vote_{attendance.person_id}"
            self.fields[name] = forms.ChoiceField(
                label=attendance.person.name,
                choices=[("", _("did not vote")), *Choice.choices],
                required=False,
                initial=votes.get(attendance.person_id, ""),
            )
            self.roll_call_fields.append(name)

    def roll_call_rows(self):
        return [self[name] for name in self.roll_call_fields]

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == self.MODE_COUNTS and data.get("yes_count") is None:
            self.add_error("yes_count", _("Enter the number of votes in favour."))
        if mode == self.MODE_ROLL_CALL:
            if not self.roll_call_fields:
                self.add_error("mode", _("No member is recorded as present: record attendance."))
            elif not any(data.get(name) for name in self.roll_call_fields):
                self.add_error("mode", _("Enter at least one member's vote."))
        return data

    def vote_arguments(self) -> dict | None:
        """Keyword arguments for services.record_vote, or None when not voted yet."""
        data = self.cleaned_data
        if data["mode"] == self.MODE_COUNTS:
            return {
                "yes": data["yes_count"],
                "no": data.get("no_count") or 0,
                "abstain": data.get("abstain_count") or 0,
            }
        if data["mode"] == self.MODE_ROLL_CALL:
            return {
                "roll_call": {
                    int(name.removeprefix("vote_")): data[name]
                    for name in self.roll_call_fields
                    if data.get(name)
                }
            }
        return None


class DecideForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    text = forms.CharField(label=_("text"), required=False, widget=forms.Textarea)
    publish = forms.BooleanField(
        label=_("Publish now (residents can see it)"), required=False, initial=True
    )


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["description", "owner", "owner_text", "due_on", "decision"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = visible_people(meeting.body)
        self.fields["decision"].queryset = meeting.decisions.all()


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Minutes
        fields = ["overview", "reports", "discussion", "decisions_text", "next_steps"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 5})
            for name in ["overview", "reports", "discussion", "decisions_text", "next_steps"]
        }


class ApproveMinutesForm(forms.Form):
    at_meeting = forms.ModelChoiceField(
        label=_("approved at meeting"), queryset=Meeting.objects.none()
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at_meeting"].queryset = (
            Meeting.objects.filter(body_id=meeting.body_id)
            .exclude(pk=meeting.pk)
            .select_related("body")
            .order_by("starts_at")
        )
        self.fields["at_meeting"].label_from_instance = lambda m: (
            f"{m.display_title} · {timezone.localtime(m.starts_at):%Y-%m-%d}"
        )
