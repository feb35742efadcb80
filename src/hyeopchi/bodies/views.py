"""Pages of bodies, meetings and decisions.

Public pages show what is published and never personal data (names masked like 김*수).
Staff pages act on one district's records: every one of them checks
``user_can(user, Action.EDIT, district)`` before showing or accepting a form.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action, actor_for, user_can
from hyeopchi.directory.models import Gender, Person
from hyeopchi.directory.services import save_person

from . import forms, services
from .models import (
    ActionItem,
    AgendaItem,
    AgendaSection,
    Body,
    BodyKind,
    Capacity,
    ConvenedBy,
    Decision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MemberRole,
    Membership,
    Minutes,
    MinutesStatus,
    Motion,
    Vote,
)
from .rulebook import pick_version
from .rulebooks import NoRulebook, rulebook_versions

# ---------------------------------------------------------------- helpers


def _private(request, district_id: int | None) -> bool:
    return user_can(request.user, Action.VIEW_PRIVATE, district_id)


def _require_edit(request, district_id: int | None) -> None:
    if not user_can(request.user, Action.EDIT, district_id):
        raise PermissionDenied


def _posted(request, files: bool = False):
    """The submitted data for a bound form, or None on GET (an empty POST still binds)."""
    if request.method != "POST":
        return None
    return request.FILES if files else request.POST


def _saved(form, service, *args, rulebook_field: str | None = None, **kwargs) -> bool:
    """Call the service that saves what ``form`` holds; say whether it did. Its
    ValidationError (or the lack of a rulebook in force) goes onto the form, and a model
    form's new instance is left unsaved."""
    instance = getattr(form, "instance", None)
    new = instance is not None and instance.pk is None
    try:
        service(*args, **kwargs)
    except ValidationError as exc:
        forms.apply_errors(form, exc)
    except NoRulebook as exc:
        form.add_error(rulebook_field, str(exc))
    else:
        return True
    if new:
        instance.pk = None
    return False


def parse_day(raw: str | None, default: dt.date) -> tuple[dt.date, str | None]:
    """A ``?date=YYYY-MM-DD`` parameter; a bad one gives the default and a message."""
    if not raw:
        return default, None
    try:
        return dt.date.fromisoformat(raw.strip()), None
    except ValueError:
        return default, _("“%(value)s” is not a date in the form YYYY-MM-DD; showing %(day)s.") % {
            "value": raw[:40],
            "day": default.isoformat(),
        }


NUMBER_LABELS = {
    "count": gettext_lazy("count"),
    "min": gettext_lazy("minimum"),
    "max": gettext_lazy("maximum"),
    "civilian": gettext_lazy("civilian members"),
    "total": gettext_lazy("members"),
    "share": gettext_lazy("share"),
    "minimum": gettext_lazy("minimum"),
    "maximum": gettext_lazy("maximum"),
    "gender": gettext_lazy("gender"),
    "appointed": gettext_lazy("appointed members"),
    "women": gettext_lazy("women"),
    "district_id": gettext_lazy("district"),
    "term_end": gettext_lazy("term end"),
    "predecessor_term_end": gettext_lazy("predecessor's term end"),
    "longest": gettext_lazy("latest allowed term end"),
    "years": gettext_lazy("term (years)"),
    "term_number": gettext_lazy("term number"),
    "max_renewals": gettext_lazy("renewals allowed"),
    "parent_role": gettext_lazy("required role in the parent body"),
    "year": gettext_lazy("year"),
    "held": gettext_lazy("held"),
    "required": gettext_lazy("required"),
    "months": gettext_lazy("months"),
    "requesting": gettext_lazy("requesting members"),
    "enrolled": gettext_lazy("enrolled members"),
    "convened_by": gettext_lazy("convened by"),
    "allowed": gettext_lazy("allowed"),
    "required_body": gettext_lazy("required body"),
    "resolution_body": gettext_lazy("resolution's body"),
}


