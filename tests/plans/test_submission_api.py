"""API of approval, submission, review and money: who may take which step (401/403),
422 by field for bad input and steps out of order, versions and the diff as JSON."""

from __future__ import annotations

import pytest
from django.utils import translation

from hyeopchi.core.models import Role
from hyeopchi.plans.models import PlanVersion
from tests.conftest import make_user
from tests.test_api_helpers import api_as, fast_passwords  # noqa: F401 - fixture

from .plan_helpers import make_line, make_plan, make_task
from .submission_helpers import council_decision, walk

pytestmark = pytest.mark.django_db
YEAR = 2035  # no cycle policy for this year: no deadline


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def plan(guro):
    plan = make_plan(guro, start_year=YEAR, end_year=YEAR)
    make_line(make_task(plan), 30_000_000)
    return plan


@pytest.fixture
def clerk(guro_clerk):
    return api_as(guro_clerk)


@pytest.fixture
def officer(city_officer):
    return api_as(city_officer)


@pytest.fixture
def other(eunpyeong):
    return api_as(make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong))


def test_the_steps_through_the_api(plan, council, clerk, officer, other):
    base = f"/plans/{plan.pk}"
    decision = council_decision(council)
    assert api_as().post(f"{base}/approve", {"decision_id": decision.pk}).status_code == 401
    # A draft is not even visible to another district's staff.
    assert other.post(f"{base}/approve", {"decision_id": decision.pk}).status_code == 404
    assert officer.post(f"{base}/approve", {"decision_id": decision.pk}).status_code == 403
    walk_other = other.post(f"{base}/opinions", {"text": "x", "recommendation": "accept"})
    assert walk_other.status_code == 404
    r = clerk.post(f"{base}/approve", {"decision_id": 999_999})
    assert r.status_code == 422 and "decision_id" in r.json()["errors"]
    r = clerk.post(f"{base}/approve", {"decision_id": decision.pk})
    assert r.status_code == 200 and r.json()["state"] == "approved"
    assert r.json()["approved_by_decision_id"] == decision.pk

    r = clerk.post(f"{base}/submit", {})
    assert r.status_code == 201 and r.json()["versions"][0]["number"] == 1
    r = clerk.post(f"{base}/submit", {})
    assert r.status_code == 422
    assert "이미 서울시에 제출" in r.json()["errors"]["__all__"][0]

    assert (
        clerk.post(f"{base}/opinions", {"text": "x", "recommendation": "accept"}).status_code == 403
    )
    r = officer.post(f"{base}/opinions", {"text": "", "recommendation": "maybe"})
    assert r.status_code == 422 and "recommendation" in r.json()["errors"]
    r = officer.post(f"{base}/opinions", {"text": "지표 보완", "recommendation": "revise"})
    assert r.status_code == 200 and r.json()["state"] == "in_review"
    assert r.json()["opinions"][0]["text"] == "지표 보완"
    assert officer.post(f"{base}/revision", {"reason": "지표"}).json()["state"] == "revising"

    line = plan.tasks.get().budget_lines.get()
    line.amount = 20_000_000
    line.save()
    assert clerk.post(f"{base}/submit", {"final": True}).status_code == 201
    diff = api_as().get(f"{base}/compare", {"from_version": 1, "to_version": 2}).json()
    assert diff["totals"][0] == {
        "scope": "plan",
        "key": None,
        "label": "",
        "before": 30_000_000,
        "after": 20_000_000,
        "delta": -10_000_000,
    }
    [change] = diff["changes"]
    assert (change["field"], change["delta"]) == ("amount", "-10000000")
    version = api_as().get(f"{base}/versions/2").json()
    assert version["reason"] == "final"
    assert version["snapshot"]["tasks"][0]["budget_lines"][0]["amount"] == 20_000_000

    officer.post(f"{base}/opinions", {"text": "확인", "recommendation": "accept"})
    r = officer.post(f"{base}/pb-approval", {"on": "2020-08-29"})
    assert (
        r.status_code == 422 and "가능한 단계: 보완 요청, 선정" in r.json()["errors"]["__all__"][0]
    )
    assert officer.post(f"{base}/select", {"on": "2999-01-01"}).status_code == 422
    today = api_as().get(f"{base}/submission").json()["versions"][-1]["submitted_at"][:10]
    assert officer.post(f"{base}/select", {"on": today}).json()["state"] == "selected"
    assert officer.post(f"{base}/pb-approval", {"on": today}).json()["state"] == "pb_approved"
    agreement = {
        "signed_on": today,
        "period_start": f"{YEAR}-01-01",
        "period_end": f"{YEAR}-12-31",
        "amount": 900_000_000,
    }
    r = officer.post(f"{base}/agreement", {**agreement, "amount": -1})
    assert r.status_code == 422 and "amount" in r.json()["errors"]
    r = officer.post(f"{base}/agreement", {**agreement, "amount": "9억"})
    assert r.status_code == 422 and "amount" in r.json()["errors"]
    r = officer.post(f"{base}/agreement", agreement)
    assert r.status_code == 200 and r.json()["agreement"]["amount"] == 900_000_000
    r = officer.post(f"{base}/disbursement", {"on": today, "amount": 900_000_001})
    assert r.status_code == 422 and "amount" in r.json()["errors"]
    r = officer.post(f"{base}/disbursement", {"on": today, "amount": 900_000_000})
    assert r.json()["state"] == "in_execution" and r.json()["disbursed_amount"] == 900_000_000


def test_reads_hide_drafts_opinions_and_exception_reasons_from_the_public(
    guro, council, guro_clerk, city_officer, clerk, officer, other
):
    plan = make_plan(guro)  # 2021: deadline 2020-07-10, long past
    assert api_as().get(f"/plans/{plan.pk}/submission").status_code == 404
    assert other.get(f"/plans/{plan.pk}/submission").status_code == 404
    walk(plan, council, guro_clerk, None, "approved")
    r = clerk.post(f"/plans/{plan.pk}/submit", {})
    [message] = r.json()["errors"]["__all__"]  # in Korean, the API's default language
    assert r.status_code == 422 and "2020년 7월 10일" in message and "예외" in message
    assert not PlanVersion.objects.exists()
    assert clerk.post(f"/plans/{plan.pk}/late-exception", {"reason": "사정"}).status_code == 403
    r = officer.post(f"/plans/{plan.pk}/late-exception", {"reason": "협치회의 재구성"})
    assert r.status_code == 200
    assert clerk.post(f"/plans/{plan.pk}/submit", {}).status_code == 201
    officer.post(f"/plans/{plan.pk}/opinions", {"text": "비공개 의견", "recommendation": "accept"})
    public = api_as().get(f"/plans/{plan.pk}/submission").json()
    assert public["opinions"] is None
    assert public["versions"][0]["late"] is True
    assert public["versions"][0]["late_exception_reason"] is None
    assert public["submission_deadline"] == "2020-07-10"
    staff = clerk.get(f"/plans/{plan.pk}/submission").json()
    assert staff["opinions"][0]["text"] == "비공개 의견"
    assert staff["versions"][0]["late_exception_reason"] == "협치회의 재구성"


def test_unknown_plans_and_versions_are_404(plan, council, guro_clerk, clerk):
    assert api_as().get("/plans/999999/submission").status_code == 404
    walk(plan, council, guro_clerk, None, "submitted")
    assert api_as().get(f"/plans/{plan.pk}/versions/7").status_code == 404
    r = api_as().get(f"/plans/{plan.pk}/compare", {"from_version": 1, "to_version": 3})
    assert r.status_code == 404
    assert clerk.post("/plans/999999/submit", {}).status_code == 404
