"""The execution API: reports by quarter, spending and overspending, settlement, return,
termination and the city's list of settlements, with its permissions and query counts."""

from __future__ import annotations

import datetime as dt

import pytest

from hyeopchi.plans import services_execution as execution
from hyeopchi.plans.models import PlanStatus, ProgressReport
from tests.plans.execution_helpers import (
    build_world,
    fast_passwords,  # noqa: F401 - fixture
)
from tests.test_api_helpers import api_as

pytestmark = pytest.mark.django_db
YEAR = 2021


@pytest.fixture
def world(guro, eunpyeong):
    return build_world(guro, eunpyeong, year=YEAR)


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("resident", 403), ("other_clerk", 403), ("clerk", 201), ("city", 201)],
)
def test_who_may_open_a_report(world, who, status):
    api = api_as(getattr(world, who) if who else None)
    response = api.post(f"/plans/{world.plan.pk}/reports", {"year": YEAR, "quarter": 1})
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["due"] == f"{YEAR}-04-10"


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_a_quarter_that_does_not_exist_is_422(world, quarter):
    response = api_as(world.clerk).post(
        f"/plans/{world.plan.pk}/reports", {"year": YEAR, "quarter": quarter}
    )
    assert response.status_code == 422 and "quarter" in response.json()["errors"]
    assert not ProgressReport.objects.exists()


def test_spending_flags_overspending_and_refuses_negative_amounts(world):
    w = world
    report = execution.open_report(w.plan, YEAR, 2, w.clerk, today=dt.date(YEAR, 7, 1))
    api = api_as(w.clerk)
    bad = {"spending": [{"line_id": w.events.pk, "spent": -3}]}
    response = api.patch(f"/reports/{report.pk}", bad)
    assert response.status_code == 422 and f"spent_{w.events.pk}" in response.json()["errors"]
    good = {
        "narratives": [{"task_id": w.care.pk, "text": "상반기 6회 운영"}],
        "spending": [{"line_id": w.classes.pk, "spent": 200_000_001}],
        "actuals": [{"indicator_id": w.care.indicators.get().pk, "value": "40"}],
    }
    response = api.patch(f"/reports/{report.pk}", good)
    assert response.status_code == 200, response.content
    flags = {(o["scope"], o["scope_id"], o["excess"]) for o in response.json()["overspending"]}
    assert flags == {("line", w.classes.pk, 1), ("task", w.school.pk, 1)}
    assert api_as(w.other_clerk).post(f"/reports/{report.pk}/submit").status_code == 403
    assert api.post(f"/reports/{report.pk}/submit").json()["submitted_at"]
    public = api_as().get(f"/plans/{w.plan.pk}/reports").json()
    assert public[0]["narratives"][str(w.care.pk)] == "상반기 6회 운영"


def test_settlement_return_and_city_list(world, eunpyeong, guro):
    w = world
    report = execution.open_report(w.plan, YEAR, 4, w.clerk, today=dt.date(YEAR + 1, 1, 5))
    execution.save_report(report, w.clerk, spending={w.events.pk: (390_000_000, 0)})
    execution.submit_report(report, w.clerk)
    other = build_world(eunpyeong, guro, year=YEAR)  # its settlement is overdue by now
    api = api_as(w.clerk)
    response = api.post(
        f"/plans/{w.plan.pk}/settlement",
        {"interest": 10_000, "return_method": "next_year_budget", "note": ""},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["unspent"] == 1_000_000_000 - 390_000_000 and data["to_return"] == 610_010_000
    assert data["due_date"] == f"{YEAR + 1}-02-28"
    response = api.post(
        f"/plans/{w.plan.pk}/settlement/return",
        {"amount": 610_010_001, "returned_on": dt.date.today().isoformat()},
    )
    assert response.status_code == 422
    rows = api_as(w.city).get("/settlements").json()
    assert [(r["plan_id"], r["overdue"]) for r in rows] == [
        (other.plan.pk, True),
        (w.plan.pk, False),
    ]
    assert [
        r["plan_id"] for r in api_as(w.city).get("/settlements", {"overdue": "true"}).json()
    ] == [other.plan.pk]
    assert [r["plan_id"] for r in api.get("/settlements").json()] == [w.plan.pk]
    assert api_as(w.resident).get("/settlements").status_code == 403
    assert api_as().get("/settlements").status_code == 401


def test_termination_is_for_city_officers(world):
    w = world
    payload = {
        "ground": "civilians_deem_unfit",
        "terminated_on": f"{YEAR}-08-01",
        "reason": "민간위원 전원 부적합 인정",
    }
    assert api_as(w.clerk).post(f"/plans/{w.plan.pk}/termination", payload).status_code == 422
    assert api_as(w.other_clerk).post(f"/plans/{w.plan.pk}/termination", payload).status_code == 403
    response = api_as(w.city).post(f"/plans/{w.plan.pk}/termination", payload)
    assert response.status_code == 200 and response.json()["terminated"]
    w.plan.refresh_from_db()
    assert w.plan.status == PlanStatus.TERMINATED
    response = api_as(w.city).post(
        f"/plans/{w.plan.pk}/termination", {**payload, "terminated_on": "x"}
    )
    assert response.status_code == 422


def test_report_and_settlement_lists_keep_their_query_counts(world, django_assert_max_num_queries):
    w = world
    for quarter in (1, 2, 3, 4):
        report = execution.open_report(
            w.plan, YEAR, quarter, w.clerk, today=dt.date(YEAR + 1, 1, 5)
        )
        execution.save_report(
            report, w.clerk, spending={w.events.pk: (quarter * 1_000, 0), w.classes.pk: (5, 0)}
        )
    api = api_as(w.city)
    api.get("/districts")
    with django_assert_max_num_queries(12):
        assert len(api.get(f"/plans/{w.plan.pk}/reports").json()) == 4
    with django_assert_max_num_queries(8):
        api.get("/settlements")
