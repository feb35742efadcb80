"""Recurring schedules: RRULE expansion in Seoul time, validation and the rule builders."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hyeopchi.bodies import schedule
from hyeopchi.bodies.schedule import RecurrenceError, expand, validate_rrule

SEOUL = ZoneInfo("Asia/Seoul")
THURSDAY = 3

# Seed 004, L35-36: "매월 4번째 주 목요일 오전 10시 (7/27, 8/24, 9/28, 10/26, 11/23, 12/28)".
SEED_DATES = [(7, 27), (8, 24), (9, 28), (10, 26), (11, 23), (12, 28)]


def seoul(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def test_fourth_thursday_of_2017_matches_the_seed():
    rule = schedule.monthly_nth_weekday(4, THURSDAY)
    assert rule == "FREQ=MONTHLY;BYDAY=4TH"
    got = expand(rule, seoul(2017, 7, 27, 10), dt.date(2017, 1, 1), dt.date(2017, 12, 31))
    assert [(d.month, d.day) for d in got] == SEED_DATES
    assert all(d.hour == 10 and d.minute == 0 and d.tzinfo == SEOUL for d in got)
    assert all(d.weekday() == THURSDAY for d in got)
    # 10:00 KST is 01:00 UTC.
    assert got[0].astimezone(dt.UTC) == dt.datetime(2017, 7, 27, 1, 0, tzinfo=dt.UTC)


def test_fourth_occurrence_is_not_the_thursday_of_the_fourth_calendar_week():
    # July 2017 starts on a Saturday: the 4th calendar week's Thursday is 7/20, but the 4th
    # Thursday of the month is 7/27.
    got = expand(
        "FREQ=MONTHLY;BYDAY=4TH", seoul(2017, 7, 1, 10), dt.date(2017, 7, 1), dt.date(2017, 7, 31)
    )
    assert [d.day for d in got] == [27]


def test_first_start_given_in_utc_keeps_the_seoul_wall_clock_time():
    first = dt.datetime(2017, 7, 27, 1, 0, tzinfo=dt.UTC)  # 10:00 in Seoul
    got = expand("FREQ=MONTHLY;BYDAY=4TH", first, dt.date(2017, 8, 1), dt.date(2017, 8, 31))
    assert got == [seoul(2017, 8, 24, 10)]


def test_naive_first_start_is_read_as_seoul_time():
    got = expand(
        "FREQ=MONTHLY;BYDAY=4TH",
        dt.datetime(2017, 7, 27, 10),
        dt.date(2017, 8, 1),
        dt.date(2017, 8, 31),
    )
    assert got == [seoul(2017, 8, 24, 10)]


def test_wall_clock_time_survives_seoul_daylight_saving_of_1987():
    # Seoul observed DST from 1987-05-10 to 1987-10-11: 10:00 stays 10:00 local,
    # i.e. 00:00 UTC in summer and 01:00 UTC in winter.
    got = expand(
        "FREQ=MONTHLY;BYMONTHDAY=15",
        seoul(1987, 4, 15, 10),
        dt.date(1987, 4, 1),
        dt.date(1987, 11, 30),
    )
    assert all(d.hour == 10 for d in got)
    utc_hours = {d.month: d.astimezone(dt.UTC).hour for d in got}
    assert utc_hours[4] == 1 and utc_hours[7] == 0 and utc_hours[11] == 1


def test_window_bounds_are_inclusive_days_and_first_start_bounds_the_series():
    first = seoul(2017, 7, 27, 10)
    assert expand("FREQ=MONTHLY;BYDAY=4TH", first, dt.date(2017, 8, 24), dt.date(2017, 8, 24))
    assert expand("FREQ=MONTHLY;BYDAY=4TH", first, dt.date(2017, 1, 1), dt.date(2017, 7, 26)) == []
    assert expand("FREQ=MONTHLY;BYDAY=4TH", first, dt.date(2017, 9, 1), dt.date(2017, 8, 1)) == []


def test_count_and_until_end_the_series():
    first = seoul(2017, 7, 27, 10)
    year = (dt.date(2017, 1, 1), dt.date(2018, 12, 31))
    assert len(expand("FREQ=MONTHLY;BYDAY=4TH;COUNT=3", first, *year)) == 3
    # UNTIL in UTC: 2017-10-26T01:00Z is 10:00 KST, so the 10/26 meeting is included.
    until = expand("FREQ=MONTHLY;BYDAY=4TH;UNTIL=20171026T010000Z", first, *year)
    assert until[-1] == seoul(2017, 10, 26, 10)
    before = expand("FREQ=MONTHLY;BYDAY=4TH;UNTIL=20171026T005959Z", first, *year)
    assert before[-1] == seoul(2017, 9, 28, 10)
    # A date-only UNTIL includes that whole day.
    assert expand("FREQ=MONTHLY;BYDAY=4TH;UNTIL=20171026", first, *year)[-1].day == 26


def test_last_weekday_and_weekly_builders():
    assert schedule.monthly_nth_weekday(-1, 4) == "FREQ=MONTHLY;BYDAY=-1FR"
    got = expand(
        schedule.monthly_nth_weekday(-1, 4),
        seoul(2017, 1, 1, 14),
        dt.date(2017, 6, 1),
        dt.date(2017, 6, 30),
    )
    assert got == [seoul(2017, 6, 30, 14)]
    rule = schedule.weekly_on([2, 0], interval=2)
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE"
    got = expand(rule, seoul(2017, 7, 3, 19), dt.date(2017, 7, 1), dt.date(2017, 7, 31))
    assert [d.day for d in got] == [3, 5, 17, 19, 31]
    assert schedule.monthly_on_day(-1) == "FREQ=MONTHLY;BYMONTHDAY=-1"


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: schedule.monthly_nth_weekday(6, 3), "bad_ordinal"),
        (lambda: schedule.monthly_nth_weekday(0, 3), "bad_ordinal"),
        (lambda: schedule.monthly_nth_weekday(4, 7), "bad_weekday"),
        (lambda: schedule.weekly_on([]), "no_weekday"),
        (lambda: schedule.weekly_on(1, interval=0), "interval"),
        (lambda: schedule.monthly_on_day(32), "bad_monthday"),
    ],
)
def test_builders_refuse_bad_input(call, code):
    with pytest.raises(RecurrenceError) as info:
        call()
    assert info.value.code == code


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ("", "empty"),
        ("garbage", "syntax"),
        ("FREQ=", "syntax"),
        ("BYDAY=4TH", "no_freq"),
        ("FREQ=FORTNIGHTLY", "bad_freq"),
        ("FREQ=HOURLY", "bad_freq"),
        ("FREQ=MONTHLY;FREQ=WEEKLY", "duplicate_part"),
        ("FREQ=MONTHLY;BYHOUR=10", "unsupported_part"),
        ("FREQ=WEEKLY;BYMONTHDAY=3", "unsupported_part"),
        ("FREQ=MONTHLY;X-NAME=1", "unsupported_part"),
        ("FREQ=MONTHLY;BYDAY=9TH", "out_of_range"),
        ("FREQ=MONTHLY;BYDAY=0TH", "out_of_range"),
        ("FREQ=MONTHLY;BYDAY=THU", "bad_byday"),
        ("FREQ=MONTHLY;BYDAY=-TH", "bad_byday"),
        ("FREQ=WEEKLY;BYDAY=4TH", "ordinal_needs_month"),
        ("FREQ=WEEKLY;INTERVAL=0", "out_of_range"),
        ("FREQ=WEEKLY;INTERVAL=two", "not_a_number"),
        ("FREQ=MONTHLY;COUNT=3;UNTIL=20180101", "count_and_until"),
        ("FREQ=MONTHLY;UNTIL=2018-01-01", "bad_until"),
        ("FREQ=MONTHLY;UNTIL=20181301", "bad_until"),
        ("FREQ=MONTHLY;UNTIL=20170101", "until_before_start"),
        ("FREQ=MONTHLY;BYMONTHDAY=40", "out_of_range"),
        ("FREQ=MONTHLY;BYMONTH=2,4;BYMONTHDAY=31", "impossible"),
        ("FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2", "out_of_range"),
        ("FREQ=MONTHLY;BYDAY=TH;BYSETPOS=6", "out_of_range"),
        ("FREQ=DAILY", "too_many"),  # unbounded daily: 1,800+ meetings in five years
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", "too_many"),
        ("FREQ=MONTHLY;BYDAY=5TH;BYMONTH=2;COUNT=1", "empty_schedule"),  # next one in 2024
        ("FREQ=MONTHLY\nFREQ=WEEKLY", "multiline"),
        ("FREQ=MONTHLY;BYDAY=" + "TH," * 120 + "TH", "too_long"),
    ],
)
def test_invalid_rules_are_refused_with_a_code_and_a_message(rule, code):
    with pytest.raises(RecurrenceError) as info:
        validate_rrule(rule, seoul(2017, 7, 27, 10))
    assert info.value.code == code
    assert str(info.value)  # a message a clerk can read


@pytest.mark.parametrize(
    ("rule", "normal"),
    [
        ("RRULE:freq=monthly;byday=4th", "FREQ=MONTHLY;BYDAY=4TH"),
        ("FREQ=MONTHLY;BYDAY=4TH;", "FREQ=MONTHLY;BYDAY=4TH"),
        ("FREQ=DAILY;COUNT=10", "FREQ=DAILY;COUNT=10"),
        ("FREQ=WEEKLY;BYDAY=TU,TH", "FREQ=WEEKLY;BYDAY=TU,TH"),  # twice a week is fine
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
        ("FREQ=MONTHLY;BYDAY=TH;BYSETPOS=-1", "FREQ=MONTHLY;BYDAY=TH;BYSETPOS=-1"),
        ("FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE", "FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE"),
    ],
)
def test_valid_rules_are_normalised(rule, normal):
    assert validate_rrule(rule, seoul(2017, 7, 27, 10)) == normal


def test_a_long_window_is_capped():
    with pytest.raises(RecurrenceError) as info:
        expand(
            "FREQ=WEEKLY;BYDAY=TH",
            seoul(2017, 7, 27, 10),
            dt.date(2017, 1, 1),
            dt.date(2040, 12, 31),
        )
    assert info.value.code == "too_many"


def test_describe_common_rules(settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"):
        assert schedule.describe("FREQ=MONTHLY;BYDAY=4TH") == "fourth Thursday of every month"
        assert schedule.describe("FREQ=MONTHLY;BYDAY=-1FR") == "last Friday of every month"
        assert schedule.describe("FREQ=WEEKLY;BYDAY=MO") == "every Monday"
        assert schedule.describe("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE") == (
            "Monday, Wednesday every 2 weeks"
        )
        assert schedule.describe("FREQ=YEARLY;BYMONTH=3") == "FREQ=YEARLY;BYMONTH=3"
        assert schedule.describe("nonsense") == "nonsense"


@settings(max_examples=150, deadline=None)
@given(
    n=st.sampled_from([1, 2, 3, 4, -1]),
    weekday=st.integers(0, 6),
    year=st.integers(2000, 2040),
    hour=st.integers(7, 21),
)
def test_nth_weekday_is_the_nth_occurrence_in_every_month(n, weekday, year, hour):
    first = seoul(year, 1, 1, hour)
    got = expand(
        schedule.monthly_nth_weekday(n, weekday),
        first,
        dt.date(year, 1, 1),
        dt.date(year, 12, 31),
    )
    assert len(got) == 12  # 1st-4th and last always exist
    for occurrence in got:
        assert occurrence.weekday() == weekday and occurrence.hour == hour
        if n > 0:
            assert (occurrence.day - 1) // 7 + 1 == n
        else:
            assert (occurrence + dt.timedelta(days=7)).month != occurrence.month