@dataclass
class FindingView:
    """A rule finding as a page shows it: names masked unless the viewer is staff."""

    severity: str
    severity_label: str
    code: str
    rule: str
    message: str
    numbers: list[tuple[str, str]] = field(default_factory=list)
    members: list[str] = field(default_factory=list)


def present_findings(findings, memberships=(), private: bool = False) -> list[FindingView]:
    by_id = {m.pk: m for m in memberships}
    # Messages may name members: replace full names by their public form, longest first.
    names = sorted(
        {(m.person.name, m.person.public_name) for m in memberships},
        key=lambda pair: -len(pair[0]),
    )
    district_names: dict[int, str] | None = None
    views = []
    for f in findings:
        message = str(f.message)
        if not private:
            for full, public in names:
                if full and full != public:
                    message = message.replace(full, public)
        numbers = []
        for key, value in f.numbers.items():
            if key == "district_id":
                if district_names is None:
                    district_names = {d.pk: d.name for d in District.objects.all()}
                value = district_names.get(value, value)
            elif key == "gender":
                value = Gender(value).label if value in Gender.values else value
            numbers.append((str(NUMBER_LABELS.get(key, key)), str(value)))
        members = []
        for membership_id in f.members:
            m = by_id.get(membership_id)
            if m is not None:
                name = m.person.name if private else m.person.public_name
                members.append(f"{name} ({m.get_role_display()}, {m.get_sector_display()})")
        views.append(
            FindingView(
                severity=f.severity,
                severity_label=_("violation") if f.severity == "violation" else _("warning"),
                code=f.code,
                rule=f.rule,
                message=message,
                numbers=numbers,
                members=members,
            )
        )
    return views


def _tree(bodies: list[Body]) -> list[dict]:
    """Bodies nested under their parents (parents outside the list count as roots)."""
    ids = {b.pk for b in bodies}
    children: dict[int | None, list[Body]] = defaultdict(list)
    for b in bodies:
        children[b.parent_id if b.parent_id in ids else None].append(b)
    seen: set[int] = set()

    def build(parent_id):
        nodes = []
        for b in children.get(parent_id, []):
            if b.pk in seen:
                continue
            seen.add(b.pk)
            nodes.append({"body": b, "children": build(b.pk)})
        return nodes

    return build(None)


# ---------------------------------------------------------------- public pages


def district_detail(request, code: str):
    district = get_object_or_404(District, code=code)
    bodies = list(Body.objects.filter(district=district).order_by("name", "id"))
    upcoming = (
        Meeting.objects.filter(body__district=district, starts_at__gte=timezone.now())
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("body")
        .order_by("starts_at")[:10]
    )
    decisions = (
        Decision.objects.filter(body__district=district, published=True)
        .select_related("body")
        .order_by("-decided_on", "-id")[:10]
    )
    return render(
        request,
        "bodies/district_detail.html",
        {
            "district": district,
            "tree": _tree(bodies),
            "upcoming": upcoming,
            "decisions": decisions,
            "can_edit": user_can(request.user, Action.EDIT, district.pk),
        },
    )


def decision_list(request, code: str | None = None):
    """Published decisions of one district's bodies, or of the city-level bodies."""
    district = get_object_or_404(District, code=code) if code else None
    decisions = (
        Decision.objects.filter(published=True, body__district=district)
        .select_related("body", "meeting")
        .order_by("-decided_on", "-id")
    )
    page = Paginator(decisions, 50).get_page(request.GET.get("page"))
    return render(request, "bodies/decision_list.html", {"district": district, "page": page})


def decision_detail(request, pk: int):
    decision = get_object_or_404(
        Decision.objects.select_related("body", "body__district", "meeting", "motion"), pk=pk
    )
    private = _private(request, decision.body.district_id)
    if not decision.published and not private:
        raise Http404
    actions = decision.action_items.select_related("owner")
    return render(
        request,
        "bodies/decision_detail.html",
        {
            "decision": decision,
            "body": decision.body,
            "actions": actions,
            "private": private,
            "can_edit": user_can(request.user, Action.EDIT, decision.body.district_id),
        },
    )


