"""Demo forums (공론장) for `make demo`: a year and a half of 구로구's forum records, from
designing the planning process to sharing results, so that the forum list, the process
statistics, the city-wide comparison and the quarterly sheets have several quarters to
show; a few forums of 은평구 and 노원구 for the comparison. Everything goes through
``forum_services.save_forum`` as the secretariat would record it.

Every record is published except 구로구's latest (the town hall twelve days ago), left a
draft as the secretariat would before checking it: staff see it with a "publish" button,
the public does not.

Call :func:`load` after the bodies demo (it uses 구로구협치회의 as organiser when present).
Counts are fictional; the forum formats follow the manual's examples (seed 003: 동네 한바퀴
자원조사 워크숍, 100인 원탁회의 with materials in advance, 노원's on-site vote).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hyeopchi.bodies.models import Body, BodyKind
from hyeopchi.core.models import District

from . import forum_services
from .models import Forum

MARKER = "구로구 협치 TFT 계획수립 과정 설계 워크숍"


@dataclass
class Result:
    loaded: bool
    summary: str


def _split(total: int, shares: list[int]) -> list[int]:
    """``total`` split by whole-number ``shares`` (the last part takes the rounding)."""
    base = sum(shares)
    parts = [total * s // base for s in shares[:-1]]
    return [*parts, total - sum(parts)]


def _counts(total: int, sector: list[int] | None, gender: list[int] | None, age=None) -> dict:
    policy = forum_services.record_policy()
    out: dict[str, dict[str, int]] = {}
    for name, shares in (("sector", sector), ("gender", gender), ("age", age)):
        if shares:
            keys = [c.key for c in policy.breakdowns()[name]]
            out[name] = dict(zip(keys, _split(total, shares), strict=True))
    return out


# days before today, title, type, stage, place, facilitation, materials, total,
# sector shares (주민, 유관기관, 시민단체, 구의회, 행정, 기타), gender shares (여, 남, 미상),
# age shares (10대 이하 … 60대 이상), summary, ideas
GURO = [
    (
        470,
        MARKER,
        "workshop",
        "process_design",
        "구로구청 협치정책팀 회의실",
        "퍼실리테이터 진행 워크숍",
        True,
        18,
        [6, 2, 6, 1, 3, 0],
        [10, 8, 0],
        None,
        "협치회의와 TFT가 올해 계획수립 과정을 설계하고 공론장 일정을 정했다.",
        ["권역별 공론장을 4개 권역에서 열기", "청소년·청년 세대별 공론장 별도 운영"],
    ),
    (
        430,
        "동네 한바퀴 자원조사 워크숍",
        "workshop",
        "regional_survey",
        "구로구 마을공동체지원센터",
        "현장 답사 후 모둠 토론",
        False,
        34,
        [22, 4, 6, 0, 2, 0],
        [20, 14, 0],
        [2, 5, 7, 9, 6, 5],
        "동별 인적·공간 자원을 조사하고 자원 목록을 공개하기로 했다.",
        ["유휴 공간 목록 공개", "마을 활동가 인적 자원 지도 만들기"],
    ),
    (
        390,
        "구로 협치 비전 공유 공론장",
        "open",
        "vision_goals",
        "구로구청 대강당",
        "원탁토론",
        True,
        72,
        [48, 6, 10, 2, 6, 0],
        [40, 31, 1],
        [3, 8, 14, 17, 16, 14],
        "지역조사 결과를 공유하고 3개년 비전 초안을 논의했다.",
        [],
    ),
    (
        350,
        "개봉2동 동 단위 공론장",
        "dong",
        "agenda_discovery",
        "개봉2동 주민센터",
        "자유 제안 후 스티커 투표",
        False,
        41,
        [35, 2, 2, 1, 1, 0],
        [25, 16, 0],
        None,
        "골목 안전, 통학로, 쓰레기 문제가 많이 제안되었다.",
        ["◦◦천 보행환경 개선", "어린이 통학로 안전 펜스", "골목 쓰레기 무단투기 해결"],
    ),
    (
        330,
        "청년 세대별 공론장",
        "generation",
        "agenda_discovery",
        "구로구 청년공간",
        "월드카페",
        False,
        26,
        [20, 1, 4, 0, 1, 0],
        [14, 12, 0],
        [2, 24, 0, 0, 0, 0],
        "청년 주거와 일자리, 공간 문제를 중심으로 의제를 발굴했다.",
        ["청년 공유 부엌", "청년 구직자 면접 정장 대여"],
    ),
    (
        310,
        "온라인 의제 제안 공론장",
        "online",
        "agenda_discovery",
        "구로1번가 온라인",
        "온라인 제안과 댓글 토론",
        True,
        212,
        None,
        [120, 88, 4],
        None,
        "구로1번가에서 3주 동안 의제를 받았다.",
        ["마을 도서관 야간 개방", "경로당 디지털 교육"],
    ),
    (
        280,
        "분과별 발굴의제 검토 확대회의",
        "subcommittee",
        "agenda_review",
        "구로구청 협치정책팀 회의실",
        "분과 토론과 부서 의견 청취",
        True,
        23,
        [9, 2, 5, 1, 6, 0],
        [12, 11, 0],
        None,
        "비슷한 제안을 묶어 12개 의제로 정리하고 부서 검토 의견을 들었다.",
        [],
    ),
    (
        250,
        "구로 100인 원탁회의",
        "open",
        "priority_decision",
        "구로구청 대강당",
        "원탁토론과 현장투표",
        True,
        104,
        [70, 5, 15, 2, 12, 0],
        [58, 44, 2],
        [6, 10, 18, 24, 26, 20],
        "의제 설명 영상을 미리 보내고, 12개 의제의 우선순위를 현장투표로 정했다.",
        [],
    ),
    (
        200,
        "의제별 세부계획 워킹그룹 워크숍",
        "workshop",
        "detail_planning",
        "구로구 사회적경제지원센터",
        "워킹그룹별 계획서 작성",
        True,
        31,
        [12, 4, 8, 0, 7, 0],
        [17, 14, 0],
        None,
        "의제별 세부계획 초안과 예산을 함께 작성했다.",
        [],
    ),
    (
        170,
        "계획 초안 공유 권역별 공론장",
        "regional",
        "draft_review",
        "신도림동 주민센터",
        "초안 설명과 모둠 토론",
        False,
        38,
        [30, 2, 3, 1, 2, 0],
        [21, 17, 0],
        [1, 3, 6, 10, 10, 8],
        "초안에 대한 주민 의견을 받아 수정 사항을 정리했다.",
        ["보행 의제에 야간 조명 추가"],
    ),
    (
        120,
        "협치회의 계획 승인 공개회의",
        "committee",
        "council_approval",
        "구로구청 기획상황실",
        "안건 심의",
        True,
        27,
        [10, 2, 6, 3, 6, 0],
        [13, 14, 0],
        None,
        "본계획을 승인하고 의제별 협약 주체를 정했다.",
        [],
    ),
    (
        75,
        "실행계획 공유 공론장",
        "open",
        "strategy_schedule",
        "구로구청 대강당",
        "발표와 질의응답",
        True,
        58,
        [36, 4, 10, 2, 6, 0],
        [32, 26, 0],
        None,
        "올해 실행 일정과 워킹그룹 구성을 공유했다.",
        [],
    ),
    (
        40,
        "보행환경 개선 워킹그룹 중간점검",
        "focus_group",
        "execution_monitoring",
        "구로구청 협치정책팀 회의실",
        "포커스 그룹 인터뷰",
        False,
        9,
        [4, 1, 2, 0, 2, 0],
        [5, 4, 0],
        None,
        "사업 추진 상황을 점검하고 다음 분기 과제를 정했다.",
        [],
    ),
    (
        12,
        "주민 의견 수렴 타운홀",
        "town_hall",
        "execution_monitoring",
        "고척1동 주민센터",
        "타운홀 미팅",
        False,
        46,
        [40, 1, 3, 1, 1, 0],
        [27, 19, 0],
        [0, 4, 8, 11, 12, 11],
        "실행 중인 사업에 대한 주민 의견을 들었다.",
        ["공원 맨발길 조명 연장"],
    ),
]

OTHERS = [
    (
        "은평구",
        300,
        "은평 주민총회",
        "open",
        "priority_decision",
        True,
        210,
        [180, 5, 15, 0, 10, 0],
    ),
    ("은평구", 200, "은평 청소년 공론장", "generation", "agenda_discovery", False, 35, None),
    ("은평구", 60, "은평 실행 점검 워크숍", "workshop", "evaluation", True, 22, None),
    ("노원구", 260, "노원 의제 현장투표 공론장", "open", "priority_decision", True, 150, None),
    (
        "노원구",
        90,
        "노원 동 단위 공론장",
        "dong",
        "agenda_discovery",
        False,
        40,
        [34, 2, 2, 0, 2, 0],
    ),
]


def is_loaded() -> bool:
    return Forum.objects.filter(title=MARKER).exists()


def load(today: dt.date | None = None) -> Result:
    if is_loaded():
        return Result(False, "Demo forums are already loaded.")
    today = today or timezone.localdate()
    clerk = get_user_model().objects.filter(username="clerk-guro").first()
    guro = District.objects.get(name_ko="구로구")
    council = Body.objects.filter(district=guro, kind=BodyKind.COUNCIL).order_by("id").first()
    subcommittee = (
        Body.objects.filter(district=guro, kind=BodyKind.SUBCOMMITTEE).order_by("id").first()
    )
    count = 0
    latest = min(row[0] for row in GURO)
    with transaction.atomic():
        for row in GURO:
            (days, title, kind, stage, place, how, materials, total) = row[:8]
            sector, gender, age, summary, ideas = row[8:]
            organiser = subcommittee if kind == "subcommittee" and subcommittee else council
            forum = Forum(
                district=guro,
                title=title,
                type=kind,
                organiser=organiser,
                stage=stage,
                held_on=today - dt.timedelta(days=days),
                place=place,
                facilitation=how,
                materials_in_advance=materials,
                summary=summary,
            )
            forum_services.save_forum(
                forum,
                total=total,
                breakdowns=_counts(total, sector, gender, age),
                ideas=ideas,
                actor=clerk,
            )
            if days != latest:
                forum_services.publish_forum(forum, clerk)
            count += 1
        for name, days, title, kind, stage, materials, total, sector in OTHERS:
            forum = Forum(
                district=District.objects.get(name_ko=name),
                title=title,
                type=kind,
                stage=stage,
                held_on=today - dt.timedelta(days=days),
                materials_in_advance=materials,
            )
            forum_services.save_forum(
                forum, total=total, breakdowns=_counts(total, sector, None), ideas=None
            )
            forum_services.publish_forum(forum)
            count += 1
    return Result(True, f"Loaded {count} demo forums (구로구, 은평구, 노원구).")
