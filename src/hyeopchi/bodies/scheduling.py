"""Saving meeting series and turning them into the year's meetings.

The recurrence arithmetic is in :mod:`.schedule` (pure); this module validates a series,
plans a year against the meetings already on the body's calendar and creates the missing
ones through :func:`.services.save_meeting`, so each is numbered, checked and audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hyeopchi.core import audit

from . import schedule
from .models import Body, ConvenedBy, Meeting, MeetingSeries
from .services import refuse, save_meeting


def validate_series(series: MeetingSeries) -> None:
    errors: dict[str, list[str]] = {}
    if series.first_start is None:
        errors.setdefault("first_start", []).append(_("Enter the date of the first meeting."))
    else:
        if timezone.is_naive(series.first_start):
            series.first_start = series.first_start.replace(tzinfo=schedule.SEOUL)
        try:
            series.rrule = schedule.validate_rrule(series.rrule, series.first_start)
        except schedule.RecurrenceError as exc:
            errors.setdefault("rrule", []).append(str(exc))
        day = timezone.localtime(series.first_start, schedule.SEOUL).date()
        if series.body_id and day < series.body.established_on:
            errors.setdefault("first_start", []).append(
                _("The body was established on %(day)s; a meeting cannot be held before it.")
                % {"day": series.body.established_on.isoformat()}
            )
    if not series.duration_minutes or not 1 <= series.duration_minutes <= 24 * 60:
        errors.setdefault("duration_minutes", []).append(
            _("A meeting lasts between 1 minute and 24 hours.")
        )
    refuse(errors)


def save_series(series: MeetingSeries, actor=None, reason: str = "") -> MeetingSeries:
    """Validate (normalising the rule) and save a series, recording it in the audit history."""
    return audit.save_and_record(series, validate_series, actor, reason)


@dataclass(frozen=True)
class PlannedMeeting:
    starts_at: dt.datetime
    ends_at: dt.datetime
    skip: str = ""  # "" (to create), "existing", "before_body", "after_body"

    @property
    def day(self) -> dt.date:
        return self.starts_at.astimezone(schedule.SEOUL).date()


@dataclass
class ScheduleResult:
    created: list[Meeting] = field(default_factory=list)
    skipped: list[PlannedMeeting] = field(default_factory=list)


def plan_year(series: MeetingSeries, year: int) -> list[PlannedMeeting]:
    """The series' occurrences in ``year``, each marked with why it would be skipped, if so.

    A day is skipped when the body already has a meeting that day (whatever its status:
    a cancelled meeting is not re-created) or when the body does not exist on that day.
    """
    try:
        starts = schedule.expand(
            series.rrule, series.first_start, dt.date(year, 1, 1), dt.date(year, 12, 31)
        )
    except schedule.RecurrenceError as exc:
        raise ValidationError({"rrule": [str(exc)]}) from exc
    body = series.body
    taken = {
        timezone.localtime(s, schedule.SEOUL).date()
        for s in Meeting.objects.filter(
            body=body,
            starts_at__gte=dt.datetime(year, 1, 1, tzinfo=schedule.SEOUL),
            starts_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=schedule.SEOUL),
        ).values_list("starts_at", flat=True)
    }
    length = dt.timedelta(minutes=series.duration_minutes)
    plan = []
    for start in starts:
        day = start.date()
        if day < body.established_on:
            skip = "before_body"
        elif body.dissolved_on and day > body.dissolved_on:
            skip = "after_body"
        elif day in taken:
            skip = "existing"
        else:
            skip = ""
        plan.append(PlannedMeeting(start, start + length, skip))
    return plan


@transaction.atomic
def schedule_year(series: MeetingSeries, year: int, actor=None, reason: str = "") -> ScheduleResult:
    """Create the series' meetings of ``year`` that are not on the body's calendar yet.

    Meetings are created in date order through ``services.save_meeting`` (numbered,
    validated, audited) and linked to the series. Running it again creates nothing new.
    """
    # Serialise concurrent runs for the same body so a day is never created twice.
    Body.objects.select_for_update().get(pk=series.body_id)
    result = ScheduleResult()
    for planned in plan_year(series, year):
        if planned.skip:
            result.skipped.append(planned)
            continue
        meeting = Meeting(
            body=series.body,
            kind=series.kind,
            starts_at=planned.starts_at,
            ends_at=planned.ends_at,
            venue=series.venue,
            series=series,
            convened_by=ConvenedBy.SCHEDULE,
        )
        result.created.append(
            save_meeting(meeting, actor, reason or _("Scheduled from the recurring schedule."))
        )
    audit.record(
        series,
        "meetings scheduled",
        actor,
        reason,
        {
            "year": year,
            "created": [m.pk for m in result.created],
            "skipped": [[p.day.isoformat(), p.skip] for p in result.skipped],
        },
    )
    return result
