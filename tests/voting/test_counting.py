"""The counting engine on hand-made instances: rules, ties, boundaries, explanations and
the fairness report; the fast Equal Shares engine against the plain one."""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction

import pytest

from hyeopchi.voting import _mes
from hyeopchi.voting.counting import (
    CountingError,
    Instance,
    Outcome,
    Profile,
    count,
    explain,
    fairness,
    greedy_by_cost_utility,
    greedy_by_votes,
    method_of_equal_shares,
    sequential_phragmen,
)

F = Fraction


def approval(*ballots: str) -> Profile:
    """``approval("ab", "c")``: one voter approving a and b, one approving c."""
    return Profile.approval([set(b) for b in ballots])


# ------------------------------------------------------------------ data and validation


def test_profile_merges_identical_ballots_and_counts_voters():
    p = Profile.approval([{"a", "b"}, {"b", "a"}, set(), {"c"}], [2, 1, 4, 1])
    assert p.voters == 8
    assert dict(p.ballots) == {frozenset("ab"): 3, frozenset(): 4, frozenset("c"): 1}
    c = Profile.cardinal([{"a": 3, "b": 0}, {"a": 3}])
    assert c.ballots == (((("a", 3),), 2),)


def test_borda_points_and_approval_view():
    p = Profile.ordinal([("a", "b", "c"), ("c",)])
    assert dict(p.borda().ballots) == {(("a", 3), ("b", 2), ("c", 1)): 1, (("c", 3),): 1}
    assert dict(p.as_approval().ballots) == {frozenset("abc"): 1, frozenset("c"): 1}
    with pytest.raises(CountingError):
        p.borda(2)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Instance(-1, {"a": 1}),
        lambda: Instance(10, {"a": -5}),
        lambda: Instance(10, {"a": 1.5}),
        lambda: Instance(10, {"a": 1}, areas={"b": "x"}),
        lambda: Profile.approval([{"a"}], [0]),
        lambda: Profile.ordinal([("a", "a")]),
        lambda: Profile.cardinal([{"a": -1}]),
    ],
)
def test_bad_data_is_refused(make):
    with pytest.raises(CountingError):
        make()


def test_unknown_project_on_a_ballot_is_refused():
    with pytest.raises(CountingError, match="'z'"):
        greedy_by_votes(Instance(10, {"a": 1}), approval("az"))


# ------------------------------------------------------------------------------ greedy


def test_greedy_most_votes_first_skips_what_does_not_fit():
    inst = Instance(100, {"a": 60, "b": 50, "c": 40, "d": 30})
    prof = Profile.approval([{"a"}, {"a", "b"}, {"a", "c"}, {"b", "c"}, {"b", "d"}, {"c"}])
    out = greedy_by_votes(inst, prof)
    # votes: a 3, b 3, c 3, d 1 — a (tie broken by id), then b does not fit, c fits
    assert out.winners == ("a", "c")
    assert out.spent == 100
    kinds = [(s.project, s.kind, s.figures["remaining"]) for s in out.steps]
    assert kinds == [
        ("a", "funded", 100),
        ("b", "skipped", 40),
        ("c", "funded", 40),
        ("d", "skipped", 0),
    ]


def test_greedy_project_costing_exactly_the_rest_is_funded_one_won_more_is_not():
    inst = Instance(100, {"a": 70, "b": 30, "c": 31, "d": 29})
    prof = Profile.approval([{"a", "b", "c", "d"}, {"a", "b", "c"}, {"a", "c"}, {"a"}])
    # votes: a 4, c 3, b 2, d 1
    out = greedy_by_votes(inst, prof)
    assert out.winners == ("a", "b")  # c (31) is skipped for one won, b (30) is exactly the rest
    [ex_c] = explain(out, frozenset({"c"}))
    assert ex_c.reason == "greedy_skipped"
    assert (ex_c.figures["cost"], ex_c.figures["remaining"]) == (31, 30)


