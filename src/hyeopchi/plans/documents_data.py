"""Plain data of the plan's official documents, read from the database in a few queries.

The PDF and XLSX builders (:mod:`.documents`, :mod:`.documents_xlsx`) take these frozen
dataclasses and never touch the ORM. Rosters carry names, affiliations and contact data:
only the district's staff and city officers may download them (the views check).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hyeopchi.bodies.models import Body, BodyKind, MemberRole, Membership, Sector
from hyeopchi.bodies.rulebooks import NoRulebook, rulebook_for

from .budget_policy import BUDGET_POLICY, item_label, load_budget_rules
from .budget_tables import LineRow
from .models import BudgetLine, Indicator, Plan, PlanKind, TaskKind

# ---------------------------------------------------------------- the plan document


@dataclass(frozen=True)
class IndicatorDoc:
    name: str
    unit: str
    baseline: str
    target: str
    method: str


@dataclass(frozen=True)
class TaskDoc:
    id: int
    number: int
    kind: str
    kind_label: str
    title: str
    period: str
    sub_project: str
    texts: tuple[tuple[str, str], ...]  # (heading, text) of the per-agenda plan, 부록6
    indicators: tuple[IndicatorDoc, ...]
    lines: tuple[LineRow, ...]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


@dataclass(frozen=True)
class PlanDoc:
    plan_id: int
    district: str
    title: str
    kind_label: str
    years: str
    status_label: str
    draft: bool
    vision: str
    goals: tuple[tuple[str, str], ...]  # (period label, goal)
    sections: tuple[tuple[str, str, str], ...]  # (number, title, text)
    tasks: tuple[TaskDoc, ...]
    item_order: tuple[str, ...]
    generated_on: dt.date

    @property
    def lines(self) -> list[LineRow]:
        return [line for task in self.tasks for line in task.lines]


def _number(value) -> str:
    if value is None:
        return ""
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def plan_document(plan: Plan) -> PlanDoc:
    """Everything the plan document prints, in 4 queries after the plan itself."""
    tasks = list(
        plan.tasks.prefetch_related(
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("order", "id")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id")),
        ).order_by("kind", "order", "id")
    )
    rules = load_budget_rules(BUDGET_POLICY)
    task_docs = []
    for number, task in enumerate(tasks, start=1):
        texts = (
            (_("Background and necessity"), task.background),
            (_("Goals and direction"), task.goals),
            (_("Detailed plan"), task.content),
            (_("Public-private structure and roles"), task.governance),
            (_("Publicity and monitoring"), task.publicity),
            (_("Expected effects"), task.expected_effects),
        )
        lines = tuple(
            LineRow(
                task_id=task.pk,
                category=line.category,
                subtype=line.subtype,
                item=item_label(line.category, line.subtype),
                category_label=item_label(line.category),
                description=line.description,
                nature=line.nature,
                source=line.source,
                amount=line.amount,
            )
            for line in task.budget_lines.all()
        )
        indicators = tuple(
            IndicatorDoc(i.name, i.unit, _number(i.baseline), _number(i.target), i.method)
            for i in task.indicators.all()
        )
        task_docs.append(
            TaskDoc(
                id=task.pk,
                number=number,
                kind=task.kind,
                kind_label=str(TaskKind(task.kind).label),
                title=task.title,
                period=task.period,
                sub_project=task.sub_project,
                texts=texts,
                indicators=indicators,
                lines=lines,
            )
        )
    goals = tuple(
        (str(g.year) if g.year else _("whole period"), g.text)
        for g in plan.goals.order_by("year", "order", "id")
    )
    sections = tuple((s.code, s.title, s.body) for s in plan.sections.order_by("order", "id"))
    years = (
        str(plan.start_year)
        if plan.start_year == plan.end_year
        else f"{plan.start_year}–{plan.end_year}"
    )
    return PlanDoc(
        plan_id=plan.pk,
        district=plan.district.name,
        title=plan.title,
        kind_label=str(PlanKind(plan.kind).label),
        years=years,
        status_label=plan.get_status_display(),
        draft=not plan.is_public,
        vision=plan.vision,
        goals=goals,
        sections=sections,
        tasks=tuple(task_docs),
        item_order=tuple(c.code for c in rules.categories),
        generated_on=timezone.localdate(),
    )


# ---------------------------------------------------------------- rosters (서식 2-2, 3-2)


@dataclass(frozen=True)
class RosterRow:
    number: int
    name: str
    affiliation: str
    field: str  # 주요활동분야
    role: str  # 회의 내 역할
    category: str  # 구분
    gender: str
    sector: str  # civil | admin | district_councillor | city_councillor


@dataclass(frozen=True)
class Roster:
    district: str
    bodies: tuple[str, ...]
    on: dt.date
    rows: tuple[RosterRow, ...] = field(default_factory=tuple)
    # The council's composition rules, from its rulebook (printed as the form's notes).
    civilian_share_min: Fraction | None = None
    gender_share_max: Fraction | None = None

    def count(self, *sectors: str) -> int:
        return sum(1 for r in self.rows if r.sector in sectors)

    @property
    def civil(self) -> int:
        return self.count(Sector.CIVIL)

    @property
    def councillors(self) -> int:
        return self.count(Sector.DISTRICT_COUNCILLOR, Sector.CITY_COUNCILLOR)

    @property
    def admin(self) -> int:
        return self.count(Sector.ADMIN)

    @property
    def total(self) -> int:
        return len(self.rows)


# Who sits first on a roster: chairs, then officers, then members.
_ROLE_ORDER = {role: n for n, role in enumerate(MemberRole.values)}
_SECTOR_ORDER = {sector: n for n, sector in enumerate(Sector.values)}


def district_council(plan: Plan) -> Body | None:
    """The district's governance council (협치회의) in office on the day, if recorded."""
    return (
        Body.objects.filter(district_id=plan.district_id, kind=BodyKind.COUNCIL)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=timezone.localdate()))
        .order_by("established_on", "id")
        .first()
    )


