"""Demo plan cycles and plans for `make demo`: districts at different stages of the 2020
cycle (the shipped policy, writing the plan for 2021).

- 구로구: stages done up to the priority decision, detailed planning under way; an
  approved 2021–2023 basic plan and a 2021 execution plan in draft with foundation and
  sector tasks, indicators and budget lines within every cap, tasks linked to the demo
  agendas and working groups.
- 은평구: every stage done up to council approval; its execution plan approved by the TFT.
- 노원구: an own stage added (의제심사단 심사); a draft whose coordinator pay breaks the
  10 % personnel cap, so the budget check has something to say.
- 도봉구: the cycle opened, the regional survey under way.
The other districts have not opened their cycle. The demo account ``wg-guro`` is linked to
the chair of the 구로구 working group that owns a task of the 2021 draft, so a visitor can
sign in as a working-group member and write that task. Everything goes through the services as
a secretariat would enter it; then :mod:`.demo_submission` takes the plans on through
submission and review, and :mod:`.demo_execution` through execution and settlement.
Call :func:`load` after the bodies, forums and agendas demos.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, When
from django.utils import timezone

from hyeopchi.bodies.demo import PASSWORD
from hyeopchi.bodies.models import Body, BodyKind, Decision, MemberRole, Membership
from hyeopchi.core.models import District
from hyeopchi.directory.models import Person
from hyeopchi.directory.services import link_account
from hyeopchi.participation.models import Agenda, AgendaStatus, Forum

from . import cycle_services, demo_execution, demo_submission
from . import services_plans as services
from .models import Plan, PlanKind, PlanStatus, TaskKind

CYCLE_YEAR = 2020
PLAN_YEAR = 2021
MARKER = "2021 구로구 지역사회혁신계획 실행계획"

# (category, subtype, nature, source, amount in 원, calculation basis)
Line = tuple[str, str, str, str, int, str]


WG_ACCOUNT = "wg-guro"


@dataclass
class Result:
    loaded: bool
    summary: str
    users: list[tuple[str, str, bool]] = field(default_factory=list)  # name, what, created


def load(today: dt.date | None = None) -> Result:
    if Plan.objects.filter(title=MARKER).exists():
        existing = get_user_model().objects.filter(username=WG_ACCOUNT).exists()
        listed = [(WG_ACCOUNT, "working-group member (구로구): writes one plan task", False)]
        return Result(False, "Demo plans are already loaded.", listed if existing else [])
    users = get_user_model().objects
    with transaction.atomic():
        guro = District.objects.get(name_ko="구로구")
        _guro(guro, users.filter(username="clerk-guro").first())
        accounts = _working_group_account(Plan.objects.get(title=MARKER))
        eunpyeong = District.objects.get(name_ko="은평구")
        _eunpyeong(eunpyeong, users.filter(username="clerk-eunpyeong").first())
        _nowon(District.objects.get(name_ko="노원구"))
        _dobong(District.objects.get(name_ko="도봉구"))
        written = Plan.objects.count()
        # The later steps build on these plans: submission and review, then execution.
        submitted = demo_submission.load(today)
        executed = demo_execution.load(today)
    return Result(
        True,
        f"Loaded the {CYCLE_YEAR} plan cycle of 4 districts and {written} Community "
        f"Innovation Plans (구로구, 은평구, 노원구). {submitted.summary} {executed.summary}",
        accounts,
    )


# ---------------------------------------------------------------- helpers


def _working_group_account(plan: Plan) -> list[tuple[str, str, bool]]:
    """``wg-guro``: the chair (else a member) of the working group of the draft's first
    sector task with one, linked through the directory; no role, so only that task."""
    task = (
        plan.tasks.filter(working_group__isnull=False)
        .select_related("working_group")
        .order_by("kind", "order", "id")
        .first()
    )
    if task is None:
        return []
    membership = (
        Membership.objects.active_on(timezone.localdate())
        .filter(body=task.working_group, person__user__isnull=True)
        .order_by(Case(When(role=MemberRole.CHAIR, then=0), default=1), "id")
        .select_related("person")
        .first()
    )
    if membership is None:
        return []
    User = get_user_model()
    user = User.objects.filter(username=WG_ACCOUNT).first()
    created = user is None
    if created:
        user = User.objects.create_user(WG_ACCOUNT, f"{WG_ACCOUNT}@example.org", PASSWORD)
    if not Person.objects.filter(user=user).exists():
        link_account(membership.person, user)
    what = (
        f"member of {task.working_group.name} (구로구): writes the task “{task.title}” of "
        f"the 2021 draft plan, /plans/tasks/{task.pk}/"
    )
    return [(WG_ACCOUNT, what, created)]


def _advance(cycle, upto: str, actor, dates: dict[str, tuple[str, str]], body=None, **links):
    """Mark stages done up to ``upto`` (in progress), with dates, body, forums, decisions."""
    stages = list(cycle.stages.order_by("order", "id"))
    codes = [s.code for s in stages]
    last = codes.index(upto)
    for index, stage in enumerate(stages[: last + 1]):
        start, end = dates.get(stage.code, (None, None))
        change = cycle_services.StageChange(
            status="done" if index < last else "in_progress",
            start_date=dt.date.fromisoformat(start) if start else None,
            end_date=dt.date.fromisoformat(end) if end else stage.end_date,
            title=stage.title,
            responsible_body=body,
            forums=links.get("forums", {}).get(stage.code, []),
            decisions=links.get("decisions", {}).get(stage.code, []),
            note=links.get("notes", {}).get(stage.code, ""),
        )
        cycle_services.update_stage(stage, change, actor=actor)


def _task(plan, kind, title, sub, lines: list[Line], indicators, actor, **kw):
    data = services.TaskData(kind=kind, title=title, sub_project=sub, **kw)
    task = services.save_task(plan, data, None, actor=actor)
    for category, subtype, nature, source, amount, basis in lines:
        services.save_line(
            task, services.LineData(category, subtype, nature, source, amount, basis), actor=actor
        )
    for name, unit, baseline, target, method in indicators:
        services.save_indicator(
            task,
            services.IndicatorData(
                name=name,
                unit=unit,
                baseline=None if baseline is None else Decimal(baseline),
                target=Decimal(target),
                method=method,
            ),
            actor=actor,
        )
    return task


def _write_sections(plan, texts: dict[str, str], actor) -> None:
    for section in plan.sections.all():
        if section.code in texts:
            services.update_section(section, texts[section.code], actor=actor)


def _execution_plan(district, title, actor, basic=None, envelope=1_000_000_000):
    return services.create_plan(
        district,
        services.PlanData(
            kind=PlanKind.EXECUTION,
            title=title,
            start_year=PLAN_YEAR,
            end_year=PLAN_YEAR,
            vision="주민이 의제를 발굴하고 민관이 함께 해결하는 협치 자치구",
            envelope=envelope,
            basic_plan=basic,
        ),
        actor=actor,
    )


# ---------------------------------------------------------------- 구로구


def _guro(guro: District, clerk) -> None:
    council = Body.objects.filter(district=guro, kind=BodyKind.COUNCIL).first()
    groups = list(Body.objects.filter(district=guro, kind=BodyKind.WORKING_GROUP).order_by("pk"))
    forums = list(Forum.objects.filter(district=guro).order_by("held_on", "id"))
    decisions = list(Decision.objects.filter(body__district=guro).order_by("decided_on", "id")[:2])
    cycle = cycle_services.open_cycle(guro, CYCLE_YEAR, actor=clerk)
    _advance(
        cycle,
        "detail_planning",
        clerk,
        {
            "process_design": ("2020-01-15", "2020-02-20"),
            "regional_survey": ("2020-02-01", "2020-03-31"),
            "vision_goals": ("2020-03-15", "2020-04-10"),
            "agenda_discovery": ("2020-04-01", "2020-05-15"),
            "agenda_review": ("2020-05-10", "2020-05-31"),
            "priority_decision": ("2020-06-01", "2020-06-13"),
            "detail_planning": ("2020-06-14", "2020-06-30"),
        },
        body=council,
        forums={"agenda_discovery": forums[:2], "priority_decision": forums[2:3]},
        decisions={"priority_decision": decisions[:1]},
        notes={"regional_survey": "동네 한바퀴 자원조사 워크숍으로 인적·공간 자원 조사"},
    )
    basic = services.create_plan(
        guro,
        services.PlanData(
            kind=PlanKind.BASIC,
            title="구로구 지역사회혁신계획 기본계획 (2021–2023)",
            start_year=2021,
            end_year=2023,
            vision="주민이 의제를 발굴하고 민관이 함께 해결하는 협치 구로",
        ),
        actor=clerk,
    )
    services.add_goal(
        basic, "3년 안에 주요 지역 의제를 민관이 함께 해결하는 구조 정착", None, clerk
    )
    for year, text in [
        (2021, "협치 기반 정비"),
        (2022, "분야별 워킹그룹 자립"),
        (2023, "성과 환류"),
    ]:
        services.add_goal(basic, text, year, clerk)
    if decisions:
        Plan.objects.filter(pk=basic.pk).update(
            status=PlanStatus.APPROVED, approved_by=decisions[-1]
        )
    plan = _execution_plan(guro, MARKER, clerk, basic=basic)
    services.add_goal(plan, "공론장 참여 주민 300명, 워킹그룹 3개 정례 운영", PLAN_YEAR, clerk)
    _write_sections(
        plan,
        {
            "1.1": "2019년 협치회의 출범 이후 주민 제안과 공론장을 통해 발굴한 의제를 "
            "민관이 함께 실행하기 위해 수립한다.",
            "1.5": "계획수립 과정 논의 → 지역조사 → 비전·목표 → 의제발굴 → 우선순위 결정 → "
            "의제별 세부계획 (열린 공론장 2회, 분과 확대회의 6회).",
            "1.6": "협치회의(운영위원회, 분과위원회) – 협치지원관 – 분야별 워킹그룹",
        },
        clerk,
    )
    agendas = list(
        Agenda.objects.filter(district=guro, status=AgendaStatus.SELECTED).order_by("rank", "id")
    ) or list(Agenda.objects.filter(district=guro).order_by("rank", "id"))
    _task(
        plan,
        TaskKind.FOUNDATION,
        "협치 제도기반 구축",
        "F-1",
        [
            (
                "personnel",
                "coordinator",
                "current",
                "city",
                40_000_000,
                "협치 코디네이터 1명×12개월",
            ),
            ("operating", "event", "current", "city", 60_000_000, "열린 공론장·분과 확대회의 운영"),
            ("project", "research", "current", "city", 50_000_000, "협치 실태·주민 인식 조사"),
            ("project", "publicity", "current", "city", 30_000_000, "온라인 의견 창구·소식지"),
        ],
        [
            ("열린 공론장 참여 주민", "명", "120", "300", "참가 명부 집계"),
            ("협치회의 정기회의", "회", "4", "6", "회의록"),
        ],
        clerk,
        period="2021.1.–12.",
        background="협치 조례 제정(2019) 이후 협치회의와 사무국이 자리 잡는 단계이다.",
        governance="협치회의 운영위원회가 총괄하고 사무국(협치지원관)이 실무를 맡는다.",
        joint_operation=True,
    )
    _task(
        plan,
        TaskKind.FOUNDATION,
        "區주민참여예산 활성화 지원",
        "F-2",
        [("operating", "event", "current", "city", 50_000_000, "주민총회·참여예산 학교 운영")],
        [("주민참여예산 제안 건수", "건", "80", "150", "참여예산 시스템 집계")],
        clerk,
        period="2021.3.–10.",
        joint_operation=True,
    )
    sector = [
        (
            "시민과 함께하는 안양천 환경개선",
            "S-1",
            [
                (
                    "operating",
                    "event",
                    "current",
                    "city",
                    60_000_000,
                    "하천 공론장·주민 모니터링단",
                ),
                ("facilities", "construction", "capital", "city", 100_000_000, "수변 쉼터 조성"),
                ("project", "materials", "current", "city", 40_000_000, "정화 활동 물품"),
                ("operating", "event", "current", "district", 50_000_000, "구 자체 하천 축제 연계"),
            ],
            [("주민 모니터링단 활동", "회", "0", "24", "활동 일지")],
        ),
        (
            "마을 돌봄 네트워크",
            "S-2",
            [
                ("personnel", "coordinator", "current", "city", 30_000_000, "돌봄 코디네이터"),
                ("operating", "event", "current", "city", 80_000_000, "동별 돌봄 공론장"),
                (
                    "personnel",
                    "meeting_allowance",
                    "current",
                    "city",
                    10_000_000,
                    "워킹그룹 회의수당",
                ),
                ("project", "publicity", "current", "city", 20_000_000, "돌봄 지도 제작"),
                ("operating", "event", "current", "district", 30_000_000, "동 주민센터 연계"),
            ],
            [("돌봄 공백 가구 연계", "가구", "40", "200", "동 주민센터 연계 실적")],
        ),
        (
            "청년 공유공간 함께 운영",
            "S-3",
            [
                ("assets", "property_goods", "capital", "city", 60_000_000, "공유공간 집기"),
                ("operating", "rent", "current", "city", 40_000_000, "공간 임차료"),
                (
                    "private_transfer",
                    "current_project",
                    "current",
                    "city",
                    40_000_000,
                    "청년 단체 공동운영 보조",
                ),
                ("operating", "event", "current", "district", 20_000_000, "청년 주간 행사"),
            ],
            [("공간 이용 청년", "명", None, "1500", "예약 시스템 집계")],
        ),
    ]
    for index, (title, sub, lines, indicators) in enumerate(sector):
        _task(
            plan,
            TaskKind.SECTOR,
            title,
            sub,
            lines,
            indicators,
            clerk,
            period="2021.2.–12.",
            working_group=groups[index] if index < len(groups) else None,
            agendas=agendas[index : index + 1],
            goals="민관이 함께 기획·실행·평가하는 구조를 만든다.",
            governance="주관부서, 협치지원관, 주민 조직이 워킹그룹으로 함께 운영한다.",
            joint_operation=True,
            private_transfer_reason=(
                "청년 단체가 공간을 직접 운영해야 해 민간경상사업보조로 집행한다."
                if sub == "S-3"
                else ""
            ),
        )


# ---------------------------------------------------------------- 은평구


def _eunpyeong(district: District, clerk) -> None:
    tft = Body.objects.filter(district=district).first()
    cycle = cycle_services.open_cycle(district, CYCLE_YEAR, actor=clerk)
    _advance(
        cycle,
        "submission",
        clerk,
        {
            "priority_decision": ("2020-05-11", "2020-05-11"),
            "council_approval": ("2020-07-01", "2020-07-03"),
        },
        body=tft,
        notes={"priority_decision": "주민총회: 참여예산과 협치과제를 따로 투표"},
    )
    plan = _execution_plan(district, "2021 은평구 지역사회혁신계획 실행계획", clerk)
    _task(
        plan,
        TaskKind.FOUNDATION,
        "협치 학교와 주민총회",
        "F-1",
        [("operating", "event", "current", "city", 200_000_000, "주민총회·협치 학교")],
        [("주민총회 참여", "명", "300", "500", "참가 명부")],
        clerk,
        joint_operation=True,
    )
    _task(
        plan,
        TaskKind.SECTOR,
        "은평 마을 기록관",
        "S-1",
        [
            ("project", "research", "current", "city", 150_000_000, "마을 기록 수집"),
            ("operating", "event", "current", "city", 150_000_000, "기록 전시·공론장"),
        ],
        [("수집 기록", "건", "0", "500", "기록관 목록")],
        clerk,
        joint_operation=True,
    )
    if tft is not None:
        decision = Decision.objects.create(
            body=tft,
            title="2021 지역사회혁신계획 승인",
            decided_on=dt.date(2020, 7, 3),
            published=True,
        )
        Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED, approved_by=decision)
        stage = cycle.stages.get(code="council_approval")
        stage.decisions.add(decision)


# ---------------------------------------------------------------- 노원구, 도봉구


def _nowon(district: District) -> None:
    cycle = cycle_services.open_cycle(district, CYCLE_YEAR)
    review = cycle.stages.get(code="agenda_review")
    cycle_services.add_stage(cycle, "의제심사단 심사", review)
    _advance(
        cycle,
        "detail_planning",
        None,
        {"priority_decision": ("2020-06-05", "2020-06-13")},
        notes={"priority_decision": "온라인 투표(6.5–6.11)와 현장 투표(6.13) 합산, 11개 의제 순위"},
    )
    plan = _execution_plan(district, "2021 노원구 지역사회혁신계획 실행계획 (초안)", None)
    _task(
        plan,
        TaskKind.FOUNDATION,
        "협치 사무국 운영",
        "F-1",
        [("operating", "office", "current", "city", 300_000_000, "사무국 운영")],
        [],
        None,
        joint_operation=True,
    )
    _task(
        plan,
        TaskKind.SECTOR,
        "노원 에너지 자립 마을",
        "S-1",
        [
            ("personnel", "coordinator", "current", "city", 60_000_000, "에너지 활동가 2명"),
            ("operating", "event", "current", "city", 140_000_000, "에너지 공론장·교육"),
        ],
        [("에너지 자립 참여 가구", "가구", "10", "100", "신청서")],
        None,
        joint_operation=True,
    )


def _dobong(district: District) -> None:
    cycle = cycle_services.open_cycle(district, CYCLE_YEAR)
    _advance(cycle, "regional_survey", None, {"process_design": ("2020-01-20", "2020-02-28")})
