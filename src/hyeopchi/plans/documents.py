"""The plan's official documents as PDF: the plan document itself and the forms of the
manual's appendices 2 and 3 (서식 2-1 지원 신청서, 2-2 논의주체 명단, 3-1 신청서,
3-2 자치구 협치회의 명단).

Rendered with reportlab and the Nanum Gothic fonts, as the meeting documents are
(:mod:`hyeopchi.bodies.documents`): Korean wraps by character, tables repeat their header
row on every page, amounts on forms are in 천원 (rounded half up, totals from the exact
sum). Plain data in (:mod:`.documents_data`, :mod:`.budget_tables`), bytes out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from hyeopchi.bodies.documents import build_pdf, ensure_fonts
from hyeopchi.core.dates import format_date
from hyeopchi.core.money import format_thousand_won as _k  # 천원, as the forms print it

from . import budget_tables as tables
from .documents_data import PlanDoc, Roster, TaskDoc

# ---------------------------------------------------------------- layout helpers


@dataclass(frozen=True)
class _Styles:
    title: object
    subtitle: object
    heading: object
    subheading: object
    body: object
    cell: object
    cell_bold: object
    cell_right: object
    small: object
    draft: object


def _styles() -> _Styles:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = ensure_fonts()
    body = ParagraphStyle(
        "plans-body", fontName=regular, fontSize=10, leading=15, wordWrap="CJK", spaceAfter=2
    )
    cell = ParagraphStyle("plans-cell", parent=body, fontSize=8.5, leading=11.5, spaceAfter=0)
    return _Styles(
        title=ParagraphStyle(
            "plans-title",
            parent=body,
            fontName=bold,
            fontSize=16,
            leading=23,
            alignment=TA_CENTER,
            spaceAfter=6,
        ),
        subtitle=ParagraphStyle(
            "plans-subtitle", parent=body, alignment=TA_CENTER, textColor=colors.grey
        ),
        heading=ParagraphStyle(
            "plans-heading",
            parent=body,
            fontName=bold,
            fontSize=12.5,
            leading=18,
            spaceBefore=10,
            spaceAfter=4,
        ),
        subheading=ParagraphStyle(
            "plans-subheading", parent=body, fontName=bold, spaceBefore=6, spaceAfter=2
        ),
        body=body,
        cell=cell,
        cell_bold=ParagraphStyle("plans-cell-bold", parent=cell, fontName=bold),
        cell_right=ParagraphStyle("plans-cell-right", parent=cell, alignment=TA_RIGHT),
        small=ParagraphStyle(
            "plans-small", parent=body, fontSize=8.5, leading=12, textColor=colors.grey
        ),
        draft=ParagraphStyle(
            "plans-draft",
            parent=body,
            fontName=bold,
            fontSize=12,
            alignment=TA_CENTER,
            textColor=colors.red,
            spaceAfter=8,
        ),
    )


def _p(text: str, style) -> object:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _text(text: str, style) -> list:
    return [_p(line.rstrip(), style) for line in (text or "").splitlines() if line.strip()]


def _table(
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    styles: _Styles,
    *,
    header_rows: int = 1,
    numeric_from: int | None = None,
    total_last: bool = False,
    spans: Sequence[tuple] = (),
    label_column: bool = False,
):
    """A boxed table; strings become wrapping paragraphs, numbers align right."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    body = []
    for r, row in enumerate(rows):
        cells = []
        for c, value in enumerate(row):
            if not isinstance(value, str):
                cells.append(value)
                continue
            if r < header_rows or (label_column and c == 0):
                style = styles.cell_bold
            elif numeric_from is not None and c >= numeric_from:
                style = styles.cell_right
            else:
                style = styles.cell
            cells.append(_p(value, style))
        body.append(cells)
    table = Table(body, colWidths=[w * mm for w in widths], repeatRows=header_rows)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#DCE6F1")))
    if label_column:
        commands.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2")))
    if total_last:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")))
    for span in spans:
        commands.append(("SPAN", *span))
    table.setStyle(TableStyle(commands))
    return table


