"""Approval, submission, review, revision, selection, agreement and disbursement of a plan,
against the database: versions frozen, deadlines from the cycle policy, audit kept,
refusals with messages and nothing lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from hyeopchi.bodies.models import BodyKind
from hyeopchi.core.models import AuditEvent, Role
from hyeopchi.plans import services_submission as sub
from hyeopchi.plans.models import (
    Agreement,
    DeadlineException,
    PlanStatus,
    PlanVersion,
    ReviewOpinion,
    VersionReason,
)
from hyeopchi.plans.submission_rules import State
from tests.conftest import make_body, make_user
from tests.plans.plan_helpers import make_line, make_plan, make_task
from tests.plans.submission_helpers import ON_TIME, council_decision, walk

pytestmark = pytest.mark.django_db
LATE = ON_TIME + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def plan(guro):
    plan = make_plan(guro)
    task = make_task(plan)
    make_line(task, 30_000_000)
    return plan


def actions(plan) -> list[str]:
    return list(
        AuditEvent.objects.filter(model="plans.plan", object_id=str(plan.pk)).values_list(
            "action", flat=True
        )
    )


def messages(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


# ---------------------------------------------------------------- approval


def test_the_council_approves_by_a_decision_which_the_plan_links(plan, council, guro_clerk):
    decision = council_decision(council)
    sub.approve(plan, decision, guro_clerk, today=ON_TIME)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == decision
    event = AuditEvent.objects.get(model="plans.plan", action="plan approved by council")
    assert event.actor == guro_clerk and event.reason == decision.title
    assert event.changes["status"] == ["draft", "approved"]


def test_approval_without_a_decision_is_refused(plan, guro_clerk):
    with pytest.raises(ValidationError) as exc:
        sub.approve(plan, None, guro_clerk, today=ON_TIME)
    assert "decision" in messages(exc)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and actions(plan) == []


def test_a_decision_of_another_district_or_of_a_subcommittee_does_not_approve(
    plan, council, eunpyeong, guro, guro_clerk
):
    other = make_body(eunpyeong, name="협치은평회의")
    sub_body = make_body(guro, name="분과", kind=BodyKind.SUBCOMMITTEE, parent=council)
    for body in (other, sub_body):
        with pytest.raises(ValidationError) as exc:
            sub.approve(plan, council_decision(body), guro_clerk, today=ON_TIME)
        assert body.name in messages(exc)["decision"][0]
    future = council_decision(council, ON_TIME + dt.timedelta(days=3))
    with pytest.raises(ValidationError):
        sub.approve(plan, future, guro_clerk, today=ON_TIME)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_a_tft_decision_approves_where_the_council_is_not_formed(plan, guro, guro_clerk):
    tft = make_body(guro, name="민관TFT", kind=BodyKind.TFT)
    sub.approve(plan, council_decision(tft), guro_clerk, today=ON_TIME)
    assert plan.status == PlanStatus.APPROVED


def test_reopening_drops_the_approval_and_needs_a_reason(plan, council, guro_clerk):
    sub.approve(plan, council_decision(council), guro_clerk, today=ON_TIME)
    with pytest.raises(ValidationError) as exc:
        sub.reopen(plan, "  ", guro_clerk)
    assert "reason" in messages(exc)
    sub.reopen(plan, "예산 수정 필요", guro_clerk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.approved_by is None


# ---------------------------------------------------------------- submission and deadline


def test_submission_on_the_deadline_day_freezes_version_1(plan, council, guro_clerk):
    walk(plan, council, guro_clerk, None, "approved")
    version = sub.submit(plan, guro_clerk, today=ON_TIME)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert (version.number, version.reason, version.late) == (1, VersionReason.SUBMISSION, False)
    assert version.created_by == guro_clerk and version.submitted_at is not None
    [task] = version.snapshot["tasks"]
    assert task["budget_lines"][0]["amount"] == 30_000_000
    # Frozen: editing the plan afterwards does not change the version.
    line = plan.tasks.get().budget_lines.get()
    line.amount = 1
    line.save()
    version.refresh_from_db()
    assert version.snapshot["tasks"][0]["budget_lines"][0]["amount"] == 30_000_000
    event = AuditEvent.objects.get(action="plan submitted")
    assert event.changes["version"] == [None, 1] and event.changes["late"] == [None, False]


def test_submission_the_day_after_the_deadline_is_refused_and_nothing_changes(
    plan, council, guro_clerk
):
    walk(plan, council, guro_clerk, None, "approved")
    with pytest.raises(ValidationError) as exc:
        sub.submit(plan, guro_clerk, today=LATE)
    [message] = messages(exc)["__all__"]
    assert "10 Jul 2020" in message and "exception" in message
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert not PlanVersion.objects.exists()
    assert "plan submitted" not in actions(plan)


def test_a_city_officers_exception_lets_a_late_submission_in_and_is_kept(
    plan, council, guro_clerk, city_officer
):
    walk(plan, council, guro_clerk, None, "approved")
    with pytest.raises(PermissionDenied):
        sub.grant_exception(plan, "제 사정", guro_clerk, today=LATE)
    with pytest.raises(ValidationError) as exc:
        sub.grant_exception(plan, "", city_officer, today=LATE)
    assert "reason" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        sub.grant_exception(plan, "x", city_officer, until=ON_TIME, today=LATE)
    assert "until" in messages(exc)
    exception = sub.grant_exception(
        plan, "협치회의 일정 지연(코로나19)", city_officer, until=dt.date(2020, 7, 17), today=LATE
    )
    version = sub.submit(plan, guro_clerk, today=dt.date(2020, 7, 17))
    assert version.late
    assert version.late_exception_reason == "협치회의 일정 지연(코로나19)"
    assert version.exception_approved_by == city_officer
    exception.refresh_from_db()
    assert exception.used_by == version
    assert "deadline exception granted" in actions(plan)


def test_an_expired_exception_does_not_let_the_submission_in(
    plan, council, guro_clerk, city_officer
):
    walk(plan, council, guro_clerk, None, "approved")
    sub.grant_exception(plan, "사정", city_officer, until=dt.date(2020, 7, 12), today=LATE)
    with pytest.raises(ValidationError) as exc:
        sub.submit(plan, guro_clerk, today=dt.date(2020, 7, 13))
    assert "12 Jul 2020" in messages(exc)["__all__"][0]
    assert not PlanVersion.objects.exists()
    assert DeadlineException.objects.get().used_by is None


def test_a_draft_cannot_be_submitted(plan, guro_clerk):
    with pytest.raises(ValidationError) as exc:
        sub.submit(plan, guro_clerk, today=ON_TIME)
    assert "council" in messages(exc)["__all__"][0]


def test_a_second_submission_while_in_review_is_refused(plan, council, guro_clerk, city_officer):
    walk(plan, council, guro_clerk, city_officer, "in_review")
    with pytest.raises(ValidationError) as exc:
        sub.submit(plan, guro_clerk, today=ON_TIME)
    assert "already with the city" in messages(exc)["__all__"][0]
    assert PlanVersion.objects.count() == 1


# ---------------------------------------------------------------- review and revision


def test_review_rounds_revision_and_a_readable_diff(plan, council, guro_clerk, city_officer):
    walk(plan, council, guro_clerk, city_officer, "submitted")
    second = make_user("reviewer-2", Role.CITY_OFFICER)
    first = sub.write_opinion(plan, "인건비 비율 확인 필요", "revise", city_officer)
    assert plan.status == PlanStatus.IN_REVIEW and first.round == 1
    again = sub.write_opinion(plan, "인건비 비율 10% 초과, 조정 필요", "revise", city_officer)
    assert again.pk == first.pk and ReviewOpinion.objects.count() == 1
    sub.write_opinion(plan, "적정", "accept", second)
    assert ReviewOpinion.objects.filter(round=1).count() == 2

    with pytest.raises(ValidationError) as exc:
        sub.request_revision(plan, "", city_officer)
    assert "reason" in messages(exc)
    sub.request_revision(plan, "검토의견 반영", city_officer)
    assert plan.status == PlanStatus.REVISING

    line = plan.tasks.get().budget_lines.get()
    line.amount = 25_000_000
    line.save()
    version = sub.submit(plan, guro_clerk, today=dt.date(2020, 8, 10))
    assert (version.number, version.reason) == (2, VersionReason.REVISION)
    assert plan.status == PlanStatus.SUBMITTED
    assert "plan resubmitted" in actions(plan)

    third = sub.write_opinion(plan, "반영 확인", "accept", city_officer)
    assert third.round == 2 and third.version == version

    diff = sub.compare(plan.versions.get(number=1), version)
    [change] = diff.changes
    assert (change.field, change.delta) == ("amount", -5_000_000)
    assert diff.totals[0].delta == -5_000_000
    # Budget lines are named by their item's label from the policy and their basis.
    assert change.where[-1].item_label.endswith("행사운영비")


def test_a_final_version_after_the_final_deadline_needs_an_exception(
    plan, council, guro_clerk, city_officer
):
    walk(plan, council, guro_clerk, city_officer, "in_review")
    sub.request_revision(plan, "보완", city_officer)
    with pytest.raises(ValidationError) as exc:
        sub.submit(plan, guro_clerk, final=True, today=dt.date(2020, 8, 22))
    assert "21 Aug 2020" in messages(exc)["__all__"][0]
    version = sub.submit(plan, guro_clerk, final=True, today=dt.date(2020, 8, 21))
    assert version.reason == VersionReason.FINAL and not version.late


def test_district_staff_do_not_review_and_the_city_does_not_submit(
    plan, council, guro_clerk, city_officer
):
    walk(plan, council, guro_clerk, city_officer, "approved")
    with pytest.raises(PermissionDenied):
        sub.submit(plan, city_officer, today=ON_TIME)
    sub.submit(plan, guro_clerk, today=ON_TIME)
    with pytest.raises(PermissionDenied):
        sub.write_opinion(plan, "좋음", "accept", guro_clerk)
    with pytest.raises(PermissionDenied):
        sub.select(plan, ON_TIME, guro_clerk, today=ON_TIME)


def test_opinion_validation(plan, council, guro_clerk, city_officer):
    walk(plan, council, guro_clerk, city_officer, "submitted")
    with pytest.raises(ValidationError) as exc:
        sub.write_opinion(plan, " ", "maybe", city_officer)
    assert set(messages(exc)) == {"text", "recommendation"}
    assert plan.status == PlanStatus.SUBMITTED  # the review did not start


# ---------------------------------------------------------------- selection to money


def test_selection_pb_approval_agreement_and_disbursement(plan, council, guro_clerk, city_officer):
    walk(plan, council, guro_clerk, city_officer, "in_execution")
    assert plan.status == PlanStatus.IN_EXECUTION
    assert plan.selected_on == dt.date(2020, 8, 21)
    assert plan.pb_approved_on == dt.date(2020, 8, 29)
    assert plan.agreed_on == dt.date(2020, 12, 15)
    assert (plan.disbursed_on, plan.disbursed_amount) == (dt.date(2021, 1, 5), 1_000_000_000)
    agreement = Agreement.objects.get(plan=plan)
    assert agreement.amount == 1_000_000_000 and agreement.recorded_by == city_officer
    assert actions(plan)[-4:] == [
        "plan selected",
        "approved by PB committee",
        "agreement signed",
        "subsidy disbursed",
    ]


def test_pb_approval_keeps_the_status_selected(plan, council, guro_clerk, city_officer):
    walk(plan, council, guro_clerk, city_officer, "pb_approved")
    assert plan.status == PlanStatus.SELECTED and sub.state(plan) == State.PB_APPROVED


def test_dates_in_the_future_or_out_of_order_are_refused(plan, council, guro_clerk, city_officer):
    walk(plan, council, guro_clerk, city_officer, "in_review")
    with pytest.raises(ValidationError) as exc:
        sub.select(plan, dt.date(2020, 9, 1), city_officer, today=dt.date(2020, 8, 21))
    assert "future" in messages(exc)["on"][0]
    with pytest.raises(ValidationError) as exc:
        sub.select(plan, dt.date(2020, 7, 1), city_officer, today=dt.date(2020, 8, 21))
    assert "before" in messages(exc)["on"][0]
    with pytest.raises(ValidationError) as exc:
        sub.select(plan, "2020-08-21", city_officer, today=dt.date(2020, 8, 21))
    assert messages(exc)["on"] == ["Enter a date."]
    sub.select(plan, dt.date(2020, 8, 21), city_officer, today=dt.date(2020, 8, 21))
    with pytest.raises(ValidationError) as exc:
        sub.pb_approve(plan, dt.date(2020, 8, 20), city_officer, today=dt.date(2020, 8, 29))
    assert "on" in messages(exc)


def test_agreement_and_disbursement_amounts(plan, council, guro_clerk, city_officer):
    walk(plan, council, guro_clerk, city_officer, "pb_approved")
    start, end = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
    signed = dt.date(2020, 12, 15)
    for amount in (0, -1, 1.5, "10억", True):
        with pytest.raises(ValidationError) as exc:
            sub.agree(plan, city_officer, signed, start, end, amount, today=signed)
        assert "amount" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        sub.agree(plan, city_officer, signed, end, start, 1_000_000_000, today=signed)
    assert "period_end" in messages(exc)
    assert not Agreement.objects.exists()
    sub.agree(plan, city_officer, signed, start, end, 950_000_000, today=signed)
    paid = dt.date(2021, 1, 5)
    with pytest.raises(ValidationError) as exc:
        sub.disburse(plan, paid, 950_000_001, city_officer, today=paid)
    assert "9억 5,000만 원" in messages(exc)["amount"][0]
    with pytest.raises(ValidationError) as exc:
        sub.disburse(plan, dt.date(2020, 12, 1), 950_000_000, city_officer, today=paid)
    assert "on" in messages(exc)
    sub.disburse(plan, paid, 950_000_000, city_officer, today=paid)
    assert plan.status == PlanStatus.IN_EXECUTION
    with pytest.raises(ValidationError):
        sub.disburse(plan, paid, 1, city_officer, today=paid)


def test_steps_out_of_order_say_what_is_possible(plan, council, guro_clerk, city_officer):
    walk(plan, council, guro_clerk, city_officer, "in_review")
    with pytest.raises(ValidationError) as exc:
        sub.pb_approve(plan, dt.date(2020, 8, 29), city_officer, today=dt.date(2020, 8, 29))
    message = messages(exc)["__all__"][0]
    assert "in review" in message and "selection" in message


def test_the_late_refusal_reads_in_korean(plan, council, guro_clerk):
    walk(plan, council, guro_clerk, None, "approved")
    with translation.override("ko"), pytest.raises(ValidationError) as exc:
        sub.submit(plan, guro_clerk, today=LATE)
    [message] = messages(exc)["__all__"]
    assert "2020년 7월 10일(금)" in message and "예외" in message
