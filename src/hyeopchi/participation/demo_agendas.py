"""Demo agendas (의제) and priority rounds for `make demo`: 구로구's agendas of this year from
forum ideas, department suggestions, transferred city participatory-budget proposals and
(when the proposals demo ran first) citizen proposals; two merged into one task, one found
infeasible, one unsuitable in the screening; a published priority vote (노원 style: online
plus on site) whose full ranking selects four and defers two; and an open vote on the
participatory-budget items that the demo resident may take part in.

Everything goes through the services as the secretariat would enter it. Call :func:`load`
after the bodies, forums and proposals demos.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from hyeopchi.bodies.models import Body, Decision
from hyeopchi.core import audit
from hyeopchi.core.models import District
from hyeopchi.directory.models import Organisation, OrganisationType

from . import services_agendas as agendas
from . import services_priority as rounds
from .models import (
    Agenda,
    AgendaCategory,
    ForumIdea,
    PriorityRound,
    Proposal,
    ProposalStatus,
    Residency,
)
from .services_agendas import SourceSpec

MARKER = "시민과 함께하는 안양천 환경개선"
RESIDENT = "resident-guro"  # the voting demo's resident (made here if missing)
PASSWORD = "demo-password"

SCREEN_PASS = {
    "openness": True,
    "openness_reason": "권역별 공론장과 온라인 제안으로 다수 주민이 참여하여 발굴",
    "deliberation": True,
    "deliberation_reason": "의제발굴분과 확대회의에서 부서·전문가·제안자와 숙의",
    "public_interest": True,
    "public_interest_reason": "특정 단체를 넘어 지역 주민 모두에게 영향",
    "cooperation": True,
    "cooperation_reason": "주관부서와 주민 조직이 함께 계획·실행·평가하기로 함",
}


@dataclass
class Result:
    loaded: bool
    summary: str


def _dept(guro: District, name: str) -> Organisation:
    org, _created = Organisation.objects.get_or_create(
        name=f"구로구 {name}", district=guro, defaults={"type": OrganisationType.ADMIN_UNIT}
    )
    return org


def _idea(guro: District, words: str) -> ForumIdea | None:
    return (
        ForumIdea.objects.filter(forum__district=guro, text__contains=words).order_by("id").first()
    )


def _decision(guro: District, clerk, today: dt.date) -> Decision:
    """The subcommittee decision on suitability: the 의제발굴분과's, else any body's."""
    body = (
        Body.objects.filter(district=guro, name="의제발굴분과").first()
        or Body.objects.filter(district=guro).order_by("id").first()
    )
    if body is None:
        raise RuntimeError("load the bodies demo first: no body of 구로구")
    decision = Decision.objects.create(
        body=body,
        title=f"{today.year}년 발굴 의제 적합성 심의 결과 (우선순위 결정 대상 확정)",
        text="공론장과 부서 검토를 거친 의제의 협치 적합성을 심의하여 우선순위 투표에 올릴 "
        "의제를 확정함. 특정 단체 행사 지원은 협치 부적합으로 결정함.",
        decided_on=today - dt.timedelta(days=30),
        published=True,
    )
    audit.record(decision, "decided", clerk, changes={"published": True})
    return decision


def _voters(guro: District, n: int) -> list:
    User = get_user_model()
    User.objects.bulk_create(
        [
            User(username=f"demo-priority-{i:03d}", password=make_password(None))
            for i in range(1, n + 1)
        ],
        batch_size=500,
    )
    users = list(User.objects.filter(username__startswith="demo-priority-").order_by("id"))
    Residency.objects.bulk_create([Residency(user=u, district=guro) for u in users])
    return users


def _resident(guro: District):
    User = get_user_model()
    user = User.objects.filter(username=RESIDENT).first()
    if user is None:
        user = User.objects.create_user(RESIDENT, f"{RESIDENT}@example.org", PASSWORD)
    if not Residency.objects.filter(user=user).exists():
        Residency.objects.create(user=user, district=guro)
    return user


def load(today: dt.date | None = None) -> Result:
    guro = District.objects.get(name_ko="구로구")
    if Agenda.objects.filter(district=guro, title=MARKER).exists():
        return Result(False, "Demo agendas are already loaded.")
    today = today or timezone.localdate()
    year = today.year
    clerk = get_user_model().objects.filter(username="clerk-guro").first()
    rng = random.Random(2020)
    with transaction.atomic():
        made = _agendas(guro, year, clerk, today)
        _published_round(guro, year, clerk, today, made, rng)
        _open_round(guro, year, clerk, made)
    return Result(
        True,
        f"Loaded {Agenda.objects.filter(district=guro).count()} agendas of 구로구 and 2 "
        "priority votes (one published with the full ranking, one open).",
    )


def _sources(guro: District, idea_words: str, dept: str, **transfer) -> list[SourceSpec]:
    specs = []
    idea = _idea(guro, idea_words) if idea_words else None
    if idea is not None:
        specs.append(SourceSpec(kind="forum_idea", forum_idea_id=idea.pk))
    if dept:
        specs.append(SourceSpec(kind="department", department_id=_dept(guro, dept).pk))
    if transfer:
        specs.append(SourceSpec(kind="transferred_pb", **transfer))
    return specs


def _agendas(guro: District, year: int, clerk, today: dt.date) -> dict[str, Agenda]:
    def new(key, title, specs, category=AgendaCategory.GOVERNANCE, description=""):
        made[key] = agendas.create_agenda(
            guro, year, title, specs, description=description, category=category, actor=clerk
        )
        return made[key]

    made: dict[str, Agenda] = {}
    proposals = list(
        Proposal.objects.filter(
            district=guro,
            status__in=[
                ProposalStatus.ANSWERED,
                ProposalStatus.IN_DEBATE,
                ProposalStatus.IN_REVIEW,
            ],
        ).order_by("id")[:2]
    )
    walk = _sources(guro, "하천", "녹색환경과")
    walk += [SourceSpec(kind="proposal", proposal_id=p.pk) for p in proposals[:1]]
    new("walk", "안양천 보행환경 개선", walk)
    new(
        "guards",
        "안양천 시민 관리단 운영",
        _sources(
            guro,
            "",
            "",
            transfer_reference=f"{year - 1}-시민참여예산-0412",
            transfer_amount=331_690_000,
            note="서울시 참여예산 홈페이지 접수 제안, 구로구 사업으로 판단되어 이관",
        ),
    )
    new(
        "alleys",
        "안전한 골목길 만들기",
        _sources(guro, "골목", "안전총괄과")
        + [SourceSpec(kind="proposal", proposal_id=p.pk) for p in proposals[1:2]],
    )
    new("green", "마을 단위 주민참여형 녹지 조성", _sources(guro, "녹지", "공원녹지과"))
    new(
        "space",
        "주민 커뮤니티 공간 재구성과 활용",
        _sources(
            guro,
            "공간",
            "자치행정과",
            transfer_reference=f"{year - 1}-시민참여예산-0977",
            transfer_amount=120_000_000,
        ),
    )
    new("youth", "청년 일자리 협치 플랫폼", _sources(guro, "청년", "일자리정책과"))
    new("academy", "주민 협치 아카데미 운영", _sources(guro, "교육", "기획예산과"))
    new("hall", "구청 신청사 건립", _sources(guro, "", "총무과"))
    new("festival", "특정 단체 정기 행사 지원", _sources(guro, "", "문화관광과"))
    new(
        "seniors",
        "노후 경로당 개보수",
        _sources(guro, "", "어르신복지과"),
        category=AgendaCategory.PARTICIPATORY_BUDGET,
    )
    new(
        "playground",
        "어린이 놀이터 안전 점검과 개선",
        _sources(guro, "", "아동청소년과"),
        category=AgendaCategory.PARTICIPATORY_BUDGET,
    )
    survivor = agendas.merge_agendas(
        [made["walk"], made["guards"]],
        title=MARKER,
        description="안양천 보행환경 개선과 시민 관리단 운영을 하나의 협치과제로 융합.",
        actor=clerk,
        reason="같은 하천의 개별 사업을 숙의를 거쳐 과제화 (공론장 결과)",
    )
    made["river"] = survivor
    agendas.review(
        made["hall"],
        _dept(guro, "총무과"),
        False,
        "청사 건립은 구 중기재정계획에 따른 별도 사업으로, 지역사회혁신계획 예산으로 수행 불가.",
        clerk,
    )
    decision = _decision(guro, clerk, today)
    for key in ["river", "alleys", "green", "space", "youth", "academy", "festival", "seniors",
                "playground"]:  # fmt: skip
        a = made[key]
        dept = a.sources.filter(department__isnull=False).first()
        agendas.review(
            a,
            dept.department if dept else _dept(guro, "기획예산과"),
            True,
            "주관부서 검토 결과 민관 협력으로 추진 가능.",
            clerk,
        )
        if key == "festival":
            agendas.screen(
                a,
                {
                    **SCREEN_PASS,
                    "public_interest": False,
                    "public_interest_reason": "특정 단체의 정기 행사로 지역사회 공익적 영향이 적음",
                },
                clerk,
            )
            continue
        agendas.screen(a, SCREEN_PASS, clerk)
        agendas.decide_suitability(a, decision, True, clerk)
    for a in made.values():
        a.refresh_from_db()
    return made


def _published_round(guro, year, clerk, today, made, rng) -> PriorityRound:
    closes = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=14), dt.time()))
    opens = closes - dt.timedelta(days=7)
    ballot = [made[k] for k in ["river", "alleys", "green", "space", "youth", "academy"]]
    r = rounds.save_round(
        PriorityRound(
            district=guro,
            year=year,
            title=f"{year} 구로구 협치 의제 우선순위 투표",
            policy_key="nowon-vote",
            category=AgendaCategory.GOVERNANCE,
            online_opens_at=opens,
            online_closes_at=closes,
            selected_count=4,
        ),
        [a.pk for a in ballot],
        clerk,
    )
    weights = [9, 6, 7, 5, 4, 2]
    for i, voter in enumerate(_voters(guro, 80)):
        k = rng.choice([1, 2, 3])
        choices: list[int] = []
        while len(choices) < k:
            pick = rng.choices(ballot, weights=weights)[0].pk
            if pick not in choices:
                choices.append(pick)
        rounds.cast_vote(r, voter, choices, now=opens + dt.timedelta(minutes=90 * i))
    onsite = [38, 41, 22, 30, 17, 9]  # 우선순위 선정 공론장 (열린 공론장) 현장투표
    rounds.enter_tallies(
        r, [(a.pk, "현장투표", n) for a, n in zip(ballot, onsite, strict=True)], clerk
    )
    rounds.publish(r, clerk, now=closes + dt.timedelta(days=2))
    return r


def _open_round(guro, year, clerk, made) -> PriorityRound:
    now = timezone.now()
    _resident(guro)
    return rounds.save_round(
        PriorityRound(
            district=guro,
            year=year,
            title=f"{year} 구로구 참여예산 과제 우선순위 투표",
            policy_key="nowon-vote",
            category=AgendaCategory.PARTICIPATORY_BUDGET,
            online_opens_at=now - dt.timedelta(days=1),
            online_closes_at=now + dt.timedelta(days=13),
            selected_count=1,
        ),
        [made["seniors"].pk, made["playground"].pk],
        clerk,
    )