def _sector_label(sector: str) -> str:
    labels = {
        Sector.CIVIL: _("civil society"),
        Sector.ADMIN: _("administration"),
        Sector.DISTRICT_COUNCILLOR: _("district councillor"),
        Sector.CITY_COUNCILLOR: _("city councillor"),
    }
    return str(labels.get(sector, sector))


def _gender_label(gender: str) -> str:
    return {"F": _("female"), "M": _("male")}.get(gender, "")


def _memberships(bodies: list[Body], on: dt.date):
    return list(
        Membership.objects.active_on(on)
        .filter(body__in=bodies)
        .select_related("person", "person__organisation", "body")
        .order_by("body_id", "id")
    )


def council_roster(plan: Plan, on: dt.date | None = None) -> Roster:
    """서식 3-2: the members of the district's council serving on ``on`` (today)."""
    on = on or timezone.localdate()
    council = district_council(plan)
    bodies = [council] if council else []
    members = _memberships(bodies, on) if bodies else []
    members.sort(
        key=lambda m: (_SECTOR_ORDER.get(m.sector, 9), _ROLE_ORDER.get(m.role, 99), m.person.name)
    )
    rows = tuple(
        RosterRow(
            number=n,
            name=m.person.name,
            affiliation=m.person.affiliation,
            field=m.person.organisation.get_type_display() if m.person.organisation else "",
            role=m.get_role_display(),
            category=_sector_label(m.sector),
            gender=_gender_label(m.person.gender),
            sector=m.sector,
        )
        for n, m in enumerate(members, start=1)
    )
    civil = gender = None
    if council is not None:
        try:
            spec = rulebook_for(council, on).spec.composition
        except NoRulebook:
            spec = None
        if spec is not None:
            civil, gender = spec.civilian_share_min, spec.gender_share_max_appointed
    return Roster(plan.district.name, tuple(b.name for b in bodies), on, rows, civil, gender)


def discussion_roster(plan: Plan, on: dt.date | None = None) -> Roster:
    """서식 2-2: everyone in the district's discussion bodies (the council and the other
    bodies of the district: subcommittees, working groups, TFTs), once per person."""
    on = on or timezone.localdate()
    bodies = list(
        Body.objects.filter(district_id=plan.district_id)
        .filter(established_on__lte=on)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=on))
        .order_by("kind", "name", "id")
    )
    by_person: dict[int, list[Membership]] = {}
    for m in _memberships(bodies, on):
        by_person.setdefault(m.person_id, []).append(m)
    people = sorted(
        by_person.values(),
        key=lambda ms: (
            _SECTOR_ORDER.get(ms[0].sector, 9),
            min(_ROLE_ORDER.get(m.role, 99) for m in ms),
            ms[0].person.name,
        ),
    )
    rows = []
    for n, ms in enumerate(people, start=1):
        first = ms[0]
        if first.sector in (Sector.DISTRICT_COUNCILLOR, Sector.CITY_COUNCILLOR):
            category = _sector_label(first.sector)
        else:
            category = ", ".join(dict.fromkeys(m.body.name for m in ms))
        roles = ", ".join(dict.fromkeys(str(m.get_role_display()) for m in ms))
        rows.append(
            RosterRow(
                number=n,
                name=first.person.name,
                affiliation=first.person.affiliation,
                field=(
                    first.person.organisation.get_type_display()
                    if first.person.organisation
                    else ""
                ),
                role=roles,
                category=category,
                gender=_gender_label(first.person.gender),
                sector=first.sector,
            )
        )
    return Roster(plan.district.name, tuple(b.name for b in bodies), on, tuple(rows))


def representatives(plan: Plan) -> dict[str, Membership | None]:
    """The council's civil and administrative representatives (민 대표, 관 대표): its
    chair or co-chairs by sector, for pre-filling the application forms. Those serving
    today come first; else the chair who started last (records may lag a new term)."""
    council = district_council(plan)
    found: dict[str, Membership | None] = {"civil": None, "admin": None}
    if council is None:
        return found
    chairs = list(
        Membership.objects.filter(body=council, role__in=[MemberRole.CHAIR, MemberRole.CO_CHAIR])
        .select_related("person")
        .order_by("-start_date", "role", "id")
    )
    serving = {
        m.pk
        for m in Membership.objects.active_on(timezone.localdate()).filter(
            pk__in=[c.pk for c in chairs]
        )
    }
    chairs.sort(key=lambda m: m.pk not in serving)  # stable: serving first, newest first
    for m in chairs:
        side = "admin" if m.sector == Sector.ADMIN else "civil"
        if found[side] is None:
            found[side] = m
    return found
