"""A held meeting with agenda, attendance, votes, decisions and minutes, built through the
services (so vote outcomes are computed by the rulebook), for the document and feed tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from hyeopchi.bodies import services
from hyeopchi.bodies.models import (
    ActionItem,
    AgendaItem,
    AgendaSection,
    Body,
    Capacity,
    Meeting,
    MeetingStatus,
    Minutes,
    Motion,
    MotionKind,
)
from tests.conftest import add_member, make_body, make_person

SEOUL = ZoneInfo("Asia/Seoul")
VENUE = "구로구청 본관 2층 기획상황실"


@dataclass
class Scenario:
    body: Body
    meeting: Meeting
    next_meeting: Meeting
    minutes: Minutes
    passed: Motion
    failed: Motion


def build(district, *, body: Body | None = None) -> Scenario:
    body = body or make_body(district)
    names = [("김영수", "M"), ("박지현", "F"), ("이민호", "M"), ("최은정", "F"), ("정하늘", "F")]
    members = [make_person(gender, name) for name, gender in names]
    for person in members:
        add_member(body, person)
    observer = make_person("F", "한소희")
    staff = make_person("M", "오세진")
    meeting = services.save_meeting(
        Meeting(
            body=body,
            starts_at=dt.datetime(2019, 7, 25, 10, tzinfo=SEOUL),
            ends_at=dt.datetime(2019, 7, 25, 11, 30, tzinfo=SEOUL),
            venue=VENUE,
            status=MeetingStatus.HELD,
        )
    )
    next_meeting = services.save_meeting(
        Meeting(
            body=body,
            starts_at=dt.datetime(2019, 8, 22, 10, tzinfo=SEOUL),
            venue="구로구청 신관 5층 소회의실",
        )
    )
    AgendaItem.objects.create(
        meeting=meeting,
        section=AgendaSection.REPORT,
        number=1,
        title="지역 협치 진행 현황 공유",
        description="시민협력플랫폼 추진 현황",
        attachment_label="붙임 1",
    )
    rules_item = AgendaItem.objects.create(
        meeting=meeting,
        section=AgendaSection.DECISION,
        number=1,
        title="운영세칙 개정(안)에 대한 건",
        attachment_label="[붙임 2]",
    )
    sub_item = AgendaItem.objects.create(
        meeting=meeting, section=AgendaSection.DECISION, number=2, title="분과위원회 구성의 건"
    )
    AgendaItem.objects.create(
        meeting=meeting, section=AgendaSection.OTHER, number=1, title="기타 안건"
    )
    services.set_attendance(
        meeting,
        [(p.pk, Capacity.MEMBER) for p in members[:3]]
        + [(observer.pk, Capacity.OBSERVER), (staff.pk, Capacity.STAFF)],
    )
    passed = Motion.objects.create(
        meeting=meeting, agenda_item=sub_item, title="분과위원회 3개 구성"
    )
    services.record_vote(passed, yes=2, no=1, abstain=0)
    services.decide(
        passed,
        "분과위원회 3개(마을, 복지, 교육) 구성",
        "위원 배정은 다음 회의에서 한다.",
        publish=True,
    )
    failed = Motion.objects.create(
        meeting=meeting, agenda_item=rules_item, title="운영세칙 개정", kind=MotionKind.AMENDMENT
    )
    services.record_vote(failed, yes=1, no=1, abstain=1)
    ActionItem.objects.create(
        meeting=meeting,
        description="분과위원 희망 조사",
        owner=members[1],
        due_on=dt.date(2019, 8, 9),
    )
    minutes = Minutes.objects.create(
        meeting=meeting,
        overview="제1차 정기회의. 위원장 인사 후 안건 논의.",
        reports="시민협력플랫폼 9개 자치구 추진 중.",
        discussion="한 위원: 분과 구성 시 성비를 고려해야 함.",
        decisions_text="운영세칙 개정은 다음 회의에서 다시 논의한다.",
        next_steps="8월 정기회의에서 분과위원 배정.",
    )
    return Scenario(body, meeting, next_meeting, minutes, passed, failed)


def publish(minutes: Minutes, at: Meeting) -> Minutes:
    services.approve_minutes(minutes, at)
    return services.publish_minutes(minutes)