def _date(day: dt.date | None) -> str:
    return format_date(day) if day else ""


# ---------------------------------------------------------------- budget tables


def _nature_table(doc: PlanDoc, styles: _Styles):
    nature = tables.by_nature(doc.lines)
    rows = [
        [_("Subsidy by nature"), _("Amount (thousand won)"), _("Share")],
        [
            _("Current subsidy (경상보조)"),
            _k(nature.current),
            tables.percent_text(nature.current, nature.total),
        ],
        [
            _("Capital subsidy (자본보조)"),
            _k(nature.capital),
            tables.percent_text(nature.capital, nature.total),
        ],
        [_("City subsidy, total"), _k(nature.total), "100%" if nature.total else "–"],
    ]
    return _table(rows, [70, 55, 40], styles, numeric_from=1, total_last=True)


def _source_table(rows_in: list[tables.SourceRow], first: str, styles: _Styles):
    total = tables.total_row(rows_in, _("Total project cost"))
    grand = total.total
    rows: list[list[object]] = [tables.source_header(first)]
    for row in [*rows_in, total]:
        rows.append(
            [
                row.label,
                _k(row.city),
                _k(row.district),
                _k(row.other),
                _k(row.total),
                tables.percent_text(row.total, grand),
            ]
        )
    return _table(rows, [52, 26, 26, 26, 26, 18], styles, numeric_from=1, total_last=True)


def _line_table(lines: Sequence[tables.LineRow], styles: _Styles):
    """부록6 per-agenda budget: 예산과목, 산출내역, 시비, 구비, 국비·기타 (천원)."""
    header = [
        _("Budget item"),
        _("Calculation basis"),
        _("City"),
        _("District"),
        _("National and other"),
    ]
    rows: list[list[object]] = [header]
    for line in lines:
        cells = {"city": "", "district": "", "other": ""}
        cells[line.source] = _k(line.amount)
        rows.append([line.item, line.description, cells["city"], cells["district"], cells["other"]])
    total = tables.total_row(
        [tables.SourceRow("", "").add(line.source, line.amount) for line in lines], ""
    )
    rows.append([_("Total"), "", _k(total.city), _k(total.district), _k(total.other)])
    return _table(rows, [44, 64, 22, 22, 22], styles, numeric_from=2, total_last=True)


# ---------------------------------------------------------------- the plan document


def _task_section(task: TaskDoc, styles: _Styles) -> list:
    from reportlab.platypus import KeepTogether, Spacer

    heading = _("Task %(n)s. %(title)s") % {"n": task.number, "title": task.title}
    info = [
        [_("Kind"), task.kind_label],
        [_("Period"), task.period or "–"],
        [_("Budget"), _("%(amount)s thousand won") % {"amount": _k(task.total)}],
    ]
    if task.sub_project:
        info.append([_("Sub-project"), task.sub_project])
    flow: list = [
        KeepTogether(
            [
                _p(heading, styles.heading),
                _table(info, [35, 139], styles, header_rows=0, label_column=True),
            ]
        )
    ]
    for number, (title, text) in enumerate(task.texts, start=1):
        flow.append(_p(f"{number}. {title}", styles.subheading))
        flow += _text(text, styles.body) or [_p("–", styles.body)]
    flow.append(_p(_("Performance indicators"), styles.subheading))
    if task.indicators:
        rows: list[list[object]] = [
            [_("Indicator"), _("Unit"), _("Baseline"), _("Target"), _("How it is measured")]
        ]
        rows += [[i.name, i.unit, i.baseline, i.target, i.method] for i in task.indicators]
        flow.append(_table(rows, [60, 18, 22, 22, 52], styles, numeric_from=2))
    else:
        flow.append(_p("–", styles.body))
    flow.append(_p(_("Budget (thousand won)"), styles.subheading))
    flow.append(_line_table(task.lines, styles))
    flow.append(Spacer(1, 6))
    return flow


