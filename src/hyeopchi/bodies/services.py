"""What the UI, the API and the demo loader do to bodies, memberships, meetings and their
records (agenda, motions, decisions, action items, minutes).

Each ``save_…`` function validates (raising a ValidationError keyed by model field, so a
form can show it next to its field and the API under its payload name), saves inside a
transaction and records the change in the audit history; rule decisions are delegated to
the pure modules (rules, composition).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hyeopchi.core import audit
from hyeopchi.core.models import District

from . import rules
from .composition import MemberFact, composition_findings
from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Body,
    Capacity,
    Choice,
    Decision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    Minutes,
    MinutesStatus,
    Motion,
    MotionKind,
    Outcome,
    RulebookAmendment,
    Scope,
)
from .rulebook import Rulebook, pick_version, version_to_params
from .rulebooks import NoRulebook, lineage, rulebook_for, rulebook_versions


def missing(field: str, what: str, pk) -> dict[str, list[str]]:
    """The error for a reference to a record that does not exist."""
    return {field: [_("No %(what)s with id %(id)s.") % {"what": what, "id": pk}]}


def refuse(errors: dict[str, list[str]]) -> None:
    """Raise the errors collected by field, if there are any."""
    if errors:
        raise ValidationError(errors)


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


# ---------------------------------------------------------------- bodies


def validate_body(body: Body) -> None:
    """Scope and district fit together and with the parent body; the parent chain has no
    loop; the rulebook exists and is in force when the body is established; the body is
    not established after its first meeting or membership, nor dissolved before."""
    errors: dict[str, list[str]] = {}
    if body.scope == Scope.CITY and body.district_id is not None:
        errors["district"] = [_("A city-wide body belongs to no district.")]
    elif body.scope == Scope.DISTRICT and body.district_id is None:
        errors["district"] = [_("A district body needs its district.")]
    elif body.district_id is not None and not District.objects.filter(pk=body.district_id):
        errors.update(missing("district", _("district"), body.district_id))
    if body.parent_id is not None:
        parent = Body.objects.filter(pk=body.parent_id).first()
        if parent is None:
            errors.update(missing("parent", _("body"), body.parent_id))
        elif body.pk is not None and body.pk in lineage(parent):
            errors["parent"] = [_("A body cannot be placed under itself.")]
        elif "district" not in errors and parent.district_id != body.district_id:
            errors["parent"] = [
                _("A city-wide body can only be part of a city-wide body.")
                if body.district_id is None
                else _("The parent body must belong to the same district.")
            ]
    if body.rulebook_key:
        try:
            versions = rulebook_versions(body.rulebook_key)
        except NoRulebook as exc:
            errors["rulebook_key"] = [str(exc)]
        else:
            if body.established_on and pick_version(versions, body.established_on) is None:
                first = min(v.effective_from for v in versions)
                errors.setdefault("established_on", []).append(
                    _(
                        "The chosen rulebook is in force from %(day)s; a body under it cannot "
                        "be set up earlier."
                    )
                    % {"day": first.isoformat()}
                )
    if body.dissolved_on and body.established_on and body.dissolved_on < body.established_on:
        errors["dissolved_on"] = [_("A body cannot be dissolved before it is established.")]
    if body.pk is not None and body.established_on:
        first_meeting = Meeting.objects.filter(body_id=body.pk).order_by("starts_at").first()
        if first_meeting and first_meeting.date < body.established_on:
            errors.setdefault("established_on", []).append(
                _("The body already has a meeting on %(day)s, before that date.")
                % {"day": first_meeting.date.isoformat()}
            )
        first_member = Membership.objects.filter(body_id=body.pk).order_by("start_date").first()
        if first_member and first_member.start_date < body.established_on:
            errors.setdefault("established_on", []).append(
                _("A membership starts on %(day)s; the body cannot be established later.")
                % {"day": first_member.start_date.isoformat()}
            )
    refuse(errors)
    # References were checked above, with messages; the other fields by their definitions.
    body.full_clean(exclude=["district", "parent", "established_by"])


def save_body(body: Body, actor=None, reason: str = "") -> Body:
    return audit.save_and_record(body, validate_body, actor, reason)


# ---------------------------------------------------------------- memberships


def validate_membership(m: Membership) -> None:
    """Refuse memberships that cannot be true; rule breaches are reported, not refused."""
    errors: dict[str, list[str]] = {}
    if m.term_end and m.start_date and m.term_end < m.start_date:
        errors.setdefault("term_end", []).append(_("The term cannot end before it starts."))
    if m.ended_on and m.start_date and m.ended_on < m.start_date:
        errors.setdefault("ended_on", []).append(_("A membership cannot end before it starts."))
    if m.ended_on and not m.end_reason:
        errors.setdefault("end_reason", []).append(_("Say why the membership ended."))
    if m.end_reason == "dismissed" and not m.end_ground.strip():
        errors.setdefault("end_ground", []).append(_("A dismissal needs its ground."))
    if m.body_id and m.start_date and m.body.established_on > m.start_date:
        errors.setdefault("start_date", []).append(
            _("The body was established on %(day)s; a membership cannot start earlier.")
            % {"day": m.body.established_on.isoformat()}
        )
    if m.predecessor_id and m.predecessor.body_id != m.body_id:
        errors.setdefault("predecessor", []).append(
            _("A member can only replace someone in the same body.")
        )
    if m.body_id and m.person_id and m.start_date and not errors:
        last = m.last_day or dt.date.max
        overlapping = (
            Membership.objects.filter(body_id=m.body_id, person_id=m.person_id)
            .exclude(pk=m.pk)
            .filter(start_date__lte=last)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=m.start_date))
            .filter(Q(term_end__isnull=True) | Q(term_end__gte=m.start_date))
        )
        if overlapping.exists():
            errors.setdefault("start_date", []).append(
                _("This person already holds a seat in this body during that period.")
            )
    refuse(errors)


def save_membership(m: Membership, actor=None, reason: str = "") -> Membership:
    if m.pk is None and m.predecessor_id and m.term_end is None:
        # A replacement serves the rest of the predecessor's term.
        m.term_end = m.predecessor.term_end
    return audit.save_and_record(m, validate_membership, actor, reason)


@transaction.atomic
def end_membership(
    m: Membership, ended_on: dt.date, reason: str, ground: str = "", actor=None
) -> Membership:
    before = audit.snapshot(m)
    m.ended_on, m.end_reason, m.end_ground = ended_on, reason, ground
    validate_membership(m)
    m.save()
    audit.record(m, "ended", actor, ground or reason, audit.diff(before, audit.snapshot(m)))
    return m


def members_on(body: Body, day: dt.date, rulebook: Rulebook | None = None):
    """Members serving on ``day``; given a rulebook, only those who count (have a vote):
    roles the rulebook names as non-voting, such as a 간사 who is the department head,
    are left out of quorum and composition."""
    members = (
        Membership.objects.active_on(day)
        .filter(body=body)
        .select_related("person", "predecessor", "renewal_of", "represents")
        .order_by("role", "person__name")
    )
    if rulebook is not None and rulebook.spec.non_voting_roles:
        members = members.exclude(role__in=rulebook.spec.non_voting_roles)
    return members


def _term_number(m: Membership, by_id: dict[int, Membership]) -> int:
    number, current = 1, m
    while current.renewal_of_id is not None:
        number += 1
        current = by_id.get(current.renewal_of_id) or current.renewal_of
    return number


@dataclass(frozen=True)
class CompositionReport:
    body: Body
    day: dt.date
    rulebook: Rulebook
    members: list[Membership]
    findings: list[rules.Finding]

    @property
    def violations(self) -> list[rules.Finding]:
        return [f for f in self.findings if f.severity == "violation"]

    @property
    def warnings(self) -> list[rules.Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def counts(self) -> dict[str, int]:
        sectors: dict[str, int] = {}
        for m in self.members:
            sectors[m.sector] = sectors.get(m.sector, 0) + 1
        genders = {g: sum(1 for m in self.members if m.person.gender == g) for g in "FMX"}
        return {
            "total": len(self.members),
            **sectors,
            **{f"gender_{g}": n for g, n in genders.items()},
        }


def composition(body: Body, day: dt.date) -> CompositionReport:
    rulebook = rulebook_for(body, day)
    members = list(members_on(body, day, rulebook))
    by_id = {m.pk: m for m in Membership.objects.filter(body=body)}
    parent_holders: set[int] = set()
    if rulebook.spec.eligibility and body.parent_id:
        parent_holders = set(
            Membership.objects.active_on(day)
            .filter(body_id=body.parent_id, role=rulebook.spec.eligibility.parent_role)
            .values_list("person_id", flat=True)
        )
    facts = [
        MemberFact(
            membership_id=m.pk,
            person_id=m.person_id,
            # Findings are shown on public pages: they name people as the public sees them.
            name=m.person.public_name,
            sector=m.sector,
            appointment=m.appointment,
            gender=m.person.gender,
            role=m.role,
            district_id=m.represents_id,
            start_date=m.start_date,
            term_end=m.term_end,
            term_number=_term_number(m, by_id),
            predecessor_term_end=m.predecessor.term_end if m.predecessor else None,
            is_replacement=m.predecessor_id is not None,
            holds_parent_role=m.person_id in parent_holders,
        )
        for m in members
    ]
    return CompositionReport(body, day, rulebook, members, composition_findings(rulebook, facts))


# ---------------------------------------------------------------- meetings


def validate_meeting(meeting: Meeting) -> None:
    errors: dict[str, list[str]] = {}
    if meeting.starts_at and meeting.body_id:
        day = timezone.localtime(meeting.starts_at).date()
        if day < meeting.body.established_on:
            errors.setdefault("starts_at", []).append(
                _("The body was established on %(day)s; a meeting cannot be held before it.")
                % {"day": meeting.body.established_on.isoformat()}
            )
        if meeting.body.dissolved_on and day > meeting.body.dissolved_on:
            errors.setdefault("starts_at", []).append(
                _("The body was dissolved on %(day)s.")
                % {"day": meeting.body.dissolved_on.isoformat()}
            )
        if not errors:
            try:
                rulebook_for(meeting.body, day)
            except NoRulebook as exc:  # no rules in force: quorum could not be judged
                errors.setdefault("starts_at", []).append(str(exc))
    if meeting.ends_at and meeting.starts_at and meeting.ends_at <= meeting.starts_at:
        errors.setdefault("ends_at", []).append(_("A meeting must end after it starts."))
    refuse(errors)


def check_convening(meeting: Meeting) -> list[rules.Finding]:
    """For an extraordinary meeting, is its convening allowed by the rulebook?"""
    if meeting.kind != MeetingKind.EXTRAORDINARY:
        return []
    rulebook = rulebook_for(meeting.body, meeting.date)
    enrolled = set(
        members_on(meeting.body, meeting.date, rulebook).values_list("person_id", flat=True)
    )
    requesters = set(meeting.requested_by.values_list("pk", flat=True)) if meeting.pk else set()
    resolution_kind = None
    findings: list[rules.Finding] = []
    decision = meeting.convening_decision if meeting.convening_decision_id else None
    if decision is not None:
        resolution_kind = decision.body.kind
        spec = rulebook.spec.extraordinary
        rule = f"{spec.article if spec else ''} · {rulebook.citation}".strip(" ·")
        if decision.body_id != meeting.body_id and decision.body.parent_id != meeting.body_id:
            findings.append(
                rules.Finding(
                    "convening.unrelated_resolution",
                    "violation",
                    rule,
                    _("The convening resolution was taken by %(other)s, not by a body of %(body)s.")
                    % {"other": decision.body, "body": meeting.body},
                    {"resolution_body_id": decision.body_id, "body_id": meeting.body_id},
                )
            )
        if decision.decided_on > meeting.date:
            findings.append(
                rules.Finding(
                    "convening.resolution_after_meeting",
                    "violation",
                    rule,
                    _("The convening resolution of %(decided)s comes after the meeting (%(day)s).")
                    % {"decided": decision.decided_on.isoformat(), "day": meeting.date.isoformat()},
                    {
                        "decided_on": decision.decided_on.isoformat(),
                        "meeting_date": meeting.date.isoformat(),
                    },
                )
            )
    return (
        rules.convening_findings(
            rulebook,
            convened_by=meeting.convened_by,
            resolution_body_kind=resolution_kind,
            requesters=requesters,
            enrolled=enrolled,
        )
        + findings
    )


@transaction.atomic
def save_meeting(meeting: Meeting, actor=None, reason: str = "", requested_by=None) -> Meeting:
    creating = meeting.pk is None
    validate_meeting(meeting)
    if meeting.number is None and meeting.kind == MeetingKind.REGULAR:
        # The next regular meeting after the last numbered one held before it;
        # extraordinary and cancelled meetings do not take a number.
        earlier = (
            Meeting.objects.filter(
                body=meeting.body, kind=MeetingKind.REGULAR, starts_at__lt=meeting.starts_at
            )
            .exclude(pk=meeting.pk)
            .exclude(status=MeetingStatus.CANCELLED)
            .aggregate(last=Max("number"))["last"]
        )
        meeting.number = (earlier or 0) + 1
    meeting.save()
    if requested_by is not None:
        meeting.requested_by.set(requested_by)
    findings = check_convening(meeting)
    meeting.convening_check = {
        "checked_at": timezone.now().isoformat(),
        "ok": not findings,
        "findings": [{"code": f.code, "message": str(f.message), "rule": f.rule} for f in findings],
    }
    meeting.save(update_fields=["convening_check"])
    audit.record(meeting, "scheduled" if creating else "changed", actor, reason)
    return meeting


# ---------------------------------------------------------------- agenda


def validate_agenda_item(item: AgendaItem) -> None:
    if item.meeting_id and item.section and item.number:
        clash = AgendaItem.objects.filter(
            meeting_id=item.meeting_id, section=item.section, number=item.number
        ).exclude(pk=item.pk)
        if clash.exists():
            raise ValidationError(
                {"number": [_("This section already has an item with that number.")]}
            )
    item.full_clean()


def save_agenda_item(item: AgendaItem, actor=None, reason: str = "") -> AgendaItem:
    """Add or change an item of a meeting's agenda; the meeting's history records it."""
    return _save_on_meeting(
        item,
        validate_agenda_item,
        "agenda item",
        actor,
        reason,
        title=item.title,
        section=item.section,
    )


@transaction.atomic
def _save_on_meeting(item, validate, what: str, actor, reason: str, **summary):
    """Validate and save a record of a meeting (agenda item, action item). Such records
    have no history of their own: the meeting's history records "<what> added" or "<what>
    changed"."""
    action = f"{what} added" if item.pk is None else f"{what} changed"
    validate(item)
    item.save()
    audit.record(item.meeting, action, actor, reason, {what.replace(" ", "_"): item.pk, **summary})
    return item


