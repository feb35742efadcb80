"""The change-request API: who may do what (a matrix), refusals and bad input as 422 by
field, the trail, private names hidden from the public, query counts of the list."""

from __future__ import annotations

import pytest

from hyeopchi.core.models import AuditEvent
from hyeopchi.plans import services_changes as changes
from hyeopchi.plans.models import ChangeRequest, ChangeStatus, PlanStatus
from tests.plans.execution_helpers import (
    build_world,
    fast_passwords,  # noqa: F401 - fixture
)
from tests.test_api_helpers import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(guro, eunpyeong):
    return build_world(guro, eunpyeong)


def body(w, amount=1_000_000, src=None, dst=None, **kw):
    return {
        "items": [
            {
                "from_line_id": (src or w.events).pk,
                "to_line_id": (dst or w.supplies).pk,
                "amount": amount,
            }
        ],
        "reason": "행사 축소",
        **kw,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("resident", 403), ("other_clerk", 403), ("clerk", 201), ("city", 201)],
)
def test_who_may_file_a_change(world, who, status):
    api = api_as(getattr(world, who) if who else None)
    response = api.post(f"/plans/{world.plan.pk}/changes", body(world))
    assert response.status_code == status, response.content
    assert ChangeRequest.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        data = response.json()
        assert data["route"]["key"] == "council_decision" and data["approvers"] == ["council"]
        assert data["share_percent"] == "0.10"


def test_preview_names_the_route_without_filing(world):
    api = api_as(world.clerk)
    response = api.post(f"/plans/{world.plan.pk}/changes/preview", body(world, 100_000_000))
    assert response.status_code == 200 and response.json()["key"] == "city_approval"
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"amount": -1}, "items.0.amount"),
        ({"amount": 0}, "items.0.amount"),
        ({"dst": "fitout"}, "items.0.to_line"),
        ({"dst": "classes"}, "items.0.to_line"),
        ({"reason": ""}, "reason"),
    ],
)
def test_bad_requests_answer_422_by_field(world, payload, field):
    api = api_as(world.clerk)
    kw = dict(payload)
    amount = kw.pop("amount", 1_000)
    dst = getattr(world, kw.pop("dst")) if "dst" in kw else None
    response = api.post(f"/plans/{world.plan.pk}/changes", body(world, amount, dst=dst, **kw))
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


def test_non_integer_amount_is_422_not_500(world):
    api = api_as(world.clerk)
    response = api.post(f"/plans/{world.plan.pk}/changes", body(world, "12.5"))
    assert response.status_code == 422 and response.json()["errors"]


def test_a_closed_plan_refuses_changes_with_a_message(world):
    world.plan.status = PlanStatus.CLOSED
    world.plan.save()
    response = api_as(world.clerk).post(f"/plans/{world.plan.pk}/changes", body(world))
    assert response.status_code == 422
    assert response.json()["errors"]["__all__"]


def test_decision_matrix_and_trail(world):
    w = world
    request = changes.file_request(
        w.plan, [changes.ItemSpec(w.events.pk, w.supplies.pk, 5)], "x", w.clerk
    )
    decision = w.decision()
    url = f"/changes/{request.pk}/decision"
    payload = {"approver": "council", "approved": True, "body_decision_id": decision.pk}
    assert api_as(w.other_clerk).post(url, payload).status_code == 403
    assert api_as(w.resident).post(url, payload).status_code == 403
    wrong = {"approver": "city", "approved": True}
    assert api_as(w.city).post(url, wrong).status_code == 422
    missing = {**payload, "body_decision_id": 10**9}
    assert "body_decision_id" in api_as(w.clerk).post(url, missing).json()["errors"]
    response = api_as(w.clerk).post(url, payload)
    assert response.status_code == 200, response.content
    trail = response.json()["trail"]
    assert [(s["step"], s["approver"], s["outcome"]) for s in trail] == [
        ("decision", "council", "approved")
    ]
    assert trail[0]["body_decision_id"] == decision.pk
    assert response.json()["status"] == ChangeStatus.APPROVED
    # the public sees the trail without names
    public = api_as().get(f"/changes/{request.pk}").json()
    assert public["requested_by"] is None and public["trail"][0]["decided_by"] is None
    staff = api_as(w.clerk).get(f"/changes/{request.pk}").json()
    assert staff["requested_by"] == w.clerk.username
    notices = api_as(w.city).get("/changes/to-report").json()
    assert [n["change_id"] for n in notices] == [request.pk]
    assert api_as(w.other_clerk).get("/changes/to-report").json() == []
    assert api_as(w.resident).get("/changes/to-report").status_code == 403


def test_city_consultation_then_approval_by_api(world):
    w = world
    request = changes.file_request(w.plan, [], "대상 변경", w.clerk, content_change="대상 확대")
    assert (
        api_as(w.clerk).post(f"/changes/{request.pk}/consultation", {"agreed": True}).status_code
        == 422
    )  # a district clerk is not the city
    assert (
        api_as(w.city).post(f"/changes/{request.pk}/consultation", {"agreed": True}).status_code
        == 200
    )
    response = api_as(w.city).post(
        f"/changes/{request.pk}/decision", {"approver": "city", "approved": True}
    )
    assert [s["step"] for s in response.json()["trail"]] == ["consultation", "decision"]
    events = AuditEvent.objects.filter(model="plans.changerequest", object_id=str(request.pk))
    assert events.count() == 3


def test_withdraw_by_api(world):
    w = world
    request = changes.file_request(
        w.plan, [changes.ItemSpec(w.events.pk, w.supplies.pk, 5)], "x", w.clerk
    )
    assert api_as(w.other_clerk).post(f"/changes/{request.pk}/withdraw", {}).status_code == 403
    response = api_as(w.clerk).post(f"/changes/{request.pk}/withdraw", {"reason": "취소"})
    assert response.json()["status"] == ChangeStatus.WITHDRAWN


def test_change_list_queries_do_not_grow(world, django_assert_max_num_queries):
    w = world
    for n in range(6):
        request = changes.file_request(
            w.plan, [changes.ItemSpec(w.events.pk, w.supplies.pk, 10 + n)], "x", w.clerk
        )
        if n % 2:
            changes.decide(request, "council", True, w.clerk, body_decision=w.decision())
    api = api_as(w.clerk)
    api.get("/districts")  # warm the session and the user's roles
    with django_assert_max_num_queries(10):
        response = api.get(f"/plans/{w.plan.pk}/changes")
    assert response.json()["count"] == 6
