"""Demo citizen proposals: 구로구's 구로1번가 with a proposal at every stage (gathering,
department review, online debate with a moderated comment, an overdue answer, answered,
infeasible) and city-wide 민주주의 서울 proposals (one gathering, one expired).

Every step goes through the services with its date, so the clocks, the history and the
notifications are those a real run would leave. Fictional residents only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from hyeopchi.core.models import District
from hyeopchi.directory.models import Organisation, OrganisationType

from . import debate, residency
from . import proposal_services as ps
from .models import Comment, Proposal, Residency, ResidencyMethod, Support

SEOUL = ZoneInfo("Asia/Seoul")
PASSWORD = "demo-password"
RESIDENT = "resident-guro"
NEIGHBOUR = "resident-guro-2"
MARKER = "신도림역 앞 보행환경 개선: 횡단보도 신설"


@dataclass
class Result:
    loaded: bool
    summary: str
    users: list[tuple[str, str, bool]] = field(default_factory=list)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SEOUL)


def is_loaded() -> bool:
    return Proposal.objects.filter(title=MARKER).exists()


def _account(username: str, district: District, dong: str, year: int):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    if not Residency.objects.filter(user=user).exists():
        residency.declare(user, district, dong, year)
    return user, created


def _crowd(prefix: str, district: District, n: int) -> list:
    """``n`` fictional residents without a usable password, their residency verified
    (as from a resident-roll import)."""
    User = get_user_model()
    users = [
        User(username=f"demo-resident-{prefix}-{i:04d}", password=make_password(None))
        for i in range(1, n + 1)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    users = list(User.objects.filter(username__startswith=f"demo-resident-{prefix}-"))
    Residency.objects.bulk_create(
        [
            Residency(
                user=u,
                district=district,
                dong="",
                method=ResidencyMethod.ROLL_IMPORT,
                verified=True,
                verified_at=timezone.now(),
            )
            for u in users
        ],
        batch_size=1000,
    )
    return users


def _supports(proposal: Proposal, users: list, day: dt.date) -> None:
    """Supports given on ``day`` by many residents at once (the demo's bulk path: the
    rows and the count in one transaction, as the service keeps them)."""
    Support.objects.bulk_create([Support(proposal=proposal, user=u) for u in users])
    Support.objects.filter(proposal=proposal, user__in=users).update(created_at=_at(day, 12))
    Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + len(users))
    proposal.refresh_from_db()


def _propose(author, day: dt.date, scope: str = "district", **fields) -> Proposal:
    proposal = ps.create_proposal(author, scope=scope, district=None, now=_at(day), **fields)
    Proposal.objects.filter(pk=proposal.pk).update(created_at=_at(day))
    proposal.refresh_from_db()
    return proposal


def _office(guro: District, name: str) -> Organisation:
    office, _created = Organisation.objects.get_or_create(
        name=f"구로구 {name}", district=guro, defaults={"type": OrganisationType.ADMIN_UNIT}
    )
    return office


def load(today: dt.date | None = None) -> Result:
    if is_loaded():
        return Result(False, "Demo proposals are already loaded.")
    today = today or timezone.localdate()
    User = get_user_model()
    guro = District.objects.get(name_ko="구로구")
    eunpyeong = District.objects.get(name_ko="은평구")
    clerk = User.objects.filter(username="clerk-guro").first()
    city = User.objects.filter(username="city-officer").first()
    users: list[tuple[str, str, bool]] = []
    quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    with quiet, transaction.atomic():
        proposer, created = _account(RESIDENT, guro, "신도림동", 1985)
        users.append((RESIDENT, "resident of 구로구: proposes and supports", created))
        neighbour, created = _account(NEIGHBOUR, guro, "오류동", 1972)
        users.append((NEIGHBOUR, "another resident of 구로구: supports, debates", created))
        crowd = _crowd("guro", guro, 80)
        seoul_crowd = _crowd("eunpyeong", eunpyeong, 40)
        _guro(today, guro, proposer, neighbour, crowd, clerk)
        if city is not None:
            _seoul(today, proposer, crowd + seoul_crowd, city)
        ps.tick(_at(today, 6))  # flags what is overdue today
    count = Proposal.objects.count()
    return Result(
        True,
        f"Loaded {count} citizen proposals: 구로1번가 at every stage (gathering, review, "
        "online debate, overdue answer, answered, infeasible) and 민주주의 서울 ones.",
        users,
    )


def _guro(today, guro, proposer, neighbour, crowd, clerk) -> None:
    def day(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    # Gathering supports: 12 of 50 so far.
    gathering = _propose(
        proposer,
        day(days=6),
        title=MARKER,
        problem="신도림역 2번 출구 앞은 횡단보도가 멀어 무단횡단이 잦고 사고 위험이 큽니다.",
        solution="출구 앞에 신호 횡단보도를 설치하고 보행섬을 둡니다.",
        expected_effect="출퇴근 보행자의 안전, 무단횡단 감소",
        category="교통·보행",
        dong="신도림동",
    )
    _supports(gathering, crowd[:11], day(days=5))
    ps.support(gathering, neighbour, now=_at(day(days=4)))
    if clerk is None:
        return

    # Threshold met five days ago: waiting for the department review.
    review = _propose(
        neighbour,
        day(days=30),
        title="구로천 산책로 야간 조명 설치",
        problem="구로천 산책로는 해가 지면 어두워 여성과 노인이 이용을 꺼립니다.",
        solution="산책로 1.2km 구간에 저조도 보안등을 설치합니다.",
        expected_effect="야간 보행 안전과 산책로 이용 증가",
        category="안전",
        dong="구로동",
    )
    _supports(review, crowd[:52], day(days=5))
    ps.tick(_at(day(days=5)))

    # Feasible ten days ago: the 30-day online debate is open, with a moderated comment.
    debated = _propose(
        proposer,
        day(days=40),
        title="오류동 골목 안심 귀갓길 조성",
        problem="오류동 주택가 골목은 CCTV와 조명이 부족해 밤길이 불안합니다.",
        solution="안심 귀갓길 표지, 로고젝터, 비상벨을 설치하고 주민 순찰과 연계합니다.",
        expected_effect="범죄 불안감 감소, 주민 공동체 활성화",
        category="안전",
        dong="오류동",
    )
    _supports(debated, crowd[:64], day(days=20))
    ps.tick(_at(day(days=20)))
    debated.refresh_from_db()
    ps.review(
        debated,
        clerk,
        feasible=True,
        opinion="안전총괄과 검토 결과 2021년 안심 골목 사업과 연계하여 추진 가능합니다.",
        office=_office(guro, "안전총괄과"),
        now=_at(day(days=10)),
    )
    debated.refresh_from_db()
    now = _at(today, 9)
    pro = debate.add_comment(
        debated,
        neighbour,
        text="밤늦게 퇴근할 때 정말 필요합니다. 비상벨 위치도 함께 알려 주세요.",
        stance="pro",
        now=now,
    )
    debate.add_comment(
        debated,
        crowd[0],
        text="순찰은 자율방범대와 함께하면 좋겠습니다.",
        stance="neutral",
        parent=pro,
        now=now,
    )
    debate.add_comment(
        debated,
        crowd[1],
        text="로고젝터 불빛이 창문으로 들어오지 않도록 설치 위치를 주민과 정해 주세요.",
        stance="con",
        now=now,
    )
    rude = debate.add_comment(
        debated,
        crowd[2],
        text="(광고) 저렴한 CCTV 설치 문의는 010-0000-0000",
        stance="neutral",
        now=now,
    )
    debate.report(rude, crowd[3], "상업 광고", now=now)
    debate.report(rude, neighbour, "광고와 전화번호", now=now)
    debate.hide(rude, clerk, "상업 광고와 개인 연락처(토론 운영원칙 제3조)", now=now)
    reported = debate.add_comment(
        debated,
        crowd[4],
        text="이런 사업은 다 세금 낭비입니다.",
        stance="con",
        now=now,
    )
    debate.report(reported, crowd[5], "근거 없는 비난", now=now)
    # Posted over the first days of the debate, in order.
    for offset, comment in enumerate(Comment.objects.filter(proposal=debated).order_by("id")):
        Comment.objects.filter(pk=comment.pk).update(created_at=_at(day(9 - offset), 20))

    # Debate closed 41 days ago; the answer was due 11 days ago and has not come: overdue.
    late = _propose(
        neighbour,
        day(days=110),
        title="개봉동 공영주차장 야간 개방",
        problem="개봉동 주택가는 밤마다 주차난이 심합니다.",
        solution="구청 공영주차장을 야간에 주민에게 개방합니다.",
        expected_effect="불법 주차 감소",
        category="교통·보행",
        dong="개봉동",
    )
    _supports(late, crowd[:55], day(days=80))
    ps.tick(_at(day(days=80)))
    late.refresh_from_db()
    ps.review(
        late,
        clerk,
        feasible=True,
        opinion="주차관리과 검토 결과 야간 개방이 가능합니다.",
        office=_office(guro, "주차관리과"),
        now=_at(day(days=70)),
    )
    ps.tick(_at(day(days=40)))

    # Answered: the whole path, answer published.
    answered = _propose(
        proposer,
        day(days=150),
        title="안양천 자전거 보관대 확충",
        problem="안양천 자전거도로 진입부에 보관대가 부족해 자전거가 보도를 막습니다.",
        solution="진입부 세 곳에 보관대 60대분을 설치합니다.",
        expected_effect="보행 불편 해소, 자전거 이용 활성화",
        category="환경",
        dong="신도림동",
    )
    _supports(answered, crowd[:70], day(days=140))
    ps.tick(_at(day(days=140)))
    answered.refresh_from_db()
    ps.review(
        answered,
        clerk,
        feasible=True,
        opinion="교통행정과 검토 결과 추진 가능합니다.",
        office=_office(guro, "교통행정과"),
        now=_at(day(days=130)),
    )
    ps.tick(_at(day(days=100)))
    answered.refresh_from_db()
    ps.answer(
        answered,
        clerk,
        text=(
            "제안해 주셔서 감사합니다. 토론 의견을 반영하여 올해 하반기에 안양천 진입부 "
            "세 곳에 자전거 보관대 60대분을 설치합니다. 설치 위치는 구로1번가에 공개합니다."
        ),
        now=_at(day(days=85)),
    )

    # Found infeasible: closed with the department's published opinion.
    infeasible = _propose(
        crowd[6],
        day(days=60),
        title="구청 앞 광장 음악분수 설치",
        problem="구청 앞 광장이 삭막합니다.",
        solution="음악분수를 설치합니다.",
        category="문화",
    )
    _supports(infeasible, crowd[7:60], day(days=45))
    ps.tick(_at(day(days=45)))
    infeasible.refresh_from_db()
    ps.review(
        infeasible,
        clerk,
        feasible=False,
        opinion=(
            "광장 지하에 주차장 구조물이 있어 분수 설치가 어렵습니다. 대신 여름철 "
            "바닥분수형 물놀이 공간을 다른 공원에 검토하겠습니다."
        ),
        office=_office(guro, "공원녹지과"),
        now=_at(day(days=35)),
    )


def _seoul(today, proposer, crowd, city) -> None:
    def day(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    gathering = _propose(
        proposer,
        day(days=8),
        scope="city",
        title="지하철역 엘리베이터 고장 실시간 안내",
        problem="엘리베이터가 고장 나면 휠체어 이용자는 역에 도착해서야 알게 됩니다.",
        solution="고장 정보를 앱과 역 입구 안내판에 실시간으로 알립니다.",
        category="교통",
    )
    _supports(gathering, crowd[:37], day(days=7))
    expired = _propose(
        proposer,
        day(days=50),
        scope="city",
        title="한강공원 반려견 놀이터 확대",
        problem="반려견 놀이터가 부족합니다.",
        solution="한강공원마다 놀이터를 하나씩 둡니다.",
        category="환경",
    )
    _supports(expired, crowd[:120], day(days=45))
    ps.tick(_at(day(days=15)))
