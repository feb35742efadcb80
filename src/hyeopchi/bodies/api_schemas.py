"""Request and response schemas of the bodies API.

Names of people are shown in full only to staff of the body's district and city
officers; everyone else sees the masked public name (김*수) and never contact data.
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import model_validator

from hyeopchi.core.api_support import can_see_private

from .models import (
    AgendaSection,
    Appointment,
    BodyKind,
    Capacity,
    Choice,
    ConvenedBy,
    EndReason,
    MeetingKind,
    MeetingStatus,
    MemberRole,
    MotionKind,
    Outcome,
    Scope,
    Sector,
)
from .rulebook import Rulebook, version_to_params


def shown_name(context: Any, person, district_id: int | None) -> str:
    """The full name for those allowed to see personal data, else the public name."""
    request = (context or {}).get("request")
    if person is None:
        return ""
    if request is not None and can_see_private(request, district_id):
        return person.name
    return person.public_name


def local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


# ---------------------------------------------------------------- rulebooks


class ThresholdOut(Schema):
    base: str
    fraction: str
    strict: bool
    article: str


class RulebookOut(Schema):
    """The rulebook version in force: its key numbers and where they come from."""

    key: str
    name: str
    label: str
    effective_from: dt.date
    source: str = Field(description="The source document passages the numbers come from.")
    source_file: str = Field(description="Policy file of the version ('' for an amendment).")
    amendment_id: int | None = Field(description="Amendment adopted by decision, if any.")
    citation: str
    quorum: ThresholdOut
    decision: ThresholdOut
    amendment: ThresholdOut
    size: dict[str, Any]
    term: dict[str, Any]
    composition: dict[str, Any]
    meetings: dict[str, Any]


class RulebookFullOut(RulebookOut):
    rules: dict[str, Any] = Field(description="Every parameter of the version.")


def rulebook_data(rulebook: Rulebook, full: bool = False) -> dict[str, Any]:
    params = version_to_params(rulebook.spec)
    data = {
        "key": rulebook.key,
        "name": rulebook.name,
        "label": rulebook.label,
        "effective_from": rulebook.effective_from,
        "source": rulebook.spec.source,
        "source_file": rulebook.source_file,
        "amendment_id": rulebook.amendment_id,
        "citation": rulebook.citation,
        **{
            key: params[key]
            for key in ("quorum", "decision", "amendment", "size", "term", "composition")
        },
        "meetings": params["meetings"],
    }
    if full:
        data["rules"] = params
    return data


# ---------------------------------------------------------------- bodies


class BodyRef(Schema):
    id: int
    name: str
    kind: BodyKind


class BodyOut(Schema):
    id: int
    name: str
    name_en: str
    display_name: str
    kind: BodyKind
    kind_label: str
    scope: Scope
    district_id: int | None
    district_code: str | None
    parent_id: int | None
    rulebook_key: str
    established_on: dt.date
    dissolved_on: dt.date | None
    description: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_district_code(obj) -> str | None:
        return obj.district.code if obj.district_id else None


class BodyDetailOut(BodyOut):
    parent: BodyRef | None
    children: list[BodyRef]
    rulebook: RulebookOut | None = Field(description="The version in force today.")
    rulebook_error: str | None = None
    calendar_url: str
    ical_url: str


class BodyIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    kind: BodyKind
    scope: Scope
    district_id: int | None = None
    parent_id: int | None = None
    rulebook_key: str = Field(min_length=1, max_length=100)
    established_on: dt.date
    dissolved_on: dt.date | None = None
    description: str = ""


class BodyPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    kind: BodyKind | None = None
    scope: Scope | None = None
    district_id: int | None = None
    parent_id: int | None = None
    rulebook_key: str | None = Field(None, min_length=1, max_length=100)
    established_on: dt.date | None = None
    dissolved_on: dt.date | None = None
    description: str | None = None


# ---------------------------------------------------------------- memberships


class MembershipOut(Schema):
    id: int
    body_id: int
    person_id: int
    person_name: str = Field(description="Masked (김*수) unless you may see personal data.")
    sector: Sector
    appointment: Appointment
    role: MemberRole
    role_label: str
    represents_id: int | None
    nomination_source: str
    start_date: dt.date
    term_end: dt.date | None
    ended_on: dt.date | None
    end_reason: str
    end_ground: str = Field(description="Only for those who may see personal data.")
    predecessor_id: int | None
    renewal_of_id: int | None
    appointed_by_id: int | None

    @staticmethod
    def resolve_person_name(obj, context) -> str:
        return shown_name(context, obj.person, obj.body.district_id)

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_end_ground(obj, context) -> str:
        request = (context or {}).get("request")
        if request is not None and can_see_private(request, obj.body.district_id):
            return obj.end_ground
        return ""


class MembershipIn(Schema):
    body_id: int
    person_id: int
    sector: Sector
    appointment: Appointment
    role: MemberRole = MemberRole.MEMBER
    represents_id: int | None = None
    nomination_source: str = Field("", max_length=200)
    start_date: dt.date
    term_end: dt.date | None = None
    predecessor_id: int | None = None
    renewal_of_id: int | None = None
    appointed_by_id: int | None = None


class MembershipEndIn(Schema):
    date: dt.date
    reason: EndReason
    ground: str = ""


# ---------------------------------------------------------------- composition


class CountsOut(Schema):
    total: int
    by_sector: dict[str, int]
    by_gender: dict[str, int]


class CompositionMemberOut(Schema):
    membership_id: int
    person_id: int
    name: str
    sector: Sector
    appointment: Appointment
    role: MemberRole


class FindingOut(Schema):
    code: str
    severity: str
    rule: str
    message: str
    numbers: dict[str, int | str]
    membership_ids: list[int]


class CompositionOut(Schema):
    body_id: int
    date: dt.date
    rulebook: RulebookOut
    counts: CountsOut
    members: list[CompositionMemberOut]
    findings: list[FindingOut]
    violations: int
    warnings: int


# ---------------------------------------------------------------- meetings


class MeetingOut(Schema):
    id: int
    body_id: int
    body_name: str
    number: int | None
    kind: MeetingKind
    title: str
    display_title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    venue: str
    status: MeetingStatus
    convened_by: ConvenedBy
    convening_check: dict[str, Any]

    @staticmethod
    def resolve_body_name(obj) -> str:
        return obj.body.display_name

    @staticmethod
    def resolve_display_title(obj) -> str:
        return str(obj.display_title)

    @staticmethod
    def resolve_starts_at(obj) -> dt.datetime:
        return local(obj.starts_at)

    @staticmethod
    def resolve_ends_at(obj) -> dt.datetime | None:
        return local(obj.ends_at)


class AgendaItemOut(Schema):
    id: int
    section: AgendaSection
    number: int
    title: str
    description: str
    attachment_label: str


class MeetingDetailOut(MeetingOut):
    agenda_items: list[AgendaItemOut]
    presiding_name: str | None
    quorum_url: str
    motions_url: str


class MeetingIn(Schema):
    body_id: int
    kind: MeetingKind = MeetingKind.REGULAR
    number: int | None = Field(None, ge=1)
    title: str = Field("", max_length=200)
    starts_at: dt.datetime = Field(description="ISO 8601; without an offset, Seoul time.")
    ends_at: dt.datetime | None = None
    venue: str = Field("", max_length=200)
    status: MeetingStatus = MeetingStatus.SCHEDULED
    convened_by: ConvenedBy = ConvenedBy.SCHEDULE
    convening_decision_id: int | None = None
    requested_by: list[int] = Field(
        default_factory=list, description="Person ids of members requesting the meeting."
    )
    presiding_id: int | None = None


class MeetingPatch(Schema):
    kind: MeetingKind | None = None
    number: int | None = Field(None, ge=1)
    title: str | None = Field(None, max_length=200)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    venue: str | None = Field(None, max_length=200)
    status: MeetingStatus | None = None
    convened_by: ConvenedBy | None = None
    convening_decision_id: int | None = None
    requested_by: list[int] | None = None
    presiding_id: int | None = None


class AttendanceIn(Schema):
    person_id: int
    capacity: Capacity


class AttendeeOut(Schema):
    person_id: int
    name: str
    capacity: Capacity
    reason: str = ""


class AbsentOut(Schema):
    membership_id: int
    person_id: int
    name: str


class QuorumOut(Schema):
    meeting_id: int
    date: dt.date
    rulebook: RulebookOut
    rule: str
    enrolled: int
    present: int
    required: int
    met: bool
    counted: list[AttendeeOut]
    not_counted: list[AttendeeOut]
    absent: list[AbsentOut]


class CalendarOut(Schema):
    body_id: int
    ical_url: str = Field(description="iCalendar feed (RFC 5545) to subscribe to.")
    meetings: list[MeetingOut]


# ---------------------------------------------------------------- motions and decisions


class MotionOut(Schema):
    id: int
    meeting_id: int
    agenda_item_id: int | None
    title: str
    kind: MotionKind
    roll_call: bool
    yes: int | None
    no: int | None
    abstain: int | None
    outcome: Outcome
    outcome_basis: dict[str, Any]
    decision_id: int | None

    @staticmethod
    def resolve_decision_id(obj) -> int | None:
        decision = getattr(obj, "decision", None)
        return decision.pk if decision is not None else None


class RollCallVoteOut(Schema):
    person_id: int
    name: str
    choice: Choice


class MotionDetailOut(MotionOut):
    votes: list[RollCallVoteOut] = Field(description="Each member's vote in a roll call.")

    @staticmethod
    def resolve_votes(obj, context) -> list[dict[str, Any]]:
        district_id = obj.meeting.body.district_id
        return [
            {
                "person_id": v.person_id,
                "name": shown_name(context, v.person, district_id),
                "choice": v.choice,
            }
            for v in obj.votes.all()
        ]


class MotionIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    kind: MotionKind = MotionKind.ORDINARY
    agenda_item_id: int | None = None


class RollCallIn(Schema):
    person_id: int
    choice: Choice


class VoteIn(Schema):
    """Either the counts (``yes``, ``no``, ``abstain``) or a ``roll_call``, not both."""

    yes: int | None = Field(None, ge=0)
    no: int = Field(0, ge=0)
    abstain: int = Field(0, ge=0)
    roll_call: list[RollCallIn] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> "VoteIn":
        if self.roll_call is not None:
            if self.yes is not None or self.no or self.abstain:
                raise ValueError(_("Send either the vote counts or a roll call, not both."))
            ids = [v.person_id for v in self.roll_call]
            if len(ids) != len(set(ids)):
                raise ValueError(_("A person votes only once in a roll call."))
        elif self.yes is None:
            raise ValueError(_("Send the vote counts (yes, no, abstain) or a roll call."))
        return self


class BasisOut(Schema):
    enrolled: int
    present: int
    quorum_required: int
    yes: int
    no: int
    abstain: int
    yes_required: int
    rule: str


class VoteResultOut(Schema):
    motion: MotionOut
    outcome: Outcome
    quorum_met: bool
    basis: BasisOut


class DecisionIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    text: str = ""
    publish: bool = False


class DecisionOut(Schema):
    id: int
    body_id: int
    meeting_id: int | None
    motion_id: int | None
    title: str
    text: str
    decided_on: dt.date
    published: bool