@pytest.mark.parametrize(
    ("tie_break", "winners"),
    [("lexicographic", ("a", "c")), ("min_cost", ("c", "b")), ("max_cost", ("a", "c"))],
)
def test_greedy_ties_follow_the_tie_break(tie_break, winners):
    inst = Instance(10, {"a": 6, "b": 5, "c": 4})
    prof = Profile.approval([{"a", "b", "c"}])  # one vote each: a pure tie
    assert greedy_by_votes(inst, prof, tie_break=tie_break).winners == winners


def test_greedy_leaves_out_projects_nobody_voted_for_unless_asked():
    inst = Instance(10, {"a": 5, "b": 1})
    prof = approval("a")
    assert greedy_by_votes(inst, prof).winners == ("a",)
    assert greedy_by_votes(inst, prof, fund_unsupported=True).winners == ("a", "b")


def test_greedy_cost_utility_orders_by_votes_per_won():
    inst = Instance(10, {"a": 8, "b": 2, "c": 3})
    prof = Profile.approval([{"a", "b"}, {"a", "c"}, {"a"}, {"c"}])
    # a 3/8, b 1/2, c 2/3: c, b, then a (8) does not fit the 5 left
    out = greedy_by_cost_utility(inst, prof)
    assert out.winners == ("c", "b")
    assert out.steps[0].figures["score"] == F(2, 3)
    assert greedy_by_votes(inst, prof).winners == ("a", "b")


def test_greedy_on_cumulative_points_and_on_rankings():
    inst = Instance(10, {"a": 6, "b": 5, "c": 4})
    cum = Profile.cardinal([{"a": 1, "b": 4}, {"c": 5}, {"a": 3}])
    assert greedy_by_votes(inst, cum).winners == ("c", "a")  # c 5, a 4, b 4 (a by id)
    ranks = Profile.ordinal([("b", "a"), ("b", "c"), ("a",)])
    # Borda with length 2: b 2+2, a 1+2, c 1
    assert greedy_by_votes(inst, ranks).winners == ("b", "c")


# -------------------------------------------------------------- Method of Equal Shares


def test_equal_shares_textbook_example():
    """Six voters with one won each. x (3 won) is liked by voters 1–4, y (2 won) by 4–6,
    z (1 won) by voter 6 only.

    Round 1: x costs 3/4 a supporter (rho 1/4 per won of satisfaction), y 2/3 (rho 1/3),
    z 1 (rho 1): x. Round 2: voter 4 has 1/4 left, so y costs the others 7/8 each
    (1/4 + 2·7/8 = 2), rho 7/16 < 1: y. Voter 6 then has 1/8, less than z's cost."""
    inst = Instance(6, {"x": 3, "y": 2, "z": 1})
    prof = Profile.approval([{"x"}, {"x"}, {"x"}, {"x", "y"}, {"y"}, {"y", "z"}])
    out = method_of_equal_shares(inst, prof)
    assert out.winners == ("x", "y")
    assert out.spent == 5
    assert out.share == 1
    rounds = [
        (s.project, s.figures["rho"], s.figures["price"], s.figures["paid_in_full"])
        for s in out.steps
    ]
    assert rounds == [("x", F(1, 4), F(3, 4), 4), ("y", F(7, 16), F(7, 8), 2)]
    assert out.left == {"z": F(1, 8)}
    ex = {e.project: e for e in explain(out, frozenset({"x", "y"}))}
    assert ex["x"].reason == "mes_funded" and ex["x"].figures["paid"] == F(3, 4)
    assert ex["y"].figures["paid"] == F(1, 4)  # all voter 4 had left
    [z] = explain(out, frozenset({"z"}))
    assert z.reason == "mes_unaffordable"
    assert (z.figures["left"], z.figures["cost"], z.figures["your_left"]) == (F(1, 8), 1, 1)
    [ey] = explain(out, frozenset({"y", "z"}))[:1]
    assert ey.figures["paid"] == F(7, 8)
    # greedy by votes funds all three; the fill does too
    assert greedy_by_votes(inst, prof).winners == ("x", "y", "z")
    filled = method_of_equal_shares(inst, prof, completion="greedy_fill")
    assert filled.winners == ("x", "y", "z")
    assert explain(filled, frozenset({"z"}))[0].reason == "fill_funded"


