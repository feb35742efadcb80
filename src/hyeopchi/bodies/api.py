"""API of governance bodies: bodies, rulebooks, memberships, composition, meetings,
attendance and quorum, motions and votes, decisions, calendars.

Reads are public (personal data masked); writes need the right role for the body's
district and go through :mod:`hyeopchi.bodies.services`, which validates and audits.
"""

import datetime as dt
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from hyeopchi.core.api_support import (
    READ_ERRORS,
    WRITE_AUTH,
    WRITE_ERRORS,
    Pagination,
    can_see_private,
    current_user,
    require,
)
from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action, actor_for
from hyeopchi.directory.models import Person

from . import services
from .api_schemas import (
    AttendanceIn,
    BodyDetailOut,
    BodyIn,
    BodyOut,
    BodyPatch,
    CalendarOut,
    CompositionOut,
    DecisionIn,
    DecisionOut,
    MeetingDetailOut,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    MembershipEndIn,
    MembershipIn,
    MembershipOut,
    MotionDetailOut,
    MotionIn,
    MotionOut,
    QuorumOut,
    RulebookFullOut,
    VoteIn,
    VoteResultOut,
    rulebook_data,
)
from .models import (
    Body,
    BodyKind,
    Capacity,
    Decision,
    Meeting,
    MeetingKind,
    Membership,
    Motion,
    Scope,
    Sector,
)
from .rulebooks import NoRulebook, rulebook_for

router = Router()

DateQuery = Query(None, description="YYYY-MM-DD; today (Seoul) when left out.")
FromQuery = Query(None, alias="from", description="First day (YYYY-MM-DD), inclusive.")
ToQuery = Query(None, alias="to", description="Last day (YYYY-MM-DD), inclusive.")
ActiveOnQuery = Query(None, description="Only memberships active on this day (YYYY-MM-DD).")


def _today() -> dt.date:
    return timezone.localdate()


def _not_null(changes: dict[str, Any], fields: set[str]) -> None:
    """A PATCH may leave a field out, but not blank out a required one with null."""
    services.refuse(
        {
            field: [_("This field cannot be null.")]
            for field, value in changes.items()
            if value is None and field in fields
        }
    )


_missing = services.missing


@contextmanager
def _payload_names(schema: type[Schema]):
    """A service's errors are keyed by model field (``district``); the API answers under
    the payload's name for it (``district_id``)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        fields = schema.model_fields
        renamed = {
            (f"{field}_id" if field not in fields and f"{field}_id" in fields else field): errors
            for field, errors in exc.error_dict.items()
        }
        raise ValidationError(renamed) from exc


# ---------------------------------------------------------------- bodies


def _body_detail(request, body: Body) -> Body:
    """The body with what its detail adds: rulebook in force today and feed URLs."""
    try:
        body.rulebook, body.rulebook_error = rulebook_data(rulebook_for(body, _today())), None
    except NoRulebook as exc:
        body.rulebook, body.rulebook_error = None, str(exc)
    body.calendar_url = request.build_absolute_uri(f"/api/v1/bodies/{body.pk}/calendar")
    body.ical_url = ical_url(request, body)
    return body


def ical_url(request, body: Body) -> str:
    """The body's iCalendar feed (served by the feeds app at /bodies/<id>/calendar.ics)."""
    try:
        path = reverse("feeds:body-calendar", kwargs={"pk": body.pk})
    except NoReverseMatch:
        path = f"/bodies/{body.pk}/calendar.ics"
    return request.build_absolute_uri(path)


@router.get("/bodies", response={200: list[BodyOut], **READ_ERRORS}, tags=["bodies"])
@paginate(Pagination)
def list_bodies(
    request,
    district: str | None = None,
    district_id: int | None = None,
    kind: BodyKind | None = None,
    scope: Scope | None = None,
    parent: int | None = None,
    top_level: bool | None = None,
):
    """Governance bodies. Filter by ``district`` (code) or ``district_id``, ``kind``,
    ``scope``, ``parent`` (a body id) or ``top_level=true`` (bodies without a parent)."""
    qs = Body.objects.select_related("district")
    if district:
        qs = qs.filter(district__code=district)
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    if kind:
        qs = qs.filter(kind=kind)
    if scope:
        qs = qs.filter(scope=scope)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if top_level is not None:
        qs = qs.filter(parent__isnull=top_level)
    return qs


