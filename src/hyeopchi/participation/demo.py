"""Demo of participation beyond what the proposals, forums and agendas demos load:
은평구's agendas ranked by a panel on the 은평 criteria (policy ``eunpyeong-criteria``).

The agendas come from a forum idea, departments and a transferred city
participatory-budget proposal; each is reviewed by its department, screened against the
four properties and found suitable by a decision of the 은평구 민관협치 TFT; the round on
the governance ballot (은평 votes on participatory-budget items separately) is scored by
a panel of three and counted with the on-site tallies of its channels (현장투표, 소식지,
모바일), and its full ranking is published: the top two selected, the others deferred.

구로구's proposals at every stage come from ``demo_proposals``, its forums from
``demo_forums``, its agendas and the 노원-style vote from ``demo_agendas``. Everything
goes through the services, as the secretariat would enter it. Run after the bodies and
forums demos.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

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
from .models import AgendaCategory, ForumIdea, PriorityRound
from .services_agendas import SourceSpec

SEOUL = ZoneInfo("Asia/Seoul")
ROUND = "은평구 협치과제 우선순위 심사 (은평 기준)"


@dataclass
class Result:
    loaded: bool
    summary: str


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SEOUL)


def _office(district: District, name: str) -> Organisation:
    org, _created = Organisation.objects.get_or_create(
        name=f"{district.name_ko} {name}",
        district=district,
        defaults={"type": OrganisationType.ADMIN_UNIT},
    )
    return org


# ---------------------------------------------------------------- 은평구 (은평 criteria)


def _eunpyeong_round(today: dt.date) -> PriorityRound | None:
    eunpyeong = District.objects.get(name_ko="은평구")
    clerk = get_user_model().objects.filter(username="clerk-eunpyeong").first()
    body = Body.objects.filter(district=eunpyeong).order_by("id").first()
    if clerk is None or body is None:
        return None  # the bodies demo did not run
    year = today.year
    decision = Decision.objects.create(
        body=body,
        title=f"{year}년 협치 의제 적합성 심의 결과",
        text="부서 검토와 4대 속성 심사를 거친 의제를 협치 의제로 확정하고 우선순위 심사에 "
        "올리기로 함.",
        decided_on=today - dt.timedelta(days=40),
        published=True,
    )
    audit.record(decision, "decided", clerk, changes={"published": True})
    idea = ForumIdea.objects.filter(forum__district=eunpyeong).order_by("id").first()
    specs = {
        "불광천 생태 산책로 주민 관리": [
            SourceSpec(kind="department", department_id=_office(eunpyeong, "치수과").pk)
        ],
        "마을 돌봄 공동체 네트워크": [
            SourceSpec(kind="department", department_id=_office(eunpyeong, "복지정책과").pk)
        ],
        "청년 창업 공유 공간 운영": [
            SourceSpec(
                kind="transferred_pb",
                transfer_reference=f"{year - 1}-시민참여예산-0233",
                transfer_amount=150_000_000,
                note="서울시 시민참여예산 제안, 은평구 사업으로 이관",
            )
        ],
        "주민 주도 마을 축제 기획단": [
            SourceSpec(kind="department", department_id=_office(eunpyeong, "문화관광과").pk)
        ],
    }
    if idea is not None:
        specs["불광천 생태 산책로 주민 관리"].append(
            SourceSpec(kind="forum_idea", forum_idea_id=idea.pk)
        )
    ballot = []
    for title, sources in specs.items():
        agenda = agendas.create_agenda(eunpyeong, year, title, sources, actor=clerk)
        department = agenda.sources.filter(department__isnull=False).first()
        agendas.review(
            agenda,
            department.department if department else _office(eunpyeong, "민관협치담당관"),
            True,
            "주관부서 검토 결과 민관 협력으로 추진 가능합니다.",
            clerk,
        )
        agendas.screen(
            agenda,
            {
                "openness": True,
                "openness_reason": "공론장과 온라인 제안으로 주민 누구나 참여",
                "deliberation": True,
                "deliberation_reason": "분과 숙의와 부서 협의를 거침",
                "public_interest": True,
                "public_interest_reason": "지역 주민 다수에게 혜택",
                "cooperation": True,
                "cooperation_reason": "부서와 주민 조직이 함께 실행",
            },
            clerk,
        )
        agendas.decide_suitability(agenda, decision, True, clerk)
        ballot.append(agenda)
    round_ = rounds.save_round(
        PriorityRound(
            district=eunpyeong,
            year=year,
            title=f"{year} {ROUND}",
            policy_key="eunpyeong-criteria",
            category=AgendaCategory.GOVERNANCE,
            selected_count=2,
        ),
        [a.pk for a in ballot],
        clerk,
    )
    panel = _panel(eunpyeong)
    policy = rounds.policy_of(round_)
    rng = random.Random(380)
    base = {ballot[0].pk: 8, ballot[1].pk: 7, ballot[2].pk: 6, ballot[3].pk: 5}
    for panelist in panel:
        for agenda in ballot:
            sheet = {
                c.key: max(1, min(c.max_points, base[agenda.pk] + rng.choice([-1, 0, 0, 1])))
                for c in policy.criteria
            }
            rounds.enter_scores(round_, agenda, panelist, sheet, clerk)
    onsite = {"현장투표": [31, 44, 27, 12], "소식지": [9, 6, 11, 3], "모바일": [15, 22, 12, 8]}
    rounds.enter_tallies(
        round_,
        [
            (agenda.pk, channel, counts[i])
            for channel, counts in onsite.items()
            for i, agenda in enumerate(ballot)
        ],
        clerk,
    )
    return rounds.publish(round_, clerk, now=_at(today - dt.timedelta(days=20)))


def _panel(district: District) -> list:
    User = get_user_model()
    names = [("은평", "심사위원 1"), ("은평", "심사위원 2"), ("은평", "심사위원 3")]
    panel = []
    for i, (last, first) in enumerate(names, start=1):
        user, _created = User.objects.get_or_create(
            username=f"demo-panel-eunpyeong-{i}",
            defaults={"password": make_password(None), "last_name": last, "first_name": first},
        )
        panel.append(user)
    return panel


def load(today: dt.date | None = None) -> Result:
    today = today or timezone.localdate()
    if PriorityRound.objects.filter(title__endswith=ROUND).exists():
        return Result(False, "The demo 은평 criteria round is already loaded.")
    with transaction.atomic():
        ranked = _eunpyeong_round(today)
    if ranked is None:
        return Result(False, "The demo 은평 criteria round needs the bodies demo.")
    return Result(
        True,
        f"Loaded {ranked.agendas.count()} agendas of 은평구 and their priority round on "
        "the 은평 criteria (panel scores and on-site tallies, full ranking published).",
    )
