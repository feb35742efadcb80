"""Demo of approval, submission, review, revision and money, for `make demo`.

- 은평구's 2021 execution plan (approved by its TFT in :mod:`.demo`) is submitted on the
  deadline day (2020.7.10); the city officer's review opinion asks for changes, the plan
  goes back for revision, the district moves money from the exhibition to the residents'
  archive workshops and rewrites the detailed plan, and submits the final version on
  2020.8.14; the officer's second opinion accepts it. The version comparison has
  something to show, and the plan waits for the city's selection.
- 구로구's 2020 execution plan (last year's) went all the way: approved by the council,
  submitted, reviewed, selected, approved by the participatory-budget committee, agreed
  (협약, 10억 원 for 2020) and paid (교부): it is in execution.

Every step goes through :mod:`.services_submission`, dated as it happened (``today`` of
each step), and is audited like any other. Call after :func:`hyeopchi.plans.demo.load`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from hyeopchi.bodies.models import Body, BodyKind, Decision
from hyeopchi.core.models import District

from . import services_plans as plans
from . import services_submission as sub
from .models import Plan, PlanKind, PlanStatus, PlanVersion, TaskKind

EUNPYEONG_PLAN = "2021 은평구 지역사회혁신계획 실행계획"
GURO_2020_PLAN = "2020 구로구 지역사회혁신계획 실행계획"


@dataclass
class Result:
    loaded: bool
    summary: str


def load(today: dt.date | None = None) -> Result:
    """``today`` is accepted like the other demos' loaders; the steps carry their own
    2019–2020 dates, all in the past of any demo day."""
    if Plan.objects.filter(title=GURO_2020_PLAN).exists():
        return Result(False, "Demo submissions are already loaded.")
    users = get_user_model().objects
    officer = users.filter(username="city-officer").first()
    if officer is None:
        return Result(False, "Demo submissions need the city officer of the bodies demo.")
    with transaction.atomic():
        reviewed = _eunpyeong(users.filter(username="clerk-eunpyeong").first(), officer)
        paid = _guro_2020(users.filter(username="clerk-guro").first(), officer)
    done = [p for p in (reviewed, paid) if p is not None]
    return Result(
        True,
        f"Loaded {len(done)} plans through submission and review "
        f"({PlanVersion.objects.filter(plan__in=done).count()} versions).",
    )


# ---------------------------------------------------------------- 은평구: review and revision


def _eunpyeong(clerk, officer) -> Plan | None:
    plan = Plan.objects.filter(title=EUNPYEONG_PLAN, status=PlanStatus.APPROVED).first()
    if plan is None or clerk is None:
        return None
    sub.submit(plan, clerk, today=dt.date(2020, 7, 10))
    sub.write_opinion(
        plan,
        "1. 기록 전시·공론장 예산(1억 5천만 원)이 주민 참여 활동에 비해 큽니다. 주민 "
        "기록활동가 양성에 재배분을 검토해 주십시오.\n"
        "2. 은평 마을 기록관의 세부추진 계획에 분기별 일정과 워킹그룹의 역할을 적어 "
        "주십시오.\n3. 성과지표 '수집 기록'의 측정 방법(기록관 목록)은 적정합니다.",
        "revise",
        officer,
    )
    sub.request_revision(plan, "협의·조정 회의(7.24) 검토의견 반영", officer)

    archive = plan.tasks.get(title="은평 마을 기록관")
    exhibition = archive.budget_lines.get(description="기록 전시·공론장")
    plans.save_line(
        archive,
        plans.LineData("operating", "event", "current", "city", 120_000_000, "기록 전시·공론장"),
        exhibition,
        actor=clerk,
    )
    plans.save_line(
        archive,
        plans.LineData("operating", "event", "current", "city", 30_000_000, "주민 기록활동가 양성"),
        actor=clerk,
    )
    plans.save_task(
        plan,
        plans.TaskData(
            kind=TaskKind.SECTOR,
            title=archive.title,
            sub_project=archive.sub_project,
            joint_operation=True,
            content=(
                "1분기: 워킹그룹 구성, 기록 수집 방법 공론장\n"
                "2분기: 주민 기록활동가 양성 과정(20명)\n"
                "3분기: 동별 마을 기록 수집\n"
                "4분기: 기록 전시와 결과 공유 공론장"
            ),
            governance="워킹그룹(주민 기록활동가, 문화체육과, 협치지원관)이 수집·전시를 함께 운영",
        ),
        archive,
        actor=clerk,
    )
    sub.submit(plan, clerk, final=True, today=dt.date(2020, 8, 14))
    sub.write_opinion(
        plan,
        "검토의견이 반영되었습니다. 기록활동가 양성 예산과 분기별 일정을 확인했습니다.",
        "accept",
        officer,
    )
    return plan


# ---------------------------------------------------------------- 구로구: all the way to money


def _guro_2020(clerk, officer) -> Plan | None:
    guro = District.objects.get(name_ko="구로구")
    council = Body.objects.filter(district=guro, kind=BodyKind.COUNCIL).order_by("id").first()
    if council is None or clerk is None:
        return None
    plan = plans.create_plan(
        guro,
        plans.PlanData(
            kind=PlanKind.EXECUTION,
            title=GURO_2020_PLAN,
            start_year=2020,
            end_year=2020,
            vision="주민이 의제를 발굴하고 민관이 함께 해결하는 구로",
            envelope=1_000_000_000,
        ),
        actor=clerk,
    )
    for kind, title, code, lines in (
        (
            TaskKind.FOUNDATION,
            "협치 기반 구축: 협치회의와 주민참여예산 운영",
            "F-1",
            [
                ("operating", "event", "current", "city", 320_000_000, "협치회의·분과 운영"),
                ("operating", "event", "current", "district", 20_000_000, "주민총회"),
            ],
        ),
        (
            TaskKind.SECTOR,
            "구로 마을 돌봄 네트워크",
            "S-1",
            [("operating", "event", "current", "city", 340_000_000, "돌봄 공론장·네트워크")],
        ),
        (
            TaskKind.SECTOR,
            "안전한 통학로 만들기",
            "S-2",
            [("operating", "event", "current", "city", 340_000_000, "통학로 진단·주민 모니터링")],
        ),
    ):
        task = plans.save_task(
            plan,
            plans.TaskData(kind=kind, title=title, sub_project=code, joint_operation=True),
            actor=clerk,
        )
        for category, subtype, nature, source, amount, basis in lines:
            plans.save_line(
                task,
                plans.LineData(category, subtype, nature, source, amount, basis),
                actor=clerk,
            )
    decision = Decision.objects.create(
        body=council,
        title="2020 지역사회혁신계획(구단위계획형) 승인의 건",
        decided_on=dt.date(2019, 7, 4),
        published=True,
    )
    approve_to_payment(
        plan, decision, clerk, officer, 1_000_000_000, "계획과 예산 편성이 운영지침에 맞습니다."
    )
    return plan


def approve_to_payment(
    plan: Plan, decision: Decision, clerk, officer, subsidy: int, opinion: str
) -> None:
    """A 2020 plan's way from the council's decision to the money, on the days of the
    2019 calendar: submitted 7.10, selected 8.21, PB-approved 8.29, agreed 12.16 for all
    of 2020, paid 2020.1.10."""
    sub.approve(plan, decision, clerk, today=decision.decided_on)
    sub.submit(plan, clerk, today=dt.date(2019, 7, 10))
    sub.write_opinion(plan, opinion, "accept", officer)
    sub.select(plan, dt.date(2019, 8, 21), officer, today=dt.date(2019, 8, 21))
    sub.pb_approve(plan, dt.date(2019, 8, 29), officer, today=dt.date(2019, 8, 29))
    sub.agree(
        plan,
        officer,
        dt.date(2019, 12, 16),
        dt.date(2020, 1, 1),
        dt.date(2020, 12, 31),
        subsidy,
        "협약서 2부 작성, 시와 구가 각 1부 보관",
        today=dt.date(2019, 12, 16),
    )
    sub.disburse(plan, dt.date(2020, 1, 10), subsidy, officer, today=dt.date(2020, 1, 10))
