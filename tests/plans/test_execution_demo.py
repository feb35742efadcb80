"""The execution demo, loaded with the rest of `load_demo`: 은평구's 2020 plan with a
council change notified quarterly, overspending, double funding and an overdue
settlement; 구로구's 2020 plan with a change waiting for the city's consultation."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from hyeopchi.plans import demo_execution, demo_submission
from hyeopchi.plans import services_execution as execution
from hyeopchi.plans.models import ChangeRequest, ChangeStatus, Plan, Settlement

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


def test_eunpyeong_2020_settlement_is_overdue(loaded):
    plan = Plan.objects.get(title=demo_execution.EUNPYEONG_2020_PLAN)
    settlement = Settlement.objects.get(plan=plan)
    assert settlement.due_date == dt.date(2021, 2, 28) and settlement.submitted_at is None
    rows = execution.settlement_rows(execution.settling_plans(), TODAY)
    overdue = [r["plan"].title for r in rows if r["overdue"]]
    assert demo_execution.EUNPYEONG_2020_PLAN in overdue
    q4 = plan.progress_reports.get(year=2020, quarter=4)
    flags = {(o.scope, o.excess) for o in execution.overspending(q4)}
    assert ("line", 5_000_000) in flags
    assert sum(s.duplicated for s in q4.spending.all()) == 15_000_000
    q2 = plan.progress_reports.get(year=2020, quarter=2)
    assert [d.request.route for d in q2.change_decisions.all()] == ["council_decision"]


def test_guro_2020_has_a_pending_change(loaded):
    plan = Plan.objects.get(title=demo_submission.GURO_2020_PLAN)
    pending = ChangeRequest.objects.get(plan=plan, status=ChangeStatus.SUBMITTED)
    assert pending.route == "city_consultation" and pending.content_change
    assert plan.progress_reports.filter(submitted_at__isnull=False).count() == 3
    page = Client().get(reverse("plan_changes:detail", args=[pending.pk]))
    assert page.status_code == 200 and "사전협의" in page.content.decode()


def test_loading_twice_changes_nothing(loaded):
    before = ChangeRequest.objects.count()
    assert not demo_execution.load(TODAY).loaded
    assert ChangeRequest.objects.count() == before


def test_the_city_list_shows_the_overdue_settlement(loaded, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="city-officer"))
    html = client.get(reverse("plan_execution:settlements")).content.decode()
    assert demo_execution.EUNPYEONG_2020_PLAN in html and "badge-overdue" in html
