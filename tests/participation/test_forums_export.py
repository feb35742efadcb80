"""The quarterly process-management sheet (과정관리DB): generated from the forum records,
opened with openpyxl and read back cell by cell; downloads are recorded."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from hyeopchi.core.models import AuditEvent
from hyeopchi.participation import forum_services as services
from hyeopchi.participation.forum_export import column_headers
from hyeopchi.participation.forum_rules import Quarter
from hyeopchi.participation.models import Agenda, AgendaSource
from tests.conftest import make_body

from .forum_helpers import record_forum

pytestmark = pytest.mark.django_db


@pytest.fixture
def q1_forums(guro):
    council = make_body(guro)
    first = record_forum(
        guro,
        title="구로 100인 원탁회의",
        type="open",
        organiser=council,
        stage="priority_decision",
        held_on=dt.date(2020, 3, 20),
        place="구로구청 강당",
        facilitation="원탁토론",
        materials_in_advance=True,
        summary="우선순위 투표\n11개 의제",
        total=100,
        breakdowns={
            "sector": {
                "residents": 70,
                "agencies": 5,
                "civic": 15,
                "council": 2,
                "administration": 8,
            },
            "gender": {"female": 58, "male": 40, "unknown": 2},
            "age": {
                "teens": 5,
                "twenties": 10,
                "thirties": 20,
                "forties": 30,
                "fifties": 20,
                "sixty_plus": 15,
            },
        },
        ideas="◦◦천 보행환경 개선\n마을 도서관 야간 개방",
    )
    second = record_forum(
        guro,
        title="청년 포커스 그룹",
        type="focus_group",
        stage="agenda_discovery",
        held_on=dt.date(2020, 1, 10),
        total=12,
        breakdowns={"gender": {"female": 7, "male": 5}},
    )
    record_forum(guro, title="2분기 공론장", held_on=dt.date(2020, 4, 1), total=999)
    agenda = Agenda.objects.create(district=guro, year=2020, title="보행 안전 의제")
    AgendaSource.objects.create(
        agenda=agenda, kind="forum_idea", forum_idea=first.ideas.get(text="◦◦천 보행환경 개선")
    )
    return first, second


def open_sheet(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    return workbook.active


def header_index(sheet) -> dict[str, int]:
    """Column numbers by their header (second header row wins for grouped columns)."""
    found: dict[str, int] = {}
    for row in (8, 9):
        for cell in sheet[row]:
            if cell.value:
                found[str(cell.value)] = cell.column
    return found


def test_sheet_reads_back_row_by_row(guro, guro_clerk, q1_forums):
    content, filename = services.export_quarter(guro, Quarter(2020, 1), guro_clerk)
    assert filename == f"process-db-{guro.code}-2020-Q1.xlsx"
    ws = open_sheet(content)
    assert ws.title == "2020-1분기"
    # Header block
    assert "과정관리DB" in ws["A1"].value
    assert ws["A2"].value == "자치구" and ws["C2"].value == f"구로구 ({guro.code})"
    assert ws["C3"].value.startswith("2020년 1분기 (2020-01-01 ~ 2020-03-31)")
    assert ws["A4"].value == "제출기한" and ws["C4"].value == dt.datetime(2020, 3, 31)
    generated = ws["C5"].value
    assert isinstance(generated, dt.datetime)
    assert abs(generated - timezone.localtime().replace(tzinfo=None)) < dt.timedelta(minutes=5)
    assert ws["C6"].value == 2
    # Korean column headers like the city's integrated sheet
    columns = header_index(ws)
    for title in (
        "연번",
        "일시",
        "공론장 유형",
        "주관",
        "단계",
        "장소",
        "진행방식",
        "사전자료 제공",
        "참여인원 계",
        "지역주민",
        "유관기관",
        "시민단체",
        "구의회",
        "행정",
        "기타",
        "성별",
        "여",
        "남",
        "미상",
        "연령대",
        "10대 이하",
        "60대 이상",
        "주요 결과",
    ):
        assert title in columns, title
    assert ws.cell(8, columns["지역주민"]).value == "참여주체별 인원"

    def cell(row: int, title: str):
        return ws.cell(row, columns[title]).value

    # Rows in date order, only the quarter's forums
    assert [cell(10, "연번"), cell(11, "연번")] == [1, 2]
    assert cell(10, "공론장명") == "청년 포커스 그룹"
    assert cell(10, "일시") == dt.datetime(2020, 1, 10)
    assert cell(10, "공론장 유형") == "포커스 그룹"
    assert cell(10, "단계") == "지역의제 발굴"
    assert cell(10, "사전자료 제공") == "X"
    assert cell(10, "참여인원 계") == 12
    assert cell(10, "지역주민") is None  # sector not recorded: empty, not 0
    assert (cell(10, "여"), cell(10, "남"), cell(10, "미상")) == (7, 5, 0)
    row = 11
    assert cell(row, "공론장명") == "구로 100인 원탁회의"
    assert cell(row, "공론장 유형") == "열린 공론장"
    assert cell(row, "주관") == "구로구협치회의"
    assert cell(row, "단계") == "의제 우선순위 결정"
    assert (cell(row, "장소"), cell(row, "진행방식")) == ("구로구청 강당", "원탁토론")
    assert cell(row, "사전자료 제공") == "O"
    assert cell(row, "참여인원 계") == 100
    assert [
        cell(row, t) for t in ("지역주민", "유관기관", "시민단체", "구의회", "행정", "기타")
    ] == [
        70,
        5,
        15,
        2,
        8,
        0,
    ]
    assert cell(row, "60대 이상") == 15
    assert cell(row, "주요 결과") == "우선순위 투표\n11개 의제"
    assert cell(row, "도출 아이디어") == "◦◦천 보행환경 개선\n마을 도서관 야간 개방"
    assert cell(row, "연계 의제") == "보행 안전 의제"
    # Totals row: forums, materials, every count over the forums that recorded it
    total_row = 12
    assert ws.cell(total_row, 1).value == "합계"
    assert cell(total_row, "공론장명") == "2건"
    assert cell(total_row, "사전자료 제공") == 1
    assert cell(total_row, "참여인원 계") == 112
    assert cell(total_row, "지역주민") == 70
    assert cell(total_row, "여") == 65
    assert cell(total_row, "30대") == 20


def test_sheet_formats_frozen_header_and_widths(guro, q1_forums):
    content, _name = services.export_quarter(guro, Quarter(2020, 1))
    ws = open_sheet(content)
    columns = header_index(ws)
    assert ws.freeze_panes == "C10"
    assert ws.cell(10, columns["일시"]).number_format == "yyyy-mm-dd"
    assert ws.cell(11, columns["참여인원 계"]).number_format == "#,##0"
    assert ws.cell(11, columns["지역주민"]).number_format == "#,##0"
    assert ws.cell(12, columns["참여인원 계"]).number_format == "#,##0"
    assert ws.column_dimensions["C"].width == 30
    assert ws.column_dimensions["A"].width == 6
    last = get_column_letter(len(column_headers(services.record_policy())))
    assert ws.auto_filter.ref == f"A9:{last}11"
    assert ws.cell(8, 1).font.bold
    assert "A8:A9" in {str(r) for r in ws.merged_cells.ranges}


def test_empty_quarter_gives_a_sheet_with_zero_totals(guro):
    content, _name = services.export_quarter(guro, Quarter(2021, 3))
    ws = open_sheet(content)
    assert ws["C6"].value == 0
    assert ws.cell(10, 1).value == "합계"
    assert ws.cell(10, 10).value == 0


def test_download_is_recorded_and_marks_the_quarter_generated(guro, guro_clerk, q1_forums):
    today = dt.date(2020, 3, 25)
    before = services.export_statuses(guro, 2020, today)
    assert before[0].event is None and before[0].status.forums == 2
    services.export_quarter(guro, Quarter(2020, 1), guro_clerk)
    event = AuditEvent.objects.get(action=services.EXPORT_ACTION)
    assert event.actor == guro_clerk and event.district == guro
    assert event.changes == {"year": 2020, "quarter": 1, "forums": 2}
    after = services.export_statuses(guro, 2020, today)
    assert after[0].event == event and after[0].status.current
    assert after[1].event is None
