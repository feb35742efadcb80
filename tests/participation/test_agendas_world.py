"""Helpers of the agenda and priority tests (no tests here): a district with proposals,
a forum with ideas, departments, a subcommittee with a decision, residents."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from hyeopchi.bodies.models import BodyKind, Decision
from hyeopchi.core.models import District
from hyeopchi.directory.models import Organisation, OrganisationType
from hyeopchi.participation import services_agendas as agendas
from hyeopchi.participation import services_priority as rounds
from hyeopchi.participation.models import (
    Agenda,
    AgendaCategory,
    Forum,
    ForumIdea,
    ForumType,
    PriorityRound,
    Proposal,
    Residency,
    SourceKind,
)
from hyeopchi.participation.services_agendas import SourceSpec
from tests.conftest import make_body, make_user

_n = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def resident(district: District, name: str | None = None, *, verified: bool = False, email=""):
    user = make_user(name or f"resident-{next(_n)}")
    if email:
        user.email = email
        user.save(update_fields=["email"])
    Residency.objects.create(user=user, district=district, verified=verified)
    return user


def make_proposal(district: District, author=None, title: str | None = None) -> Proposal:
    author = author or resident(district, email=f"p{next(_n)}@example.org")
    return Proposal.objects.create(
        district=district,
        author=author,
        policy_key="guro-1st-street",
        title=title or f"◦◦천 보행환경 개선 {next(_n)}",
        problem="보행로가 좁습니다.",
        solution="보행로를 넓힙니다.",
        category="교통·보행",
    )


def make_idea(district: District, text: str = "◦◦천 화장실 개보수") -> ForumIdea:
    forum = Forum.objects.create(
        district=district,
        title="의제발굴 열린 공론장",
        type=ForumType.OPEN,
        held_on=dt.date(2020, 3, 13),
        published_at=dt.datetime(2020, 3, 20, tzinfo=dt.UTC),
    )
    return ForumIdea.objects.create(forum=forum, text=text)


def department(district: District | None, name: str = "기획예산과", **kw) -> Organisation:
    return Organisation.objects.create(
        name=name, type=kw.pop("type", OrganisationType.ADMIN_UNIT), district=district, **kw
    )


def decision_of(district: District, title: str = "의제 적합성 심의 결과") -> Decision:
    body = make_body(district, name=f"의제발굴분과 {next(_n)}", kind=BodyKind.SUBCOMMITTEE)
    return Decision.objects.create(
        body=body, title=title, decided_on=dt.date(2020, 4, 30), published=True
    )


def new_agenda(district: District, actor=None, *, title=None, category=None, proposal=None):
    proposal = proposal or make_proposal(district)
    return agendas.create_agenda(
        district,
        2020,
        title or f"시민과 함께하는 ◦◦천 환경개선 {next(_n)}",
        [SourceSpec(kind=SourceKind.PROPOSAL, proposal_id=proposal.pk)],
        category=category or AgendaCategory.GOVERNANCE,
        actor=actor,
    )


PASS = {
    "openness": True,
    "openness_reason": "16개 동 순회 공론장에서 발굴",
    "deliberation": True,
    "deliberation_reason": "분과 확대회의에서 숙의",
    "public_interest": True,
    "public_interest_reason": "하천을 이용하는 주민 모두에게 이익",
    "cooperation": True,
    "cooperation_reason": "주민 관리단과 부서가 함께 추진",
}


def shortlisted(district: District, actor=None, **kw) -> Agenda:
    """An agenda taken through review, screening and the subcommittee's decision."""
    agenda = new_agenda(district, actor, **kw)
    dept = Organisation.objects.filter(district=district, type=OrganisationType.ADMIN_UNIT).first()
    agendas.review(agenda, dept or department(district), True, "추진 가능", actor)
    agendas.screen(agenda, PASS, actor)
    agendas.decide_suitability(agenda, decision_of(district), True, actor)
    agenda.refresh_from_db()
    return agenda


def seoul(year, month, day, hour=0, minute=0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def open_round(district: District, agenda_list, actor=None, **kw) -> PriorityRound:
    now = timezone.now()
    defaults = {
        "district": district,
        "year": 2020,
        "title": "2020 의제 우선순위 투표",
        "policy_key": "nowon-vote",
        "online_opens_at": now - dt.timedelta(days=1),
        "online_closes_at": now + dt.timedelta(days=6),
        "selected_count": 2,
    }
    defaults.update(kw)
    round_ = PriorityRound(**defaults)
    return rounds.save_round(round_, [a.pk for a in agenda_list], actor)