def test_equal_shares_is_proportional_where_greedy_is_not():
    """60 voters like a1..a3, 40 like b1..b3; each project costs 30 of 100. Greedy gives
    everything to the majority; Equal Shares splits 60/40."""
    inst = Instance(100, {"a1": 30, "a2": 30, "a3": 30, "b1": 30, "b2": 30, "b3": 30})
    prof = Profile.approval([{"a1", "a2", "a3"}, {"b1", "b2", "b3"}], [60, 40])
    assert greedy_by_votes(inst, prof).winners == ("a1", "a2", "a3")
    mes = method_of_equal_shares(inst, prof)
    assert sorted(mes.winners) == ["a1", "a2", "b1"]
    report = fairness(inst, prof, mes)
    assert report.with_none == 0
    assert fairness(inst, prof, greedy_by_votes(inst, prof)).with_none == 40


def test_equal_shares_exact_fractions_with_awkward_shares():
    inst = Instance(10, {"a": 7, "b": 3})
    prof = Profile.approval([{"a"}, {"a", "b"}, {"b"}])  # 10/3 won each
    out = method_of_equal_shares(inst, prof)
    # b: 3/2 each (rho 1/2); a: voter 2 has 10/3 - 3/2 = 11/6, so 11/6 + 10/3 = 31/6 < 7
    assert out.winners == ("b",)
    assert out.steps[0].figures["price"] == F(3, 2)
    assert out.left == {"a": F(31, 6)}


@pytest.mark.parametrize(
    ("tie_break", "winners"),
    [("lexicographic", ("a",)), ("min_cost", ("b",)), ("max_cost", ("a",))],
)
def test_equal_shares_ties_follow_the_tie_break(tie_break, winners):
    # cardinality: a costs its two supporters 2 each, b its one supporter 2: a tie; buying
    # either leaves too little for the other
    inst = Instance(4, {"a": 4, "b": 2})
    prof = Profile.approval([{"a", "b"}, {"a"}])
    out = method_of_equal_shares(inst, prof, satisfaction="cardinality", tie_break=tie_break)
    assert out.winners == winners


def test_equal_shares_project_exactly_affordable_is_bought():
    # two voters with 5 each; a costs exactly their 10
    inst = Instance(10, {"a": 10, "b": 11})
    out = method_of_equal_shares(inst, Profile.approval([{"a", "b"}, {"a"}]))
    assert out.winners == ("a",)
    assert out.steps[0].figures["paid_in_full"] == 2


def test_equal_shares_budget_increase_until_nothing_more_fits():
    # a needs 6 from its only supporter, who has 5: the budget grows by 1 % of 10 until
    # each voter has 6, then a and b cost exactly the budget
    inst = Instance(10, {"a": 6, "b": 4})
    prof = Profile.approval([{"a"}, {"b"}])
    assert method_of_equal_shares(inst, prof).winners == ("b",)
    out = method_of_equal_shares(inst, prof, completion="budget_increase")
    assert sorted(out.winners) == ["a", "b"]
    assert out.share == 6
    assert out.increases == 20
    [ea] = explain(out, frozenset({"a"}))
    assert ea.reason == "mes_funded" and ea.figures["paid"] == 6


