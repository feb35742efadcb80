"""Change requests on a real plan (PostgreSQL): filing with the route, refusals with the
article, bad input kept out, decisions by the right people, the money moved, the trail,
and the quarterly notices."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hyeopchi.core import audit
from hyeopchi.plans import services_changes as changes
from hyeopchi.plans import services_execution as execution
from hyeopchi.plans.models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    ChangeStep,
    PlanStatus,
)
from hyeopchi.plans.services_changes import ItemSpec
from tests.plans.execution_helpers import (
    SUBSIDY,
    build_world,
    fast_passwords,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(guro, eunpyeong):
    return build_world(guro, eunpyeong)


def move(src, dst, amount):
    return [ItemSpec(src.pk, dst.pk, amount)]


def errors(exc_info) -> dict:
    return exc_info.value.message_dict


def test_a_small_change_is_filed_for_the_council_and_audited(world):
    w = world
    request = changes.file_request(
        w.plan, move(w.events, w.supplies, 50_000_000), "행사 축소, 물품 구입", w.clerk
    )
    assert request.status == ChangeStatus.SUBMITTED and request.route == "council_decision"
    assert request.subsidy_total == SUBSIDY
    assert request.items.get().kind == ChangeKind.CHANGE
    event = audit.history(request).get()
    assert event.action == "change requested" and event.changes["route"][1] == "council_decision"
    assert event.district_id == w.plan.district_id


@pytest.mark.parametrize(
    ("amount", "route"),
    [
        (99_999_999, "council_decision"),
        (100_000_000, "city_approval"),
        (100_000_001, "city_approval"),
    ],
)
def test_the_ten_per_cent_boundary_on_a_real_plan(world, amount, route):
    request = changes.file_request(
        world.plan, move(world.events, world.supplies, amount), "x", world.clerk
    )
    assert request.route == route


def test_a_transfer_between_items_goes_to_the_city(world):
    request = changes.file_request(
        world.plan, move(world.events, world.research, 1_000), "x", world.clerk
    )
    assert request.route == "city_approval" and request.items.get().kind == ChangeKind.TRANSFER


def test_urgent_small_change_goes_to_the_delegated_unit(world):
    request = changes.file_request(
        world.plan, move(world.events, world.supplies, 1_000), "급함", world.clerk, urgent=True
    )
    assert request.route == "delegated_decision"


def test_a_content_change_alone_is_filed_for_consultation(world):
    request = changes.file_request(
        world.plan, [], "장소 변경", world.clerk, content_change="교육 장소를 마을회관으로 변경"
    )
    assert request.route == "city_consultation" and not request.items.exists()


@pytest.mark.parametrize(
    ("src", "dst", "field", "word"),
    [
        ("events", "fitout", "items.0.to_line", "3.3.4"),  # current → capital
        ("events", "classes", "items.0.to_line", "제10조"),  # S-1 → S-2
        ("events", "matching", "items.0.to_line", ""),  # city → district money
    ],
)
def test_refused_moves_are_not_filed_and_say_why(world, src, dst, field, word):
    with pytest.raises(ValidationError) as caught:
        changes.file_request(
            world.plan, move(getattr(world, src), getattr(world, dst), 1_000), "x", world.clerk
        )
    assert field in errors(caught) and word in " ".join(errors(caught)[field])
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message_part"),
    [
        (-5, "0보다"),
        (0, "0보다"),
        ("12.5", "정수"),
        ("abc", "정수"),
        (True, "정수"),
        (10**16, "너무"),
    ],
)
def test_bad_amounts_get_a_clear_message(world, amount, message_part):
    with pytest.raises(ValidationError) as caught:
        changes.file_request(
            world.plan, move(world.events, world.supplies, amount), "x", world.clerk
        )
    assert any(message_part in m for m in errors(caught)["items.0.amount"])


def test_typed_amounts_with_commas_are_read(world):
    request = changes.file_request(
        world.plan, move(world.events, world.supplies, "1,000,000원"), "x", world.clerk
    )
    assert request.items.get().amount == 1_000_000


def test_a_line_cannot_be_emptied_or_overdrawn(world):
    with pytest.raises(ValidationError) as caught:
        changes.file_request(
            world.plan, move(world.supplies, world.events, 100_000_000), "x", world.clerk
        )
    assert "items.0.amount" in errors(caught)


def test_a_line_of_another_plan_is_refused(world, eunpyeong, guro):
    other = build_world(eunpyeong, guro)
    with pytest.raises(ValidationError) as caught:
        changes.file_request(
            world.plan, move(world.events, other.supplies, 1_000), "x", world.clerk
        )
    assert "items.0.to_line" in errors(caught)


def test_reason_is_required_and_nothing_is_empty(world):
    with pytest.raises(ValidationError) as caught:
        changes.file_request(world.plan, move(world.events, world.supplies, 1), "  ", world.clerk)
    assert "reason" in errors(caught)
    with pytest.raises(ValidationError) as caught:
        changes.file_request(world.plan, [], "x", world.clerk)
    assert "items" in errors(caught)


@pytest.mark.parametrize("status", [PlanStatus.CLOSED, PlanStatus.TERMINATED, PlanStatus.DRAFT])
def test_a_change_on_a_plan_not_in_execution_is_refused(world, status):
    world.plan.status = status
    world.plan.save()
    with pytest.raises(ValidationError) as caught:
        changes.file_request(world.plan, move(world.events, world.supplies, 1), "x", world.clerk)
    assert "__all__" in errors(caught)
    assert str(world.plan.get_status_display()) in errors(caught)["__all__"][0]


# ---------------------------------------------------------------- decisions


def test_council_decision_moves_the_money_and_is_reported_quarterly(world):
    w = world
    request = changes.file_request(w.plan, move(w.events, w.supplies, 30_000_000), "x", w.clerk)
    step = changes.decide(request, "council", True, w.clerk, body_decision=w.decision())
    w.events.refresh_from_db()
    w.supplies.refresh_from_db()
    assert (w.events.amount, w.supplies.amount) == (370_000_000, 130_000_000)
    request.refresh_from_db()
    assert request.status == ChangeStatus.APPROVED and step.body_decision.body == w.council
    assert [e.action for e in audit.history(w.events)] == ["budget changed"]
    assert list(changes.to_report([w.plan])) == [step]


def test_the_council_needs_its_own_decision_of_its_own_district(world, eunpyeong, guro):
    w = world
    request = changes.file_request(w.plan, move(w.events, w.supplies, 1_000), "x", w.clerk)
    with pytest.raises(ValidationError) as caught:
        changes.decide(request, "council", True, w.clerk)
    assert "body_decision" in errors(caught)
    other = build_world(eunpyeong, guro)
    with pytest.raises(ValidationError) as caught:
        changes.decide(request, "council", True, w.clerk, body_decision=other.decision())
    assert "body_decision" in errors(caught)
    with pytest.raises(ValidationError) as caught:
        changes.decide(request, "council", True, w.clerk, body_decision=w.decision(w.steering))
    assert "body_decision" in errors(caught)


def test_staff_of_another_district_cannot_record_the_councils_decision(world):
    w = world
    request = changes.file_request(w.plan, move(w.events, w.supplies, 1_000), "x", w.clerk)
    with pytest.raises(ValidationError) as caught:
        changes.decide(request, "council", True, w.other_clerk, body_decision=w.decision())
    assert "approver" in errors(caught)


def test_only_the_city_approves_a_city_route(world):
    w = world
    request = changes.file_request(w.plan, move(w.events, w.research, 1_000), "x", w.clerk)
    with pytest.raises(ValidationError) as caught:
        changes.decide(request, "council", True, w.clerk, body_decision=w.decision())
    assert "approver" in errors(caught)
    with pytest.raises(ValidationError) as caught:
        changes.decide(request, "city", True, w.clerk)
    assert "approver" in errors(caught)
    changes.decide(request, "city", True, w.city, note="승인")
    request.refresh_from_db()
    assert request.status == ChangeStatus.APPROVED
    assert not changes.to_report([w.plan]).exists()  # the city decided: nothing to notify


def test_urgent_change_by_the_steering_committee(world):
    w = world
    request = changes.file_request(
        w.plan, move(w.events, w.supplies, 1_000), "x", w.clerk, urgent=True
    )
    step = changes.decide(request, "delegated", True, w.clerk, body_decision=w.decision(w.steering))
    assert step.delegated_unit == w.steering
    assert list(changes.to_report([w.plan])) == [step]


def test_content_change_needs_consultation_first(world):
    w = world
    request = changes.file_request(w.plan, [], "x", w.clerk, content_change="대상 변경")
    with pytest.raises(ValidationError) as caught:
        changes.decide(request, "city", True, w.city)
    assert "__all__" in errors(caught)
    with pytest.raises(ValidationError):
        changes.record_consultation(request, True, w.clerk)  # not a city officer
    changes.record_consultation(request, True, w.city, "협의 완료")
    changes.decide(request, "city", True, w.city)
    assert [d.step for d in request.decisions.all()] == [
        ChangeStep.CONSULTATION,
        ChangeStep.DECISION,
    ]
    assert [e.action for e in audit.history(request)] == [
        "change requested", "change consulted", "change approved",
    ]  # fmt: skip


def test_a_rejection_needs_a_reason_and_moves_nothing(world):
    w = world
    request = changes.file_request(w.plan, move(w.events, w.supplies, 1_000), "x", w.clerk)
    with pytest.raises(ValidationError) as caught:
        changes.decide(request, "council", False, w.clerk, body_decision=w.decision())
    assert "note" in errors(caught)
    changes.decide(request, "council", False, w.clerk, body_decision=w.decision(), note="부결")
    w.events.refresh_from_db()
    assert w.events.amount == 400_000_000
    with pytest.raises(ValidationError):  # decided once only
        changes.decide(request, "council", True, w.clerk, body_decision=w.decision())


def test_approval_rechecks_the_line_that_fell_meanwhile(world):
    w = world
    first = changes.file_request(w.plan, move(w.supplies, w.events, 60_000_000), "a", w.clerk)
    second = changes.file_request(w.plan, move(w.supplies, w.events, 60_000_000), "b", w.clerk)
    changes.decide(first, "council", True, w.clerk, body_decision=w.decision())
    with pytest.raises(ValidationError) as caught:
        changes.decide(second, "council", True, w.clerk, body_decision=w.decision())
    assert "새로 신청" in errors(caught)["__all__"][0]  # messages are Korean by default
    second.refresh_from_db()
    assert second.status == ChangeStatus.SUBMITTED
    w.supplies.refresh_from_db()
    assert w.supplies.amount == 40_000_000


def test_withdraw(world):
    w = world
    request = changes.file_request(w.plan, move(w.events, w.supplies, 1_000), "x", w.clerk)
    changes.withdraw(request, w.clerk, "취소")
    request.refresh_from_db()
    assert request.status == ChangeStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        changes.withdraw(request, w.clerk)


def test_the_quarterly_report_takes_the_quarters_notices(world):
    w = world
    today = timezone.localdate()
    request = changes.file_request(w.plan, move(w.events, w.supplies, 1_000), "x", w.clerk)
    step = changes.decide(request, "council", True, w.clerk, body_decision=w.decision())
    quarter = (today.month - 1) // 3 + 1
    report = execution.open_report(w.plan, today.year, quarter, w.clerk, today=today)
    execution.submit_report(report, w.clerk)
    step.refresh_from_db()
    assert step.reported_in == report
    assert not changes.to_report([w.plan]).exists()