@dataclass
class YearRow:
    year: int
    held: int
    required_per_year: int | None
    required_per_month: int | None
    findings: list[FindingView]
    no_rules: bool = False


def _meeting_years(body: Body, meetings: list[Meeting], day: dt.date, versions) -> list[YearRow]:
    """Regular meetings held per year against the rulebook, for the last five years."""
    held = Counter(
        m.date.year
        for m in meetings
        if m.kind == MeetingKind.REGULAR and m.status == MeetingStatus.HELD
    )
    rows = []
    for year in range(max(body.established_on.year, day.year - 4), day.year + 1):
        version = pick_version(versions, dt.date(year, 12, 31))
        if version is None:
            rows.append(YearRow(year, held[year], None, None, [], no_rules=True))
            continue
        spec = version.spec.meetings
        findings = present_findings(services.regular_meeting_findings(body, year))
        rows.append(
            YearRow(year, held[year], spec.regular_per_year, spec.regular_per_month, findings)
        )
    return rows


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _rule_labels(rulebook) -> dict:
    """Readable names for the codes a rulebook uses (roles, body kinds, conveners)."""
    spec = rulebook.spec
    labels: dict = {
        "seat_caps": [(c, _label(MemberRole, c.role) if c.role else "") for c in spec.seat_caps],
        "parent_role": _label(MemberRole, spec.eligibility.parent_role) if spec.eligibility else "",
    }
    if spec.extraordinary:
        labels["convened_by"] = [_label(ConvenedBy, c) for c in spec.extraordinary.convened_by]
        kind = spec.extraordinary.resolution_body_kind
        labels["resolution_kind"] = _label(BodyKind, kind) if kind else ""
    return labels


def body_detail(request, pk: int):
    body = get_object_or_404(
        Body.objects.select_related("district", "parent", "parent__district"), pk=pk
    )
    private = _private(request, body.district_id)
    today = timezone.localdate()
    day, date_error = parse_day(request.GET.get("date"), today)
    report, rulebook_error, versions = None, None, []
    try:
        versions = rulebook_versions(body.rulebook_key, body)
        report = services.composition(body, day)
    except NoRulebook as exc:
        rulebook_error = str(exc)
    findings = present_findings(report.findings, report.members, private) if report else []
    labels = _rule_labels(report.rulebook) if report else {}
    meetings = list(body.meetings.order_by("-starts_at", "-id"))
    decisions = body.decisions.order_by("-decided_on", "-id")
    if not private:
        decisions = decisions.filter(published=True)
    all_memberships = []
    if private:
        all_memberships = list(
            body.memberships.select_related("person", "represents").order_by(
                "-start_date", "person__name"
            )
        )
    return render(
        request,
        "bodies/body_detail.html",
        {
            "body": body,
            "private": private,
            "can_edit": user_can(request.user, Action.EDIT, body.district_id),
            "day": day,
            "today": today,
            "date_error": date_error,
            "rulebook_error": rulebook_error,
            "report": report,
            "rulebook": report.rulebook if report else None,
            "labels": labels,
            "versions": versions,
            "violations": [f for f in findings if f.severity == "violation"],
            "warnings": [f for f in findings if f.severity == "warning"],
            "counts": report.counts() if report else {},
            "children": body.children.order_by("name"),
            "meetings": meetings,
            "years": _meeting_years(body, meetings, day, versions) if versions else [],
            "decisions": decisions,
            "all_memberships": all_memberships,
        },
    )


