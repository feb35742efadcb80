"""Small helpers the demo loaders share. Everything goes through the services
(``bodies.services``, ``bodies.scheduling``, ``directory.services``), validated as a
clerk's input would be, so the demo has the audit history a clerk's work would leave."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings

from hyeopchi.core.models import District
from hyeopchi.directory.models import Organisation, OrganisationType, Person

from . import schedule, scheduling, services
from .models import (
    ActionItem,
    AgendaItem,
    AgendaSection,
    Appointment,
    Body,
    Capacity,
    Decision,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    MemberRole,
    Membership,
    Minutes,
    Motion,
    MotionKind,
    Outcome,
    Sector,
)

SEOUL = ZoneInfo(settings.TIME_ZONE)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware datetime in Seoul time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SEOUL)


@dataclass
class Counter:
    bodies: int = 0
    memberships: int = 0
    meetings: int = 0
    motions: int = 0
    decisions: int = 0

    def as_text(self) -> str:
        return (
            f"{self.bodies} bodies, {self.memberships} memberships, {self.meetings} meetings, "
            f"{self.motions} motions, {self.decisions} decisions"
        )


@dataclass
class Kit:
    """Shared state of one demo load: who acts, what 'today' is, and what was made."""

    today: dt.date
    counter: Counter = field(default_factory=Counter)
    actor: object = None  # who is entering the data now (for agenda items)
    rng: random.Random = field(default_factory=lambda: random.Random(626))

    # ------------------------------------------------------------ directory

    @staticmethod
    def district(short: str) -> District:
        """'강동' or '강동구' → the district."""
        name = short if short.endswith("구") and len(short) > 2 else f"{short}구"
        if short == "중":
            name = "중구"
        return District.objects.get(name_ko=name)

    @staticmethod
    def organisation(
        name: str,
        type: str,
        district: District | None = None,
        non_profit: bool | None = None,
    ) -> Organisation:
        if non_profit is None:
            non_profit = type not in (OrganisationType.ADMIN_UNIT, OrganisationType.COUNCIL)
        org, _created = Organisation.objects.get_or_create(
            name=name,
            district=district,
            defaults={"type": type, "non_profit": non_profit},
        )
        return org

    # ------------------------------------------------------------ bodies and members

    def body(self, actor, **fields) -> Body:
        body = services.save_body(Body(**fields), actor, "demo data")
        self.counter.bodies += 1
        return body

    def member(
        self,
        actor,
        body: Body,
        person: Person,
        start: dt.date,
        *,
        sector: str = Sector.CIVIL,
        appointment: str = Appointment.APPOINTED,
        role: str = MemberRole.MEMBER,
        term_end: dt.date | None = None,
        reason: str = "",
        **extra,
    ) -> Membership:
        m = Membership(
            body=body,
            person=person,
            sector=sector,
            appointment=appointment,
            role=role,
            start_date=start,
            term_end=term_end,
            **extra,
        )
        services.save_membership(m, actor, reason)
        self.counter.memberships += 1
        return m

    # ------------------------------------------------------------ meetings

    def meeting(
        self,
        actor,
        body: Body,
        starts_at: dt.datetime,
        *,
        minutes_long: int = 120,
        ends_at: dt.datetime | None = None,
        held: bool = True,
        requested_by: Sequence[Person] | None = None,
        **fields,
    ) -> Meeting:
        meeting = Meeting(
            body=body,
            starts_at=starts_at,
            ends_at=ends_at or starts_at + dt.timedelta(minutes=minutes_long),
            status=MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
            **fields,
        )
        services.save_meeting(
            meeting,
            actor,
            requested_by=[p.pk for p in requested_by] if requested_by is not None else None,
        )
        self.counter.meetings += 1
        return meeting

    def session(
        self,
        actor,
        body: Body,
        starts_at: dt.datetime,
        agenda: Iterable[tuple[str, str, str]],
        *,
        share: float,
        must: Iterable[Person] = (),
        **fields,
    ) -> tuple[Meeting, list[AgendaItem]]:
        """A held meeting with its agenda (see :meth:`agenda_list`) and ``share`` of the
        members enrolled present, ``must`` among them (see :meth:`present_and_attend`)."""
        meeting = self.meeting(actor, body, starts_at, **fields)
        items = self.agenda_list(meeting, agenda)
        self.present_and_attend(actor, meeting, share, must)
        return meeting, items

    def agenda(
        self,
        meeting: Meeting,
        section: str,
        number: int,
        title: str,
        label: str = "",
        description: str = "",
    ) -> AgendaItem:
        return services.save_agenda_item(
            AgendaItem(
                meeting=meeting,
                section=section,
                number=number,
                title=title,
                attachment_label=label,
                description=description,
            ),
            self.actor,
        )

    def agenda_list(self, meeting: Meeting, items: Iterable[tuple[str, str, str]]) -> list:
        """Items as (section, title, label); numbered within each section in order."""
        numbers: dict[str, int] = {}
        made = []
        for section, title, label in items:
            numbers[section] = numbers.get(section, 0) + 1
            made.append(self.agenda(meeting, section, numbers[section], title, label))
        return made

    @staticmethod
    def attend(
        actor,
        meeting: Meeting,
        members: Iterable[Person],
        observers: Iterable[Person] = (),
        staff: Iterable[Person] = (),
    ) -> None:
        entries = [(p.pk, Capacity.MEMBER) for p in members]
        entries += [(p.pk, Capacity.OBSERVER) for p in observers]
        entries += [(p.pk, Capacity.STAFF) for p in staff]
        services.set_attendance(meeting, entries, actor)

    def some_present(
        self,
        body: Body,
        day: dt.date,
        share: float,
        must: Iterable[Person] = (),
    ) -> list[Person]:
        """A deterministic subset of the members enrolled on ``day`` (always above quorum)."""
        enrolled = [m.person for m in services.members_on(body, day)]
        must_ids = {p.pk for p in must}
        chosen = [p for p in enrolled if p.pk in must_ids]
        rest = [p for p in enrolled if p.pk not in must_ids]
        self.rng.shuffle(rest)
        wanted = max(len(enrolled) // 2 + 1, round(len(enrolled) * share))
        return chosen + rest[: max(0, wanted - len(chosen))]

    def present_and_attend(
        self,
        actor,
        meeting: Meeting,
        share: float,
        must: Iterable[Person] = (),
        staff: Iterable[Person] = (),
    ) -> list[Person]:
        present = self.some_present(meeting.body, meeting.date, share, must)
        self.attend(actor, meeting, present, staff=staff)
        return present

    def vote(
        self,
        actor,
        meeting: Meeting,
        title: str,
        *,
        yes: int | None = None,
        no: int = 0,
        abstain: int = 0,
        kind: str = MotionKind.ORDINARY,
        item: AgendaItem | None = None,
        decision: str = "",
        text: str = "",
        publish: bool = True,
    ) -> tuple[Motion, Decision | None]:
        """A motion, its vote and (if it passed) the decision. ``yes`` defaults to all
        members present minus the no votes and abstentions."""
        if yes is None:
            present = len(services.meeting_quorum(meeting).counted)
            yes = present - no - abstain
        motion = services.propose_motion(
            meeting, title, kind, item, vote={"yes": yes, "no": no, "abstain": abstain}, actor=actor
        )
        self.counter.motions += 1
        result = None
        if motion.outcome == Outcome.PASSED:
            result = services.decide(motion, decision or title, text, publish=publish, actor=actor)
            self.counter.decisions += 1
        return motion, result

    @staticmethod
    def minutes(actor, meeting: Meeting, **sections: str) -> Minutes:
        return services.save_minutes_draft(Minutes(meeting=meeting, **sections), actor)

    @staticmethod
    def approve_and_publish(actor, minutes: Minutes, at_meeting: Meeting) -> Minutes:
        services.approve_minutes(minutes, at_meeting, actor)
        return services.publish_minutes(minutes, actor)

    @staticmethod
    def action(
        actor,
        meeting: Meeting,
        description: str,
        *,
        owner: Person | None = None,
        owner_text: str = "",
        due: dt.date | None = None,
        done: dt.date | None = None,
        decision: Decision | None = None,
    ) -> ActionItem:
        return services.save_action_item(
            ActionItem(
                meeting=meeting,
                decision=decision,
                description=description,
                owner=owner,
                owner_text=owner_text,
                due_on=due,
                done_on=done,
            ),
            actor,
        )

    # ------------------------------------------------------------ recurring schedules

    @staticmethod
    def series(actor, body: Body, rrule: str, first_start: dt.datetime, **fields):
        return scheduling.save_series(
            MeetingSeries(body=body, rrule=rrule, first_start=first_start, **fields), actor
        )

    @staticmethod
    def first_occurrence(rule: str, not_before: dt.datetime) -> dt.datetime:
        """The first time ``rule`` fires on or after ``not_before`` (the series' DTSTART)."""
        day = not_before.date()
        return schedule.expand(rule, not_before, day, day + dt.timedelta(days=400))[0]

    def materialise(
        self,
        actor,
        series: MeetingSeries,
        years: Iterable[int],
        *,
        first_number: int | None = None,
        title: str = "",
        presiding: Person | None = None,
    ) -> list[Meeting]:
        """The series' meetings of ``years`` as a clerk schedules them (one year at a time);
        those before today are then marked held. Regular meetings are numbered from
        ``first_number`` (the services number every meeting of the body, including
        extraordinary ones)."""
        made: list[Meeting] = []
        for year in years:
            made += scheduling.schedule_year(series, year, actor).created
        for index, meeting in enumerate(made):
            if first_number is not None:
                meeting.number = first_number + index
                if title:
                    meeting.title = title.format(n=meeting.number)
            if presiding is not None:
                meeting.presiding = presiding
            held = meeting.date < self.today
            if held:
                meeting.status = MeetingStatus.HELD
            if held or first_number is not None or presiding is not None:
                services.save_meeting(meeting, actor, "회의 개최 결과 입력" if held else "")
        self.counter.meetings += len(made)
        return made


def report(title: str, label: str = "") -> tuple[str, str, str]:
    return (AgendaSection.REPORT, title, label)


def item(title: str, label: str = "") -> tuple[str, str, str]:
    return (AgendaSection.DECISION, title, label)


def other(title: str, label: str = "") -> tuple[str, str, str]:
    return (AgendaSection.OTHER, title, label)
