"""Priority rules at their boundaries: scores, choices, the window, ranking and ties."""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hyeopchi.core.policy import policies
from hyeopchi.participation import priority
from hyeopchi.participation.policy import PriorityPolicy
from hyeopchi.participation.priority import Entry

NOWON: PriorityPolicy = policies().get("priority_policy", "nowon-vote")
EUNPYEONG: PriorityPolicy = policies().get("priority_policy", "eunpyeong-criteria")
SEOUL = dt.timezone(dt.timedelta(hours=9))


def entries(*ids: int) -> list[Entry]:
    return [Entry(agenda_id=i, order=n) for n, i in enumerate(ids)]


def full_sheet(points: int = 10) -> dict[str, int]:
    return {c.key: points for c in EUNPYEONG.criteria}


# ---------------------------------------------------------------- policies


def test_shipped_policies_carry_the_seed_values():
    assert [c.name for c in EUNPYEONG.criteria] == [
        "공익성",
        "시급성·중요성",
        "수혜대상",
        "목표 달성도",
        "효과성",
        "협치성",
        "협치파트너 간 사업수행 의지",
    ]
    assert EUNPYEONG.separate_ballots and EUNPYEONG.tie_break == "panel_score"
    assert EUNPYEONG.onsite_channels == ["현장투표", "소식지", "모바일"]
    assert NOWON.panel_weight == 0 and NOWON.vote_weight == 1
    assert NOWON.tie_break == "online_votes" and NOWON.tie_break_note


# ---------------------------------------------------------------- scores


def test_a_full_score_sheet_is_valid_at_zero_and_at_the_maximum():
    assert priority.validate_scores(EUNPYEONG.criteria, full_sheet(0)) == {}
    assert priority.validate_scores(EUNPYEONG.criteria, full_sheet(10)) == {}


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"urgency": 11}, "urgency"),
        ({"urgency": -1}, "urgency"),
        ({"urgency": 2.5}, "urgency"),
        ({"urgency": "7"}, "urgency"),
        ({"urgency": True}, "urgency"),
        ({"urgency": None}, "urgency"),
        ({"popularity": 3}, "__all__"),
    ],
)
def test_bad_scores_are_named_by_criterion(change, key):
    sheet = {**full_sheet(5), **change}
    errors = priority.validate_scores(EUNPYEONG.criteria, sheet)
    assert list(errors) == [key]


def test_a_missing_criterion_is_named():
    sheet = full_sheet(5)
    del sheet["partner_will"]
    errors = priority.validate_scores(EUNPYEONG.criteria, sheet)
    assert "협치파트너 간 사업수행 의지" in errors["partner_will"][0]


def test_panel_mean_is_exact():
    sheets = [full_sheet(10), full_sheet(9), {**full_sheet(9), "urgency": 10}]
    assert priority.panel_mean(sheets, EUNPYEONG.criteria) == Fraction(70 + 63 + 64, 3)
    assert priority.shown(Fraction(197, 3)) == "65.67"
    assert priority.shown(Fraction(70)) == "70"
    assert priority.panel_mean([], EUNPYEONG.criteria) == 0


# ---------------------------------------------------------------- choices and window


def test_choices_up_to_the_limit():
    assert priority.validate_choices([1, 2, 3], {1, 2, 3, 4}, 3) == []
    assert priority.validate_choices([1], {1, 2}, 3) == []
    assert priority.validate_choices([1, 2, 3, 4], {1, 2, 3, 4}, 3)
    assert priority.validate_choices([1, 2, 3, 4], {1, 2, 3, 4}, None) == []


@pytest.mark.parametrize("choices", [[], [1, 1], [9], ["1"], [True], [1.0]])
def test_bad_choices(choices):
    assert priority.validate_choices(choices, {1, 2, 3}, 3)


def test_the_window_includes_its_opening_and_excludes_its_closing_instant():
    opens = dt.datetime(2020, 6, 5, 0, 0, tzinfo=SEOUL)
    closes = dt.datetime(2020, 6, 12, 0, 0, tzinfo=SEOUL)  # 6.5.–6.11. (노원)
    second = dt.timedelta(seconds=1)
    assert priority.window_state(opens - second, opens, closes) == "upcoming"
    assert priority.window_state(opens, opens, closes) == "open"
    assert priority.window_state(closes - second, opens, closes) == "open"
    assert priority.window_state(closes, opens, closes) == "closed"
    assert priority.window_state(closes, None, None) == "none"