def test_equal_shares_budget_increase_keeps_the_last_result_that_fits():
    """Voter 1 wants a (6), voter 2 wants b and c (3 each); 5 won each. Equal Shares buys b
    (tie with c by id); a and c would still fit but nobody can pay for them. At 6 won each
    (budget 12) all three are bought, 12 > 10: the run at 11.90 (5.95 each) is kept."""
    inst = Instance(10, {"a": 6, "b": 3, "c": 3})
    prof = Profile.approval([{"a"}, {"b", "c"}])
    out = method_of_equal_shares(inst, prof, completion="budget_increase")
    assert out.winners == ("b",)
    assert out.share == F(595, 100)
    assert out.increases == 19
    both = method_of_equal_shares(inst, prof, completion="budget_increase_then_greedy")
    assert both.winners == ("b", "a")  # the 7 left go to a (one vote, like c; a by id)
    assert [e.reason for e in explain(both, frozenset({"a", "c"}))] == [
        "fill_funded",
        "fill_skipped",
    ]
    per_voter = method_of_equal_shares(
        inst, prof, completion="budget_increase", voter_budget_increment=1
    )
    assert per_voter.winners == ("b",)
    assert per_voter.share == 5


def test_equal_shares_points_of_cumulative_ballots():
    """2 won each. a (3): voter 1 gives it 3 points, voter 2 one; b (3): voter 2 two
    points, voter 3 three. b costs 3/5 won per point and everybody can pay it; a would
    cost 3/4 per point, more than voter 1's 2 won for 3 points: 1 per point."""
    inst = Instance(6, {"a": 3, "b": 3})
    prof = Profile.cardinal([{"a": 3}, {"a": 1, "b": 2}, {"b": 3}])
    out = method_of_equal_shares(inst, prof, satisfaction="points")
    assert out.rule == "mes_points"
    assert out.winners == ("b",)
    assert out.steps[0].figures["rho"] == F(3, 5)
    eb, ea = explain(out, {"b": 2, "a": 1})[::-1]
    assert (eb.project, eb.figures["paid"]) == ("b", F(6, 5))
    assert (ea.reason, ea.figures["left"]) == ("mes_unaffordable", 2 + F(4, 5))


def test_equal_shares_free_projects():
    inst = Instance(10, {"a": 0, "b": 10})
    prof = Profile.approval([{"a", "b"}, {"b"}])
    # a free project is worth nothing under cost satisfaction (as pabutools), one under
    # cardinality
    assert method_of_equal_shares(inst, prof).winners == ("b",)
    assert method_of_equal_shares(inst, prof, satisfaction="cardinality").winners == ("a", "b")


def test_equal_shares_without_voters():
    inst = Instance(10, {"a": 1})
    out = method_of_equal_shares(
        inst, Profile.approval([]), completion="budget_increase_then_greedy"
    )
    assert out.winners == ()


# --------------------------------------------------------------------------- Phragmén


def test_phragmen_loads_and_stop():
    inst = Instance(10, {"a": 6, "b": 4, "c": 5})
    prof = Profile.approval([{"a", "c"}, {"a"}, {"b"}])
    out = sequential_phragmen(inst, prof)
    # a: 6/2 = 3; then b: 4/1 = 4 against c: (3 + 5)/1 = 8; then c does not fit
    assert out.winners == ("a", "b")
    loads = [(s.kind, s.project, s.figures.get("load")) for s in out.steps]
    assert loads == [("phragmen", "a", 3), ("phragmen", "b", 4), ("stop", "c", 8)]
    ex = {e.project: e for e in explain(out, frozenset({"a", "c"}))}
    assert ex["a"].reason == "phragmen_funded" and ex["a"].figures["load"] == 3
    assert ex["c"].reason == "phragmen_stopped"
    assert (ex["c"].figures["stopped_at"], ex["c"].figures["remaining"]) == ("c", 0)


def test_phragmen_stops_at_the_first_project_that_does_not_fit():
    # b (load 6/3) then a (5/2) is next but does not fit: the rule stops although c
    # (load 3) would still fit
    inst = Instance(10, {"a": 5, "b": 6, "c": 3})
    prof = Profile.approval([{"a"}, {"a"}, {"b"}, {"b"}, {"b"}, {"c"}])
    out = sequential_phragmen(inst, prof)
    assert out.winners == ("b",)
    assert out.steps[-1].kind == "stop" and out.steps[-1].project == "a"


