"""A plan in execution for the change, execution and settlement tests (no tests here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from hyeopchi.bodies.models import Body, BodyKind, Decision
from hyeopchi.core.models import Role
from hyeopchi.plans.models import BudgetLine, Nature, Plan, PlanStatus, Source, Task, TaskKind
from tests.conftest import make_body, make_user
from tests.plans.plan_helpers import make_indicator, make_line, make_plan, make_task

SUBSIDY = 1_000_000_000


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seoul(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


@dataclass
class World:
    plan: Plan
    care: Task  # sub-project S-1
    school: Task  # sub-project S-2
    events: BudgetLine  # S-1, city, current, 'operating'
    supplies: BudgetLine  # S-1, city, current, 'operating'
    research: BudgetLine  # S-1, city, current, 'project' (another item)
    fitout: BudgetLine  # S-1, city, capital, 'facilities'
    matching: BudgetLine  # S-1, district, current, 'operating'
    classes: BudgetLine  # S-2, city, current, 'operating'
    council: Body
    steering: Body
    clerk: object
    other_clerk: object
    city: object
    resident: object

    def decision(self, body: Body | None = None, day: dt.date | None = None) -> Decision:
        return Decision.objects.create(
            body=body or self.council,
            title="사업비 변경 의결",
            decided_on=day or timezone.localdate(),
        )


def user(username: str, role: str | None = None, district=None):
    existing = get_user_model().objects.filter(username=username).first()
    return existing or make_user(username, role, district)


def build_world(district, other_district, *, status=PlanStatus.IN_EXECUTION, year=None) -> World:
    year = year or timezone.localdate().year
    plan = make_plan(district, status, start_year=year, end_year=year, disbursed_amount=SUBSIDY)
    care = make_task(plan, title="마을 돌봄 네트워크", sub_project="S-1")
    school = make_task(plan, title="마을학교", sub_project="S-2")
    make_task(plan, kind=TaskKind.FOUNDATION, title="협치기반 구축", sub_project="F-1")
    events = make_line(care, 400_000_000, category="operating", description="행사운영비")
    supplies = make_line(care, 100_000_000, category="operating", description="사무관리비")
    research = make_line(care, 100_000_000, category="project", description="조사연구")
    fitout = make_line(
        care, 200_000_000, category="facilities", nature=Nature.CAPITAL, description="공간 조성"
    )
    matching = make_line(care, 50_000_000, source=Source.DISTRICT, description="구비 매칭")
    classes = make_line(school, 200_000_000, category="operating", description="강좌 운영")
    make_indicator(care)
    council = make_body(district, name=f"{district.name_ko}협치회의")
    steering = make_body(
        district, name=f"{district.name_ko}협치회의 운영위원회", kind=BodyKind.STEERING,
        parent=council,
    )  # fmt: skip
    return World(
        plan=plan,
        care=care,
        school=school,
        events=events,
        supplies=supplies,
        research=research,
        fitout=fitout,
        matching=matching,
        classes=classes,
        council=council,
        steering=steering,
        clerk=user(f"clerk-{district.code}", Role.DISTRICT_STAFF, district),
        other_clerk=user(f"clerk-{other_district.code}", Role.DISTRICT_STAFF, other_district),
        city=user("city-officer-p4", Role.CITY_OFFICER),
        resident=user("resident-p4"),
    )
