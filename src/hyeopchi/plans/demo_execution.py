"""Demo of execution for `make demo`: change requests, quarterly reports, settlement.

- 은평구's 2020 execution plan (9억 5,000만 원, agreed and paid like the others) ran the
  whole year: four quarterly reports, a small change decided by the 민관협치 TFT (acting as
  council) and notified to the city with the second quarter's report, the 기록집 line
  overspent, part of the youth forums paid by a national grant as well. Its settlement
  report, due 2021-02-28, was never submitted: it is overdue on the city's list.
- 구로구's 2020 execution plan (in execution in :mod:`.demo_submission`) has reports for the
  first three quarters and a change of content — more schools on the safe-route
  monitoring — waiting for the city's prior consultation.

Everything goes through the services, dated as it happened. Call after
:func:`hyeopchi.plans.demo_submission.load`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hyeopchi.bodies.models import Body, BodyKind, Decision
from hyeopchi.core.models import District

from . import services_changes as changes
from . import services_execution as execution
from . import services_plans as plans
from .demo_submission import GURO_2020_PLAN, approve_to_payment
from .models import BudgetLine, ChangeRequest, Plan, PlanKind, PlanStatus, TaskKind

EUNPYEONG_2020_PLAN = "2020 은평구 지역사회혁신계획 실행계획"
SUBSIDY = 950_000_000


@dataclass
class Result:
    loaded: bool
    summary: str


def _at(day: str, hour: int = 10) -> dt.datetime:
    d = dt.date.fromisoformat(day)
    return timezone.make_aware(dt.datetime(d.year, d.month, d.day, hour))


def load(today: dt.date | None = None) -> Result:
    """``today`` is accepted like the other demos' loaders; the steps carry their own
    2019–2021 dates, so the 은평구 settlement is overdue on any later demo day."""
    if Plan.objects.filter(title=EUNPYEONG_2020_PLAN).exists():
        return Result(False, "Demo execution is already loaded.")
    users = get_user_model().objects
    officer = users.filter(username="city-officer").first()
    if officer is None:
        return Result(False, "Demo execution needs the city officer of the bodies demo.")
    with transaction.atomic():
        overdue = _eunpyeong_2020(users.filter(username="clerk-eunpyeong").first(), officer)
        pending = _guro_2020(users.filter(username="clerk-guro").first())
    return Result(
        True,
        f"Loaded execution: {ChangeRequest.objects.count()} change requests, "
        f"reports of {sum(1 for p in (overdue, pending) if p)} plans, one overdue settlement.",
    )


# ---------------------------------------------------------------- 은평구: a year, no settlement


def _eunpyeong_2020(clerk, officer) -> Plan | None:
    district = District.objects.get(name_ko="은평구")
    tft = Body.objects.filter(district=district, kind=BodyKind.TFT).order_by("id").first()
    if tft is None or clerk is None:
        return None
    plan = plans.create_plan(
        district,
        plans.PlanData(
            kind=PlanKind.EXECUTION,
            title=EUNPYEONG_2020_PLAN,
            start_year=2020,
            end_year=2020,
            vision="주민이 기록하고 함께 결정하는 은평",
            envelope=SUBSIDY,
        ),
        actor=clerk,
    )
    lines = {}
    records = None
    for kind, title, code, rows in (
        (
            TaskKind.FOUNDATION,
            "민관협치 TFT와 공론장 운영",
            "F-1",
            [
                ("operating", "event", 250_000_000, "TFT·공론장 운영"),
                ("operating", "office", 50_000_000, "사무관리비"),
            ],
        ),
        (
            TaskKind.SECTOR,
            "은평 마을 기록 모임",
            "S-1",
            [
                ("operating", "event", 200_000_000, "기록 모임 운영"),
                ("project", "publicity", 50_000_000, "기록집 발간"),
            ],
        ),
        (
            TaskKind.SECTOR,
            "청소년 마을 참여",
            "S-2",
            [("operating", "event", 400_000_000, "청소년 공론장")],
        ),
    ):
        task = plans.save_task(
            plan,
            plans.TaskData(kind=kind, title=title, sub_project=code, joint_operation=True),
            actor=clerk,
        )
        for category, subtype, amount, basis in rows:
            lines[basis] = plans.save_line(
                task,
                plans.LineData(category, subtype, "current", "city", amount, basis),
                actor=clerk,
            )
        if code == "S-1":
            records = task
    assert records is not None
    collected = plans.save_indicator(
        records,
        plans.IndicatorData(name="수집한 마을 기록", target=300, unit="건", baseline=0),
        actor=clerk,
    )
    approval = Decision.objects.create(
        body=tft,
        title="2020 지역사회혁신계획 실행계획 승인의 건",
        decided_on=dt.date(2019, 7, 3),
        published=True,
    )
    approve_to_payment(plan, approval, clerk, officer, SUBSIDY, "운영지침에 맞게 편성되었습니다.")

    # A small change within F-1 (2.1 % of the subsidy): the TFT decides, the city is told.
    request = changes.file_request(
        plan,
        [changes.ItemSpec(lines["TFT·공론장 운영"].pk, lines["사무관리비"].pk, 20_000_000)],
        "코로나19로 대면 공론장을 온라인으로 전환: 화상회의 장비·회선 사무관리비 증액",
        clerk,
        now=_at("2020-05-12"),
    )
    decision = Decision.objects.create(
        body=tft,
        title="공론장 운영비 변경(2천만 원) 의결",
        decided_on=dt.date(2020, 5, 20),
        published=True,
    )
    changes.decide(request, "council", True, clerk, body_decision=decision, at=_at("2020-05-20"))

    spending = {  # quarter: {line: (spent to date, of which also paid by national money)}
        1: {"TFT·공론장 운영": 40_000_000, "사무관리비": 10_000_000, "청소년 공론장": 30_000_000},
        2: {
            "TFT·공론장 운영": 90_000_000,
            "사무관리비": 35_000_000,
            "기록 모임 운영": 60_000_000,
            "청소년 공론장": 120_000_000,
        },
        3: {
            "TFT·공론장 운영": 160_000_000,
            "사무관리비": 55_000_000,
            "기록 모임 운영": 130_000_000,
            "기록집 발간": 20_000_000,
            "청소년 공론장": 250_000_000,
        },
        4: {
            "TFT·공론장 운영": 228_000_000,
            "사무관리비": 69_000_000,
            "기록 모임 운영": 196_000_000,
            "기록집 발간": 55_000_000,  # over its 50,000,000
            "청소년 공론장": 385_000_000,
        },
    }
    narratives = {
        1: "TFT 정기회의 2회, 청소년 공론장 준비 모임.",
        2: "대면 공론장을 온라인으로 전환(TFT 결정 5.20). 기록 모임 6개 동 시작.",
        3: "기록 모임 10개 동, 청소년 공론장 3회. 기록집 편집 시작.",
        4: "기록집 500부 발간(증쇄로 예산 초과), 결과 공유 공론장. 청소년 공론장 일부는 "
        "국비 공모사업(여성가족부)으로도 지원받음.",
    }
    # Part of the youth forums was paid by a national grant as well (협약 제11조③④).
    doubly_funded = {(4, "청소년 공론장"): 15_000_000}
    submitted = {1: "2020-04-08", 2: "2020-07-08", 3: "2020-10-08", 4: "2021-01-08"}
    for quarter in (1, 2, 3, 4):
        report = execution.open_report(
            plan, 2020, quarter, clerk, today=dt.date.fromisoformat(submitted[quarter])
        )
        execution.save_report(
            report,
            clerk,
            narratives={records.pk: narratives[quarter]},
            spending={
                lines[name].pk: (amount, doubly_funded.get((quarter, name), 0))
                for name, amount in spending[quarter].items()
            },
            actuals={collected.pk: 80 * quarter},
        )
        execution.submit_report(report, clerk, now=_at(submitted[quarter]))
    execution.settlement_for(plan)  # due 2021-02-28, never submitted
    return plan


# ---------------------------------------------------------------- 구로구: a pending change


def _guro_2020(clerk) -> Plan | None:
    plan = Plan.objects.filter(title=GURO_2020_PLAN, status=PlanStatus.IN_EXECUTION).first()
    if plan is None or clerk is None:
        return None
    lines = {
        line.description: line
        for line in BudgetLine.objects.filter(task__plan=plan, source="city").order_by("id")
    }
    spending = {
        1: {"협치회의·분과 운영": 60_000_000, "돌봄 공론장·네트워크": 50_000_000},
        2: {
            "협치회의·분과 운영": 140_000_000,
            "돌봄 공론장·네트워크": 130_000_000,
            "통학로 진단·주민 모니터링": 90_000_000,
        },
        3: {
            "협치회의·분과 운영": 230_000_000,
            "돌봄 공론장·네트워크": 220_000_000,
            "통학로 진단·주민 모니터링": 180_000_000,
        },
    }
    submitted = {1: "2020-04-09", 2: "2020-07-09", 3: "2020-10-08"}
    for quarter in (1, 2, 3):
        report = execution.open_report(
            plan, 2020, quarter, clerk, today=dt.date.fromisoformat(submitted[quarter])
        )
        execution.save_report(
            report,
            clerk,
            spending={
                lines[name].pk: (amount, 0)
                for name, amount in spending[quarter].items()
                if name in lines
            },
        )
        execution.submit_report(report, clerk, now=_at(submitted[quarter]))
    changes.file_request(
        plan,
        [],
        "학부모 모니터링단 요청: 통학로 모니터링 대상 확대",
        clerk,
        content_change="안전한 통학로 만들기: 모니터링 대상 초등학교를 3개교에서 5개교로 확대하고, "
        "2개교는 학부모 모니터링단이 직접 진단",
        now=_at("2020-10-15"),
    )
    return plan
