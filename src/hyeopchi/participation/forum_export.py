"""The quarterly process-management sheet (과정관리DB) as an XLSX workbook.

Laid out like the city's integrated Excel sheet (seed 003 S 3809-3812): a header block
(district, quarter, due date, generated at), one row per forum with every recorded field,
Korean column headers in two rows (participants grouped by sector, gender and age band),
number and date formats, a frozen header, column widths, a filter and a totals row. The
sheet is an official Korean form, so its headers are Korean whatever the page language.
Plain data in, bytes out: no database access here.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .forum_policy import ForumRecordPolicy
from .forum_rules import Quarter, due_date
from .models import ForumType

COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE = "지역사회혁신계획 과정관리DB (숙의·공론장)"
GROUP_TITLES = {"sector": "참여주체별 인원", "gender": "성별", "age": "연령대"}


@dataclass(frozen=True)
class SheetHeader:
    district: str
    district_code: str
    quarter: Quarter
    due: dt.date
    generated_at: dt.datetime  # Seoul time, naive


@dataclass(frozen=True)
class SheetRow:
    number: int
    held_on: dt.date
    title: str
    type: str
    organiser: str
    stage: str
    place: str
    facilitation: str
    materials: bool
    total: int
    participants: Mapping[str, Mapping[str, int]]
    summary: str
    ideas: Sequence[str] = field(default_factory=tuple)
    agendas: Sequence[str] = field(default_factory=tuple)


def korean_type(value: str) -> str:
    """The Korean name of a forum type, as written in its label: 열린 공론장."""
    try:
        label = ForumType(value).label
    except ValueError:
        return value
    with translation.override("en"):
        text = str(label)
    match = re.search(r"\(([^()]+)\)\s*$", text)
    return match.group(1) if match else text


def due_of(quarter: Quarter, policy: ForumRecordPolicy) -> dt.date:
    return due_date(quarter, policy.submission_months)


# Columns before the participant groups: (header, width, kind).
_LEADING = [
    ("연번", 6, "int"),
    ("일시", 12, "date"),
    ("공론장명", 30, "text"),
    ("공론장 유형", 14, "text"),
    ("주관", 18, "text"),
    ("단계", 16, "text"),
    ("장소", 18, "text"),
    ("진행방식", 18, "text"),
    ("사전자료 제공", 10, "text"),
    ("참여인원 계", 10, "count"),
]
_TRAILING = [
    ("주요 결과", 50, "wrap"),
    ("도출 아이디어", 40, "wrap"),
    ("연계 의제", 30, "wrap"),
]
HEADER_ROWS = (8, 9)  # the two rows of column headers
FIRST_DATA_ROW = 10


def column_headers(policy: ForumRecordPolicy) -> list[str]:
    """Every column's (second-row) header, left to right."""
    headers = [h for h, _w, _k in _LEADING]
    for choices in policy.breakdowns().values():
        headers.extend(c.name for c in choices)
    headers.extend(h for h, _w, _k in _TRAILING)
    return headers