@dataclass(frozen=True)
class QuorumReport:
    result: rules.QuorumResult
    rulebook: Rulebook
    counted: list[Attendance]  # members present who count
    not_counted: list[Attendance]  # observers, staff, non-members


def meeting_quorum(meeting: Meeting) -> QuorumReport:
    """Quorum from the members enrolled on the meeting date and those present."""
    day = meeting.date
    rulebook = rulebook_for(meeting.body, day)
    enrolled = set(members_on(meeting.body, day, rulebook).values_list("person_id", flat=True))
    counted, not_counted = [], []
    for a in meeting.attendances.select_related("person"):
        if a.capacity == Capacity.MEMBER and a.person_id in enrolled:
            counted.append(a)
        else:
            not_counted.append(a)
    result = rules.quorum(rulebook, len(enrolled), len(counted))
    return QuorumReport(result, rulebook, counted, not_counted)


@transaction.atomic
def set_attendance(meeting: Meeting, entries: list[tuple[int, str]], actor=None) -> None:
    """Replace the meeting's attendance with (person_id, capacity) entries."""
    seen: set[int] = set()
    for person_id, capacity in entries:
        if person_id in seen:
            raise ValidationError(_("A person is listed twice in the attendance."))
        seen.add(person_id)
        if capacity not in Capacity.values:
            raise ValidationError(_("Unknown attendance capacity %(c)s.") % {"c": capacity})
    meeting.attendances.exclude(person_id__in=seen).delete()
    for person_id, capacity in entries:
        Attendance.objects.update_or_create(
            meeting=meeting, person_id=person_id, defaults={"capacity": capacity}
        )
    audit.record(meeting, "attendance recorded", actor, changes={"attendance": sorted(entries)})


