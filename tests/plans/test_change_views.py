"""Pages of change requests: who may open and post what (a matrix), the route preview,
refusals and bad amounts kept on the form (422, never 500), the decision forms, names
hidden from the public, and query counts of the list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hyeopchi.core.models import AuditEvent
from hyeopchi.plans import services_changes as changes
from hyeopchi.plans.models import ChangeRequest, ChangeStatus, PlanStatus
from tests.plans.execution_helpers import (
    build_world,
    fast_passwords,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(guro, eunpyeong):
    return build_world(guro, eunpyeong)


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def form(w, amount="1,000,000", dst=None, **extra):
    return {
        "reason": "행사 축소",
        "from_line_0": str(w.events.pk),
        "to_line_0": str((dst or w.supplies).pk),
        "amount_0": amount,
        **extra,
    }


@pytest.mark.parametrize(
    ("who", "get", "post"),
    [
        (None, 302, 302),
        ("resident", 403, 403),
        ("other_clerk", 403, 403),
        ("clerk", 200, 302),
        ("city", 200, 302),
    ],
)
def test_who_may_request_a_change(world, who, get, post):
    client = client_for(getattr(world, who) if who else None)
    url = reverse("plan_changes:create", args=[world.plan.pk])
    assert client.get(url).status_code == get
    assert client.post(url, form(world)).status_code == post
    assert ChangeRequest.objects.count() == (1 if post == 302 and who else 0)


def test_preview_shows_the_route_and_files_nothing(world):
    client = client_for(world.clerk)
    url = reverse("plan_changes:create", args=[world.plan.pk])
    response = client.post(url, form(world, "100,000,000", preview="1"))
    assert response.status_code == 200
    assert "10.00%" in response.content.decode()
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("amount", "dst"),
    [("-5", None), ("12.5", None), ("abc", None), ("1000", "fitout"), ("1000", "classes")],
)
def test_bad_input_is_kept_on_the_form_with_a_message(world, amount, dst):
    client = client_for(world.clerk)
    url = reverse("plan_changes:create", args=[world.plan.pk])
    response = client.post(url, form(world, amount, dst=getattr(world, dst) if dst else None))
    assert response.status_code == 200
    html = response.content.decode()
    assert "field-error" in html and "행사 축소" in html and f'value="{amount}"' in html
    assert not ChangeRequest.objects.exists()


def test_a_half_filled_row_is_an_error(world):
    client = client_for(world.clerk)
    url = reverse("plan_changes:create", args=[world.plan.pk])
    data = form(world)
    data["to_line_0"] = ""
    response = client.post(url, data)
    assert "field-error" in response.content.decode()


def test_closed_plan_refuses_with_a_message(world):
    world.plan.status = PlanStatus.CLOSED
    world.plan.save()
    client = client_for(world.clerk)
    response = client.post(reverse("plan_changes:create", args=[world.plan.pk]), form(world))
    assert response.status_code == 200 and "form-errors" in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_council_decision_through_the_page(world):
    w = world
    request = changes.file_request(
        w.plan, [changes.ItemSpec(w.events.pk, w.supplies.pk, 5)], "x", w.clerk
    )
    decision = w.decision()
    detail = reverse("plan_changes:detail", args=[request.pk])
    page = client_for(w.clerk).get(detail).content.decode()
    assert "plan_changes" not in page and reverse("plan_changes:decide", args=[request.pk]) in page
    url = reverse("plan_changes:decide", args=[request.pk])
    payload = {"approver": "council", "approved": "1", "body_decision": decision.pk}
    assert client_for(w.other_clerk).post(url, payload).status_code == 403
    assert client_for().post(url, payload).status_code == 302  # to sign in
    missing = client_for(w.clerk).post(url, {**payload, "body_decision": ""})
    assert missing.status_code == 422 and "field-error" in missing.content.decode()
    response = client_for(w.clerk).post(url, payload)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ChangeStatus.APPROVED
    public = client_for().get(detail).content.decode()
    assert decision.title in public and w.clerk.username not in public
    staff = client_for(w.city).get(detail).content.decode()
    assert w.clerk.username in staff


def test_city_route_form_only_for_the_city(world):
    w = world
    request = changes.file_request(
        w.plan, [changes.ItemSpec(w.events.pk, w.research.pk, 5)], "x", w.clerk
    )
    decide = reverse("plan_changes:decide", args=[request.pk])
    assert (
        decide
        not in client_for(w.clerk)
        .get(reverse("plan_changes:detail", args=[request.pk]))
        .content.decode()
    )
    assert (
        client_for(w.clerk).post(decide, {"approver": "city", "approved": "1"}).status_code == 422
    )
    assert client_for(w.city).post(decide, {"approver": "city", "approved": "1"}).status_code == 302
    assert AuditEvent.objects.filter(action="change approved").count() == 1


def test_withdraw_through_the_page(world):
    w = world
    request = changes.file_request(
        w.plan, [changes.ItemSpec(w.events.pk, w.supplies.pk, 5)], "x", w.clerk
    )
    url = reverse("plan_changes:withdraw", args=[request.pk])
    assert client_for(w.other_clerk).post(url).status_code == 403
    assert client_for(w.clerk).post(url).status_code == 302
    request.refresh_from_db()
    assert request.status == ChangeStatus.WITHDRAWN


def test_list_page_queries_do_not_grow(world, django_assert_max_num_queries):
    w = world
    for n in range(8):
        request = changes.file_request(
            w.plan, [changes.ItemSpec(w.events.pk, w.supplies.pk, 10 + n)], "x", w.clerk
        )
        if n % 2:
            changes.decide(request, "council", True, w.clerk, body_decision=w.decision())
    client = client_for(w.clerk)
    url = reverse("plan_changes:list", args=[w.plan.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200 and response.content.decode().count("badge-approved") == 4
