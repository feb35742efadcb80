"""API of cycles, plans, tasks, indicators and budget lines: reads, writes, permissions,
validation (422 by field), the pre-save budget check."""

from __future__ import annotations

import json

import pytest

from hyeopchi.core.models import Role
from hyeopchi.participation.models import Agenda
from hyeopchi.plans import cycle_services
from hyeopchi.plans.models import BudgetLine, PlanStatus, TaskKind
from tests.conftest import make_user
from tests.test_api_helpers import api_as, fast_passwords  # noqa: F401 - fixture

from .plan_helpers import make_indicator, make_line, make_plan, make_task

pytestmark = pytest.mark.django_db

LINE = {
    "category": "operating",
    "subtype": "event",
    "nature": "current",
    "source": "city",
    "amount": 9_000_000,
    "description": "공론장 운영",
}


@pytest.fixture
def clerk(guro):
    return api_as(make_user("clerk-guro", Role.DISTRICT_STAFF, guro))


@pytest.fixture
def other_clerk(eunpyeong):
    return api_as(make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong))


def _put(api, path, data):
    return api.client.put(
        "/api/v1" + path, json.dumps(data), content_type="application/json", **api.headers
    )


def _delete(api, path):
    return api.client.delete("/api/v1" + path, **api.headers)


def test_cycle_reads_are_public_and_opening_is_for_the_district(guro, clerk, other_clerk):
    assert other_clerk.post(f"/districts/{guro.code}/cycles/2020").status_code == 403
    assert api_as().post(f"/districts/{guro.code}/cycles/2020").status_code == 401
    opened = clerk.post(f"/districts/{guro.code}/cycles/2020")
    assert opened.status_code == 201
    body = opened.json()
    assert body["current_stage"] == "process_design" and len(body["stages"]) == 11
    public = api_as().get(f"/districts/{guro.code}/cycles/2020").json()
    assert public["stages"][-1]["code"] == "submission"
    overview = api_as().get("/cycles", {"year": 2020}).json()
    assert len(overview) == 25
    assert [r["opened"] for r in overview if r["district"] == guro.code] == [True]


def test_a_stage_is_patched_and_required_ones_not_skipped(guro, clerk):
    cycle = cycle_services.open_cycle(guro, 2020)
    first = cycle.stages.get(code="process_design")
    ok = clerk.patch(f"/cycle-stages/{first.pk}", {"status": "done", "note": "TFT 논의"})
    assert ok.status_code == 200 and ok.json()["status"] == "done"
    required = cycle.stages.get(code="submission")
    bad = clerk.patch(f"/cycle-stages/{required.pk}", {"status": "skipped"})
    assert bad.status_code == 422
    assert "status" in bad.json()["errors"]
    unknown = clerk.patch(f"/cycle-stages/{first.pk}", {"forum_ids": [999999]})
    assert unknown.status_code == 422 and "forum_ids" in unknown.json()["errors"]


def test_drafts_are_private_in_the_api(guro, clerk, other_clerk):
    draft = make_plan(guro)
    public = make_plan(guro, status=PlanStatus.SELECTED, title="선정된 계획")
    assert api_as().get(f"/plans/{draft.pk}").status_code == 401
    assert other_clerk.get(f"/plans/{draft.pk}").status_code == 403
    assert clerk.get(f"/plans/{draft.pk}").status_code == 200
    assert api_as().get(f"/plans/{public.pk}").status_code == 200
    titles = [p["title"] for p in api_as().get(f"/districts/{guro.code}/plans").json()]
    assert titles == ["선정된 계획"]
    assert len(clerk.get(f"/districts/{guro.code}/plans").json()) == 2


def test_a_plan_is_built_through_the_api(guro, clerk, other_clerk):
    created = clerk.post(
        "/plans",
        {
            "district": guro.code,
            "kind": "execution",
            "title": "2021 구로구 실행계획",
            "start_year": 2021,
            "end_year": 2021,
            "envelope": 1_000_000_000,
        },
    )
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    assert created.json()["sections"][0]["code"] == "1.1"
    agenda = Agenda.objects.create(district=guro, year=2020, title="돌봄")
    task = clerk.post(
        f"/plans/{plan_id}/tasks",
        {"kind": "sector", "title": "돌봄 네트워크", "agenda_ids": [agenda.pk]},
    )
    assert task.status_code == 201
    task_id = task.json()["id"]
    assert other_clerk.post(f"/tasks/{task_id}/budget-lines", LINE).status_code == 403
    line = clerk.post(f"/tasks/{task_id}/budget-lines", LINE)
    assert line.status_code == 201 and line.json()["amount"] == 9_000_000
    indicator = clerk.post(
        f"/tasks/{task_id}/indicators", {"name": "참여자", "unit": "명", "target": "100"}
    )
    assert indicator.status_code == 201
    plan = clerk.get(f"/plans/{plan_id}").json()
    assert plan["totals"]["city"] == 9_000_000
    assert plan["tasks"][0]["agenda_ids"] == [agenda.pk]
    # only sector money so far: more than 70 % of the city subsidy
    assert "sector.city_subsidy_share" in {f["rule"] for f in plan["findings"]}
    replaced = _put(clerk, f"/budget-lines/{line.json()['id']}", {**LINE, "amount": 5_000_000})
    assert replaced.status_code == 200 and replaced.json()["amount"] == 5_000_000
    assert _delete(clerk, f"/budget-lines/{line.json()['id']}").status_code == 204
    assert not BudgetLine.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": -1}, "amount"),
        ({"amount": 1.5}, "amount"),
        ({"amount": "많이"}, "amount"),
        ({"category": ""}, "category"),
        ({"category": "bribes"}, "category"),
        ({"subtype": "construction"}, "subtype"),
        ({"nature": "both"}, "nature"),
    ],
)
def test_bad_budget_lines_get_422_by_field(guro, clerk, change, field):
    task = make_task(make_plan(guro))
    response = clerk.post(f"/tasks/{task.pk}/budget-lines", {**LINE, **change})
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not BudgetLine.objects.exists()


def test_the_check_endpoint_reports_the_cap_before_saving(guro, clerk):
    plan = make_plan(guro)
    make_line(make_task(plan, kind=TaskKind.FOUNDATION, sub_project="F"), amount=100_000_000)
    task = make_task(plan)
    make_line(task, amount=9_000_000)
    line = {**LINE, "category": "personnel", "subtype": "coordinator", "amount": 1_000_001}
    response = clerk.post(f"/tasks/{task.pk}/budget-lines/check", line)
    assert response.status_code == 200
    caused = response.json()["caused"]
    assert [f["rule"] for f in caused] == ["personnel.sector_share"]
    assert caused[0]["excess"] == 1 and caused[0]["limit"] == 1_000_000
    assert caused[0]["article"].startswith("운영지침")
    fine = clerk.post(f"/tasks/{task.pk}/budget-lines/check", {**line, "amount": 1_000_000})
    assert fine.json()["caused"] == []
    assert BudgetLine.objects.count() == 2


def test_a_submitted_plan_refuses_new_lines(guro, clerk):
    task = make_task(make_plan(guro, status=PlanStatus.SUBMITTED))
    make_indicator(task)
    response = clerk.post(f"/tasks/{task.pk}/budget-lines", LINE)
    assert response.status_code == 422
    assert "변경 요청" in response.json()["errors"]["__all__"][0]