# ---------------------------------------------------------------- motions


def validate_motion(motion: Motion) -> None:
    if motion.agenda_item_id is not None and not AgendaItem.objects.filter(
        pk=motion.agenda_item_id, meeting_id=motion.meeting_id
    ):
        raise ValidationError(
            {
                "agenda_item": [
                    _("No agenda item with id %(id)s in this meeting.")
                    % {"id": motion.agenda_item_id}
                ]
            }
        )
    motion.full_clean()


@transaction.atomic
def save_motion(motion: Motion, actor=None, reason: str = "", vote: dict | None = None) -> Motion:
    """Put a motion to its meeting ("proposed") or change its title, kind or agenda item
    ("changed"); with ``vote`` (the keyword arguments of :func:`record_vote`), also record
    the vote, all or nothing."""
    before = {} if motion.pk is None else audit.snapshot(Motion.objects.get(pk=motion.pk))
    validate_motion(motion)
    motion.save()
    changes = audit.diff(before, audit.snapshot(motion))
    if not before:
        audit.record(motion, "proposed", actor, reason, {"title": motion.title})
    elif changes:
        audit.record(motion, "changed", actor, reason, changes)
    if vote is not None:
        record_vote(motion, actor=actor, **vote)
    return motion


def propose_motion(
    meeting: Meeting,
    title: str,
    kind: str = MotionKind.ORDINARY,
    agenda_item: AgendaItem | int | None = None,
    *,
    vote: dict | None = None,
    actor=None,
    reason: str = "",
) -> Motion:
    """A new motion of ``meeting`` (on an agenda item, given as the item or its id)."""
    motion = Motion(meeting=meeting, title=title, kind=kind)
    if isinstance(agenda_item, AgendaItem):
        motion.agenda_item = agenda_item
    else:
        motion.agenda_item_id = agenda_item
    return save_motion(motion, actor, reason, vote=vote)


