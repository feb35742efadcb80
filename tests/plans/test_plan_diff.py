"""The version-to-version diff over plan snapshots (pure, no database)."""

from __future__ import annotations

import copy
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from hyeopchi.plans.plan_diff import (
    Step,
    TextLine,
    budget_totals,
    diff_snapshots,
    item_label,
    text_diff,
)


def snapshot() -> dict:
    return {
        "plan": {"id": 1, "title": "2021 구로구 지역사회혁신계획", "vision": "함께 만드는 구로"},
        "sections": [
            {
                "id": 10,
                "heading": "수립배경",
                "text": "1 문단.\n2 문단.\n3 문단.\n4 문단.\n5 문단.\n6 문단.\n7 문단.",
            },
        ],
        "tasks": [
            {
                "id": 100,
                "title": "마을 공론장 운영",
                "kind": "sector",
                "goals": ["공론장 10회", "참여자 500명"],
                "indicators": [
                    {"id": 1000, "name": "공론장 개최", "baseline": 4, "target": 10},
                ],
                "budget_lines": [
                    {"id": 5000, "category": "operating", "source": "city", "amount": 30_000_000},
                    {"id": 5001, "category": "event", "source": "district", "amount": 5_000_000},
                ],
            },
            {
                "id": 101,
                "title": "협치 교육",
                "kind": "foundation",
                "goals": [],
                "indicators": [],
                "budget_lines": [
                    {"id": 5002, "category": "lecturer", "source": "city", "amount": 10_000_000},
                ],
            },
        ],
    }


def test_identical_snapshots_have_no_changes_and_the_plan_total_unchanged():
    d = diff_snapshots(snapshot(), snapshot())
    assert d.is_empty
    assert d.counts() == {}
    [total] = d.totals
    assert (total.scope, total.before, total.after, total.delta) == (
        "plan",
        45_000_000,
        45_000_000,
        0,
    )


def test_a_changed_budget_amount_shows_its_delta_and_moves_the_totals():
    old, new = snapshot(), snapshot()
    new["tasks"][0]["budget_lines"][0]["amount"] = 42_000_000
    d = diff_snapshots(old, new)
    [change] = d.changes
    assert change.kind == "changed"
    assert change.field == "amount"
    assert (change.before, change.after, change.delta) == (30_000_000, 42_000_000, 12_000_000)
    assert change.where == (
        Step("tasks", 100, "마을 공론장 운영"),
        Step("budget_lines", 5000, "operating"),
    )
    assert change.collection == "budget_lines"
    assert change.path == "tasks[마을 공론장 운영].budget_lines[operating].amount"
    totals = {(t.scope, t.key): t.delta for t in d.totals}
    assert totals == {
        ("plan", None): 12_000_000,
        ("source", "city"): 12_000_000,
        ("task", 100): 12_000_000,
    }


def test_added_and_removed_items_are_matched_by_id_not_position():
    old, new = snapshot(), snapshot()
    # Reordered and renamed: still the same task, only its title changed.
    new["tasks"].reverse()
    new["tasks"][1]["title"] = "마을 공론장 운영 (수정)"
    removed = new["tasks"][0]["budget_lines"].pop()
    new["tasks"][1]["indicators"].append(
        {"id": 1001, "name": "참여자 수", "baseline": None, "target": 500}
    )
    d = diff_snapshots(old, new)
    kinds = {(c.kind, c.collection, c.field) for c in d.changes}
    assert ("changed", "tasks", "title") in kinds
    assert ("added", "indicators", "") in kinds
    assert ("removed", "budget_lines", "") in kinds
    gone = next(c for c in d.changes if c.kind == "removed")
    assert gone.before == removed and gone.is_item
    assert d.counts() == {
        "tasks": {"added": 0, "removed": 0, "changed": 1},
        "indicators": {"added": 1, "removed": 0, "changed": 0},
        "budget_lines": {"added": 0, "removed": 1, "changed": 0},
    }
    totals = {(t.scope, t.key): (t.before, t.after) for t in d.totals}
    assert totals[("plan", None)] == (45_000_000, 35_000_000)
    assert totals[("task", 101)] == (10_000_000, 0)
    assert ("task", 100) not in totals


def test_a_new_task_with_lines_counts_in_the_totals_by_task():
    old, new = snapshot(), snapshot()
    new["tasks"].append(
        {
            "id": 102,
            "title": "청년 협치",
            "budget_lines": [{"id": 6000, "source": "city", "amount": 7_000_000}],
        }
    )
    d = diff_snapshots(old, new)
    [added] = d.changes
    assert added.kind == "added" and added.where[-1] == Step("tasks", 102, "청년 협치")
    task_total = next(t for t in d.totals if t.scope == "task")
    assert (task_total.key, task_total.label, task_total.before, task_total.after) == (
        102,
        "청년 협치",
        0,
        7_000_000,
    )


def test_a_section_text_is_compared_paragraph_by_paragraph_with_context():
    old, new = snapshot(), snapshot()
    new["sections"][0]["text"] = (
        "1 문단.\n2 문단.\n3 문단.\n4 문단(고침).\n5 문단.\n6 문단.\n7 문단."
    )
    [change] = diff_snapshots(old, new).changes
    assert change.field == "text"
    assert change.lines == (
        TextLine("same", "…"),
        TextLine("same", "3 문단."),
        TextLine("removed", "4 문단."),
        TextLine("added", "4 문단(고침)."),
        TextLine("same", "5 문단."),
        TextLine("same", "…"),
    )