def plan_pdf(doc: PlanDoc) -> bytes:
    """The plan document: vision and goals, the chapters, the plan of every task with its
    indicators and budget lines, and the budget plan (tables 4.1–4.3)."""
    from reportlab.platypus import PageBreak

    styles = _styles()
    title = f"{doc.district} {doc.title}"
    flow: list = [
        _p(title, styles.title),
        _p(f"{doc.kind_label} · {doc.years} · {doc.status_label}", styles.subtitle),
    ]
    if doc.draft:
        flow.append(_p(_("Draft: not approved by the council yet."), styles.draft))
    flow.append(_p(_("Vision and goals"), styles.heading))
    flow += _text(doc.vision, styles.body)
    for period, goal in doc.goals:
        flow.append(_p(f"· [{period}] {goal}", styles.body))
    for code, section_title, text in doc.sections:
        flow.append(_p(f"{code} {section_title}", styles.heading))
        flow += _text(text, styles.body) or [_p("–", styles.body)]
    if doc.tasks:
        flow.append(PageBreak())
        flow.append(_p(_("Plans by task"), styles.title))
        for task in doc.tasks:
            flow += _task_section(task, styles)
    flow.append(PageBreak())
    flow.append(_p(_("Budget plan"), styles.title))
    flow.append(_p(_("4.1 City subsidy by nature"), styles.heading))
    flow.append(_nature_table(doc, styles))
    flow.append(_p(_("4.2 Budget by item and funding source"), styles.heading))
    flow.append(_source_table(tables.by_item(doc.lines, doc.item_order), _("Budget item"), styles))
    flow.append(_p(_("4.3 Budget by task"), styles.heading))
    task_rows = tables.by_task([(t.id, f"{t.number}. {t.title}") for t in doc.tasks], doc.lines)
    flow.append(_source_table(task_rows, _("Task"), styles))
    flow.append(_p(_("Printed on %(date)s") % {"date": _date(doc.generated_on)}, styles.small))
    return build_pdf(title, flow, watermark=_("DRAFT") if doc.draft else "", margin_mm=18)


# ---------------------------------------------------------------- 서식 2-1, 3-1


@dataclass(frozen=True)
class Contact:
    name: str = ""
    position: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class ApplicationData:
    """서식 2-1 지역사회혁신계획(구단위계획형) 지원 신청서."""

    district: str
    council: str
    civil: Contact
    admin: Contact
    discussed_from: dt.date | None
    discussed_to: dt.date | None
    discussion_body: str
    composition: str
    background: str
    plan_year: int
    signed_on: dt.date


@dataclass(frozen=True)
class SubmissionData:
    """서식 3-1 지역사회혁신계획(구단위계획형) 신청서."""

    district: str
    submitter: str  # "tft" | "council"
    council: str
    civil_structure: str
    admin_structure: str
    goal: str
    background: str
    content: str
    schedule: str
    total: int
    city: int
    district_funds: int
    civil_rep: Contact
    admin_rep: Contact
    civil_staff: Contact
    admin_staff: Contact
    plan_year: int
    submitted_on: dt.date


def _signature_block(lines: Sequence[str], styles: _Styles) -> list:
    from reportlab.platypus import Spacer

    flow: list = [Spacer(1, 10)]
    flow += [_p(line, styles.body) for line in lines]
    return flow