@transaction.atomic
def record_vote(
    motion: Motion,
    *,
    yes: int | None = None,
    no: int = 0,
    abstain: int = 0,
    roll_call: dict[int, str] | None = None,
    actor=None,
) -> rules.MotionResult:
    """Record the votes on a motion (counts, or a roll call by person id) and decide it."""
    report = meeting_quorum(motion.meeting)
    present_ids = {a.person_id for a in report.counted}
    if roll_call is not None:
        strangers = set(roll_call) - present_ids
        if strangers:
            raise ValidationError(_("Only members present can vote in the roll call."))
        if any(choice not in Choice.values for choice in roll_call.values()):
            raise ValidationError(_("A roll-call vote must be yes, no or abstain."))
        yes = sum(1 for c in roll_call.values() if c == Choice.YES)
        no = sum(1 for c in roll_call.values() if c == Choice.NO)
        abstain = sum(1 for c in roll_call.values() if c == Choice.ABSTAIN)
        motion.votes.all().delete()
        motion.votes.bulk_create(
            [motion.votes.model(motion=motion, person_id=p, choice=c) for p, c in roll_call.items()]
        )
    elif motion.pk is not None:
        motion.votes.all().delete()  # counts replace an earlier roll call
    if yes is None:
        raise ValidationError(_("Enter the number of votes in favour."))
    try:
        result = rules.motion_outcome(
            report.rulebook,
            amendment=motion.kind == MotionKind.AMENDMENT,
            enrolled=report.result.enrolled,
            present=report.result.present,
            yes=yes,
            no=no,
            abstain=abstain,
        )
    except rules.VoteCountError as exc:
        raise ValidationError(str(exc)) from exc
    motion.yes, motion.no, motion.abstain = yes, no, abstain
    motion.roll_call = roll_call is not None
    motion.outcome = Outcome(result.outcome)
    motion.outcome_basis = result.as_basis()
    motion.save()
    audit.record(motion, f"voted: {result.outcome}", actor, changes=result.as_basis())
    return result


