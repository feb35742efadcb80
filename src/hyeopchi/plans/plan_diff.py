"""What changed between two frozen versions of a plan, in a form a person can read.

Both sides are snapshots as :func:`hyeopchi.plans.snapshot.plan_snapshot` writes them:
nested dicts and lists of plain JSON values. The diff does not depend on their exact
shape; it follows three conventions:

- a list of dicts whose items carry an ``id`` is a collection: items are matched by id
  (so a task that moved or was renamed is still the same task), and each is added,
  removed or changed;
- a multi-line text is compared line by line (paragraphs of a plan section), so the
  reader sees which lines went and which came;
- an integer is shown with its delta (money in 원, counts, indicator targets).

The totals of every budget line's ``amount`` (overall, per funding source, per task) are
compared as well, so "the plan grew by 3,000만 원 of 시비" is one line at the top.

Pure: no Django, no database. The page and the API translate the keys into labels.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

Kind = Literal["added", "removed", "changed"]
Labeller = Callable[[Mapping[str, Any]], str]

ID_KEY = "id"
# Keys of an item that name it for a reader, best first.
LABEL_KEYS = ("title", "name", "label", "heading", "number", "code", "category")
# Keys that are bookkeeping, not content: never reported as changes.
IGNORED_KEYS = frozenset({"id", "created_at", "updated_at", "modified_at", "position"})
# Collections holding budget lines, and the keys that split their totals.
BUDGET_COLLECTIONS = frozenset({"budget_lines", "lines"})
AMOUNT_KEY = "amount"
SOURCE_KEY = "source"


@dataclass(frozen=True)
class TextLine:
    """One line of a compared text: ``same`` (context), ``removed`` or ``added``."""

    op: Literal["same", "removed", "added"]
    text: str


@dataclass(frozen=True)
class Step:
    """One level of where a change is: a collection and the item in it (or a key)."""

    key: str  # collection or dict key, e.g. "tasks", "sections", "vision"
    item_id: Any = None  # the item's id inside a collection
    item_label: str = ""  # the item's own title, name, …

    def __str__(self) -> str:
        if self.item_id is None:
            return self.key
        return f"{self.key}[{self.item_label or self.item_id}]"


@dataclass(frozen=True)
class Change:
    """One difference. ``where`` leads to the thing; ``field`` is the changed key (empty
    when a whole item was added or removed)."""

    kind: Kind
    where: tuple[Step, ...]
    field: str = ""
    before: Any = None
    after: Any = None
    delta: int | Decimal | None = None  # after - before, for numbers (decimals as text)
    lines: tuple[TextLine, ...] = ()  # line diff, for multi-line texts

    @property
    def path(self) -> str:
        parts = [str(s) for s in self.where]
        if self.field:
            parts.append(self.field)
        return ".".join(parts)

    @property
    def collection(self) -> str:
        """The innermost collection the change is in ('' at the plan's top level)."""
        for step in reversed(self.where):
            if step.item_id is not None:
                return step.key
        return ""

    @property
    def is_item(self) -> bool:
        """A whole item added or removed (not a field of it)."""
        return not self.field and bool(self.where) and self.where[-1].item_id is not None


@dataclass(frozen=True)
class TotalChange:
    """A money total on both sides: ``scope`` is "plan", "source" or "task"."""

    scope: Literal["plan", "source", "task"]
    key: Any  # None for the plan, the source code, the task id
    label: str
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class PlanDiff:
    changes: tuple[Change, ...]
    totals: tuple[TotalChange, ...]

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def counts(self) -> dict[str, dict[str, int]]:
        """{collection: {"added": n, "removed": n, "changed": n}} over whole items and
        fields ('' = the plan's own fields); an item with several changed fields counts
        once as changed."""
        counts: dict[str, dict[str, int]] = {}
        seen: set[tuple[str, str]] = set()
        for c in self.changes:
            kind = c.kind if c.is_item else "changed"
            coll = c.collection
            item = str(c.where[-1].item_id) if c.is_item else _owner(c)
            if kind == "changed" and (coll, item) in seen:
                continue
            seen.add((coll, item))
            bucket = counts.setdefault(coll, {"added": 0, "removed": 0, "changed": 0})
            bucket[kind] += 1
        return counts

    def in_collection(self, key: str) -> list[Change]:
        return [c for c in self.changes if c.collection == key]


def _owner(change: Change) -> str:
    """The innermost item a field change belongs to, as a key for counting."""
    for step in reversed(change.where):
        if step.item_id is not None:
            return f"{step.key}:{step.item_id}"
    return ""


# ---------------------------------------------------------------- the diff


def diff_snapshots(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    labels: Mapping[str, Labeller] | None = None,
) -> PlanDiff:
    """Every difference from ``before`` to ``after``, in document order, and the totals.
    ``labels`` names the items of a collection for a reader ({"budget_lines": f, …});
    others are named by :func:`item_label`."""
    changes: list[Change] = []
    _Differ(labels or {}, changes).dict(before, after, ())
    return PlanDiff(tuple(changes), compare_totals(before, after, labels))


@dataclass
class _Differ:
    labels: Mapping[str, Labeller]
    out: list[Change]

    def label(self, key: str, item: Mapping[str, Any]) -> str:
        labeller = self.labels.get(key)
        return labeller(item) if labeller is not None else item_label(item)

    def dict(self, before: Mapping, after: Mapping, where: tuple[Step, ...]) -> None:
        # Keys in the order of the newer version, then keys that only the older one has.
        keys = [k for k in after if k not in IGNORED_KEYS]
        keys += [k for k in before if k not in after and k not in IGNORED_KEYS]
        for key in keys:
            self.value(key, before.get(key), after.get(key), where)

    def value(self, key: str, old: Any, new: Any, where: tuple[Step, ...]) -> None:
        if old == new:
            return
        if _is_collection(old) and _is_collection(new):
            self.collection(key, old or [], new or [], where)
        elif isinstance(old, Mapping) and isinstance(new, Mapping):
            self.dict(old, new, (*where, Step(key)))
        elif _is_scalar_list(old) and _is_scalar_list(new):
            lines = _ops([str(v) for v in old], [str(v) for v in new])
            self.out.append(Change("changed", where, key, list(old), list(new), None, lines))
        else:
            self.out.append(_field_change(key, old, new, where))

    def collection(self, key: str, old: list, new: list, where: tuple[Step, ...]) -> None:
        old_by_id = {item[ID_KEY]: item for item in old}
        new_ids = {item[ID_KEY] for item in new}
        for item in new:
            step = Step(key, item[ID_KEY], self.label(key, item))
            previous = old_by_id.get(item[ID_KEY])
            if previous is None:
                self.out.append(Change("added", (*where, step), after=item))
            else:
                self.dict(previous, item, (*where, step))
        for item in old:
            if item[ID_KEY] not in new_ids:
                step = Step(key, item[ID_KEY], self.label(key, item))
                self.out.append(Change("removed", (*where, step), before=item))


def _field_change(key: str, old: Any, new: Any, where: tuple[Step, ...]) -> Change:
    kind: Kind = "changed"
    if _blank(old) and not _blank(new):
        kind = "added"
    elif _blank(new) and not _blank(old):
        kind = "removed"
    delta = _number(new) - _number(old) if _numeric(old) and _numeric(new) else None
    lines: tuple[TextLine, ...] = ()
    if isinstance(old, str | None) and isinstance(new, str | None) and _multiline(old, new):
        lines = text_diff(old or "", new or "")
    return Change(kind, where, key, old, new, delta, lines)


def item_label(item: Mapping[str, Any]) -> str:
    for key in LABEL_KEYS:
        value = item.get(key)
        if value not in (None, ""):
            return str(value)
    return f"#{item.get(ID_KEY)}"


def text_diff(old: str, new: str, context: int = 1) -> tuple[TextLine, ...]:
    """Line-by-line comparison, keeping ``context`` unchanged lines around each change
    (an omitted run of unchanged lines is shown as one ``…`` line)."""
    old_lines = old.replace("\r\n", "\n").split("\n")
    new_lines = new.replace("\r\n", "\n").split("\n")
    return _ops(old_lines, new_lines, context)


def _ops(old: list[str], new: list[str], context: int | None = None) -> tuple[TextLine, ...]:
    lines: list[TextLine] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = old[i1:i2]
            # Keep ``context`` lines next to a change on each side; elide the rest when
            # that hides more than one line.
            head = context if index > 0 else 0
            tail = context if index < len(opcodes) - 1 else 0
            if context is not None and len(opcodes) > 1 and len(same) > head + tail + 1:
                lines += [TextLine("same", s) for s in same[:head]]
                lines.append(TextLine("same", "…"))
                lines += [TextLine("same", s) for s in same[len(same) - tail :]]
            else:
                lines += [TextLine("same", s) for s in same]
            continue
        lines += [TextLine("removed", s) for s in old[i1:i2]]
        lines += [TextLine("added", s) for s in new[j1:j2]]
    return tuple(lines)


# ---------------------------------------------------------------- totals


@dataclass
class _Totals:
    plan: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    by_task: dict[Any, int] = field(default_factory=dict)
    task_labels: dict[Any, str] = field(default_factory=dict)


def budget_totals(snapshot: Mapping[str, Any], task_label: Labeller = item_label) -> _Totals:
    """Sum of every budget line's amount: overall, per funding source, per task (the
    innermost item above the line that is not itself a budget line)."""
    totals = _Totals()
    for owner, line in _budget_lines(snapshot, None):
        amount = line.get(AMOUNT_KEY)
        if not _is_int(amount):
            continue
        totals.plan += amount
        source = line.get(SOURCE_KEY)
        if source is not None:
            totals.by_source[str(source)] = totals.by_source.get(str(source), 0) + amount
        if owner is not None:
            totals.by_task[owner[ID_KEY]] = totals.by_task.get(owner[ID_KEY], 0) + amount
            totals.task_labels[owner[ID_KEY]] = task_label(owner)
    return totals


def _budget_lines(value: Any, owner: Mapping | None) -> Iterable[tuple[Mapping | None, Mapping]]:
    if isinstance(value, Mapping):
        for key, child in value.items():
            if key in BUDGET_COLLECTIONS and _is_collection(child):
                for line in child or []:
                    yield owner, line
            else:
                yield from _budget_lines(child, owner)
    elif _is_collection(value):
        for item in value:
            yield from _budget_lines(item, item)


def compare_totals(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    labels: Mapping[str, Labeller] | None = None,
) -> tuple[TotalChange, ...]:
    """The plan total always (even unchanged), then sources and tasks whose total moved."""
    task_label = (labels or {}).get("tasks", item_label)
    old, new = budget_totals(before, task_label), budget_totals(after, task_label)
    result = [TotalChange("plan", None, "", old.plan, new.plan)]
    for source in sorted(set(old.by_source) | set(new.by_source)):
        a, b = old.by_source.get(source, 0), new.by_source.get(source, 0)
        if a != b:
            result.append(TotalChange("source", source, source, a, b))
    task_ids = list(new.by_task) + [t for t in old.by_task if t not in new.by_task]
    for task in task_ids:
        a, b = old.by_task.get(task, 0), new.by_task.get(task, 0)
        if a != b:
            label = new.task_labels.get(task) or old.task_labels.get(task, "")
            result.append(TotalChange("task", task, label, a, b))
    return tuple(result)


# ---------------------------------------------------------------- helpers


def _is_collection(value: Any) -> bool:
    """A list of dicts that all carry an id (or an empty list)."""
    return isinstance(value, list) and all(
        isinstance(item, Mapping) and ID_KEY in item for item in value
    )


def _is_scalar_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        item is None or isinstance(item, str | int | float | bool) for item in value
    )


def _number(value: Any) -> int | Decimal:
    if value is None:
        return 0
    return value if _is_int(value) else Decimal(value)


def _numeric(value: Any) -> bool:
    """An integer, a decimal written as text (snapshots keep decimals exact), or None
    beside a number (a value filled in or emptied)."""
    if value is None or _is_int(value):
        return True
    if isinstance(value, str):
        try:
            return Decimal(value).is_finite()
        except InvalidOperation:
            return False
    return False


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _multiline(old: str | None, new: str | None) -> bool:
    return "\n" in (old or "") or "\n" in (new or "")
