"""The budget-rules policy file: the shipped one loads at start-up, a broken one is refused
with a message naming the file, the key and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from hyeopchi.core.policy import PolicyError, load_policies, policies
from hyeopchi.plans.budget_policy import BudgetRulesPolicy, load_budget_rules

SHIPPED = (
    Path(__file__).resolve().parents[2] / "policies" / "seoul-2020" / "plans" / "budget-rules.toml"
)
REL = "seoul-2020/plans/budget-rules.toml"


def load_with(tmp_path: Path, text: str):
    folder = tmp_path / "seoul-2020" / "plans"
    folder.mkdir(parents=True)
    (folder / "budget-rules.toml").write_text(text, encoding="utf-8")
    return load_policies(tmp_path)


def test_shipped_policy_is_registered_and_converted():
    document = policies().get("budget_rules", "seoul-2020")
    assert isinstance(document, BudgetRulesPolicy)
    assert policies().source_of("budget_rules", "seoul-2020") == REL
    rules = load_budget_rules()
    assert rules is load_budget_rules()  # converted once
    assert rules.key == "seoul-2020" and len(rules.caps) == 6


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ('share = "10/100"', 'share = "10/0"', "caps.0.share", "not a fraction"),
        ('share = "40/100"', 'share = "140/100"', "caps.1.share", "at most 1"),
        ('\nper = "sector_plan"', '\nper = "district"', "caps.0.per", "Input should be"),
        ('counted_class = "personnel"', 'counted_class = "staff"', "(file)", "unknown class"),
        ('counts_as = ["capital"]', 'counts_as = ["capitol"]', "(file)", "unknown class"),
        ('code = "other"', 'code = "operating"', "(file)", "listed twice"),
        ('code = "rent"', 'code = "Rent!"', "categories.1.subtypes.3.code", "pattern"),
        ('sources = ["city"]', "sources = []", "sector_share.sources", "at least 1"),
        ('nature = "capital"', 'nature = "fixed"', "categories.3.nature", "Input should be"),
    ],
)
def test_broken_file_names_file_key_and_problem(tmp_path, old, new, key, problem):
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(PolicyError) as err:
        load_with(tmp_path, text.replace(old, new, 1))
    assert err.value.path == REL
    assert err.value.key == key
    assert problem in err.value.problem
    assert REL in str(err.value)


def test_unknown_setting_is_refused(tmp_path):
    text = SHIPPED.read_text(encoding="utf-8").replace(
        "cap_sources =", "cap_source = []\ncap_sources =", 1
    )
    with pytest.raises(PolicyError) as err:
        load_with(tmp_path, text)
    assert err.value.key == "cap_source"


def test_a_second_file_may_change_the_numbers(tmp_path):
    text = (
        SHIPPED.read_text(encoding="utf-8")
        .replace('key = "seoul-2020"', 'key = "seoul-2021"')
        .replace('share = "10/100"', 'share = "15/100"')
    )
    registry = load_with(tmp_path, text)
    rules = registry.get("budget_rules", "seoul-2021").to_rules()
    personnel = next(c for c in rules.caps if c.rule == "personnel.sector_share")
    assert personnel.share.numerator * 100 == 15 * personnel.share.denominator