@router.get("/bodies/{body_id}", response={200: BodyDetailOut, **READ_ERRORS}, tags=["bodies"])
def get_body(request, body_id: int):
    """A body with its parent, children and the rulebook version in force today."""
    body = get_object_or_404(Body.objects.select_related("district", "parent"), pk=body_id)
    return _body_detail(request, body)


@router.post(
    "/bodies", response={201: BodyDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH, tags=["bodies"]
)
def create_body(request, payload: BodyIn):
    """Create a body. District staff create bodies of their district; city officers, any."""
    user = require(request, Action.EDIT, payload.district_id)
    body = Body(**payload.dict())
    with _payload_names(BodyIn):
        services.save_body(body, actor=user)
    return Status(201, _body_detail(request, body))


@router.patch(
    "/bodies/{body_id}",
    response={200: BodyDetailOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["bodies"],
)
def update_body(request, body_id: int, payload: BodyPatch):
    """Change a body; moving it to another district needs rights on both districts."""
    body = get_object_or_404(Body, pk=body_id)
    user = require(request, Action.EDIT, body.district_id)
    changes = payload.dict(exclude_unset=True)
    _not_null(
        changes,
        {"name", "name_en", "kind", "scope", "rulebook_key", "established_on", "description"},
    )
    district_id = body.district_id
    for field, value in changes.items():
        setattr(body, field, value)
    if body.district_id != district_id:
        require(request, Action.EDIT, body.district_id)
    if changes.get("scope") == Scope.CITY and "district_id" not in changes:
        body.district_id = None
        require(request, Action.EDIT, None)
    with _payload_names(BodyPatch):
        services.save_body(body, actor=user)
    body = Body.objects.select_related("district", "parent").get(pk=body.pk)
    return _body_detail(request, body)


@router.get(
    "/bodies/{body_id}/rulebook",
    response={200: RulebookFullOut, **READ_ERRORS},
    tags=["bodies"],
)
def get_rulebook(request, body_id: int, date: dt.date | None = DateQuery):
    """The rulebook version in force for the body on ``date``, with every parameter."""
    body = get_object_or_404(Body, pk=body_id)
    return rulebook_data(rulebook_for(body, date or _today()), full=True)


@router.get(
    "/bodies/{body_id}/composition",
    response={200: CompositionOut, **READ_ERRORS},
    tags=["bodies"],
)
def get_composition(request, body_id: int, date: dt.date | None = DateQuery):
    """The body's composition on ``date`` checked against its rulebook.

    Counts by sector and gender, the members serving, and every finding (violation or
    warning) with its rule, numbers and the memberships involved.
    """
    body = get_object_or_404(Body.objects.select_related("district"), pk=body_id)
    report = services.composition(body, date or _today())
    private = can_see_private(request, body.district_id)
    names = {m.pk: m.person for m in report.members}
    by_sector = {value: 0 for value in Sector.values}
    by_gender = {"F": 0, "M": 0, "X": 0}
    for m in report.members:
        by_sector[m.sector] = by_sector.get(m.sector, 0) + 1
        by_gender[m.person.gender] = by_gender.get(m.person.gender, 0) + 1
    findings = []
    for f in report.findings:
        message = str(f.message)
        if not private:
            message = _mask_names(message, [names[i] for i in f.members if i in names])
        findings.append(
            {
                "code": f.code,
                "severity": f.severity,
                "rule": f.rule,
                "message": message,
                "numbers": f.numbers,
                "membership_ids": list(f.members),
            }
        )
    return {
        "body_id": body.pk,
        "date": report.day,
        "rulebook": rulebook_data(report.rulebook),
        "counts": {
            "total": len(report.members),
            "by_sector": by_sector,
            "by_gender": by_gender,
        },
        "members": [
            {
                "membership_id": m.pk,
                "person_id": m.person_id,
                "name": m.person.name if private else m.person.public_name,
                "sector": m.sector,
                "appointment": m.appointment,
                "role": m.role,
            }
            for m in report.members
        ],
        "findings": findings,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
    }


def _mask_names(message: str, people: list[Person]) -> str:
    """Replace full names in a finding's message by the public names (longest first)."""
    for person in sorted({p.pk: p for p in people}.values(), key=lambda p: -len(p.name)):
        if person.name and person.name != person.public_name:
            message = message.replace(person.name, person.public_name)
    return message


@router.get(
    "/bodies/{body_id}/calendar", response={200: CalendarOut, **READ_ERRORS}, tags=["meetings"]
)
def get_calendar(
    request,
    body_id: int,
    date_from: dt.date | None = FromQuery,
    date_to: dt.date | None = ToQuery,
):
    """The body's meetings (optionally ``from``/``to`` dates) and its iCalendar feed URL."""
    body = get_object_or_404(Body, pk=body_id)
    meetings = Meeting.objects.filter(body=body).select_related("body")
    if date_from:
        meetings = meetings.filter(starts_at__date__gte=date_from)
    if date_to:
        meetings = meetings.filter(starts_at__date__lte=date_to)
    return {
        "body_id": body.pk,
        "ical_url": ical_url(request, body),
        "meetings": list(meetings),
    }


# ---------------------------------------------------------------- memberships


def _memberships():
    return Membership.objects.select_related("person", "body")


@router.get(
    "/memberships", response={200: list[MembershipOut], **READ_ERRORS}, tags=["memberships"]
)
@paginate(Pagination)
def list_memberships(
    request,
    body: int | None = None,
    person: int | None = None,
    date: dt.date | None = ActiveOnQuery,
):
    """Memberships (seats) of bodies; names are masked for the public."""
    qs = _memberships()
    if body is not None:
        qs = qs.filter(body_id=body)
    if person is not None:
        qs = qs.filter(person_id=person)
    if date is not None:
        qs = qs.active_on(date)
    return qs


@router.get(
    "/memberships/{membership_id}",
    response={200: MembershipOut, **READ_ERRORS},
    tags=["memberships"],
)
def get_membership(request, membership_id: int):
    return get_object_or_404(_memberships(), pk=membership_id)


@router.post(
    "/memberships",
    response={201: MembershipOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["memberships"],
)
def create_membership(request, payload: MembershipIn):
    """Add a member to a body. A replacement (``predecessor_id``) without a ``term_end``
    serves the rest of the predecessor's term."""
    body = Body.objects.filter(pk=payload.body_id).first()
    if body is None:
        raise ValidationError(_missing("body_id", _("body"), payload.body_id))
    user = require(request, Action.EDIT, body.district_id)
    errors: dict[str, list[str]] = {}
    if not Person.objects.filter(pk=payload.person_id).exists():
        errors.update(_missing("person_id", _("person"), payload.person_id))
    if payload.represents_id is not None and not District.objects.filter(pk=payload.represents_id):
        errors.update(_missing("represents_id", _("district"), payload.represents_id))
    for field in ("predecessor_id", "renewal_of_id"):
        pk = getattr(payload, field)
        if pk is not None and not Membership.objects.filter(pk=pk, body=body).exists():
            errors[field] = [_("No membership with id %(id)s in this body.") % {"id": pk}]
    if payload.renewal_of_id is not None and Membership.objects.filter(
        renewal_of_id=payload.renewal_of_id
    ):
        errors.setdefault("renewal_of_id", []).append(_("That membership was already renewed."))
    if payload.predecessor_id is not None and Membership.objects.filter(
        predecessor_id=payload.predecessor_id
    ):
        errors.setdefault("predecessor_id", []).append(
            _("That member was already replaced by someone else.")
        )
    if payload.appointed_by_id is not None and not Decision.objects.filter(
        pk=payload.appointed_by_id
    ):
        errors.update(_missing("appointed_by_id", _("decision"), payload.appointed_by_id))
    services.refuse(errors)
    membership = Membership(**payload.dict())
    with _payload_names(MembershipIn):
        services.save_membership(membership, actor=user)
    return Status(201, _memberships().get(pk=membership.pk))


@router.post(
    "/memberships/{membership_id}/end",
    response={200: MembershipOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["memberships"],
)
def end_membership(request, membership_id: int, payload: MembershipEndIn):
    """End a membership on ``date`` with a ``reason``; a dismissal needs its ``ground``."""
    membership = get_object_or_404(_memberships(), pk=membership_id)
    user = require(request, Action.EDIT, membership.body.district_id)
    services.end_membership(membership, payload.date, payload.reason, payload.ground, actor=user)
    return _memberships().get(pk=membership.pk)


# ---------------------------------------------------------------- meetings


def _meetings():
    return Meeting.objects.select_related("body")


@router.get("/meetings", response={200: list[MeetingOut], **READ_ERRORS}, tags=["meetings"])
@paginate(Pagination)
def list_meetings(
    request,
    body: int | None = None,
    district: str | None = None,
    kind: MeetingKind | None = None,
    date_from: dt.date | None = FromQuery,
    date_to: dt.date | None = ToQuery,
):
    """Meetings, in date order. Filter by ``body``, ``district`` (code), ``kind``, and
    ``from``/``to`` dates (Seoul time, inclusive)."""
    qs = _meetings()
    if body is not None:
        qs = qs.filter(body_id=body)
    if district:
        qs = qs.filter(body__district__code=district)
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(starts_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(starts_at__date__lte=date_to)
    return qs


def _meeting_detail(request, meeting: Meeting) -> Meeting:
    meeting.presiding_name = (
        (
            meeting.presiding.name
            if can_see_private(request, meeting.body.district_id)
            else meeting.presiding.public_name
        )
        if meeting.presiding_id
        else None
    )
    meeting.quorum_url = request.build_absolute_uri(f"/api/v1/meetings/{meeting.pk}/quorum")
    meeting.motions_url = request.build_absolute_uri(f"/api/v1/meetings/{meeting.pk}/motions")
    return meeting


@router.get(
    "/meetings/{meeting_id}", response={200: MeetingDetailOut, **READ_ERRORS}, tags=["meetings"]
)
def get_meeting(request, meeting_id: int):
    meeting = get_object_or_404(
        _meetings().select_related("presiding").prefetch_related("agenda_items"), pk=meeting_id
    )
    return _meeting_detail(request, meeting)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _meeting_refs(data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    requested = data.get("requested_by") or []
    missing = set(requested) - set(
        Person.objects.filter(pk__in=requested).values_list("pk", flat=True)
    )
    if missing:
        errors["requested_by"] = [
            _("No person with id %(id)s.") % {"id": pk} for pk in sorted(missing)
        ]
    decision_id = data.get("convening_decision_id")
    if decision_id is not None and not Decision.objects.filter(pk=decision_id).exists():
        errors.update(_missing("convening_decision_id", _("decision"), decision_id))
    presiding_id = data.get("presiding_id")
    if presiding_id is not None and not Person.objects.filter(pk=presiding_id).exists():
        errors.update(_missing("presiding_id", _("person"), presiding_id))
    services.refuse(errors)


@router.post(
    "/meetings",
    response={201: MeetingDetailOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["meetings"],
)
def create_meeting(request, payload: MeetingIn):
    """Schedule a meeting. An extraordinary meeting's convening is checked against the
    rulebook and the result kept in ``convening_check``."""
    body = Body.objects.filter(pk=payload.body_id).first()
    if body is None:
        raise ValidationError(_missing("body_id", _("body"), payload.body_id))
    user = require(request, Action.EDIT, body.district_id)
    data = payload.dict()
    _meeting_refs(data)
    requested_by = data.pop("requested_by")
    data["starts_at"], data["ends_at"] = _aware(data["starts_at"]), _aware(data["ends_at"])
    meeting = Meeting(**data)
    meeting.body = body
    with _payload_names(MeetingIn):
        services.save_meeting(meeting, actor=user, requested_by=requested_by)
    return Status(201, get_meeting(request, meeting.pk))


@router.patch(
    "/meetings/{meeting_id}",
    response={200: MeetingDetailOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["meetings"],
)
def update_meeting(request, meeting_id: int, payload: MeetingPatch):
    """Change a meeting (e.g. its time, venue, or status ``held`` / ``cancelled``)."""
    meeting = get_object_or_404(_meetings(), pk=meeting_id)
    user = require(request, Action.EDIT, meeting.body.district_id)
    data = payload.dict(exclude_unset=True)
    _not_null(
        data,
        {"kind", "title", "starts_at", "venue", "status", "convened_by", "requested_by"},
    )
    _meeting_refs(data)
    requested_by = data.pop("requested_by", None)
    for field in ("starts_at", "ends_at"):
        if field in data:
            data[field] = _aware(data[field])
    for field, value in data.items():
        setattr(meeting, field, value)
    with _payload_names(MeetingPatch):
        services.save_meeting(meeting, actor=user, requested_by=requested_by)
    return get_meeting(request, meeting.pk)


@router.post(
    "/meetings/{meeting_id}/attendance",
    response={200: QuorumOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["meetings"],
)
def record_attendance(request, meeting_id: int, payload: list[AttendanceIn]):
    """Replace the meeting's attendance by this list of ``person_id`` + ``capacity``
    (member, observer, staff); answers with the quorum."""
    meeting = get_object_or_404(_meetings(), pk=meeting_id)
    user = require(request, Action.EDIT, meeting.body.district_id)
    ids = [entry.person_id for entry in payload]
    known = set(Person.objects.filter(pk__in=ids).values_list("pk", flat=True))
    errors = {
        f"{i}.person_id": [_("No person with id %(id)s.") % {"id": entry.person_id}]
        for i, entry in enumerate(payload)
        if entry.person_id not in known
    }
    services.refuse(errors)
    services.set_attendance(
        meeting, [(entry.person_id, str(entry.capacity)) for entry in payload], actor=user
    )
    return _quorum(request, meeting)


def _quorum(request, meeting: Meeting) -> dict[str, Any]:
    report = services.meeting_quorum(meeting)
    private = can_see_private(request, meeting.body.district_id)

    def name(person: Person) -> str:
        return person.name if private else person.public_name

    reasons = {
        Capacity.OBSERVER: _("Observers (참관) do not count toward the quorum."),
        Capacity.STAFF: _("Attending staff (배석) do not count toward the quorum."),
    }
    not_member = _("Not a member of this body on the meeting date.")
    present = {a.person_id for a in report.counted}
    absent = [
        m for m in services.members_on(meeting.body, meeting.date) if m.person_id not in present
    ]
    spec = report.rulebook.spec.quorum
    return {
        "meeting_id": meeting.pk,
        "date": meeting.date,
        "rulebook": rulebook_data(report.rulebook),
        "rule": f"{spec.article} · {report.rulebook.citation}".strip(" ·"),
        "enrolled": report.result.enrolled,
        "present": report.result.present,
        "required": report.result.required,
        "met": report.result.met,
        "counted": [
            {"person_id": a.person_id, "name": name(a.person), "capacity": a.capacity}
            for a in report.counted
        ],
        "not_counted": [
            {
                "person_id": a.person_id,
                "name": name(a.person),
                "capacity": a.capacity,
                "reason": str(reasons.get(a.capacity, not_member)),
            }
            for a in report.not_counted
        ],
        "absent": [
            {"membership_id": m.pk, "person_id": m.person_id, "name": name(m.person)}
            for m in absent
        ],
    }


@router.get(
    "/meetings/{meeting_id}/quorum", response={200: QuorumOut, **READ_ERRORS}, tags=["meetings"]
)
def get_quorum(request, meeting_id: int):
    """Quorum of the meeting: members enrolled on its date, those present who count, the
    number required under the rulebook, and who did not count and why."""
    meeting = get_object_or_404(_meetings(), pk=meeting_id)
    return _quorum(request, meeting)


# ---------------------------------------------------------------- motions


def _motions():
    return Motion.objects.select_related("decision")


@router.get(
    "/meetings/{meeting_id}/motions",
    response={200: list[MotionOut], **READ_ERRORS},
    tags=["motions"],
)
@paginate(Pagination)
def list_motions(request, meeting_id: int):
    """The motions put to a meeting, with their outcomes."""
    get_object_or_404(Meeting, pk=meeting_id)
    return _motions().filter(meeting_id=meeting_id)


@router.post(
    "/meetings/{meeting_id}/motions",
    response={201: MotionOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["motions"],
)
def create_motion(request, meeting_id: int, payload: MotionIn):
    """Put a motion (ordinary, or an amendment of the rules) to the meeting."""
    meeting = get_object_or_404(_meetings(), pk=meeting_id)
    user = require(request, Action.EDIT, meeting.body.district_id)
    with _payload_names(MotionIn):
        motion = services.propose_motion(
            meeting, payload.title, payload.kind, payload.agenda_item_id, actor=user
        )
    return Status(201, _motions().get(pk=motion.pk))


@router.get(
    "/motions/{motion_id}", response={200: MotionDetailOut, **READ_ERRORS}, tags=["motions"]
)
def get_motion(request, motion_id: int):
    """A motion with its outcome and, for a roll call, each member's vote."""
    motion = get_object_or_404(
        _motions().select_related("meeting__body").prefetch_related("votes__person"),
        pk=motion_id,
    )
    return motion


@router.post(
    "/motions/{motion_id}/votes",
    response={200: VoteResultOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["motions"],
)
def record_votes(request, motion_id: int, payload: VoteIn):
    """Record the vote: counts (``yes``, ``no``, ``abstain``) or a ``roll_call`` of
    members present. The outcome follows the body's rulebook (ties fail; amendments need
    their majority); the basis gives enrolled, present, the yes votes required and the rule."""
    motion = get_object_or_404(Motion.objects.select_related("meeting__body"), pk=motion_id)
    user = require(request, Action.EDIT, motion.meeting.body.district_id)
    if payload.roll_call is not None:
        result = services.record_vote(
            motion,
            roll_call={v.person_id: str(v.choice) for v in payload.roll_call},
            actor=user,
        )
    else:
        result = services.record_vote(
            motion, yes=payload.yes, no=payload.no, abstain=payload.abstain, actor=user
        )
    return {
        "motion": _motions().get(pk=motion.pk),
        "outcome": result.outcome,
        "quorum_met": result.quorum.met,
        "basis": result.as_basis(),
    }


@router.post(
    "/motions/{motion_id}/decision",
    response={201: DecisionOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["decisions"],
)
def decide_motion(request, motion_id: int, payload: DecisionIn):
    """Record the decision (결정사항) of a passed motion; ``publish`` makes it public."""
    motion = get_object_or_404(Motion.objects.select_related("meeting__body"), pk=motion_id)
    user = require(request, Action.EDIT, motion.meeting.body.district_id)
    decision = services.decide(
        motion, payload.title, payload.text, publish=payload.publish, actor=user
    )
    return Status(201, decision)


# ---------------------------------------------------------------- decisions


def _visible_decisions(request):
    qs = Decision.objects.all()
    user = current_user(request)
    actor = actor_for(user)
    if actor.superuser or actor.city_wide:
        return qs
    if actor.districts:
        return qs.filter(Q(published=True) | Q(body__district_id__in=actor.districts))
    return qs.filter(published=True)


@router.get("/decisions", response={200: list[DecisionOut], **READ_ERRORS}, tags=["decisions"])
@paginate(Pagination)
def list_decisions(
    request,
    body: int | None = None,
    district: str | None = None,
    meeting: int | None = None,
    published: bool | None = None,
):
    """Decisions, newest first. The public sees published decisions only; district staff
    also see their district's drafts."""
    qs = _visible_decisions(request)
    if body is not None:
        qs = qs.filter(body_id=body)
    if district:
        qs = qs.filter(body__district__code=district)
    if meeting is not None:
        qs = qs.filter(meeting_id=meeting)
    if published is not None:
        qs = qs.filter(published=published)
    return qs


@router.get(
    "/decisions/{decision_id}", response={200: DecisionOut, **READ_ERRORS}, tags=["decisions"]
)
def get_decision(request, decision_id: int):
    return get_object_or_404(_visible_decisions(request), pk=decision_id)