# ---------------------------------------------------------------- ranking


def test_online_and_onsite_votes_are_summed_into_one_full_ranking():
    ranking = priority.rank(
        entries(10, 11, 12),
        NOWON,
        online={10: 5, 11: 40, 12: 20},
        onsite={10: {"현장투표": 50}, 11: {"현장투표": 12}, 12: {"현장투표": 30}},
        selected_count=2,
    )
    assert [(r.agenda_id, r.rank, r.votes, r.selected) for r in ranking] == [
        (10, 1, 55, True),
        (11, 2, 52, True),
        (12, 3, 50, False),
    ]
    assert ranking[0].onsite == {"현장투표": 50} and ranking[0].online == 5
    assert all(r.tie_broken_by == "" for r in ranking)


def test_one_vote_difference_decides_the_cut():
    ranking = priority.rank(
        entries(1, 2), NOWON, online={1: 10, 2: 10}, onsite={2: {"현장투표": 1}}, selected_count=1
    )
    assert [(r.agenda_id, r.selected) for r in ranking] == [(2, True), (1, False)]
    assert ranking[0].tie_broken_by == ""


def test_equal_totals_go_to_more_online_votes_under_the_nowon_policy():
    ranking = priority.rank(
        entries(1, 2),
        NOWON,
        online={1: 10, 2: 11},
        onsite={1: {"현장투표": 6}, 2: {"현장투표": 5}},
        selected_count=1,
    )
    assert [r.agenda_id for r in ranking] == [2, 1]
    assert ranking[0].total == ranking[1].total == 16
    assert {r.tie_broken_by for r in ranking} == {"online_votes"}
    assert ranking[0].selected and not ranking[1].selected


def test_a_complete_tie_goes_to_the_agenda_registered_first():
    ranking = priority.rank(entries(7, 3), NOWON, online={7: 4, 3: 4}, selected_count=1)
    assert [r.agenda_id for r in ranking] == [7, 3]  # 7 was registered first (order 0)
    assert {r.tie_broken_by for r in ranking} == {"earliest_agenda"}


def test_three_way_tie_mixes_both_tie_breaks():
    ranking = priority.rank(
        entries(1, 2, 3),
        NOWON,
        online={1: 2, 2: 3, 3: 3},
        onsite={1: {"현장투표": 2}, 2: {"현장투표": 1}, 3: {"현장투표": 1}},
    )
    assert [r.agenda_id for r in ranking] == [2, 3, 1]
    assert [r.tie_broken_by for r in ranking] == [
        "earliest_agenda",
        "earliest_agenda",
        "online_votes",
    ]
    assert not any(r.selected for r in ranking)  # no N yet


def test_panel_and_votes_weighted_with_panel_tie_break():
    ranking = priority.rank(
        entries(1, 2, 3),
        EUNPYEONG,
        sheets={1: [full_sheet(10)], 2: [full_sheet(8), full_sheet(10)], 3: []},
        online={1: 3, 2: 10},
        onsite={3: {"현장투표": 50, "소식지": 10, "모바일": 13}},
        selected_count=2,
    )
    totals = {r.agenda_id: r.total for r in ranking}
    assert totals == {1: 70 + 3, 2: 63 + 10, 3: 0 + 73}
    # All three total 73: the higher panel score first, then the agenda registered first.
    assert [r.agenda_id for r in ranking] == [1, 2, 3]
    assert [r.tie_broken_by for r in ranking] == ["panel_score"] * 3
    assert ranking[2].panel_mean == 0 and ranking[2].panelists == 0
    assert ranking[2].onsite == {"현장투표": 50, "소식지": 10, "모바일": 13}


def test_online_counting_gives_one_vote_per_ballot_and_agenda():
    assert priority.count_online([[1, 2], [2], [2, 3], []]) == {1: 1, 2: 3, 3: 1}


@given(
    votes=st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=12),
    n=st.integers(min_value=0, max_value=12),
)
def test_ranking_is_a_permutation_and_selects_exactly_the_top_n(votes, n):
    ids = list(range(100, 100 + len(votes)))
    ranking = priority.rank(
        entries(*ids), NOWON, online=dict(zip(ids, votes, strict=True)), selected_count=n
    )
    assert sorted(r.agenda_id for r in ranking) == ids
    assert [r.rank for r in ranking] == list(range(1, len(ids) + 1))
    assert sum(r.selected for r in ranking) == min(n, len(ids))
    assert all(a.total >= b.total for a, b in itertools.pairwise(ranking))
