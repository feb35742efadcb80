"""The submission demo, loaded with the rest of `load_demo`: 은평구's plan reviewed and
revised (so the comparison shows changes), 구로구's 2020 plan agreed and paid."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from hyeopchi.core.models import AuditEvent
from hyeopchi.plans import demo_submission
from hyeopchi.plans import services_submission as sub
from hyeopchi.plans.models import Agreement, Plan, PlanStatus, ReviewOpinion

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


def test_eunpyeong_was_reviewed_revised_and_waits_for_selection(loaded):
    plan = Plan.objects.get(title=demo_submission.EUNPYEONG_PLAN)
    assert plan.status == PlanStatus.IN_REVIEW
    first, final = plan.versions.order_by("number")
    assert (first.reason, final.reason) == ("submission", "final")
    assert not first.late and not final.late
    assert ReviewOpinion.objects.filter(version__plan=plan).count() == 2
    diff = sub.compare(first, final)
    assert not diff.is_empty
    amounts = [c.delta for c in diff.changes if c.field == "amount"]
    assert amounts == [-30_000_000]
    added = [c for c in diff.changes if c.kind == "added" and c.collection == "budget_lines"]
    assert [c.after["description"] for c in added] == ["주민 기록활동가 양성"]
    assert diff.totals[0].delta == 0  # money moved, not added
    page = Client().get(reverse("submission:compare", args=[plan.pk]))
    assert page.status_code == 200 and "주민 기록활동가 양성" in page.content.decode()


def test_guro_2020_is_agreed_paid_and_in_execution(loaded):
    plan = Plan.objects.get(title=demo_submission.GURO_2020_PLAN)
    assert plan.status == PlanStatus.IN_EXECUTION
    assert plan.approved_by.body.district_id == plan.district_id
    agreement = Agreement.objects.get(plan=plan)
    assert agreement.amount == plan.disbursed_amount == 1_000_000_000
    assert plan.disbursed_on == dt.date(2020, 1, 10)
    steps = set(
        AuditEvent.objects.filter(model="plans.plan", object_id=str(plan.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"plan submitted", "plan selected", "agreement signed", "subsidy disbursed"} <= steps


def test_the_receipt_list_shows_the_demo_and_it_loads_once(loaded):
    page = Client().get(reverse("submission:receipts")).content.decode()
    assert demo_submission.EUNPYEONG_PLAN in page and demo_submission.GURO_2020_PLAN in page
    assert not demo_submission.load(today=TODAY).loaded