def meeting_detail(request, pk: int):
    meeting = get_object_or_404(
        Meeting.objects.select_related(
            "body", "body__district", "presiding", "convening_decision__body"
        ),
        pk=pk,
    )
    body = meeting.body
    private = _private(request, body.district_id)
    items = list(meeting.agenda_items.all())
    sections = [
        (value, label, [i for i in items if i.section == value])
        for value, label in AgendaSection.choices
    ]
    quorum, quorum_error = None, None
    try:
        quorum = services.meeting_quorum(meeting)
        counted, not_counted = quorum.counted, quorum.not_counted
    except NoRulebook as exc:
        quorum_error = str(exc)
        counted, not_counted = [], list(meeting.attendances.select_related("person"))
    counted_ids = {a.person_id for a in counted}
    enrolled = list(services.members_on(body, meeting.date))
    absent = [m for m in enrolled if m.person_id not in counted_ids]
    groups = {
        "observers": [a for a in not_counted if a.capacity == Capacity.OBSERVER],
        "staff": [a for a in not_counted if a.capacity == Capacity.STAFF],
        "not_enrolled": [a for a in not_counted if a.capacity == Capacity.MEMBER],
    }
    motions = meeting.motions.select_related("agenda_item", "decision").prefetch_related(
        Prefetch("votes", queryset=Vote.objects.select_related("person").order_by("person__name"))
    )
    decisions = meeting.decisions.order_by("id")
    if not private:
        decisions = decisions.filter(published=True)
    minutes = Minutes.objects.filter(meeting=meeting).select_related("approved_at").first()
    if minutes and not private and minutes.status != MinutesStatus.PUBLISHED:
        minutes = None
    requested = []
    if meeting.kind == MeetingKind.EXTRAORDINARY:
        requested = list(meeting.requested_by.all())
    return render(
        request,
        "bodies/meeting_detail.html",
        {
            "meeting": meeting,
            "body": body,
            "private": private,
            "can_edit": user_can(request.user, Action.EDIT, body.district_id),
            "sections": sections,
            "has_agenda": bool(items),
            "quorum": quorum.result if quorum else None,
            "quorum_rulebook": quorum.rulebook if quorum else None,
            "quorum_error": quorum_error,
            "present": counted,
            "absent": absent,
            "groups": groups,
            "motions": motions,
            "decisions": decisions,
            "actions": meeting.action_items.select_related("owner", "decision"),
            "minutes": minutes,
            "requested": requested,
            "convening_findings": meeting.convening_check.get("findings", []),
        },
    )


# ---------------------------------------------------------------- staff: bodies


@login_required
def body_create(request):
    actor = actor_for(request.user)
    if not actor.is_staff_anywhere:
        raise PermissionDenied
    initial = {"established_on": timezone.localdate()}
    code = request.GET.get("district")
    if code:
        district = get_object_or_404(District, code=code)
        _require_edit(request, district.pk)
        initial.update(district=district, scope="district")
    parent_id = request.GET.get("parent")
    if parent_id and parent_id.isdecimal():
        parent = get_object_or_404(Body, pk=parent_id)
        _require_edit(request, parent.district_id)
        initial.update(parent=parent, district=parent.district, scope=parent.scope)
    return _body_form(request, Body(), initial)


@login_required
def body_edit(request, pk: int):
    body = get_object_or_404(Body.objects.select_related("district"), pk=pk)
    _require_edit(request, body.district_id)
    return _body_form(request, body)


