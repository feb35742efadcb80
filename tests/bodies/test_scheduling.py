"""Meeting series saved and turned into the year's meetings (database)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from hyeopchi.bodies import schedule, scheduling
from hyeopchi.bodies.models import BodyKind, Meeting, MeetingSeries, MeetingStatus
from hyeopchi.core.audit import history
from tests.conftest import make_body

SEOUL = ZoneInfo("Asia/Seoul")
SEED_DAYS = [
    dt.date(2017, 7, 27),
    dt.date(2017, 8, 24),
    dt.date(2017, 9, 28),
    dt.date(2017, 10, 26),
    dt.date(2017, 11, 23),
    dt.date(2017, 12, 28),
]


@pytest.fixture
def steering(db):
    # 협치서울지역협의회 운영위원회: city scope, rules enacted 2016-09-30.
    return make_body(
        None,
        rulebook="regional-council-steering",
        name="협치서울지역협의회 운영위원회",
        kind=BodyKind.STEERING,
        established_on=dt.date(2016, 9, 30),
    )


@pytest.fixture
def series(steering, city_officer):
    s = MeetingSeries(
        body=steering,
        rrule=schedule.monthly_nth_weekday(4, 3),
        first_start=dt.datetime(2017, 7, 27, 10, tzinfo=SEOUL),
        duration_minutes=90,
        venue="NPO 지원센터 2층 교육장",
    )
    return scheduling.save_series(s, actor=city_officer, reason="정례화 (seed L97)")


def test_save_series_normalises_and_audits(steering, city_officer):
    s = MeetingSeries(
        body=steering,
        rrule="rrule:freq=monthly;byday=4th",
        first_start=dt.datetime(2017, 7, 27, 10),
    )
    scheduling.save_series(s, actor=city_officer)
    s.refresh_from_db()
    assert s.rrule == "FREQ=MONTHLY;BYDAY=4TH"
    assert s.first_start == dt.datetime(2017, 7, 27, 1, tzinfo=dt.UTC)  # naive read as KST
    (event,) = history(s)
    assert event.action == "created" and event.actor == city_officer


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rrule": "FREQ=DAILY"}, "rrule"),
        ({"rrule": "BYDAY=TH"}, "rrule"),
        ({"first_start": dt.datetime(2016, 9, 1, 10, tzinfo=SEOUL)}, "first_start"),
        ({"duration_minutes": 0}, "duration_minutes"),
    ],
)
def test_bad_series_is_refused_and_nothing_saved(steering, changes, field):
    values = {
        "body": steering,
        "rrule": "FREQ=MONTHLY;BYDAY=4TH",
        "first_start": dt.datetime(2017, 7, 27, 10, tzinfo=SEOUL),
        **changes,
    }
    with pytest.raises(ValidationError) as info:
        scheduling.save_series(MeetingSeries(**values))
    assert field in info.value.message_dict
    assert not MeetingSeries.objects.exists()


def test_schedule_year_creates_the_seed_meetings(series, city_officer):
    result = scheduling.schedule_year(series, 2017, actor=city_officer)
    meetings = list(Meeting.objects.filter(body=series.body).order_by("starts_at"))
    assert meetings == result.created
    assert [m.date for m in meetings] == SEED_DAYS
    for m in meetings:
        local = m.starts_at.astimezone(SEOUL)
        assert (local.hour, local.minute) == (10, 0)
        assert m.ends_at - m.starts_at == dt.timedelta(minutes=90)
        assert m.series == series and m.venue == "NPO 지원센터 2층 교육장"
        assert m.status == MeetingStatus.SCHEDULED
        assert [e.action for e in history(m)] == ["scheduled"]
    assert [m.number for m in meetings] == [1, 2, 3, 4, 5, 6]
    actions = [e.action for e in history(series)]
    assert actions == ["created", "meetings scheduled"]
    assert history(series).last().changes["created"] == [m.pk for m in meetings]


def test_schedule_year_skips_days_that_already_have_a_meeting(series):
    # The 4th steering meeting of the seed, and a cancelled one on 9/28.
    Meeting.objects.create(
        body=series.body, number=4, starts_at=dt.datetime(2017, 6, 19, 13, tzinfo=SEOUL)
    )
    Meeting.objects.create(
        body=series.body,
        starts_at=dt.datetime(2017, 9, 28, 15, tzinfo=SEOUL),
        status=MeetingStatus.CANCELLED,
    )
    result = scheduling.schedule_year(series, 2017)
    assert [m.date for m in result.created] == [d for d in SEED_DAYS if d.month != 9]
    assert [(p.day, p.skip) for p in result.skipped] == [(dt.date(2017, 9, 28), "existing")]
    again = scheduling.schedule_year(series, 2017)
    assert again.created == [] and len(again.skipped) == 6
    assert Meeting.objects.filter(body=series.body).count() == 7


def test_schedule_year_respects_the_bodys_life(series):
    body = series.body
    body.dissolved_on = dt.date(2017, 10, 31)
    body.save()
    plan = scheduling.plan_year(series, 2017)
    assert [p.skip for p in plan] == ["", "", "", "", "after_body", "after_body"]
    result = scheduling.schedule_year(series, 2017)
    assert len(result.created) == 4
    assert scheduling.schedule_year(series, 2016).created == []  # series starts in 2017


def test_schedule_next_year(series):
    result = scheduling.schedule_year(series, 2018)
    assert [m.date.isoformat() for m in result.created][:3] == [
        "2018-01-25",
        "2018-02-22",
        "2018-03-22",
    ]
    assert len(result.created) == 12
