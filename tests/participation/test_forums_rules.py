"""Pure rules of forum records: participant counts, ideas, quarters and due dates,
process statistics and the sorting of the city-wide table (no database)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from hyeopchi.participation.forum_rules import (
    MAX_COUNT,
    ForumFact,
    Quarter,
    check_counts,
    due_date,
    process_stats,
    quarter_statuses,
    sort_rows,
    split_ideas,
)

KEYS = {
    "sector": ["residents", "agencies", "civic", "council", "administration", "other"],
    "gender": ["female", "male", "unknown"],
    "age": ["teens", "twenties", "thirties", "forties", "fifties", "sixty_plus"],
}
LABELS = {"sector": "sector", "gender": "gender", "age": "age band"}
MONTHS = [3, 6, 9, 12]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def counts(**by_key):
    return by_key


# ---------------------------------------------------------------- participant counts


def test_total_alone_is_enough_and_breakdowns_stay_unrecorded():
    result = check_counts(40, {}, KEYS, LABELS)
    assert result.ok
    assert result.total == 40
    assert result.participants == {}


def test_complete_breakdowns_are_stored_with_every_key():
    result = check_counts(
        10,
        {
            "sector": counts(residents=6, civic=2, administration=2),
            "gender": counts(female=6, male=4, unknown=None),
        },
        KEYS,
        LABELS,
    )
    assert result.ok
    assert result.participants["sector"] == {
        "residents": 6,
        "agencies": 0,
        "civic": 2,
        "council": 0,
        "administration": 2,
        "other": 0,
    }
    assert result.participants["gender"] == {"female": 6, "male": 4, "unknown": 0}
    assert "age" not in result.participants


def test_a_breakdown_that_does_not_add_up_is_refused_with_both_numbers():
    result = check_counts(40, {"sector": counts(residents=30, civic=7)}, KEYS, LABELS)
    assert not result.ok
    (message,) = result.errors["sector"]
    assert "add up to 37" in message and "the total is 40" in message
    assert "leave all of them empty" in message


def test_each_breakdown_is_checked_on_its_own():
    result = check_counts(
        10,
        {
            "sector": counts(residents=10),
            "gender": counts(female=3, male=3),
            "age": counts(twenties=11),
        },
        KEYS,
        LABELS,
    )
    assert set(result.errors) == {"gender", "age"}


def test_empty_total_is_taken_from_the_first_breakdown_entered():
    result = check_counts(
        None, {"gender": counts(female=5, male=7), "age": counts(thirties=12)}, KEYS, LABELS
    )
    assert result.ok and result.total == 12


def test_empty_total_and_later_breakdown_disagreeing_is_refused():
    result = check_counts(
        None, {"sector": counts(residents=5), "gender": counts(female=6)}, KEYS, LABELS
    )
    assert result.errors["gender"]


def test_nothing_entered_asks_for_the_total():
    result = check_counts(None, {"sector": {}, "gender": {k: None for k in KEYS["gender"]}}, KEYS)
    assert "Enter the number of participants" in result.errors["total"][0]


def test_zero_participants_is_a_valid_record():
    result = check_counts(0, {"gender": counts(female=0)}, KEYS, LABELS)
    assert result.ok and result.participants["gender"] == {"female": 0, "male": 0, "unknown": 0}


@pytest.mark.parametrize("bad", [-1, MAX_COUNT + 1, 2.5, "7", True])
def test_counts_must_be_whole_numbers_in_range(bad):
    assert not check_counts(bad, {}, KEYS).ok
    assert check_counts(5, {"sector": {"residents": bad}}, KEYS).errors["sector"]


def test_unknown_categories_are_named():
    result = check_counts(5, {"gender": {"female": 5, "nonsense": 1}}, KEYS, LABELS)
    assert "nonsense" in result.errors["gender"][0]


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=6, max_size=6))
def test_a_breakdown_always_matches_the_total_it_defines(values):
    sector = dict(zip(KEYS["sector"], values, strict=True))
    result = check_counts(None, {"sector": sector}, KEYS, LABELS)
    assert result.ok and result.total == sum(values)
    off = check_counts(sum(values) + 1, {"sector": sector}, KEYS, LABELS)
    assert not off.ok


# ---------------------------------------------------------------- ideas


def test_ideas_one_per_line_tidied_and_deduplicated():
    ideas, problems = split_ideas(
        "  ◦◦천 보행환경 개선 \n\n- 마을 도서관   야간 개방\n◦◦천 보행환경 개선\r\n• 청소년 공간"
    )
    assert ideas == ["◦◦천 보행환경 개선", "마을 도서관 야간 개방", "청소년 공간"]
    assert problems == []


def test_an_overlong_idea_is_reported_with_its_line():
    ideas, problems = split_ideas("짧은 아이디어\n" + "가" * 301)
    assert ideas == ["짧은 아이디어"]
    assert "Line 2" in problems[0]


# ---------------------------------------------------------------- quarters


@pytest.mark.parametrize(
    ("day", "number"),
    [
        (dt.date(2020, 1, 1), 1),
        (dt.date(2020, 3, 31), 1),
        (dt.date(2020, 4, 1), 2),
        (dt.date(2020, 9, 30), 3),
        (dt.date(2020, 12, 31), 4),
    ],
)
def test_quarter_of_a_day(day, number):
    assert Quarter.of(day) == Quarter(2020, number)


def test_quarter_bounds_parse_and_text():
    q = Quarter.parse("2020-q1")
    assert (q.first_day, q.last_day) == (dt.date(2020, 1, 1), dt.date(2020, 3, 31))
    assert Quarter.parse("2024Q1").last_day == dt.date(2024, 3, 31)
    assert Quarter(2020, 2).last_day == dt.date(2020, 6, 30)
    assert str(Quarter(2021, 4)) == "2021-Q4"
    for bad in ("2020-Q5", "2020", "Q1", "", "twenty-Q1"):
        with pytest.raises(ValueError):
            Quarter.parse(bad)


def test_sheets_are_due_at_the_end_of_march_june_september_december():
    assert [due_date(Quarter(2020, n), MONTHS) for n in range(1, 5)] == [
        dt.date(2020, 3, 31),
        dt.date(2020, 6, 30),
        dt.date(2020, 9, 30),
        dt.date(2020, 12, 31),
    ]


def test_quarter_statuses_flag_current_overdue_and_generated():
    today = dt.date(2020, 7, 15)
    generated = {1: dt.datetime(2020, 3, 30, 17, 0)}
    statuses = quarter_statuses(2020, MONTHS, today, {1: 3, 2: 5}, generated)
    q1, q2, q3, q4 = statuses
    assert (q1.forums, q1.generated_at, q1.overdue) == (3, generated[1], False)
    assert q2.overdue and q2.forums == 5  # due 30 June, never generated
    assert q3.current and not q3.overdue
    assert q4.upcoming and not q4.current


def test_a_sheet_generated_before_its_due_month_does_not_count_as_sent():
    statuses = quarter_statuses(
        2020, MONTHS, dt.date(2020, 4, 2), {}, {1: dt.datetime(2020, 2, 10, 9, 0)}
    )
    assert statuses[0].overdue
    on_time = quarter_statuses(
        2020, MONTHS, dt.date(2020, 4, 2), {}, {1: dt.datetime(2020, 3, 1, 9, 0)}
    )
    assert not on_time[0].overdue


def test_the_due_day_itself_is_not_overdue():
    (q1, *_rest) = quarter_statuses(2020, MONTHS, dt.date(2020, 3, 31), {}, {})
    assert q1.current and not q1.overdue
    (q1, *_rest) = quarter_statuses(2020, MONTHS, dt.date(2020, 4, 1), {}, {})
    assert q1.overdue


# ---------------------------------------------------------------- statistics


def fact(day, type="open", stage="", materials=False, total=0, **participants):
    return ForumFact(1, day, type, stage, materials, total, participants)


def test_process_statistics_figures():
    facts = [
        fact(
            dt.date(2020, 2, 1),
            "open",
            "agenda_discovery",
            True,
            100,
            sector={"residents": 70, "civic": 20, "administration": 10},
            gender={"female": 60, "male": 40},
        ),
        fact(dt.date(2020, 3, 5), "workshop", "agenda_discovery", False, 20),
        fact(
            dt.date(2020, 5, 9),
            "dong",
            "priority_decision",
            True,
            30,
            sector={"residents": 30},
        ),
        fact(dt.date(2020, 11, 2), "open", "", False, 50),
    ]
    stats = process_stats(facts, KEYS, ["open", "workshop", "dong", "online"], ["x"])
    assert stats.forums == 4 and stats.participants == 200
    assert stats.by_quarter == {1: 2, 2: 1, 3: 0, 4: 1}
    assert stats.participants_by_quarter == {1: 120, 2: 30, 3: 0, 4: 50}
    assert stats.by_type == {"open": 2, "workshop": 1, "dong": 1, "online": 0}
    assert stats.by_stage == {"x": 0, "agenda_discovery": 2, "priority_decision": 1, "": 1}
    assert stats.with_materials == 2 and stats.materials_share == Fraction(1, 2)
    assert stats.mean_participants == 50
    sector = stats.breakdowns["sector"]
    assert (sector.forums, sector.participants) == (2, 130)
    assert sector.counts["residents"] == 100
    assert sector.share("residents") == Fraction(100, 130)
    gender = stats.breakdowns["gender"]
    assert (gender.forums, gender.participants, gender.counts["female"]) == (1, 100, 60)
    assert stats.breakdowns["age"].share("twenties") is None


def test_no_forums_gives_no_shares():
    stats = process_stats([], KEYS)
    assert stats.forums == 0
    assert stats.materials_share is None and stats.mean_participants is None


def test_sorting_puts_empty_values_last_both_ways():
    rows = [
        {"name": "강남구", "share": None},
        {"name": "구로구", "share": 0.5},
        {"name": "노원구", "share": 0.9},
        {"name": "강동구", "share": 0.5},
    ]
    down = [r["name"] for r in sort_rows(rows, "share", True)]
    up = [r["name"] for r in sort_rows(rows, "share", False)]
    assert down == ["노원구", "강동구", "구로구", "강남구"]
    assert up == ["강동구", "구로구", "노원구", "강남구"]