def application_pdf(data: ApplicationData) -> bytes:
    """서식 2-1: the district's application for the district-unit plan."""
    styles = _styles()
    title = _("Application for the Community Innovation Plan (district-unit type)")
    period = (
        _("%(start)s to %(end)s")
        % {"start": _date(data.discussed_from), "end": _date(data.discussed_to)}
        if data.discussed_from or data.discussed_to
        else ""
    )
    rows = [
        [_("District"), data.district, "", ""],
        [_("Council (or public-private TFT)"), data.council, "", ""],
        [_("Representatives"), _("Civil"), _("Full name"), data.civil.name],
        ["", "", _("Phone"), data.civil.phone],
        ["", "", _("E-mail"), data.civil.email],
        ["", _("Administration"), _("Full name"), data.admin.name],
        ["", "", _("Phone"), data.admin.phone],
        ["", "", _("E-mail"), data.admin.email],
        [_("Discussions during preparation"), _("Period"), period, ""],
        ["", _("Discussion body"), data.discussion_body, ""],
        ["", _("Its composition"), data.composition, ""],
        [
            _("Background of the %(year)s district-unit project") % {"year": data.plan_year},
            data.background,
            "",
            "",
        ],
    ]
    spans = [
        ((1, 0), (3, 0)),
        ((1, 1), (3, 1)),
        ((0, 2), (0, 7)),
        ((1, 2), (1, 4)),
        ((1, 5), (1, 7)),
        ((0, 8), (0, 10)),
        ((2, 8), (3, 8)),
        ((2, 9), (3, 9)),
        ((2, 10), (3, 10)),
        ((1, 11), (3, 11)),
    ]
    flow: list = [
        _p(_("Form 2-1"), styles.small),
        _p(title, styles.title),
        _table(rows, [38, 30, 26, 80], styles, header_rows=0, label_column=True, spans=spans),
    ]
    flow += _signature_block(
        [
            _date(data.signed_on),
            _("%(council)s civil representative: %(name)s (signature or seal)")
            % {"council": data.council, "name": data.civil.name},
            _("%(council)s administrative representative: %(name)s (signature or seal)")
            % {"council": data.council, "name": data.admin.name},
            _("To the Mayor of Seoul"),
        ],
        styles,
    )
    return build_pdf(title, flow, margin_mm=18)


def submission_pdf(data: SubmissionData) -> bytes:
    """서식 3-1: the cover sheet submitted with the plan."""
    styles = _styles()
    title = _("%(year)s Community Innovation Plan (district-unit type) submission") % {
        "year": data.plan_year
    }
    tick = {"tft": "", "council": ""}
    tick[data.submitter] = "√"
    submitter = _("Public-private TFT ( %(tft)s ), %(council)s ( %(mark)s )") % {
        "tft": tick["tft"],
        "council": data.council,
        "mark": tick["council"],
    }
    budget = _(
        "%(total)s thousand won in total (city %(city)s thousand won, district "
        "%(district)s thousand won)"
    ) % {"total": _k(data.total), "city": _k(data.city), "district": _k(data.district_funds)}
    overview = "\n".join(
        f"○ {label}\n  - {text}"
        for label, text in (
            (_("Goal"), data.goal),
            (_("Background"), data.background),
            (_("Content"), data.content),
            (_("Schedule"), data.schedule),
        )
    )
    rows: list[list[object]] = [
        [_("District"), data.district, "", "", ""],
        [_("Submitted by"), submitter, "", "", ""],
        [_("Consultation structure"), _("Civil"), data.civil_structure, "", ""],
        ["", _("Administration"), data.admin_structure, "", ""],
        [_("Project overview"), overview, "", "", ""],
        [_("Project cost"), budget, "", "", ""],
    ]
    people = (
        (_("Civil representative"), data.civil_rep),
        (_("Administrative representative"), data.admin_rep),
        (_("Staff (civil)"), data.civil_staff),
        (_("Staff (administration)"), data.admin_staff),
    )
    first_person_row = len(rows)
    for label, person in people:
        rows.append(
            [label, _("Full name"), person.name, _("Affiliation/position"), person.position]
        )
        rows.append(["", _("Phone"), person.phone, _("E-mail"), person.email])
    spans = [
        ((1, 0), (4, 0)),
        ((1, 1), (4, 1)),
        ((0, 2), (0, 3)),
        ((2, 2), (4, 2)),
        ((2, 3), (4, 3)),
        ((1, 4), (4, 4)),
        ((1, 5), (4, 5)),
    ]
    for n in range(len(people)):
        row = first_person_row + 2 * n
        spans.append(((0, row), (0, row + 1)))
    flow: list = [
        _p(_("Form 3-1"), styles.small),
        _p(title, styles.title),
        _table(rows, [34, 24, 46, 28, 42], styles, header_rows=0, label_column=True, spans=spans),
    ]
    submitted_by = (
        _("%(district)s public-private TFT") % {"district": data.district}
        if data.submitter == "tft"
        else _("%(council)s (seal of the district mayor)") % {"council": data.council}
    )
    flow += _signature_block(
        [
            _date(data.submitted_on),
            _("Submitted by: %(who)s") % {"who": submitted_by},
            _("To the Mayor of Seoul"),
        ],
        styles,
    )
    return build_pdf(title, flow, margin_mm=18)