def test_text_diff_elides_only_more_than_one_line():
    # Two lines before the change: one is context, hiding the other one behind "…" would
    # save nothing; three lines between two changes: all shown (one each side + one).
    assert [x.text for x in text_diff("a\nb\nc", "a\nb\nC")] == ["a", "b", "c", "C"]
    assert [x.text for x in text_diff("x\na\nb\nc\ny", "X\na\nb\nc\nY")] == [
        "x",
        "X",
        "a",
        "b",
        "c",
        "y",
        "Y",
    ]
    assert [x.text for x in text_diff("x\na\nb\nc\nd\ny", "X\na\nb\nc\nd\nY")] == [
        "x",
        "X",
        "a",
        "…",
        "d",
        "y",
        "Y",
    ]
    assert text_diff("same\ntext", "same\ntext") == (
        TextLine("same", "same"),
        TextLine("same", "text"),
    )


def test_text_diff_keeps_short_unchanged_runs_whole():
    assert text_diff("a\nb\nc", "a\nB\nc") == (
        TextLine("same", "a"),
        TextLine("removed", "b"),
        TextLine("added", "B"),
        TextLine("same", "c"),
    )
    assert text_diff("a", "a\nb") == (TextLine("same", "a"), TextLine("added", "b"))


def test_bullet_goals_show_which_bullet_came_and_went():
    old, new = snapshot(), snapshot()
    new["tasks"][0]["goals"] = ["공론장 12회", "참여자 500명"]
    [change] = diff_snapshots(old, new).changes
    assert change.field == "goals"
    assert change.lines == (
        TextLine("removed", "공론장 10회"),
        TextLine("added", "공론장 12회"),
        TextLine("same", "참여자 500명"),
    )


def test_a_field_filled_in_is_added_and_emptied_is_removed():
    old, new = snapshot(), snapshot()
    old["tasks"][0]["indicators"][0]["actual"] = None
    new["tasks"][0]["indicators"][0]["actual"] = 7
    new["plan"]["vision"] = ""
    changes = {c.field: c for c in diff_snapshots(old, new).changes}
    assert changes["actual"].kind == "added" and changes["actual"].delta == 7
    assert changes["vision"].kind == "removed"
    assert changes["vision"].where == (Step("plan"),)
    assert changes["vision"].collection == ""


def test_bookkeeping_keys_are_not_changes():
    old, new = snapshot(), snapshot()
    new["plan"]["updated_at"] = "2020-07-09T10:00:00"
    new["tasks"][0]["position"] = 5
    assert diff_snapshots(old, new).is_empty


def test_item_label_falls_back_to_the_id():
    assert item_label({"id": 3, "title": "", "name": "이름"}) == "이름"
    assert item_label({"id": 3}) == "#3"


def test_totals_ignore_lines_without_an_integer_amount():
    totals = budget_totals(
        {"tasks": [{"id": 1, "budget_lines": [{"id": 1, "amount": "12"}, {"id": 2, "amount": 5}]}]}
    )
    assert totals.plan == 5 and totals.by_task == {1: 5} and totals.by_source == {}


amounts = st.integers(min_value=0, max_value=10**11)


@given(st.lists(amounts, min_size=1, max_size=8), st.lists(amounts, min_size=1, max_size=8))
def test_the_plan_total_delta_is_the_sum_of_line_deltas(old_amounts, new_amounts):
    """Whatever lines come and go, the plan total moves by the sum of the line changes."""
    old, new = snapshot(), copy.deepcopy(snapshot())
    old["tasks"][0]["budget_lines"] = [
        {"id": i, "source": "city", "amount": a} for i, a in enumerate(old_amounts)
    ]
    new["tasks"][0]["budget_lines"] = [
        {"id": i, "source": "city", "amount": a} for i, a in enumerate(new_amounts)
    ]
    d = diff_snapshots(old, new)
    plan_total = d.totals[0]
    assert plan_total.delta == sum(new_amounts) - sum(old_amounts)
    line_delta = 0
    for c in d.changes:
        if c.field == "amount":
            line_delta += c.delta
        elif c.kind == "added":
            line_delta += c.after["amount"]
        elif c.kind == "removed":
            line_delta -= c.before["amount"]
    assert line_delta == plan_total.delta


def test_decimal_texts_get_exact_deltas_and_collections_their_own_labels():
    old, new = snapshot(), snapshot()
    old["tasks"][0]["indicators"][0]["target"] = "10.5"
    new["tasks"][0]["indicators"][0]["target"] = "12"
    new["tasks"][0]["budget_lines"][1]["amount"] = 6_000_000
    d = diff_snapshots(
        old, new, labels={"budget_lines": lambda line: f"{line['category']}/{line['source']}"}
    )
    target = next(c for c in d.changes if c.field == "target")
    assert target.delta == Decimal("1.5")
    amount = next(c for c in d.changes if c.field == "amount")
    assert amount.where[-1].item_label == "event/district"
    assert diff_snapshots(old, old, labels={"tasks": lambda t: "x"}).is_empty


def test_text_that_is_not_a_number_has_no_delta():
    old, new = snapshot(), snapshot()
    new["plan"]["title"] = "2021 구로구 지역사회혁신계획(수정)"
    [change] = diff_snapshots(old, new).changes
    assert change.delta is None and change.lines == ()
