"""Budget rules of the Community Innovation Plan (운영지침 3.2, 계획 수립 가이드라인).

Pure functions over plain data: a plan's budget (tasks and their lines) and the rules
read from ``policies/seoul-2020/plans/budget-rules.toml``. No database access.

Arithmetic is exact on integer 원. A percentage cap passes when
``amount × denominator ≤ base × numerator``; the limit reported in won is
``floor(base × share)``, so for integer amounts both readings agree and the excess of a
broken cap is ``amount − limit`` (at least one won).

Prohibitions no number can check (운영지침 3.2.1 and the conditions of 3.2.2) come back
as findings of kind ``declaration``: a statement a reviewer must confirm.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Literal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

Nature = Literal["current", "capital"]
Source = Literal["city", "district", "other"]
TaskKind = Literal["foundation", "sector"]
FindingKind = Literal["prohibited", "cap", "declaration"]
Scope = Literal["plan", "task", "line"]
SOURCES: tuple[Source, ...] = ("city", "district", "other")


def is_english() -> bool:
    """Labels from the policy file come in Korean and English; pick by active language."""
    return (get_language() or "ko").startswith("en")


# ---------------------------------------------------------------- the plan's budget


@dataclass(frozen=True)
class BudgetLine:
    id: int | str
    category: str  # a category code of the policy (e.g. "facilities")
    subtype: str | None  # a subtype code of that category, or None
    nature: Nature  # 경상보조 / 자본보조
    source: Source  # 시비 / 구비 / 기타 (국비 and others)
    amount: int  # 원, never negative
    sub_project: str | None = None  # 세부사업 within the task; None: the task is one


@dataclass(frozen=True)
class TaskBudget:
    id: int | str
    kind: TaskKind  # 협치기반 구축 (foundation) or 분야별 협치사업 (sector)
    title: str
    lines: tuple[BudgetLine, ...] = ()
    # What the task's plan states, when known (None: not recorded, a reviewer confirms):
    # planned and run jointly by public and private partners; why a transfer is needed.
    joint_operation: bool | None = None
    transfer_reason: str | None = None


@dataclass(frozen=True)
class PlanBudget:
    tasks: tuple[TaskBudget, ...]
    city_subsidy: int  # 서울시 지원금 the execution plan is designed on
    envelope: int | None = None  # the district's allocated amount, when known


# ---------------------------------------------------------------- the rules (plain data)


@dataclass(frozen=True)
class Subtype:
    code: str
    label: str
    label_en: str
    counts_as: frozenset[str]


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    label_en: str
    nature: Nature | None  # None: either nature may be declared
    counts_as: frozenset[str]  # classes the caps count (personnel, capital, ...)
    subtypes: tuple[Subtype, ...] = ()

    def subtype(self, code: str) -> Subtype | None:
        return next((s for s in self.subtypes if s.code == code), None)

    def classes(self, subtype: str | None) -> frozenset[str]:
        found = self.subtype(subtype) if subtype else None
        return found.counts_as if found is not None else self.counts_as


@dataclass(frozen=True)
class ClassCap:
    """Σ lines of a class ≤ share × base, over the sector plan or over each 세부사업."""

    rule: str
    article: str
    counted_class: str
    per: Literal["sector_plan", "sub_project"]
    share: Fraction
    # sector_plan caps: whose lines count in the amount ("sector" or every task, "plan");
    # sub_project caps: which tasks' 세부사업 are checked.
    tasks: Literal["sector", "plan"]


@dataclass(frozen=True)
class SectorShare:
    """Sector projects ≤ share × city subsidy (계획 수립 가이드라인)."""

    rule: str
    article: str
    share: Fraction
    sources: frozenset[str]


@dataclass(frozen=True)
class EnvelopeRule:
    rule: str
    article: str
    sources: frozenset[str]


@dataclass(frozen=True)
class Declaration:
    """A statement a reviewer confirms: once per plan, or per task holding a class."""

    rule: str
    article: str
    text: str
    text_en: str
    when_class: str | None = None  # None: always, at plan level

    def message(self, english: bool | None = None) -> str:
        english = is_english() if english is None else english
        return self.text_en if english else self.text


@dataclass(frozen=True)
class Requirement:
    """A task holding a class must state something in its plan (운영지침 3.2.2): planned
    and run jointly ("joint_operation") or the reason it needs it ("transfer_reason")."""

    rule: str
    article: str
    when_class: str
    needs: Literal["joint_operation", "transfer_reason"]


@dataclass(frozen=True)
class BudgetRules:
    key: str
    categories: tuple[Category, ...]
    cap_sources: frozenset[str]  # sources counted in the caps' amounts and bases
    caps: tuple[ClassCap, ...]
    sector_share: SectorShare | None
    envelope: EnvelopeRule | None
    declarations: tuple[Declaration, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    nature_article: str = ""
    class_labels: dict[str, tuple[str, str]] = field(default_factory=dict)

    def category(self, code: str) -> Category | None:
        return self._by_code.get(code)

    @cached_property
    def _by_code(self) -> dict[str, Category]:
        return {c.code: c for c in self.categories}

    @cached_property
    def _item_classes(self) -> dict[tuple[str, str | None], frozenset[str]]:
        table: dict[tuple[str, str | None], frozenset[str]] = {}
        for c in self.categories:
            table[(c.code, None)] = c.counts_as
            for sub in c.subtypes:
                table[(c.code, sub.code)] = sub.counts_as
        return table

    def classes_of(self, category: str, subtype: str | None) -> frozenset[str] | None:
        """The cap classes a budget item counts in; None for an item the policy lacks."""
        return self._item_classes.get((category, subtype or None))

    def class_label(self, code: str, english: bool | None = None) -> str:
        ko, en = self.class_labels.get(code, (code, code))
        english = is_english() if english is None else english
        return en if english else ko


# ---------------------------------------------------------------- findings


@dataclass(frozen=True)
class Finding:
    rule: str
    article: str
    kind: FindingKind
    scope: Scope
    scope_id: int | str | None
    amount: int
    base: int
    limit: int
    excess: int
    message: str
    sub_project: str | None = None  # the 세부사업 of a per-sub-project cap


@dataclass(frozen=True)
class CapMeasure:
    """One cap as measured, broken or not (the live check shows the headroom)."""

    rule: str
    article: str
    scope: Scope
    scope_id: int | str | None
    amount: int
    base: int
    share: Fraction
    sub_project: str | None = None
    label: str = ""

    @property
    def limit(self) -> int:
        return self.base * self.share.numerator // self.share.denominator

    @property
    def ok(self) -> bool:
        return self.amount * self.share.denominator <= self.base * self.share.numerator

    @property
    def excess(self) -> int:
        return 0 if self.ok else self.amount - self.limit


def percent(share: Fraction) -> str:
    value = share * 100
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}"


def _won(amount: int) -> str:
    return f"{amount:,}"


# ---------------------------------------------------------------- the check


def cap_measures(plan: PlanBudget, rules: BudgetRules) -> list[CapMeasure]:
    """Every numeric cap of the rules measured on the plan, in a stable order."""
    english = is_english()  # once: the active language is a thread-local look-up
    counted = rules.cap_sources
    sector_total = 0  # S: 분야별 협치 사업계획 총 예산
    class_sector: dict[str, int] = defaultdict(int)
    class_plan: dict[str, int] = defaultdict(int)
    # (task id, sub-project) → total and per-class amounts; the task's kind kept beside.
    sub_total: dict[tuple[int | str, str | None], int] = defaultdict(int)
    sub_class: dict[tuple[int | str, str | None], dict[str, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    sub_kind: dict[tuple[int | str, str | None], TaskKind] = {}
    share_sources = rules.sector_share.sources if rules.sector_share else frozenset()
    sector_for_share = 0
    envelope_sources = rules.envelope.sources if rules.envelope else frozenset()
    envelope_amount = 0
    classes_of = rules._item_classes.get
    none: frozenset[str] = frozenset()

    for task in plan.tasks:
        is_sector = task.kind == "sector"
        for line in task.lines:
            amount = line.amount
            if line.source in envelope_sources:
                envelope_amount += amount
            if is_sector and line.source in share_sources:
                sector_for_share += amount
            if line.source not in counted:
                continue
            classes = classes_of((line.category, line.subtype or None), none)
            key = (task.id, line.sub_project)
            sub_total[key] += amount
            sub_kind[key] = task.kind
            if is_sector:
                sector_total += amount
            for cls in classes:
                class_plan[cls] += amount
                sub_class[key][cls] += amount
                if is_sector:
                    class_sector[cls] += amount

    measures: list[CapMeasure] = []
    if rules.sector_share is not None:
        rule = rules.sector_share
        measures.append(
            CapMeasure(
                rule.rule,
                rule.article,
                "plan",
                None,
                sector_for_share,
                plan.city_subsidy,
                rule.share,
            )
        )
    for cap in rules.caps:
        label = rules.class_label(cap.counted_class, english)
        if cap.per == "sector_plan":
            source = class_sector if cap.tasks == "sector" else class_plan
            measures.append(
                CapMeasure(
                    cap.rule,
                    cap.article,
                    "plan",
                    None,
                    source.get(cap.counted_class, 0),
                    sector_total,
                    cap.share,
                    label=label,
                )
            )
            continue
        for key, total in sub_total.items():
            if cap.tasks == "sector" and sub_kind[key] != "sector":
                continue
            amount = sub_class[key].get(cap.counted_class, 0)
            if not amount:
                continue  # a sub-project without the class cannot break its cap
            measures.append(
                CapMeasure(
                    cap.rule,
                    cap.article,
                    "task",
                    key[0],
                    amount,
                    total,
                    cap.share,
                    sub_project=key[1],
                    label=label,
                )
            )
    if rules.envelope is not None and plan.envelope is not None:
        measures.append(
            CapMeasure(
                rules.envelope.rule,
                rules.envelope.article,
                "plan",
                None,
                envelope_amount,
                plan.envelope,
                Fraction(1),
            )
        )
    return measures


def _cap_message(measure: CapMeasure, rules: BudgetRules) -> str:
    numbers = {
        "amount": _won(measure.amount),
        "base": _won(measure.base),
        "limit": _won(measure.limit),
        "excess": _won(measure.excess),
        "pct": percent(measure.share),
        "label": measure.label,
    }
    if rules.sector_share is not None and measure.rule == rules.sector_share.rule:
        return (
            _(
                "Sector projects total %(amount)s won, more than %(pct)s%% of the city "
                "subsidy of %(base)s won (limit %(limit)s won, %(excess)s won over)."
            )
            % numbers
        )
    if rules.envelope is not None and measure.rule == rules.envelope.rule:
        return (
            _(
                "City funds of %(amount)s won exceed the district's envelope of %(base)s won "
                "by %(excess)s won."
            )
            % numbers
        )
    if measure.sub_project is not None or measure.scope == "task":
        return (
            _(
                "%(label)s of %(amount)s won exceed %(pct)s%% of this sub-project's "
                "%(base)s won (limit %(limit)s won, %(excess)s won over)."
            )
            % numbers
        )
    return (
        _(
            "%(label)s of %(amount)s won exceed %(pct)s%% of the sector plan's "
            "%(base)s won (limit %(limit)s won, %(excess)s won over)."
        )
        % numbers
    )


def _line_findings(plan: PlanBudget, rules: BudgetRules) -> list[Finding]:
    findings: list[Finding] = []
    for task in plan.tasks:
        for line in task.lines:
            if line.amount < 0:
                raise ValueError(f"budget line {line.id!r}: a negative amount ({line.amount})")
            category = rules.category(line.category)
            if category is None or rules.classes_of(line.category, line.subtype) is None:
                findings.append(
                    Finding(
                        "category.unknown",
                        rules.key,
                        "prohibited",
                        "line",
                        line.id,
                        line.amount,
                        0,
                        0,
                        line.amount,
                        _("The budget item %(code)s is not one of the policy's items.")
                        % {"code": f"{line.category}/{line.subtype or ''}".rstrip("/")},
                    )
                )
                continue
            if category.nature is not None and line.nature != category.nature:
                label = {"label": category.label_en if is_english() else category.label}
                message = (
                    _("%(label)s may only be budgeted as a capital subsidy (자본보조).")
                    if category.nature == "capital"
                    else _("%(label)s may only be budgeted as a current subsidy (경상보조).")
                ) % label
                findings.append(
                    Finding(
                        "nature.mismatch",
                        rules.nature_article,
                        "prohibited",
                        "line",
                        line.id,
                        line.amount,
                        0,
                        0,
                        line.amount,
                        message,
                    )
                )
    return findings


TaskClasses = list[tuple[TaskBudget, dict[str, int]]]


def _task_classes(plan: PlanBudget, rules: BudgetRules) -> TaskClasses:
    """Each task with its amount per cap class (one walk over the lines)."""
    table = rules._item_classes
    none: frozenset[str] = frozenset()
    result: TaskClasses = []
    for task in plan.tasks:
        amounts: dict[str, int] = defaultdict(int)
        for line in task.lines:
            for cls in table.get((line.category, line.subtype or None), none):
                amounts[cls] += line.amount
        result.append((task, amounts))
    return result


def _declaration_findings(rules: BudgetRules, by_task: TaskClasses) -> list[Finding]:
    english = is_english()
    findings: list[Finding] = []
    for declaration in rules.declarations:
        if declaration.when_class is None:
            findings.append(
                Finding(
                    declaration.rule,
                    declaration.article,
                    "declaration",
                    "plan",
                    None,
                    0,
                    0,
                    0,
                    0,
                    declaration.message(english),
                )
            )
            continue
        for task, amounts in by_task:
            amount = amounts.get(declaration.when_class, 0)
            if amount:
                findings.append(
                    Finding(
                        declaration.rule,
                        declaration.article,
                        "declaration",
                        "task",
                        task.id,
                        amount,
                        0,
                        0,
                        0,
                        declaration.message(english),
                    )
                )
    return findings


def check_budget(plan: PlanBudget, rules: BudgetRules) -> list[Finding]:
    """Findings of the plan's budget: prohibited lines, broken caps, then declarations."""
    findings = _line_findings(plan, rules)
    for measure in cap_measures(plan, rules):
        if not measure.ok:
            findings.append(
                Finding(
                    measure.rule,
                    measure.article,
                    "cap",
                    measure.scope,
                    measure.scope_id,
                    measure.amount,
                    measure.base,
                    measure.limit,
                    measure.excess,
                    _cap_message(measure, rules),
                    sub_project=measure.sub_project,
                )
            )
    by_task = _task_classes(plan, rules)
    findings += _requirement_findings(rules, by_task)
    findings += _declaration_findings(rules, by_task)
    return findings


