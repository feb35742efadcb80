"""A plan submitted from several tabs at once (a double click, two clerks) becomes one
version: the plan row is locked while the step is taken. These tests commit for real."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from hyeopchi.plans import services_submission as sub
from hyeopchi.plans.models import Plan, PlanStatus, PlanVersion
from tests.conftest import make_body, make_user
from tests.plans.plan_helpers import make_line, make_plan, make_task
from tests.plans.submission_helpers import council_decision

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
THREADS = 6


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested against PostgreSQL (make test)")


def test_simultaneous_submissions_make_one_version(guro):
    clerk = make_user("clerk-guro", "district_staff", guro)
    plan = make_plan(guro, start_year=2035, end_year=2035)
    make_line(make_task(plan), 10_000_000)
    sub.approve(plan, council_decision(make_body(guro)), clerk)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            mine = Plan.objects.get(pk=plan.pk)
            barrier.wait(timeout=30)
            sub.submit(mine, clerk)
            outcome = "submitted"
        except ValidationError:
            outcome = "refused"
        except Exception as exc:  # an unexpected error is the finding
            outcome = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert Counter(outcomes) == {"submitted": 1, "refused": THREADS - 1}
    assert PlanVersion.objects.filter(plan=plan).count() == 1
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
