"""Pages of execution: reports by quarter, spending with overspending shown, bad input
kept on the form, settlement and its overdue flag, return, termination, the city list —
each with who may open and post it, and query counts of the lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from hyeopchi.plans import services_execution as execution
from hyeopchi.plans.models import PlanStatus, ProgressReport, Settlement
from tests.plans.execution_helpers import (
    build_world,
    fast_passwords,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.django_db
YEAR = 2021


@pytest.fixture
def world(guro, eunpyeong):
    return build_world(guro, eunpyeong, year=YEAR)


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 403), ("resident", 403), ("other_clerk", 403), ("clerk", 302), ("city", 302)],
)
def test_who_may_open_a_report(world, who, status):
    url = reverse("plan_execution:reports", args=[world.plan.pk])
    client = client_for(getattr(world, who) if who else None)
    assert client.get(url).status_code == 200  # the list is public
    response = client.post(url, {"year": str(YEAR), "quarter": "1"})
    assert response.status_code == status
    assert ProgressReport.objects.count() == (1 if status == 302 else 0)


@pytest.mark.parametrize("quarter", ["5", "0", "x", "-1"])
def test_a_quarter_that_does_not_exist_is_a_message_not_a_500(world, quarter):
    url = reverse("plan_execution:reports", args=[world.plan.pk])
    response = client_for(world.clerk).post(url, {"year": str(YEAR), "quarter": quarter})
    assert response.status_code == 422 and "field-error" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_filling_a_report_shows_overspending_and_keeps_bad_input(world):
    w = world
    report = execution.open_report(w.plan, YEAR, 2, w.clerk, today=dt.date(YEAR, 7, 1))
    url = reverse("plan_execution:report", args=[report.pk])
    client = client_for(w.clerk)
    assert client.get(url).status_code == 200
    bad = {f"spent_{w.events.pk}": "-100", f"narrative_{w.care.pk}": "진행 중"}
    response = client.post(url, bad)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="-100"' in html and "진행 중" in html and "field-error" in html
    assert client_for(w.other_clerk).post(url, bad).status_code == 403
    good = {f"spent_{w.classes.pk}": "200,000,001", f"narrative_{w.care.pk}": "진행 중"}
    assert client.post(url, good).status_code == 302
    page = client.get(url).content.decode()
    assert "notice-error" in page and "row-warning" in page
    assert client.post(url, {**good, "submit": "1"}).status_code == 302
    report.refresh_from_db()
    assert report.submitted_at is not None
    public = client_for().get(url)
    assert public.status_code == 200 and "진행 중" in public.content.decode()
    assert client.post(url, good).status_code == 403  # submitted: no form any more


def test_settlement_page_submit_return_and_overdue(world, eunpyeong, guro):
    w = world
    report = execution.open_report(w.plan, YEAR, 4, w.clerk, today=dt.date(YEAR + 1, 1, 5))
    execution.save_report(report, w.clerk, spending={w.events.pk: (390_000_000, 0)})
    execution.submit_report(report, w.clerk)
    other = build_world(eunpyeong, guro, year=YEAR)
    page = client_for().get(reverse("plan_execution:settlement", args=[other.plan.pk]))
    assert page.status_code == 200 and "badge-overdue" in page.content.decode()
    submit = reverse("plan_execution:settlement_submit", args=[w.plan.pk])
    data = {"subsidy_received": "1,000,000,000", "interest": "-3", "return_method": ""}
    assert client_for(w.other_clerk).post(submit, data).status_code == 403
    response = client_for(w.clerk).post(submit, data)
    assert response.status_code == 422 and 'value="-3"' in response.content.decode()
    data.update(interest="10,000", return_method="next_year_budget")
    assert client_for(w.clerk).post(submit, data).status_code == 302
    settlement = Settlement.objects.get(plan=w.plan)
    assert settlement.to_return == 610_010_000
    back = reverse("plan_execution:settlement_return", args=[w.plan.pk])
    too_much = {"returned": "610,010,001", "returned_at": dt.date.today().isoformat()}
    assert client_for(w.clerk).post(back, too_much).status_code == 422
    right = {"returned": "610,010,000", "returned_at": dt.date.today().isoformat()}
    assert client_for(w.clerk).post(back, right).status_code == 302
    settlement.refresh_from_db()
    assert settlement.returned == 610_010_000


def test_termination_form_is_for_city_officers(world):
    w = world
    url = reverse("plan_execution:terminate", args=[w.plan.pk])
    page = reverse("plan_execution:settlement", args=[w.plan.pk])
    assert url not in client_for(w.clerk).get(page).content.decode()
    assert url in client_for(w.city).get(page).content.decode()
    data = {"ground": "violation", "terminated_on": f"{YEAR}-09-01", "reason": "위반"}
    response = client_for(w.city).post(url, data)
    assert response.status_code == 422  # the council was not heard, no correction period
    assert client_for(w.clerk).post(url, data).status_code == 422
    data.update(council_heard_on=f"{YEAR}-07-01", correction_deadline=f"{YEAR}-08-31")
    assert client_for(w.city).post(url, data).status_code == 302
    w.plan.refresh_from_db()
    assert w.plan.status == PlanStatus.TERMINATED


def test_settlement_list_for_staff_with_query_count(
    world, eunpyeong, guro, django_assert_max_num_queries
):
    other = build_world(eunpyeong, guro, year=YEAR)
    url = reverse("plan_execution:settlements")
    assert client_for().get(url).status_code == 302
    assert client_for(world.resident).get(url).status_code == 403
    city = client_for(world.city)
    city.get(url)
    with django_assert_max_num_queries(8):
        html = city.get(url).content.decode()
    assert world.plan.title in html and other.plan.title in html and "badge-overdue" in html
    own = client_for(world.clerk).get(url).content.decode()
    assert world.plan.title in own and other.plan.title not in own


def test_report_list_query_count(world, django_assert_max_num_queries):
    w = world
    for quarter in (1, 2, 3, 4):
        report = execution.open_report(
            w.plan, YEAR, quarter, w.clerk, today=dt.date(YEAR + 1, 1, 5)
        )
        execution.save_report(report, w.clerk, spending={w.events.pk: (quarter, 0)})
    client = client_for(w.clerk)
    url = reverse("plan_execution:reports", args=[w.plan.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).content.decode().count("plan_execution") == 0


@pytest.mark.parametrize(
    "name", ["plan_changes:list", "plan_execution:reports", "plan_execution:settlement"]
)
def test_a_draft_plan_stays_private(world, name):
    world.plan.status = PlanStatus.DRAFT
    world.plan.save()
    url = reverse(name, args=[world.plan.pk])
    assert client_for().get(url).status_code == 404
    assert client_for(world.other_clerk).get(url).status_code == 404
    assert client_for(world.clerk).get(url).status_code == 200
    api = f"/api/v1/plans/{world.plan.pk}/reports"
    assert client_for().get(api).status_code == 404
    assert client_for(world.clerk).get(api).status_code == 200
