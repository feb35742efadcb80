"""The budget-rules policy file (``kind = "budget_rules"``) and its loader.

``policies/seoul-2020/plans/budget-rules.toml`` lists the budget items (편성목 classes and
their subtypes, Korean and English labels, the cap classes each counts in), the caps of
운영지침 3.2.2 and the guideline's sector share, and the statements a reviewer confirms
for what no number can check. It is validated with every policy at start-up; the engine
(:mod:`hyeopchi.plans.budget_rules`) receives it as plain frozen data.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hyeopchi.bodies.rulebook import Share
from hyeopchi.core.policy import policies

from . import budget_rules as engine

Code = str
_CODE = r"^[a-z][a-z0-9_]*$"
SourceName = Literal["city", "district", "other"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class CapClassSpec(_Strict):
    code: Code = Field(pattern=_CODE)
    label: str
    label_en: str


class SubtypeSpec(_Strict):
    code: Code = Field(pattern=_CODE)
    label: str
    label_en: str
    # None: as the category; [] : counted in no cap (회의 수당, 강사비)
    counts_as: list[Code] | None = None
    note: str = ""


class CategorySpec(_Strict):
    code: Code = Field(pattern=_CODE)
    label: str
    label_en: str
    nature: Literal["current", "capital"] | None = None
    counts_as: list[Code] = Field(default_factory=list)
    note: str = ""
    subtypes: list[SubtypeSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct_subtypes(self) -> CategorySpec:
        codes = [s.code for s in self.subtypes]
        if len(codes) != len(set(codes)):
            raise ValueError(f"category {self.code!r} lists a subtype code twice")
        return self


class CapSpec(_Strict):
    rule: str = Field(pattern=r"^[a-z][a-z0-9_.]*$")
    article: str
    counted_class: Code
    per: Literal["sector_plan", "sub_project"]
    share: Share
    tasks: Literal["sector", "plan"] = "sector"
    note: str = ""


class SectorShareSpec(_Strict):
    rule: str = "sector.city_subsidy_share"
    article: str
    share: Share
    sources: list[SourceName] = Field(min_length=1)
    note: str = ""


class EnvelopeSpec(_Strict):
    rule: str = "envelope.district"
    article: str
    sources: list[SourceName] = Field(min_length=1)
    note: str = ""


class DeclarationSpec(_Strict):
    rule: str = Field(pattern=r"^[a-z][a-z0-9_.]*$")
    article: str
    text: str = Field(min_length=1)
    text_en: str = Field(min_length=1)
    when_class: Code | None = None


class RequirementSpec(_Strict):
    rule: str = Field(pattern=r"^[a-z][a-z0-9_.]*$")
    article: str
    when_class: Code
    needs: Literal["joint_operation", "transfer_reason"]


class BudgetRulesPolicy(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    name_en: str
    source: str
    note: str = ""
    cap_sources: list[SourceName] = Field(min_length=1)
    nature_article: str
    classes: list[CapClassSpec] = Field(min_length=1)
    categories: list[CategorySpec] = Field(min_length=1)
    caps: list[CapSpec] = Field(default_factory=list)
    sector_share: SectorShareSpec | None = None
    envelope: EnvelopeSpec | None = None
    declarations: list[DeclarationSpec] = Field(default_factory=list)
    requirements: list[RequirementSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> BudgetRulesPolicy:
        classes = {c.code for c in self.classes}
        codes = [c.code for c in self.categories]
        if len(codes) != len(set(codes)):
            raise ValueError("a category code is listed twice")
        for category in self.categories:
            used = list(category.counts_as)
            for sub in category.subtypes:
                used += sub.counts_as or []
            unknown = sorted(set(used) - classes)
            if unknown:
                raise ValueError(
                    f"category {category.code!r} counts in unknown class(es) {unknown}; "
                    f"declare them under [[classes]]"
                )
        for cap in self.caps:
            if cap.counted_class not in classes:
                raise ValueError(f"cap {cap.rule!r} counts unknown class {cap.counted_class!r}")
        for declaration in self.declarations:
            if declaration.when_class and declaration.when_class not in classes:
                raise ValueError(
                    f"declaration {declaration.rule!r} names unknown class "
                    f"{declaration.when_class!r}"
                )
        for requirement in self.requirements:
            if requirement.when_class not in classes:
                raise ValueError(
                    f"requirement {requirement.rule!r} names unknown class "
                    f"{requirement.when_class!r}"
                )
        rules = (
            [c.rule for c in self.caps]
            + [d.rule for d in self.declarations]
            + [r.rule for r in self.requirements]
        )
        if len(rules) != len(set(rules)):
            raise ValueError("a rule name is used twice")
        return self

    def to_rules(self) -> engine.BudgetRules:
        return engine.BudgetRules(
            key=self.key,
            categories=tuple(
                engine.Category(
                    code=c.code,
                    label=c.label,
                    label_en=c.label_en,
                    nature=c.nature,
                    counts_as=frozenset(c.counts_as),
                    subtypes=tuple(
                        engine.Subtype(
                            code=s.code,
                            label=s.label,
                            label_en=s.label_en,
                            counts_as=frozenset(
                                c.counts_as if s.counts_as is None else s.counts_as
                            ),
                        )
                        for s in c.subtypes
                    ),
                )
                for c in self.categories
            ),
            cap_sources=frozenset(self.cap_sources),
            caps=tuple(
                engine.ClassCap(
                    rule=c.rule,
                    article=c.article,
                    counted_class=c.counted_class,
                    per=c.per,
                    share=c.share,
                    tasks=c.tasks,
                )
                for c in self.caps
            ),
            sector_share=(
                engine.SectorShare(
                    rule=self.sector_share.rule,
                    article=self.sector_share.article,
                    share=self.sector_share.share,
                    sources=frozenset(self.sector_share.sources),
                )
                if self.sector_share
                else None
            ),
            envelope=(
                engine.EnvelopeRule(
                    rule=self.envelope.rule,
                    article=self.envelope.article,
                    sources=frozenset(self.envelope.sources),
                )
                if self.envelope
                else None
            ),
            declarations=tuple(
                engine.Declaration(
                    rule=d.rule,
                    article=d.article,
                    text=d.text,
                    text_en=d.text_en,
                    when_class=d.when_class,
                )
                for d in self.declarations
            ),
            requirements=tuple(
                engine.Requirement(
                    rule=r.rule, article=r.article, when_class=r.when_class, needs=r.needs
                )
                for r in self.requirements
            ),
            nature_article=self.nature_article,
            class_labels={c.code: (c.label, c.label_en) for c in self.classes},
        )


# The policy version plans are checked against (the only one so far).
BUDGET_POLICY = "seoul-2020"

_cache: dict[tuple[str, int], engine.BudgetRules] = {}


def budget_policy(policy_version: str = BUDGET_POLICY) -> BudgetRulesPolicy:
    document = policies().get("budget_rules", policy_version)
    assert isinstance(document, BudgetRulesPolicy)
    return document


def load_budget_rules(policy_version: str = BUDGET_POLICY) -> engine.BudgetRules:
    """The engine's rules for a policy version (converted once per loaded registry)."""
    document = budget_policy(policy_version)
    key = (policy_version, id(document))
    rules = _cache.get(key)
    if rules is None:
        _cache.clear()
        rules = _cache[key] = document.to_rules()
    return rules


def category_choices(policy_version: str = BUDGET_POLICY) -> list[tuple[str, str]]:
    """(code, label) of every budget item, labels in the active language."""
    rules = load_budget_rules(policy_version)
    return [(c.code, c.label_en if engine.is_english() else c.label) for c in rules.categories]


def subtype_choices(category: str, policy_version: str = BUDGET_POLICY) -> list[tuple[str, str]]:
    found = load_budget_rules(policy_version).category(category)
    if found is None:
        return []
    return [(s.code, s.label_en if engine.is_english() else s.label) for s in found.subtypes]


def item_label(category: str, subtype: str = "", policy_version: str = BUDGET_POLICY) -> str:
    """예산과목: the budget item's label from the policy (with its subtype), in the active
    language; an unknown code is shown as it is."""
    found = load_budget_rules(policy_version).category(category)
    if found is None:
        return category
    english = engine.is_english()
    label = found.label_en if english else found.label
    sub = found.subtype(subtype) if subtype else None
    if sub is not None:
        label += " · " + (sub.label_en if english else sub.label)
    return label
