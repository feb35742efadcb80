"""The plan demo loads once with the rest of `load_demo`: districts at different stages,
full plans whose budgets the rules check (one breaks the personnel cap on purpose)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from hyeopchi.core.models import District
from hyeopchi.plans import demo as plans_demo
from hyeopchi.plans import services_plans as services
from hyeopchi.plans.models import BudgetLine, Indicator, Plan, PlanCycle, PlanStatus

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", today=TODAY.isoformat(), stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo


def test_districts_are_at_different_stages(loaded):
    assert "plan cycle of 4 districts" in loaded
    current = {}
    for cycle in PlanCycle.objects.filter(year=2020).select_related("district"):
        stage = cycle.stages.filter(status="in_progress").get()
        current[cycle.district.name_ko] = stage.code
    assert current == {
        "구로구": "detail_planning",
        "은평구": "submission",
        "노원구": "detail_planning",
        "도봉구": "regional_survey",
    }
    assert not plans_demo.load(today=TODAY).loaded  # loads once


def test_guro_has_a_full_plan_within_every_cap(loaded):
    plan = Plan.objects.get(title=plans_demo.MARKER)
    tasks = services.plan_tasks(plan)
    assert len(tasks) == 5
    assert all(t.budget_lines.all() for t in tasks)
    assert Indicator.objects.filter(task__plan=plan).count() >= 5
    blocking = [f for f in services.check_plan(plan) if f.kind != "declaration"]
    assert blocking == []
    assert any(t.agendas.all() for t in tasks) and any(t.working_group for t in tasks)
    assert plan.basic_plan.status == PlanStatus.APPROVED


def test_nowon_draft_breaks_the_personnel_cap(loaded):
    nowon = District.objects.get(name_ko="노원구")
    plan = Plan.objects.get(district=nowon)
    rules = {f.rule for f in services.check_plan(plan)}
    assert "personnel.sector_share" in rules
    assert BudgetLine.objects.filter(task__plan=plan).exists()


def test_demo_pages_answer(loaded, client):
    guro = District.objects.get(name_ko="구로구")
    assert client.get(reverse("plans:city_cycles") + "?year=2020").status_code == 200
    assert client.get(reverse("plans:cycle", args=[guro.code, 2020])).status_code == 200
    approved = Plan.objects.filter(status=PlanStatus.APPROVED).first()
    assert client.get(reverse("plans:detail", args=[approved.pk])).status_code == 200


def test_the_demo_working_group_account_writes_its_own_task_only(loaded, client):
    from hyeopchi.bodies.demo import PASSWORD
    from hyeopchi.directory.models import Person

    assert "wg-guro" in loaded  # listed with the other demo accounts
    person = Person.objects.get(user__username="wg-guro")
    plan = Plan.objects.get(title=plans_demo.MARKER)
    assert plan.status == PlanStatus.DRAFT
    own = plan.tasks.get(working_group__memberships__person=person)
    others = plan.tasks.exclude(pk=own.pk)
    assert client.login(username="wg-guro", password=PASSWORD)
    assert client.get(reverse("plans:task_edit", args=[own.pk])).status_code == 200
    check = client.post(
        reverse("plans:line_check", args=[own.pk]),
        {
            "category": "operating",
            "subtype": "event",
            "nature": "current",
            "source": "city",
            "amount": "5,000,000",
            "description": "모니터링단 교육",
        },
    )
    assert check.status_code == 200
    assert all(
        client.get(reverse("plans:task_edit", args=[t.pk])).status_code == 403 for t in others
    )
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 403
    listing = client.get(reverse("plans:list", args=[plan.district.code])).content.decode()
    assert reverse("plans:task", args=[own.pk]) in listing