def build_workbook(
    header: SheetHeader, rows: Sequence[SheetRow], policy: ForumRecordPolicy
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{header.quarter.year}-{header.quarter.number}분기"
    wb.properties.title = f"{TITLE} {header.district} {header.quarter}"
    wb.properties.creator = "Hyeopchi"

    # Header block
    ws["A1"] = TITLE
    ws["A1"].font = Font(bold=True, size=14)
    q = header.quarter
    block = [
        ("자치구", f"{header.district} ({header.district_code})"),
        ("분기", f"{q.year}년 {q.number}분기 ({q.first_day:%Y-%m-%d} ~ {q.last_day:%Y-%m-%d})"),
        ("제출기한", header.due),
        ("작성일시", header.generated_at),
        ("공론장 수", len(rows)),
    ]
    for offset, (label, value) in enumerate(block, start=2):
        ws.cell(row=offset, column=1, value=label).font = Font(bold=True)
        cell = ws.cell(row=offset, column=3, value=value)
        ws.merge_cells(start_row=offset, start_column=1, end_row=offset, end_column=2)
        if isinstance(value, dt.datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        cell.alignment = Alignment(horizontal="left")

    # Column headers in two rows: groups over the participant counts.
    top, sub = HEADER_ROWS
    kinds: list[str] = []
    widths: list[int] = []
    column = 1
    for title, width, kind in _LEADING:
        ws.cell(row=top, column=column, value=title)
        ws.merge_cells(start_row=top, start_column=column, end_row=sub, end_column=column)
        kinds.append(kind)
        widths.append(width)
        column += 1
    breakdowns = policy.breakdowns()
    group_columns: dict[str, list[tuple[int, str]]] = {}
    for name, choices in breakdowns.items():
        start = column
        ws.cell(row=top, column=start, value=GROUP_TITLES.get(name, name))
        group_columns[name] = []
        for choice in choices:
            ws.cell(row=sub, column=column, value=choice.name)
            group_columns[name].append((column, choice.key))
            kinds.append("count")
            widths.append(max(8, len(choice.name) * 2 + 2))
            column += 1
        if column - 1 > start:
            ws.merge_cells(start_row=top, start_column=start, end_row=top, end_column=column - 1)
    for title, width, kind in _TRAILING:
        ws.cell(row=top, column=column, value=title)
        ws.merge_cells(start_row=top, start_column=column, end_row=sub, end_column=column)
        kinds.append(kind)
        widths.append(width)
        column += 1
    last_column = column - 1
    for r in (top, sub):
        for c in range(1, last_column + 1):
            cell = ws.cell(row=r, column=c)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.border = BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width

    # One row per forum.
    r = FIRST_DATA_ROW
    for row in rows:
        values: list[object] = [
            row.number,
            row.held_on,
            row.title,
            row.type,
            row.organiser,
            row.stage,
            row.place,
            row.facilitation,
            "O" if row.materials else "X",
            row.total,
        ]
        for name, columns in group_columns.items():
            counts = row.participants.get(name) or {}
            values.extend(counts.get(key) if counts else None for _c, key in columns)
        values.extend(
            [row.summary, "\n".join(row.ideas), "\n".join(row.agendas)],
        )
        for c, (value, kind) in enumerate(zip(values, kinds, strict=True), start=1):
            cell = ws.cell(row=r, column=c, value=value if value != "" else None)
            _style(cell, kind)
        r += 1

    # Totals: forums, materials sent, and every count summed over the forums recording it.
    ws.cell(row=r, column=1, value="합계")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    ws.cell(row=r, column=3, value=f"{len(rows)}건")
    ws.cell(row=r, column=9, value=sum(1 for x in rows if x.materials)).number_format = '0"건"'
    ws.cell(row=r, column=10, value=sum(x.total for x in rows)).number_format = COUNT_FORMAT
    for name, columns in group_columns.items():
        recorded = [x.participants.get(name) for x in rows if x.participants.get(name)]
        for c, key in columns:
            value = sum(x.get(key, 0) for x in recorded) if recorded else None
            cell = ws.cell(row=r, column=c, value=value)
            cell.number_format = COUNT_FORMAT
    for c in range(1, last_column + 1):
        cell = ws.cell(row=r, column=c)
        cell.font = Font(bold=True)
        cell.fill = TOTAL_FILL
        cell.border = BOX
    ws.cell(row=r + 2, column=1, value=_NOTE)
    ws.cell(row=r + 2, column=1).font = Font(italic=True, color="555555")

    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=3)
    if rows:
        ws.auto_filter.ref = (
            f"A{sub}:{get_column_letter(last_column)}{FIRST_DATA_ROW + len(rows) - 1}"
        )
    ws.sheet_view.zoomScale = 90
    ws.print_title_rows = f"{top}:{sub}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


_NOTE = (
    "참여인원 세부 항목이 빈 칸인 공론장은 해당 구분을 기록하지 않은 것이며, 합계는 "
    "기록한 공론장만 더한 값입니다. 사전자료 제공: O 제공, X 미제공."
)


def _style(cell, kind: str) -> None:
    cell.border = BOX
    if kind == "date":
        cell.number_format = DATE_FORMAT
        cell.alignment = Alignment(horizontal="center", vertical="top")
    elif kind in {"count", "int"}:
        cell.number_format = COUNT_FORMAT if kind == "count" else "0"
        cell.alignment = Alignment(vertical="top")
    elif kind == "wrap":
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    else:
        cell.alignment = Alignment(vertical="top", wrap_text=kind == "text")
