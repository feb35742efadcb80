"""Budget rules of the Community Innovation Plan (운영지침 3.2) on the shipped policy:
every cap one won below, at and one won above its limit, the bases the caps measure on,
items excluded from personnel-type costs, declarations, and properties of the exact
integer arithmetic."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from hyeopchi.plans.budget_policy import category_choices, load_budget_rules, subtype_choices
from hyeopchi.plans.budget_rules import (
    BudgetLine,
    PlanBudget,
    TaskBudget,
    blocking,
    cap_measures,
    check_budget,
)

RULES = load_budget_rules("seoul-2020")
_ids = iter(range(1, 10**9))


def line(category, subtype, amount, *, nature=None, source="city", sub_project=None):
    found = RULES.category(category)
    nature = nature or (found.nature if found and found.nature else "current")
    return BudgetLine(next(_ids), category, subtype, nature, source, amount, sub_project)


def task(kind, *lines, id=None, title="과제"):
    return TaskBudget(id if id is not None else next(_ids), kind, title, tuple(lines))


def plan(*tasks, city_subsidy=10**12, envelope=None):
    return PlanBudget(tuple(tasks), city_subsidy, envelope)


def caps(findings, rule=None):
    return [f for f in findings if f.kind == "cap" and (rule is None or f.rule == rule)]


# ------------------------------------------------------------- one won around each limit
# Each builder returns (plan, expected amount, base, limit) with the measured amount at
# limit + delta; the rest of the plan is chosen so that no other cap is touched.


def _sector_share_of(category, subtype, limit):
    def build(delta):
        base = 1000
        amount = limit + delta
        t = task(
            "sector", line(category, subtype, amount), line("operating", "office", base - amount)
        )
        return plan(t), amount, base, limit

    return build


def _sub_project_share_of(category, subtype, limit):
    # A foundation task: the sector-plan caps (on S = 0) do not apply to it.
    def build(delta):
        base = 1000
        amount = limit + delta
        t = task(
            "foundation",
            line(category, subtype, amount, sub_project="공유공간"),
            line("project", "materials", base - amount, sub_project="공유공간"),
        )
        return plan(t), amount, base, limit

    return build


def _sector_city_share(delta):
    subsidy = 1_000_000_000
    amount = 700_000_000 + delta
    t = task("sector", line("operating", "event", amount))
    return plan(t, city_subsidy=subsidy), amount, subsidy, 700_000_000


def _envelope(delta):
    envelope = 950_000_000
    amount = envelope + delta
    t = task("foundation", line("operating", "office", amount - 1), line("other", None, 1))
    return plan(t, envelope=envelope), amount, envelope, envelope


BOUNDARIES = {
    "personnel.sector_share": _sector_share_of("personnel", "coordinator", 100),
    "capital.sector_share": _sector_share_of("facilities", "construction", 400),
    "private_transfer.sector_share": _sector_share_of("private_transfer", "current_project", 300),
    "capital.sub_project_share": _sub_project_share_of("assets", "property_goods", 700),
    "private_transfer.sub_project_share": _sub_project_share_of(
        "private_transfer", "consignment", 500
    ),
    "lease_deposit.sub_project_share": _sub_project_share_of("lease_deposit", None, 500),
    "sector.city_subsidy_share": _sector_city_share,
    "envelope.district": _envelope,
}


def test_every_numeric_rule_of_the_policy_has_a_boundary_test():
    shipped = {c.rule for c in RULES.caps} | {RULES.sector_share.rule, RULES.envelope.rule}
    assert shipped == set(BOUNDARIES)


@pytest.mark.parametrize("rule", sorted(BOUNDARIES))
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_cap_one_won_below_at_and_above(rule, delta):
    budget, amount, base, limit = BOUNDARIES[rule](delta)
    findings = caps(check_budget(budget, RULES))
    if delta <= 0:
        assert findings == []
        measured = [m for m in cap_measures(budget, RULES) if m.rule == rule]
        assert [(m.amount, m.base, m.limit, m.ok) for m in measured] == [
            (amount, base, limit, True)
        ]
        return
    assert [f.rule for f in findings] == [rule]
    (finding,) = findings
    assert (finding.amount, finding.base, finding.limit, finding.excess) == (
        amount,
        base,
        limit,
        1,
    )
    assert finding.article
    assert finding.kind == "cap"
    assert blocking(check_budget(budget, RULES)) == [finding]


def test_articles_cite_the_guideline():
    articles = {c.rule: c.article for c in RULES.caps}
    assert articles["personnel.sector_share"] == "운영지침 3.2.2 (1) ③"
    assert articles["capital.sub_project_share"] == "운영지침 3.2.2 (2) ③"
    assert articles["private_transfer.sector_share"] == "운영지침 3.2.2 (3) ④"
    shares = {c.rule: c.share for c in RULES.caps}
    assert shares["personnel.sector_share"] == Fraction(1, 10)
    assert shares["capital.sector_share"] == Fraction(2, 5)
    assert shares["capital.sub_project_share"] == Fraction(7, 10)
    assert shares["private_transfer.sector_share"] == Fraction(3, 10)
    assert shares["private_transfer.sub_project_share"] == Fraction(1, 2)
    assert RULES.sector_share.share == Fraction(7, 10)


def test_limit_in_won_is_rounded_down_and_the_check_is_exact():
    # S = 1,005 won: 10 % is 100.5 won; 100 won passes, 101 won is one won over.
    ok = plan(
        task("sector", line("personnel", "fixed_term", 100), line("operating", "office", 905))
    )
    over = plan(
        task("sector", line("personnel", "fixed_term", 101), line("operating", "office", 904))
    )
    assert caps(check_budget(ok, RULES)) == []
    (finding,) = caps(check_budget(over, RULES))
    assert (finding.base, finding.limit, finding.excess) == (1005, 100, 1)


# ------------------------------------------------------------- bases


def test_sector_plan_total_counts_sector_tasks_only():
    # Foundation personnel (e.g. the 협치지원관) is neither in S nor in the sector amount.
    budget = plan(
        task("foundation", line("personnel", "coordinator", 5_000)),
        task("sector", line("personnel", "coordinator", 100), line("project", None, 900)),
    )
    (measure,) = [m for m in cap_measures(budget, RULES) if m.rule == "personnel.sector_share"]
    assert (measure.amount, measure.base) == (100, 1000)
    assert caps(check_budget(budget, RULES), "personnel.sector_share") == []


def test_sector_plan_total_spans_all_sector_tasks_and_sources():
    budget = plan(
        task("sector", line("facilities", "construction", 450, source="district")),
        task("sector", line("project", None, 300), line("operating", None, 250, source="other")),
    )
    (finding,) = caps(check_budget(budget, RULES), "capital.sector_share")
    assert (finding.amount, finding.base, finding.limit, finding.excess) == (450, 1000, 400, 50)
    assert finding.scope == "plan" and finding.scope_id is None


def test_caps_on_the_city_subsidy_only_when_the_policy_says_so():
    city_only = replace(RULES, cap_sources=frozenset({"city"}))
    budget = plan(
        task(
            "sector",
            line("facilities", "construction", 450, source="district"),
            line("project", None, 550),
        )
    )
    assert caps(check_budget(budget, RULES), "capital.sector_share")
    (measure,) = [m for m in cap_measures(budget, city_only) if m.rule == "capital.sector_share"]
    assert (measure.amount, measure.base) == (0, 550)


def test_each_sub_project_is_measured_on_its_own_total():
    t = task(
        "sector",
        line("facilities", "construction", 700, sub_project="가"),
        line("project", None, 300, sub_project="가"),
        line("facilities", "construction", 701, sub_project="나"),
        line("project", None, 299, sub_project="나"),
        line("project", None, 8_000),  # the task's own lines: a sub-project of their own
        id="task-1",
    )
    findings = caps(check_budget(plan(t), RULES), "capital.sub_project_share")
    assert [(f.scope, f.scope_id, f.sub_project, f.excess) for f in findings] == [
        ("task", "task-1", "나", 1)
    ]


def test_sector_share_counts_city_money_of_sector_tasks():
    budget = plan(
        task("foundation", line("operating", None, 400)),
        task("sector", line("project", None, 700), line("project", None, 500, source="district")),
        city_subsidy=1_000,
    )
    (measure,) = [m for m in cap_measures(budget, RULES) if m.rule == "sector.city_subsidy_share"]
    assert (measure.amount, measure.base, measure.limit, measure.ok) == (700, 1000, 700, True)


def test_envelope_counts_city_money_of_every_task_and_is_skipped_without_one():
    budget = plan(
        task(
            "foundation", line("operating", None, 400), line("project", None, 50, source="district")
        ),
        task("sector", line("project", None, 601)),
        envelope=1_000,
    )
    (finding,) = caps(check_budget(budget, RULES), "envelope.district")
    assert (finding.amount, finding.limit, finding.excess) == (1001, 1000, 1)
    assert not [
        m
        for m in cap_measures(replace(budget, envelope=None), RULES)
        if m.rule == "envelope.district"
    ]


# ------------------------------------------------------------- what counts as what


@pytest.mark.parametrize("subtype", ["meeting_allowance", "lecturer_fee"])
def test_meeting_allowances_and_lecturer_fees_are_not_personnel_type(subtype):
    budget = plan(
        task("sector", line("personnel", subtype, 900), line("personnel", "coordinator", 100))
    )
    (measure,) = [m for m in cap_measures(budget, RULES) if m.rule == "personnel.sector_share"]
    assert (measure.amount, measure.base) == (100, 1000)
    assert check_budget(budget, RULES) == [
        f for f in check_budget(budget, RULES) if f.kind == "declaration"
    ]
    more = plan(
        task("sector", line("personnel", subtype, 899), line("personnel", "coordinator", 101))
    )
    assert [f.rule for f in caps(check_budget(more, RULES))] == ["personnel.sector_share"]


def test_property_goods_are_capital_and_asked_about():
    budget = plan(task("sector", line("assets", "property_goods", 300), line("project", None, 700)))
    (measure,) = [m for m in cap_measures(budget, RULES) if m.rule == "capital.sector_share"]
    assert measure.amount == 300
    rules = {f.rule for f in check_budget(budget, RULES) if f.kind == "declaration"}
    assert {"capital.conditions", "property_goods.conditions"} <= rules


@pytest.mark.parametrize(
    ("category", "subtype"),
    [
        ("private_transfer", "medical"),
        ("private_transfer", "current_project"),
        ("private_transfer", "event_project"),
        ("private_transfer", "consignment"),
        ("private_transfer", "social_welfare"),
    ],
)
def test_every_private_transfer_subtype_counts(category, subtype):
    budget = plan(task("sector", line(category, subtype, 301), line("project", None, 699)))
    (finding,) = caps(check_budget(budget, RULES))
    assert finding.rule == "private_transfer.sector_share"


def test_policy_lists_the_manuals_items():
    codes = {c.code for c in RULES.categories}
    assert {"personnel", "facilities", "assets", "private_transfer", "lease_deposit"} <= codes
    assert {"operating", "project"} <= codes
    facilities = RULES.category("facilities")
    assert facilities.nature == "capital" and facilities.label == "시설비 및 부대비"
    transfer = [s.label for s in RULES.category("private_transfer").subtypes]
    assert transfer == [
        "의료 및 구료비",
        "민간경상사업보조",
        "민간행사사업보조",
        "민간위탁금",
        "사회복지사업보조",
    ]
    with translation.override("en"):
        assert ("facilities", "Facilities and incidentals") in category_choices()
        assert ("consignment", "Private consignment payments") in subtype_choices(
            "private_transfer"
        )
    with translation.override("ko"):
        assert ("assets", "자산취득비") in category_choices()
    assert subtype_choices("no-such-item") == []


# ------------------------------------------------------------- prohibited lines


def test_capital_item_budgeted_as_current_subsidy_is_prohibited():
    wrong = line("facilities", "construction", 50, nature="current")
    budget = plan(task("sector", wrong, line("project", None, 950)))
    (finding,) = [f for f in check_budget(budget, RULES) if f.kind == "prohibited"]
    assert (finding.rule, finding.scope, finding.scope_id) == ("nature.mismatch", "line", wrong.id)
    assert finding.article.startswith("운영지침 3.3.4")
    assert finding.excess == 50


@pytest.mark.parametrize(("category", "subtype"), [("nonsense", None), ("operating", "nonsense")])
def test_unknown_item_is_reported_not_crashed(category, subtype):
    bad = BudgetLine(1, category, subtype, "current", "city", 10)
    (finding,) = [
        f for f in check_budget(plan(task("sector", bad)), RULES) if f.kind == "prohibited"
    ]
    assert finding.rule == "category.unknown" and finding.scope_id == 1


def test_negative_amount_is_refused():
    with pytest.raises(ValueError, match="negative"):
        check_budget(plan(task("sector", line("project", None, -1))), RULES)


# ------------------------------------------------------------- declarations


PLAN_DECLARATIONS = [
    "prohibited.public_facility_operating_costs",
    "prohibited.public_building_upgrade",
    "prohibited.organisation_operating_costs",
    "prohibited.product_sales",
    "prohibited.national_subsidy_matching",
    "guideline.pb_ordinance_ineligible",
    "guideline.completable_in_year",
]


def test_unnumbered_prohibitions_are_declared_once_per_plan():
    findings = check_budget(plan(task("sector", line("project", None, 10))), RULES)
    assert [f.rule for f in findings] == PLAN_DECLARATIONS
    assert all(f.kind == "declaration" and f.scope == "plan" for f in findings)
    assert [f.article for f in findings][:5] == [f"운영지침 3.2.1 ({n})" for n in range(1, 6)]
    assert blocking(findings) == []


def test_conditional_declarations_follow_the_tasks_that_need_them():
    t1 = task(
        "foundation",
        line("personnel", "coordinator", 30),
        line("personnel", "lecturer_fee", 99),
        id=1,
    )
    t2 = task(
        "sector",
        line("private_transfer", "consignment", 20),
        line("private_transfer", "medical", 5),
        line("lease_deposit", None, 10),
        line("project", None, 1000),
        id=2,
    )
    t3 = task("sector", line("facilities", "incidental", 40), line("project", None, 100), id=3)
    findings = [
        (f.rule, f.scope_id, f.amount)
        for f in check_budget(plan(t1, t2, t3), RULES)
        if f.kind == "declaration" and f.scope == "task"
    ]
    assert findings == [
        ("personnel.conditions", 1, 30),
        ("capital.conditions", 3, 40),
        ("private_transfer.conditions", 2, 25),
        ("lease_deposit.conditions", 2, 10),
    ]


def test_declaration_and_cap_messages_in_both_languages():
    budget = plan(task("sector", line("personnel", "coordinator", 101), line("project", None, 899)))
    with translation.override("en"):
        findings = check_budget(budget, RULES)
        cap = caps(findings)[0]
        assert cap.message == (
            "Personnel-type costs of 101 won exceed 10% of the sector plan's 1,000 won "
            "(limit 100 won, 1 won over)."
        )
        assert findings[-1].message.startswith("The personnel-type costs pay staff")
    with translation.override("ko"):
        findings = check_budget(budget, RULES)
        cap = caps(findings)[0]
        assert "인건비성 경비" in cap.message and "1,000원" in cap.message
        assert "초과" in cap.message
        assert findings[-1].message.startswith("인건비성 경비는")


# ------------------------------------------------------------- properties

CATEGORIES = [(c.code, s.code) for c in RULES.categories for s in c.subtypes] + [
    (c.code, None) for c in RULES.categories
]


@st.composite
def budgets(draw):
    tasks = []
    for t in range(draw(st.integers(1, 4))):
        lines = []
        for n in range(draw(st.integers(0, 6))):
            category, subtype = draw(st.sampled_from(CATEGORIES))
            found = RULES.category(category)
            lines.append(
                BudgetLine(
                    f"{t}-{n}",
                    category,
                    subtype,
                    found.nature or draw(st.sampled_from(["current", "capital"])),
                    draw(st.sampled_from(["city", "district", "other"])),
                    draw(st.integers(0, 10**9)),
                    draw(st.sampled_from([None, "가", "나"])),
                )
            )
        tasks.append(
            TaskBudget(t, draw(st.sampled_from(["foundation", "sector"])), "", tuple(lines))
        )
    return PlanBudget(
        tuple(tasks),
        draw(st.integers(0, 10**10)),
        draw(st.one_of(st.none(), st.integers(0, 10**10))),
    )


def _verdict(budget):
    return sorted(
        (f.rule, str(f.scope_id), f.sub_project or "")
        for f in check_budget(budget, RULES)
        if f.kind != "declaration"
    )


@settings(max_examples=150, deadline=None)
@given(budgets())
def test_findings_never_report_negative_or_inconsistent_numbers(budget):
    for f in check_budget(budget, RULES):
        assert f.excess >= 0 and f.amount >= 0 and f.limit >= 0
        if f.kind == "cap":
            assert f.excess == f.amount - f.limit >= 1
    for m in cap_measures(budget, RULES):
        assert m.ok == (Fraction(m.amount) <= m.share * m.base)
        assert m.limit <= m.share * m.base < m.limit + 1


@settings(max_examples=150, deadline=None)
@given(budgets(), st.integers(2, 1000))
def test_scaling_every_amount_keeps_the_verdict(budget, factor):
    scaled = PlanBudget(
        tuple(
            replace(t, lines=tuple(replace(x, amount=x.amount * factor) for x in t.lines))
            for t in budget.tasks
        ),
        budget.city_subsidy * factor,
        None if budget.envelope is None else budget.envelope * factor,
    )
    assert _verdict(scaled) == _verdict(budget)


# ------------------------------------------------------------- what the task's plan states


def _stated(joint, reason, *lines):
    t = TaskBudget(7, "sector", "과제", tuple(lines), joint_operation=joint, transfer_reason=reason)
    return [
        (f.rule, f.scope_id, f.amount)
        for f in check_budget(plan(t), RULES)
        if f.kind == "prohibited"
    ]


def test_capital_without_joint_operation_is_prohibited():
    lines = (line("facilities", "construction", 300), line("project", None, 700))
    assert _stated(False, None, *lines) == [("capital.joint_operation", 7, 300)]
    assert _stated(True, None, *lines) == []
    assert _stated(None, None, *lines) == []  # not recorded: the declaration asks instead
    assert _stated(False, None, line("project", None, 700)) == []  # nothing that needs it


def test_private_transfer_needs_joint_operation_and_a_reason():
    lines = (line("private_transfer", "consignment", 200), line("project", None, 800))
    assert _stated(False, "", *lines) == [
        ("private_transfer.joint_operation", 7, 200),
        ("private_transfer.reason", 7, 200),
    ]
    assert _stated(True, "   ", *lines) == [("private_transfer.reason", 7, 200)]
    assert _stated(True, "민간 전문기관만 운영할 수 있음", *lines) == []
    with translation.override("en"):
        t = TaskBudget(7, "sector", "", lines, joint_operation=True, transfer_reason="")
        (finding,) = blocking(check_budget(plan(t), RULES))
    assert finding.message.startswith("Private transfers need a clear reason")
    assert finding.article == "운영지침 3.2.2 (3) ②"
