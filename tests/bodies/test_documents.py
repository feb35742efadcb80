"""Meeting package and minutes PDFs: read back with pypdf and checked for their content."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import translation
from pypdf import PdfReader

from hyeopchi.bodies import documents, schedule, scheduling
from hyeopchi.bodies.models import Meeting, MeetingSeries, MeetingStatus, MinutesStatus

from .meeting_scenario import SEOUL, VENUE, build, publish


def pdf_text(data: bytes) -> tuple[str, PdfReader]:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    # CJK wrapping may break a line inside a word: compare without line breaks.
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    return re.sub(" +", " ", text), reader


@pytest.fixture
def scenario(guro):
    return build(guro)


@pytest.fixture(autouse=True)
def korean():
    with translation.override("ko"):
        yield


def test_meeting_package(scenario):
    text, reader = pdf_text(documents.meeting_package_pdf(scenario.meeting))
    assert "구로구협치회의 제1차 회의 자료" in text
    assert reader.metadata.title == "구로구협치회의 제1차 회의 자료"
    assert "일시 : 2019년 7월 25일(목) 10:00 ~ 11:30" in text
    assert f"장소 : {VENUE}" in text
    # Sections in the seed's order, items numbered with their attachment labels.
    order = [
        "공유(보고)사항",
        "1. 지역 협치 진행 현황 공유 : [붙임 1]",
        "시민협력플랫폼 추진 현황",
        "안건(토론)사항",
        "1. 운영세칙 개정(안)에 대한 건 : [붙임 2]",
        "2. 분과위원회 구성의 건",
        "기타 안건",
        "차기 회의 일정 및 장소",
        "2019년 8월 22일(목) 10:00",
        "구로구청 신관 5층 소회의실",
    ]
    positions = [text.find(part) for part in order]
    assert -1 not in positions, [p for p, i in zip(order, positions, strict=True) if i < 0]
    assert positions == sorted(positions)
    # Agenda only: no attendance, no names, no votes.
    for absent in ("김영수", "김*수", "참석자", "찬성"):
        assert absent not in text


def test_package_without_agenda_or_next_meeting(guro):
    from tests.conftest import make_body

    body = make_body(guro, name="구로구 복지분과")
    meeting = Meeting.objects.create(body=body, starts_at=dt.datetime(2019, 9, 5, 14, tzinfo=SEOUL))
    text, _ = pdf_text(documents.meeting_package_pdf(meeting))
    assert "구로구 복지분과 회의 자료" in text
    assert "장소 : 미정" in text
    assert text.count("없음") == 2  # no reports, no items for decision
    assert "- 미정" in text  # next meeting


def test_package_lists_the_regular_schedule(guro, city_officer):
    from tests.conftest import make_body

    body = make_body(
        None,
        rulebook="regional-council-steering",
        name="협치서울지역협의회 운영위원회",
        established_on=dt.date(2016, 9, 30),
        kind="steering",
    )
    series = scheduling.save_series(
        MeetingSeries(
            body=body,
            rrule=schedule.monthly_nth_weekday(4, 3),
            first_start=dt.datetime(2017, 7, 27, 10, tzinfo=SEOUL),
        )
    )
    first = scheduling.schedule_year(series, 2017).created[0]
    text, _ = pdf_text(documents.meeting_package_pdf(first))
    assert "주요일정" in text
    assert "정례회의 : 매월 4번째 목요일 10:00 (8/24, 9/28, 10/26, 11/23, 12/28)" in text
    following = text.find("- 일시 : 2017년 8월 24일(목) 10:00")
    assert text.find("차기 회의 일정 및 장소") < following < text.find("주요일정")


def test_cancelled_package_says_so(scenario):
    scenario.meeting.status = MeetingStatus.CANCELLED
    scenario.meeting.save()
    text, _ = pdf_text(documents.meeting_package_pdf(scenario.meeting))
    assert "취소된 회의" in text


def test_draft_minutes(scenario):
    text, _reader = pdf_text(documents.minutes_pdf(scenario.minutes, public=False))
    assert "구로구협치회의 제1차 회의록" in text
    assert "초안 (DRAFT)" in text
    # The six sections of the seed's minutes, in order.
    headings = ["1. 개요", "2. 참석자", "3. 보고사항", "4. 논의", "5. 결정사항", "6. 향후 일정"]
    positions = [text.find(h) for h in headings]
    assert -1 not in positions and positions == sorted(positions)
    assert "일시 : 2019년 7월 25일(목) 10:00 ~ 11:30" in text
    assert "구분 : 정기회의" in text
    assert "제1차 정기회의. 위원장 인사 후 안건 논의." in text


def test_minutes_attendance_is_grouped_counted_and_masked(scenario):
    text, _ = pdf_text(documents.minutes_pdf(scenario.minutes))
    assert "참석자 : 총 5명" in text
    assert "(위원, 3명) 김*수, 박*현, 이*호" in text
    assert "(참관, 1명) 한*희" in text
    assert "(배석, 1명) 오*진" in text
    for full_name in ("김영수", "박지현", "이민호", "한소희", "오세진"):
        assert full_name not in text
    # Quorum from the 5 enrolled members: 3 present, 3 required (more than half).
    assert "재적 5명 중 3명 출석 (의사정족수 3명): 성원" in text


def test_minutes_decisions_with_vote_figures(scenario):
    text, _ = pdf_text(documents.minutes_pdf(scenario.minutes))
    decisions = text[text.find("5. 결정사항") : text.find("6. 향후 일정")]
    assert "1. 분과위원회 3개(마을, 복지, 교육) 구성" in decisions
    assert "위원 배정은 다음 회의에서 한다." in decisions
    assert "표결: 찬성 2, 반대 1, 기권 0 → 가결" in decisions
    assert "재적 5명, 출석 3명, 의결에 찬성 2명 필요" in decisions
    # The failed amendment is recorded too, with its figures.
    assert "2. 운영세칙 개정" in decisions
    assert "표결: 찬성 1, 반대 1, 기권 1 → 부결" in decisions
    assert "운영세칙 개정은 다음 회의에서 다시 논의한다." in decisions


def test_minutes_next_steps_and_actions(scenario):
    text, _ = pdf_text(documents.minutes_pdf(scenario.minutes))
    steps = text[text.find("6. 향후 일정") :]
    assert "8월 정기회의에서 분과위원 배정." in steps
    assert "분과위원 희망 조사 / 담당: 박*현 / 기한: 2019년 8월 9일(금)" in steps
    assert "2019년 8월 22일(목) 10:00" in steps


def test_unpublished_decisions_are_left_out_of_public_minutes(scenario):
    scenario.passed.decision.published = False
    scenario.passed.decision.save()
    public, _ = pdf_text(documents.minutes_pdf(scenario.minutes, public=True))
    assert "분과위원회 3개(마을, 복지, 교육) 구성" not in public
    internal, _ = pdf_text(documents.minutes_pdf(scenario.minutes, public=False))
    assert "분과위원회 3개(마을, 복지, 교육) 구성" in internal


def test_published_minutes_have_no_draft_marker(scenario):
    publish(scenario.minutes, scenario.next_meeting)
    assert scenario.minutes.status == MinutesStatus.PUBLISHED
    text, _ = pdf_text(documents.minutes_pdf(scenario.minutes))
    assert "초안" not in text and "DRAFT" not in text


def test_long_korean_text_wraps_within_the_page(scenario):
    scenario.minutes.discussion = "가나다라마바사아자차카타파하" * 200
    scenario.minutes.save()
    data = documents.minutes_pdf(scenario.minutes)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    assert lines and max(len(line) for line in lines) < 60  # wrapped by character


def test_english_rendering(scenario):
    with translation.override("en"):
        text, _ = pdf_text(documents.minutes_pdf(scenario.minutes))
    assert "Minutes of 구로구협치회의 meeting no. 1" in text
    assert "DRAFT" in text
    assert "5. Decisions" in text and "Vote: 2 yes, 1 no, 0 abstaining → passed" in text
    assert "(Members, 3) 김*수, 박*현, 이*호" in text


def test_missing_font_gives_a_clear_error(scenario, settings, tmp_path):
    settings.HYEOPCHI_FONT_DIR = str(tmp_path)
    with pytest.raises(documents.FontMissing) as info:
        documents.meeting_package_pdf(scenario.meeting)
    assert "fonts-nanum" in str(info.value)
    assert str(tmp_path / "NanumGothic.ttf") in str(info.value)