@transaction.atomic
def decide(
    motion: Motion, title: str, text: str = "", publish: bool = False, actor=None
) -> Decision:
    """Turn a passed motion into a decision of the body."""
    if motion.outcome != Outcome.PASSED:
        raise ValidationError(_("Only a motion that passed becomes a decision."))
    decision, _created = Decision.objects.update_or_create(
        motion=motion,
        defaults={
            "body": motion.meeting.body,
            "meeting": motion.meeting,
            "title": title,
            "text": text,
            "decided_on": motion.meeting.date,
            "published": publish,
        },
    )
    audit.record(decision, "decided", actor, changes={"motion": motion.pk, "published": publish})
    return decision


@transaction.atomic
def publish_decision(decision: Decision, actor=None, reason: str = "") -> Decision:
    """Make a decision public (residents see it from now on)."""
    if Decision.objects.filter(pk=decision.pk, published=True).exists():
        raise ValidationError(_("The decision is already published."))
    decision.published = True
    decision.save(update_fields=["published"])
    audit.record(decision, "published", actor, reason, {"published": [False, True]})
    return decision


# ---------------------------------------------------------------- action items


def validate_action_item(item: ActionItem) -> None:
    errors: dict[str, list[str]] = {}
    if item.owner_id is None and not item.owner_text.strip():
        errors["owner"] = [_("Name a person or an office responsible.")]
    if (
        item.decision_id is not None
        and not Decision.objects.filter(pk=item.decision_id, meeting_id=item.meeting_id).exists()
    ):
        errors["decision"] = [_("Choose a decision taken at this meeting.")]
    refuse(errors)
    item.full_clean()


