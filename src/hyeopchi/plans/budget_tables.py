"""The budget tables of the execution plan (부록5 §4, 운영지침 3.3.4 and 3.4.1).

4.1 the city subsidy by nature (경상보조 / 자본보조), 4.2 every budget item by funding
source (시 보조금, 구 사업비, 기타, 총 사업비), 4.3 every task by funding source, and the
line items of each task (부록6: 예산과목, 산출내역, 시비, 구비, 국비·기타). Pure functions
over plain rows; the PDF and the XLSX both print these, so they always agree.

Amounts stay in 원; forms show 천원, rounded half up cell by cell, with totals rounded
from the exact sum (so a column may differ from the sum of its rounded cells by rounding).
Shares are exact fractions of the grand total (총사업비 = 100 %), shown to one decimal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class LineRow:
    """One budget line as the tables need it."""

    task_id: int | str
    category: str
    subtype: str
    item: str  # the budget item's label (예산과목)
    description: str  # 산출내역
    nature: str  # current | capital
    source: str  # city | district | other
    amount: int
    category_label: str = ""  # the category alone (table 4.2 groups by it)


@dataclass(frozen=True)
class SourceRow:
    """A row split by funding source (원)."""

    key: str
    label: str
    city: int = 0
    district: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.city + self.district + self.other

    def add(self, source: str, amount: int) -> SourceRow:
        values = {"city": self.city, "district": self.district, "other": self.other}
        values[source] = values.get(source, 0) + amount
        return SourceRow(self.key, self.label, **values)


@dataclass(frozen=True)
class NatureTable:
    """4.1: the city subsidy split by nature."""

    current: int
    capital: int

    @property
    def total(self) -> int:
        return self.current + self.capital


def thousands(amount: int) -> int:
    """원 → 천원, rounded half up (as official forms print it)."""
    sign = -1 if amount < 0 else 1
    return sign * ((abs(amount) + 500) // 1000)


def share(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


def percent_text(part: int, whole: int) -> str:
    """An exact share shown to one decimal, rounded half up: 12.3%."""
    if not whole:
        return "–"
    tenths = (abs(part) * 1000 * 2 + whole) // (2 * whole)
    sign = "-" if part < 0 else ""
    return f"{sign}{tenths // 10}.{tenths % 10}%"


def source_header(first: str) -> list[str]:
    """The column heads of tables 4.2 and 4.3 (by item, by task), for the PDF and the XLSX."""
    return [
        first,
        _("City subsidy (thousand won)"),
        _("District funds (thousand won)"),
        _("Other funds (thousand won)"),
        _("Total (thousand won)"),
        _("Share of total"),
    ]


def by_nature(lines: Iterable[LineRow]) -> NatureTable:
    current = capital = 0
    for line in lines:
        if line.source != "city":
            continue
        if line.nature == "capital":
            capital += line.amount
        else:
            current += line.amount
    return NatureTable(current, capital)


def by_item(lines: Iterable[LineRow], order: Sequence[str] = ()) -> list[SourceRow]:
    """One row per budget item (category), in the policy's order, then any unknown item."""
    rows: dict[str, SourceRow] = {}
    for line in lines:
        row = rows.get(line.category) or SourceRow(line.category, line.category_label or line.item)
        rows[line.category] = row.add(line.source, line.amount)
    rank = {code: n for n, code in enumerate(order)}
    return sorted(rows.values(), key=lambda r: (rank.get(r.key, len(rank)), r.key))


def by_task(tasks: Sequence[tuple[int | str, str]], lines: Iterable[LineRow]) -> list[SourceRow]:
    """One row per task (id, title), in the order given; tasks without lines show zeros."""
    rows = {task_id: SourceRow(str(task_id), title) for task_id, title in tasks}
    for line in lines:
        if line.task_id in rows:
            rows[line.task_id] = rows[line.task_id].add(line.source, line.amount)
    return list(rows.values())


def total_row(rows: Iterable[SourceRow], label: str) -> SourceRow:
    result = SourceRow("total", label)
    for row in rows:
        result = SourceRow(
            "total",
            label,
            result.city + row.city,
            result.district + row.district,
            result.other + row.other,
        )
    return result