# ---------------------------------------------------------------- 서식 2-2, 3-2


def _roster_rows(roster: Roster, with_gender: bool) -> list[list[object]]:
    header = [
        _("No."),
        _("Full name"),
        _("Affiliation/position"),
        _("Main field of activity"),
        _("Role in the meeting"),
        _("Category"),
    ]
    if with_gender:
        header.append(_("Gender"))
    rows: list[list[object]] = [header]
    for r in roster.rows:
        row = [str(r.number), r.name, r.affiliation, r.field, r.role, r.category]
        if with_gender:
            row.append(r.gender)
        rows.append(row)
    return rows


def _counts_table(roster: Roster, styles: _Styles):
    people = _("%(n)s people")
    rows = [
        [_("Civil"), _("City and district councillors"), _("Administration"), _("Total")],
        [
            people % {"n": roster.civil},
            people % {"n": roster.councillors},
            people % {"n": roster.admin},
            people % {"n": roster.total},
        ],
    ]
    return _table(rows, [43, 43, 43, 43], styles, numeric_from=0)


def discussion_roster_pdf(roster: Roster) -> bytes:
    """서식 2-2: every member of the district's discussion bodies."""
    styles = _styles()
    title = _("Community Innovation Plan (district-unit type): discussion bodies")
    flow: list = [
        _p(_("Form 2-2"), styles.small),
        _p(title, styles.title),
        _p(f"{roster.district} · {_date(roster.on)}", styles.subtitle),
        _counts_table(roster, styles),
        _p("", styles.body),
        _table(_roster_rows(roster, False), [10, 24, 42, 32, 32, 34], styles),
        _p(
            _(
                "Everyone in a discussion body of the plan is listed, members of the "
                "council and of the other bodies alike: %(bodies)s."
            )
            % {"bodies": ", ".join(roster.bodies) or "–"},
            styles.small,
        ),
    ]
    return build_pdf(title, flow, margin_mm=18)


def council_roster_pdf(roster: Roster) -> bytes:
    """서식 3-2: the members of the district's governance council."""
    styles = _styles()
    title = _("District governance council: members")
    flow: list = [
        _p(_("Form 3-2"), styles.small),
        _p(title, styles.title),
        _p(
            f"{roster.district} · {', '.join(roster.bodies) or '–'} · {_date(roster.on)}",
            styles.subtitle,
        ),
        _counts_table(roster, styles),
        _p("", styles.body),
        _table(_roster_rows(roster, True), [10, 22, 40, 30, 28, 26, 18], styles),
        _p(_("The size of the council is free to set for each district."), styles.small),
    ]
    if roster.civilian_share_min is not None:
        flow.append(
            _p(
                _("Civil members must make up %(pct)s or more of the council.")
                % {"pct": _pct(roster.civilian_share_min)},
                styles.small,
            )
        )
    if roster.gender_share_max is not None:
        flow.append(
            _p(
                _("Neither gender may exceed %(pct)s of the appointed members.")
                % {"pct": _pct(roster.gender_share_max)},
                styles.small,
            )
        )
    return build_pdf(title, flow, margin_mm=18)


def _pct(share) -> str:
    value = share * 100
    return f"{value.numerator}%" if value.denominator == 1 else f"{float(value):.1f}%"