def test_phragmen_project_over_the_budget_is_never_considered():
    inst = Instance(10, {"a": 11, "b": 4})
    out = sequential_phragmen(inst, Profile.approval([{"a"}, {"a"}, {"b"}]))
    assert out.winners == ("b",)
    assert explain(out, frozenset({"a"}))[0].reason == "over_budget"


# ----------------------------------------------------------------- outcomes and reports


def test_outcome_json_round_trip_and_dispatch():
    inst = Instance(6, {"x": 3, "y": 2, "z": 1})
    prof = Profile.approval([{"x"}, {"x"}, {"x"}, {"x", "y"}, {"y"}, {"y", "z"}])
    for rule in ("greedy", "greedy_cost_utility", "mes_cost", "mes_cardinality", "phragmen"):
        out = count(
            inst, prof, rule, completion="budget_increase_then_greedy" if "mes" in rule else "none"
        )
        again = Outcome.from_json(out.to_json())
        assert again == out
        assert explain(again, frozenset({"z", "y"})) == explain(out, frozenset({"y", "z"}))
    with pytest.raises(CountingError):
        count(inst, prof, "borda")


def test_fairness_report():
    inst = Instance(
        100,
        {"a": 40, "b": 30, "c": 30, "d": 50},
        areas={"a": "구로1동", "b": "구로1동", "c": "개봉동", "d": "개봉동"},
        categories={"a": frozenset({"park"}), "c": frozenset({"park", "kids"})},
    )
    prof = Profile.approval([{"a", "b"}, {"a", "d"}, {"d"}, set()], [2, 1, 1, 3])
    out = greedy_by_votes(inst, prof)  # a 3, b 2, d 2: a, b, then d does not fit, c no votes
    assert out.winners == ("a", "b")
    r = fairness(inst, prof, out)
    assert (r.voters, r.voting_for, r.with_none, r.with_all) == (7, 4, 1, 2)
    assert r.share_with_none == F(1, 4)
    assert r.average_share_funded == (2 * 1 + F(1, 2) + 0) / 4
    assert r.average_cost_share == (2 * 1 + F(40, 90) + 0) / 4
    assert r.spent_by_area == {"개봉동": 0, "구로1동": 70}
    assert r.funded_by_area == {"개봉동": 0, "구로1동": 2}
    assert r.budget_share_by_area["구로1동"] == 1
    assert r.spent_by_category == {"park": 40}


def test_progress_is_reported():
    inst = Instance(100, {f"p{i}": 10 + i for i in range(20)})
    rng = random.Random(3)
    prof = Profile.approval([set(rng.sample(sorted(inst.projects), 3)) for _ in range(50)])
    for rule in ("greedy", "mes_cost", "phragmen"):
        calls: list[tuple[int, int]] = []
        count(
            inst,
            prof,
            rule,
            completion="budget_increase" if rule == "mes_cost" else "none",
            progress=lambda d, t, calls=calls: calls.append((d, t)),
        )
        assert calls
        assert all(0 <= d <= t for d, t in calls)


# ---------------------------------------------------- the fast engine against the plain one


def _reference(costs, ballots, b, sat, scale):
    C = [c * scale for c in costs]
    groups = [
        ({j: sat[j] for j in range(len(costs)) if mask >> j & 1}, w) for mask, w in ballots.items()
    ]
    cands = [k for k in range(len(costs)) if C[k] > 0 and any(mask >> k & 1 for mask in ballots)]
    rounds, _ = _mes.mes_reference(C, groups, b, cands)
    return [(r.project, r.rho, r.paid_in_full) for r in rounds]


def _random_case(rng):
    m = rng.randint(1, 12)
    costs = [rng.choice([1, 2, 3, 5, 10, 20, 50]) * rng.choice([1, 1, 7]) for _ in range(m)]
    weights = [rng.random() ** 2 for _ in range(m)]
    ballots: Counter[int] = Counter()
    for _ in range(rng.randint(1, 60)):
        mask = 0
        for j in rng.choices(range(m), weights, k=rng.randint(1, min(m, 5))):
            mask |= 1 << j
        ballots[mask] += rng.choice([1, 1, 1, 2, 5])
    return costs, ballots, sum(costs) * rng.choice([1, 2, 3]) // 4 + 1