def _requirement_findings(rules: BudgetRules, by_task: TaskClasses) -> list[Finding]:
    """Tasks whose plan says it lacks what their spending requires (known facts only)."""
    findings: list[Finding] = []
    if not rules.requirements:
        return findings
    english = is_english()
    for task, amounts in by_task:
        if task.joint_operation is not False and task.transfer_reason is None:
            continue  # nothing recorded against it: the declarations ask the reviewer
        for requirement in rules.requirements:
            amount = amounts.get(requirement.when_class, 0)
            if not amount:
                continue
            if requirement.needs == "joint_operation":
                missing = task.joint_operation is False
                message = _(
                    "%(label)s need planning and execution run jointly by public and "
                    "private partners; this task does not plan it."
                )
            else:
                missing = task.transfer_reason is not None and not task.transfer_reason.strip()
                message = _(
                    "%(label)s need a clear reason why the project cannot be done "
                    "otherwise; this task gives none."
                )
            if missing:
                label = rules.class_label(requirement.when_class, english)
                findings.append(
                    Finding(
                        requirement.rule,
                        requirement.article,
                        "prohibited",
                        "task",
                        task.id,
                        amount,
                        0,
                        0,
                        amount,
                        message % {"label": label},
                    )
                )
    return findings


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """Findings that stop a submission: prohibited lines and broken caps."""
    return [f for f in findings if f.kind != "declaration"]