def _body_form(request, body: Body, initial: dict | None = None):
    creating = body.pk is None
    form = forms.BodyForm(_posted(request), instance=body, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        body = form.save(commit=False)
        if _saved(form, services.save_body, body, actor=request.user):
            messages.success(
                request, _("The body was created.") if creating else _("The body was saved.")
            )
            return redirect("bodies:body", pk=body.pk)
    return render(
        request, "bodies/body_form.html", {"form": form, "body": None if creating else body}
    )


@login_required
def person_create(request, pk: int):
    body = get_object_or_404(Body.objects.select_related("district"), pk=pk)
    _require_edit(request, body.district_id)
    person = Person(district=body.district)
    form = forms.PersonForm(_posted(request), instance=person, body=body)
    if request.method == "POST" and form.is_valid():
        person = form.save(commit=False)
        if _saved(form, save_person, person, actor=request.user):
            messages.success(request, _("The person was added. Now enter their membership."))
            url = reverse("bodies:membership_create", args=[body.pk])
            return redirect(f"{url}?person={person.pk}")
    return render(request, "bodies/person_form.html", {"form": form, "body": body})


def _composition_url(body: Body, day: dt.date) -> str:
    return reverse("bodies:body", args=[body.pk]) + f"?date={day.isoformat()}#composition"


@login_required
def membership_create(request, pk: int):
    body = get_object_or_404(Body.objects.select_related("district"), pk=pk)
    _require_edit(request, body.district_id)
    initial = {"start_date": timezone.localdate()}
    person_id = request.GET.get("person")
    if person_id and person_id.isdecimal():
        initial["person"] = person_id
    form = forms.MembershipForm(
        _posted(request), instance=Membership(body=body), body=body, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        membership = form.save(commit=False)
        if _saved(form, services.save_membership, membership, actor=request.user):
            messages.success(
                request,
                _("The membership was saved. The composition check below is as of %(day)s.")
                % {"day": membership.start_date.isoformat()},
            )
            return redirect(_composition_url(body, membership.start_date))
    return render(request, "bodies/membership_form.html", {"form": form, "body": body})


@login_required
def membership_end(request, pk: int):
    membership = get_object_or_404(
        Membership.objects.select_related("body", "body__district", "person"), pk=pk
    )
    body = membership.body
    _require_edit(request, body.district_id)
    form = forms.EndMembershipForm(_posted(request), initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _saved(
            form,
            services.end_membership,
            membership,
            data["ended_on"],
            data["end_reason"],
            data["end_ground"],
            actor=request.user,
        ):
            day = data["ended_on"] + dt.timedelta(days=1)
            messages.success(
                request,
                _("The membership was ended. The composition check below is as of %(day)s.")
                % {"day": day.isoformat()},
            )
            return redirect(_composition_url(body, day))
    return render(
        request,
        "bodies/membership_end.html",
        {"form": form, "body": body, "membership": membership},
    )


# ---------------------------------------------------------------- staff: meetings


def _convening_message(request, meeting: Meeting) -> None:
    check = meeting.convening_check or {}
    if meeting.kind != MeetingKind.EXTRAORDINARY:
        return
    if check.get("ok"):
        messages.success(request, _("Convening check: the rules allow this meeting."))
    else:
        for finding in check.get("findings", []):
            messages.warning(request, _("Convening check: %(m)s") % {"m": finding["message"]})


def _meeting_form(request, body: Body, meeting: Meeting):
    creating = meeting.pk is None
    form = forms.MeetingForm(_posted(request), instance=meeting, body=body)
    if request.method == "POST" and form.is_valid():
        meeting = form.save(commit=False)
        if _saved(
            form,
            services.save_meeting,
            meeting,
            actor=request.user,
            requested_by=list(form.cleaned_data["requested_by"]),
            rulebook_field="starts_at",  # the convening check needs the rules of that day
        ):
            messages.success(
                request,
                _("The meeting was scheduled.") if creating else _("The meeting was saved."),
            )
            _convening_message(request, meeting)
            return redirect("bodies:meeting", pk=meeting.pk)
    return render(
        request,
        "bodies/meeting_form.html",
        {"form": form, "body": body, "meeting": None if creating else meeting},
    )


@login_required
def meeting_create(request, pk: int):
    body = get_object_or_404(Body.objects.select_related("district"), pk=pk)
    _require_edit(request, body.district_id)
    return _meeting_form(request, body, Meeting(body=body))


def _staff_meeting(request, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("body", "body__district"), pk=pk)
    _require_edit(request, meeting.body.district_id)
    return meeting


@login_required
def meeting_edit(request, pk: int):
    meeting = _staff_meeting(request, pk)
    return _meeting_form(request, meeting.body, meeting)


def _meeting_record_form(
    request, form, meeting: Meeting, save, success: str, anchor: str, template: str, **context
):
    """A staff form for a meeting's records: a valid POST is saved by ``save()`` (a
    service call) and answered with the meeting page at ``anchor``; otherwise, or when the
    service refuses, the form is shown (again, with the errors)."""
    if request.method == "POST" and form.is_valid() and _saved(form, save):
        messages.success(request, success)
        return redirect(reverse("bodies:meeting", args=[meeting.pk]) + anchor)
    return render(
        request, template, {"form": form, "meeting": meeting, "body": meeting.body, **context}
    )


def _agenda_form(request, meeting: Meeting, item: AgendaItem):
    creating = item.pk is None
    if creating:
        last = meeting.agenda_items.order_by("-number").values_list("number", flat=True).first()
        initial = {"number": (last or 0) + 1}
    else:
        initial = {}
    form = forms.AgendaItemForm(
        _posted(request),
        _posted(request, files=True),
        instance=item,
        meeting=meeting,
        initial=initial,
    )
    return _meeting_record_form(
        request,
        form,
        meeting,
        lambda: services.save_agenda_item(form.save(commit=False), actor=request.user),
        _("The agenda item was saved."),
        "#agenda",
        "bodies/agenda_form.html",
        item=item,
    )


@login_required
def agenda_create(request, pk: int):
    meeting = _staff_meeting(request, pk)
    return _agenda_form(request, meeting, AgendaItem(meeting=meeting))


@login_required
def agenda_edit(request, pk: int):
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting", "meeting__body", "meeting__body__district"),
        pk=pk,
    )
    _require_edit(request, item.meeting.body.district_id)
    return _agenda_form(request, item.meeting, item)


@login_required
def attendance(request, pk: int):
    meeting = _staff_meeting(request, pk)
    body = meeting.body
    enrolled = services.members_on(body, meeting.date)
    form = forms.AttendanceForm(
        _posted(request),
        meeting=meeting,
        enrolled=enrolled,
        people=forms.visible_people(body),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_attendance(meeting, form.entries(), actor=request.user)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            try:
                result = services.meeting_quorum(meeting).result
            except NoRulebook as exc:
                messages.warning(request, str(exc))
            else:
                text = _("%(present)s of %(enrolled)s members present; %(required)s needed.") % {
                    "present": result.present,
                    "enrolled": result.enrolled,
                    "required": result.required,
                }
                if result.met:
                    messages.success(request, _("Quorum met: %(t)s") % {"t": text})
                else:
                    messages.warning(request, _("No quorum: %(t)s") % {"t": text})
            return redirect(reverse("bodies:meeting", args=[meeting.pk]) + "#attendance")
    return render(
        request,
        "bodies/attendance_form.html",
        {"form": form, "meeting": meeting, "body": body},
    )


def _present(meeting: Meeting):
    try:
        return services.meeting_quorum(meeting).counted, None
    except NoRulebook as exc:
        return [], str(exc)


def _outcome_message(request, motion: Motion) -> None:
    basis = motion.outcome_basis or {}
    messages.info(
        request,
        _(
            "Motion “%(title)s”: %(outcome)s (yes %(yes)s, no %(no)s, abstain %(abstain)s; "
            "%(required)s yes needed)."
        )
        % {
            "title": motion.title,
            "outcome": motion.get_outcome_display(),
            "yes": basis.get("yes", "-"),
            "no": basis.get("no", "-"),
            "abstain": basis.get("abstain", "-"),
            "required": basis.get("yes_required", "-"),
        },
    )


def _motion_form(request, meeting: Meeting, motion: Motion):
    creating = motion.pk is None
    present, rule_error = _present(meeting)
    form = forms.MotionForm(_posted(request), instance=motion, meeting=meeting, present=present)
    if request.method == "POST" and rule_error:
        form.add_error(None, rule_error)  # no rulebook in force: nothing can be voted
    if request.method == "POST" and form.is_valid():
        motion = form.save(commit=False)
        if _saved(
            form,
            services.save_motion,
            motion,
            actor=request.user,
            vote=form.vote_arguments(),
        ):
            if motion.outcome != "pending":
                _outcome_message(request, motion)
            else:
                messages.success(request, _("The motion was saved."))
            return redirect(reverse("bodies:meeting", args=[meeting.pk]) + f"#motion-{motion.pk}")
    return render(
        request,
        "bodies/motion_form.html",
        {
            "form": form,
            "meeting": meeting,
            "body": meeting.body,
            "motion": None if creating else motion,
            "rule_error": rule_error,
        },
    )


@login_required
def motion_create(request, pk: int):
    meeting = _staff_meeting(request, pk)
    return _motion_form(request, meeting, Motion(meeting=meeting))


def _staff_motion(request, pk: int) -> Motion:
    motion = get_object_or_404(
        Motion.objects.select_related("meeting", "meeting__body", "meeting__body__district"),
        pk=pk,
    )
    _require_edit(request, motion.meeting.body.district_id)
    return motion


@login_required
def motion_vote(request, pk: int):
    motion = _staff_motion(request, pk)
    return _motion_form(request, motion.meeting, motion)


@login_required
def motion_decide(request, pk: int):
    motion = _staff_motion(request, pk)
    meeting = motion.meeting
    existing = Decision.objects.filter(motion=motion).first()
    initial = {"title": motion.title, "publish": True}
    if existing:
        initial = {"title": existing.title, "text": existing.text, "publish": existing.published}
    form = forms.DecideForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.decide(
                motion, data["title"], data["text"], publish=data["publish"], actor=request.user
            )
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The decision was recorded and published.")
                if decision.published
                else _("The decision was recorded; it is not published yet."),
            )
            return redirect("bodies:decision", pk=decision.pk)
    return render(
        request,
        "bodies/decide_form.html",
        {"form": form, "motion": motion, "meeting": meeting, "body": meeting.body},
    )


@login_required
@require_POST
def decision_publish(request, pk: int):
    decision = get_object_or_404(Decision.objects.select_related("body"), pk=pk)
    _require_edit(request, decision.body.district_id)
    if not decision.published:
        services.publish_decision(decision, actor=request.user)
        messages.success(request, _("The decision is published."))
    return redirect("bodies:decision", pk=decision.pk)


@login_required
def action_create(request, pk: int):
    meeting = _staff_meeting(request, pk)
    form = forms.ActionItemForm(
        _posted(request), instance=ActionItem(meeting=meeting), meeting=meeting
    )
    return _meeting_record_form(
        request,
        form,
        meeting,
        lambda: services.save_action_item(form.save(commit=False), actor=request.user),
        _("The action item was saved."),
        "#actions",
        "bodies/action_form.html",
    )


@login_required
def minutes_edit(request, pk: int):
    meeting = _staff_meeting(request, pk)
    minutes = Minutes.objects.filter(meeting=meeting).first() or Minutes(meeting=meeting)
    editable = minutes.status == MinutesStatus.DRAFT
    form = forms.MinutesForm(_posted(request), instance=minutes)
    return _meeting_record_form(
        request,
        form,
        meeting,
        lambda: services.save_minutes_draft(form.save(commit=False), actor=request.user),
        _("The draft minutes were saved."),
        "#minutes",
        "bodies/minutes_form.html",
        minutes=minutes,
        editable=editable,
    )


@login_required
def minutes_approve(request, pk: int):
    meeting = _staff_meeting(request, pk)
    minutes = get_object_or_404(Minutes, meeting=meeting)
    form = forms.ApproveMinutesForm(_posted(request), meeting=meeting)
    return _meeting_record_form(
        request,
        form,
        meeting,
        lambda: services.approve_minutes(
            minutes, form.cleaned_data["at_meeting"], actor=request.user
        ),
        _("The minutes are approved."),
        "#minutes",
        "bodies/minutes_approve.html",
        minutes=minutes,
    )


@login_required
@require_POST
def minutes_publish(request, pk: int):
    meeting = _staff_meeting(request, pk)
    minutes = get_object_or_404(Minutes, meeting=meeting)
    try:
        services.publish_minutes(minutes, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The minutes are published."))
    return redirect(reverse("bodies:meeting", args=[meeting.pk]) + "#minutes")