def save_action_item(item: ActionItem, actor=None, reason: str = "") -> ActionItem:
    """Add or change a follow-up action of a meeting; the meeting's history records it."""
    return _save_on_meeting(
        item, validate_action_item, "action item", actor, reason, description=item.description
    )


@transaction.atomic
def amend_rulebook(
    decision: Decision, effective_from: dt.date, changes: dict, label: str, actor=None
) -> RulebookAmendment:
    """Adopt a new rulebook version by a decision: the version in force, with ``changes``."""
    motion = decision.motion
    if motion is None or motion.kind != MotionKind.AMENDMENT or motion.outcome != Outcome.PASSED:
        raise ValidationError(_("A rulebook can only be amended by a passed amendment motion."))
    if effective_from < decision.decided_on:
        raise ValidationError(
            {
                "effective_from": _(
                    "An amendment cannot take effect before it was decided (%(day)s)."
                )
                % {"day": decision.decided_on.isoformat()}
            }
        )
    body = decision.body
    current = version_to_params(rulebook_for(body, effective_from).spec)
    params = {
        **current,
        **changes,
        "label": label,
        "effective_from": effective_from.isoformat(),
        "source": f"decision #{decision.pk}",
    }
    from .rulebook import version_from_params

    try:
        version_from_params(params)
    except Exception as exc:  # pydantic ValidationError: bad values in the amendment
        raise ValidationError(_("The amended rules are not valid: %(e)s") % {"e": exc}) from exc
    amendment = RulebookAmendment.objects.create(
        rulebook_key=body.rulebook_key,
        effective_from=effective_from,
        label=label,
        params=params,
        decision=decision,
    )
    audit.record(
        decision, "rulebook amended", actor, changes={"effective_from": str(effective_from)}
    )
    return amendment


