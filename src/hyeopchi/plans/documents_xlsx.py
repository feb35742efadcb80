"""The execution plan's budget tables as an XLSX workbook (부록5 §4, 운영지침 3.4.1).

Sheets: 4.1 the city subsidy by nature, 4.2 budget items by funding source, 4.3 tasks by
funding source (all in 천원 as the forms print them, shares of the total), and the line
items in exact 원 (each line with its task, item, 산출내역, nature and source) so that
anyone can re-add the tables. Plain data in (:class:`.documents_data.PlanDoc`), bytes out.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from . import budget_tables as tables
from .documents_data import PlanDoc
from .models import Nature

WON = "#,##0"
PERCENT = "0.0%"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _sheet_title(ws, title: str, subtitle: str) -> None:
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = subtitle
    ws["A2"].font = Font(color="808080")


def _header(ws, row: int, labels: list[str]) -> None:
    for col, label in enumerate(labels, start=1):
        cell = ws.cell(row=row, column=col, value=label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _row(ws, row: int, values: list, *, formats: dict[int, str], total: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.border = BOX
        if col in formats:
            cell.number_format = formats[col]
        if total:
            cell.font = Font(bold=True)
            cell.fill = TOTAL_FILL


def _widths(ws, widths: list[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _share(part: int, whole: int) -> float:
    # A display value for Excel's percent format; the exact share is part / whole.
    return part / whole if whole else 0.0


def _nature_sheet(ws, doc: PlanDoc, subtitle: str) -> None:
    nature = tables.by_nature(doc.lines)
    _sheet_title(ws, _("4.1 City subsidy by nature"), subtitle)
    _header(ws, 4, [_("Subsidy by nature"), _("Amount (thousand won)"), _("Share")])
    formats = {2: WON, 3: PERCENT}
    rows = [
        (_("Current subsidy (경상보조)"), nature.current),
        (_("Capital subsidy (자본보조)"), nature.capital),
    ]
    for offset, (label, amount) in enumerate(rows):
        values = [label, tables.thousands(amount), _share(amount, nature.total)]
        _row(ws, 5 + offset, values, formats=formats)
    total = [_("City subsidy, total"), tables.thousands(nature.total), 1.0 if nature.total else 0]
    _row(ws, 7, total, formats=formats, total=True)
    _widths(ws, [34, 22, 12])


def _source_sheet(ws, title: str, first: str, rows: list[tables.SourceRow], subtitle: str):
    _sheet_title(ws, title, subtitle)
    _header(ws, 4, tables.source_header(first))
    formats = {2: WON, 3: WON, 4: WON, 5: WON, 6: PERCENT}
    total = tables.total_row(rows, _("Total project cost"))
    for offset, row in enumerate([*rows, total]):
        values = [
            row.label,
            tables.thousands(row.city),
            tables.thousands(row.district),
            tables.thousands(row.other),
            tables.thousands(row.total),
            _share(row.total, total.total),
        ]
        _row(ws, 5 + offset, values, formats=formats, total=row is total)
    ws.freeze_panes = "B5"
    _widths(ws, [40, 18, 18, 18, 18, 12])


def _lines_sheet(ws, doc: PlanDoc, subtitle: str) -> None:
    _sheet_title(ws, _("Budget lines (won)"), subtitle)
    labels = [
        _("Task"),
        _("Kind"),
        _("Budget item"),
        _("Calculation basis"),
        _("Nature"),
        _("City (won)"),
        _("District (won)"),
        _("National and other (won)"),
        _("Total (won)"),
    ]
    _header(ws, 4, labels)
    formats = {6: WON, 7: WON, 8: WON, 9: WON}
    natures = {n.value: str(n.label) for n in Nature}
    row = 5
    sums = {"city": 0, "district": 0, "other": 0}
    for task in doc.tasks:
        for line in task.lines:
            amounts = {"city": None, "district": None, "other": None}
            amounts[line.source] = line.amount
            sums[line.source] = sums.get(line.source, 0) + line.amount
            _row(
                ws,
                row,
                [
                    f"{task.number}. {task.title}",
                    task.kind_label,
                    line.item,
                    line.description,
                    natures.get(line.nature, line.nature),
                    amounts["city"],
                    amounts["district"],
                    amounts["other"],
                    line.amount,
                ],
                formats=formats,
            )
            row += 1
    _row(
        ws,
        row,
        [
            _("Total"),
            "",
            "",
            "",
            "",
            sums["city"],
            sums["district"],
            sums["other"],
            sum(sums.values()),
        ],
        formats=formats,
        total=True,
    )
    ws.freeze_panes = "A5"
    ws.auto_filter.ref = f"A4:I{max(row - 1, 4)}"
    _widths(ws, [36, 22, 30, 40, 10, 16, 16, 16, 16])


def budget_xlsx(doc: PlanDoc) -> bytes:
    workbook = Workbook()
    subtitle = f"{doc.district} · {doc.title} · {doc.years} · {doc.status_label}"
    nature_ws = workbook.active
    nature_ws.title = "4.1"
    _nature_sheet(nature_ws, doc, subtitle)
    _source_sheet(
        workbook.create_sheet("4.2"),
        _("4.2 Budget by item and funding source"),
        _("Budget item"),
        tables.by_item(doc.lines, doc.item_order),
        subtitle,
    )
    _source_sheet(
        workbook.create_sheet("4.3"),
        _("4.3 Budget by task"),
        _("Task"),
        tables.by_task([(t.id, f"{t.number}. {t.title}") for t in doc.tasks], doc.lines),
        subtitle,
    )
    _lines_sheet(workbook.create_sheet(_("Lines")), doc, subtitle)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
