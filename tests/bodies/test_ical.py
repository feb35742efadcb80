"""The iCalendar feed of a body, parsed back with icalendar."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.utils import translation

from hyeopchi.bodies import ical, schedule, scheduling
from hyeopchi.bodies.models import BodyKind, Meeting, MeetingSeries, MeetingStatus
from tests.conftest import make_body

from .meeting_scenario import SEOUL, VENUE, build


def events(data: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


@pytest.fixture
def scenario(guro):
    return build(guro)


def test_feed_of_a_body(scenario):
    scenario.meeting.title = "2019년 제1차 정기회의"
    scenario.meeting.save()
    with translation.override("ko"):
        data = ical.body_calendar(scenario.body)
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["x-wr-calname"]) == "구로구협치회의"
    assert str(cal["version"]) == "2.0" and cal["prodid"]
    # The TZID used by the events is defined in the feed.
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Seoul"]
    found = events(data)
    assert set(found) == {
        f"meeting-{scenario.meeting.pk}@hyeopchi",
        f"meeting-{scenario.next_meeting.pk}@hyeopchi",
    }
    first = found[f"meeting-{scenario.meeting.pk}@hyeopchi"]
    assert first.decoded("dtstart") == dt.datetime(2019, 7, 25, 10, tzinfo=SEOUL)
    assert first.decoded("dtend") == dt.datetime(2019, 7, 25, 11, 30, tzinfo=SEOUL)
    assert first["dtstart"].params["TZID"] == "Asia/Seoul"
    assert first.decoded("dtstart").astimezone(dt.UTC).hour == 1
    assert str(first["summary"]) == "2019년 제1차 정기회의"
    assert str(first["location"]) == VENUE
    assert str(first["status"]) == "CONFIRMED"
    description = str(first["description"])
    for title in (
        "지역 협치 진행 현황 공유",
        "운영세칙 개정(안)에 대한 건",
        "분과위원회 구성의 건",
    ):
        assert title in description
    # No personal data: no attendees, organiser or names of members.
    assert b"ATTENDEE" not in data and b"ORGANIZER" not in data
    for name in ("김영수", "박지현", "한소희"):
        assert name.encode() not in data
    # A meeting without an end time gets a default length.
    second = found[f"meeting-{scenario.next_meeting.pk}@hyeopchi"]
    assert second.decoded("dtend") - second.decoded("dtstart") == ical.DEFAULT_DURATION
    assert "2" in str(second["summary"])  # "meeting no. 2" in the body's title


def test_uids_are_stable_and_cancelled_meetings_are_marked(scenario):
    before = events(ical.body_calendar(scenario.body))
    scenario.next_meeting.status = MeetingStatus.CANCELLED
    scenario.next_meeting.save()
    after = events(ical.body_calendar(scenario.body))
    assert set(before) == set(after)
    assert str(after[ical.meeting_uid(scenario.next_meeting)]["status"]) == "CANCELLED"
    assert str(after[ical.meeting_uid(scenario.meeting)]["status"]) == "CONFIRMED"


def test_only_the_bodys_own_meetings(scenario, guro):
    other = make_body(guro, name="구로구 복지분과", kind=BodyKind.SUBCOMMITTEE)
    Meeting.objects.create(body=other, starts_at=dt.datetime(2019, 7, 26, 14, tzinfo=SEOUL))
    assert len(events(ical.body_calendar(scenario.body))) == 2
    assert len(events(ical.body_calendar(other))) == 1


def test_series_meetings_are_materialised_events(db):
    body = make_body(
        None,
        rulebook="regional-council-steering",
        name="협치서울지역협의회 운영위원회",
        kind=BodyKind.STEERING,
        established_on=dt.date(2016, 9, 30),
    )
    series = scheduling.save_series(
        MeetingSeries(
            body=body,
            rrule=schedule.monthly_nth_weekday(4, 3),
            first_start=dt.datetime(2017, 7, 27, 10, tzinfo=SEOUL),
            duration_minutes=90,
        )
    )
    scheduling.schedule_year(series, 2017)
    data = ical.body_calendar(body, url_for=lambda m: f"https://example.org/m/{m.pk}")
    cal = icalendar.Calendar.from_ical(data)
    vevents = sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    starts = [e.decoded("dtstart") for e in vevents]
    assert [(s.month, s.day, s.hour) for s in starts] == [
        (7, 27, 10),
        (8, 24, 10),
        (9, 28, 10),
        (10, 26, 10),
        (11, 23, 10),
        (12, 28, 10),
    ]
    assert all(
        e.decoded("dtend") - e.decoded("dtstart") == dt.timedelta(minutes=90) for e in vevents
    )
    assert all("RRULE" not in e for e in vevents)
    assert str(vevents[0]["url"]).startswith("https://example.org/m/")