def _last_of_month(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _months_to_judge(body: Body, year: int, today: dt.date) -> list[int]:
    """Months of ``year`` the body existed in from first to last day, and that are over."""
    months: list[int] = []
    for month in range(1, 13):
        first, last = dt.date(year, month, 1), _last_of_month(year, month)
        if body.established_on > first or last >= today:
            continue
        if body.dissolved_on is not None and body.dissolved_on < last:
            continue
        months.append(month)
    return months


def regular_meeting_findings(
    body: Body, year: int, today: dt.date | None = None
) -> list[rules.Finding]:
    """Regular meetings held in ``year`` against the rulebook; a year still running, or
    one the body did not exist for in full, is judged on its whole months only."""
    expected = _months_to_judge(body, year, today or timezone.localdate())
    if not expected:
        return []
    held = Meeting.objects.filter(
        body=body, kind=MeetingKind.REGULAR, status="held", starts_at__year=year
    ).values_list("starts_at", flat=True)
    months = [timezone.localtime(s).month for s in held]
    rulebook = rulebook_for(body, _last_of_month(year, expected[-1]))
    return rules.meeting_count_findings(rulebook, year, months, months_expected=expected)


# ---------------------------------------------------------------- minutes


def validate_minutes_draft(minutes: Minutes) -> None:
    if Minutes.objects.filter(pk=minutes.pk).exclude(status=MinutesStatus.DRAFT).exists():
        raise ValidationError(_("Approved minutes can no longer be changed."))
    minutes.full_clean()


def save_minutes_draft(minutes: Minutes, actor=None, reason: str = "") -> Minutes:
    """Write or rewrite the draft minutes of a meeting; approved minutes stay as they are."""
    if minutes.pk is None and minutes.drafted_by_id is None and _is_user(actor):
        minutes.drafted_by = actor
    return audit.save_and_record(minutes, validate_minutes_draft, actor, reason, created="drafted")


@transaction.atomic
def approve_minutes(minutes: Minutes, at_meeting: Meeting, actor=None) -> Minutes:
    """Minutes are approved at a later meeting of the same body."""
    if minutes.status != MinutesStatus.DRAFT:
        raise ValidationError(_("These minutes are already approved."))
    if at_meeting.body_id != minutes.meeting.body_id:
        raise ValidationError(_("Minutes are approved at a meeting of the same body."))
    if at_meeting.starts_at <= minutes.meeting.starts_at:
        raise ValidationError(_("Minutes are approved at a later meeting."))
    minutes.status, minutes.approved_at = MinutesStatus.APPROVED, at_meeting
    minutes.save()
    audit.record(minutes, "approved", actor, changes={"approved_at": at_meeting.pk})
    return minutes


@transaction.atomic
def publish_minutes(minutes: Minutes, actor=None) -> Minutes:
    if minutes.status != MinutesStatus.APPROVED:
        raise ValidationError(_("Only approved minutes can be published."))
    minutes.status, minutes.published_at = MinutesStatus.PUBLISHED, timezone.now()
    minutes.save()
    audit.record(minutes, "published", actor)
    return minutes