@pytest.mark.parametrize("exact", [False, True])
def test_fast_equal_shares_engine_matches_the_plain_one(monkeypatch, exact):
    """Runs with growing budgets reuse the trace of the earlier ones; with ``exact``, no
    float is trusted, so every evaluation takes the integer path."""
    if exact:
        original = _mes._Run.__init__

        def distrust(self, *args, **kwargs):
            original(self, *args, **kwargs)
            self.tol = float("inf")

        monkeypatch.setattr(_mes._Run, "__init__", distrust)
    rng = random.Random(11 if exact else 7)
    for _ in range(60 if exact else 120):
        costs, ballots, budget = _random_case(rng)
        n = sum(ballots.values())
        for sat_kind in ("cost", "cardinality"):
            sat = costs if sat_kind == "cost" else [1] * len(costs)
            engine = _mes.ApprovalMES(costs, sat, list(ballots), list(ballots.values()), n)
            for t in range(0, 120, rng.choice([1, 4, 9])):
                b = 100 * budget + t * budget
                got = [(r.project, r.rho, r.paid_in_full) for r in engine.run(b, n * 100)]
                assert got == _reference(costs, ballots, b, sat, n * 100)


def test_fast_engine_money_left_matches_the_plain_one():
    """What the supporters of each project not bought have left, after runs with growing
    budgets: the fast engine adds it up per project bought (floats only to tell who is
    broke, checked in integers when close); the plain one voter group by voter group."""
    rng = random.Random(23)
    checked = 0
    for _ in range(80):
        costs, ballots, budget = _random_case(rng)
        n = sum(ballots.values())
        for sat_kind in ("cost", "cardinality"):
            sat = costs if sat_kind == "cost" else [1] * len(costs)
            engine = _mes.ApprovalMES(costs, sat, list(ballots), list(ballots.values()), n)
            C = [c * n * 100 for c in costs]
            groups = [
                ({j: sat[j] for j in range(len(costs)) if mask >> j & 1}, w)
                for mask, w in ballots.items()
            ]
            cands = [k for k in range(len(costs)) if C[k] > 0 and any(m >> k & 1 for m in ballots)]
            for t in range(0, 60, 7):
                b = 100 * budget + t * budget
                rounds = engine.run(b, n * 100)
                got = engine.left(b, n * 100, rounds)
                _rounds, money = _mes.mes_reference(C, groups, b, cands)
                bought = {r.project for r in rounds}
                want = {
                    k: sum(
                        (money[g] * w for g, (sats, w) in enumerate(groups) if k in sats),
                        Fraction(0),
                    )
                    for k in cands
                    if k not in bought
                }
                assert got == want
                checked += sum(1 for v in want.values() if v == 0)
    assert checked > 0  # some projects' supporters had nothing left: the broke path ran


@pytest.mark.parametrize("code_bits", [0, 2])
def test_fast_engine_groups_classes_without_bit_codes(monkeypatch, code_bits):
    """With more bought projects than an int64 has bits, supporters are grouped by their
    bit masks instead: forced here by allowing (almost) no bits."""
    monkeypatch.setattr(_mes, "_CODE_BITS", code_bits)
    rng = random.Random(31 + code_bits)
    for _ in range(40):
        costs, ballots, budget = _random_case(rng)
        n = sum(ballots.values())
        engine = _mes.ApprovalMES(costs, costs, list(ballots), list(ballots.values()), n)
        for t in range(0, 60, 13):
            b = 100 * budget + t * budget
            got = [(r.project, r.rho, r.paid_in_full) for r in engine.run(b, n * 100)]
            assert got == _reference(costs, ballots, b, costs, n * 100)
