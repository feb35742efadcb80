"""An iCalendar (RFC 5545) feed of a body's meetings, for members to subscribe to.

Meetings are materialised rows (a series' meetings are created by
:func:`.scheduling.schedule_year`), so each meeting is one VEVENT and no RRULE is needed.
Cancelled meetings stay in the feed with ``STATUS:CANCELLED`` so subscribed calendars drop
them. The feed carries no personal data: no attendees, organiser or presiding member.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AgendaSection, Body, Meeting, MeetingStatus
from .schedule import SEOUL

PRODID = "-//Hyeopchi//Governance bodies//KO"
UID_DOMAIN = "hyeopchi"
DEFAULT_DURATION = dt.timedelta(hours=2)


def meeting_uid(meeting: Meeting) -> str:
    """Stable across feeds and renames: the meeting's primary key."""
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def _description(meeting: Meeting) -> str:
    items = sorted(meeting.agenda_items.all(), key=lambda i: (i.section, i.number))
    lines: list[str] = []
    for section, heading in (
        (AgendaSection.REPORT, _("Reports")),
        (AgendaSection.DECISION, _("Items for decision")),
        (AgendaSection.OTHER, _("Other business")),
    ):
        titles = [f"{i.number}. {i.title}" for i in items if i.section == section]
        if titles:
            lines.append(f"{heading}:")
            lines.extend(titles)
    return "\n".join(lines)


def _event(meeting: Meeting, stamp: dt.datetime, url: str = "") -> icalendar.Event:
    event = icalendar.Event()
    start = meeting.starts_at.astimezone(SEOUL)
    end = meeting.ends_at.astimezone(SEOUL) if meeting.ends_at else None
    if end is None and meeting.series_id:
        end = start + dt.timedelta(minutes=meeting.series.duration_minutes)
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end or start + DEFAULT_DURATION)
    event.add("summary", str(meeting.display_title))
    if meeting.venue:
        event.add("location", meeting.venue)
    description = _description(meeting)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    event.add("categories", [str(meeting.get_kind_display())])
    if url:
        event.add("url", url)
    return event


def body_calendar(
    body: Body,
    meetings: Iterable[Meeting] | None = None,
    *,
    url_for=None,
) -> bytes:
    """The body's calendar as iCalendar bytes (UTF-8, CRLF line ends).

    ``meetings`` defaults to all of the body's meetings; ``url_for(meeting)`` may give each
    event a link (e.g. to the meeting's page or package).
    """
    if meetings is None:
        meetings = body.meetings.select_related("body", "series").prefetch_related("agenda_items")
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", str(body.display_name))
    cal.add("x-wr-timezone", "Asia/Seoul")
    cal.add("x-published-ttl", "PT1H")
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for meeting in meetings:
        cal.add_component(_event(meeting, stamp, url_for(meeting) if url_for else ""))
    cal.add_missing_timezones()
    return cal.to_ical()
