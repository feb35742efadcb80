"""Submission pages: who sees what, each step's form with bad input kept, the late
refusal, the version comparison a person can read, the city's receipt list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from hyeopchi.core.models import Role
from hyeopchi.plans import services_submission as sub
from hyeopchi.plans.models import Agreement, PlanStatus, PlanVersion
from tests.conftest import make_body, make_user
from tests.plans.plan_helpers import make_line, make_plan, make_task
from tests.plans.submission_helpers import council_decision, walk

pytestmark = pytest.mark.django_db
NO_DEADLINE_YEAR = 2035  # no cycle policy writes plans for this year: nothing to be late for


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def plan(guro):
    plan = make_plan(guro, start_year=NO_DEADLINE_YEAR, end_year=NO_DEADLINE_YEAR)
    make_line(make_task(plan), 30_000_000)
    return plan


@pytest.fixture
def eunpyeong_clerk(eunpyeong):
    return make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url(name: str, plan) -> str:
    return reverse(f"submission:{name}", args=[plan.pk])


# ---------------------------------------------------------------- who sees what


def test_a_draft_is_hidden_from_the_public_and_other_districts(plan, guro_clerk, eunpyeong_clerk):
    assert client_for(None).get(url("detail", plan)).status_code == 404
    assert client_for(eunpyeong_clerk).get(url("detail", plan)).status_code == 404
    assert client_for(guro_clerk).get(url("detail", plan)).status_code == 200


def test_opinions_and_reviewers_are_for_staff_and_the_city_only(
    plan, council, guro_clerk, city_officer, eunpyeong_clerk
):
    walk(plan, council, guro_clerk, city_officer, "submitted")
    reviewer = make_user("reviewer-kim", Role.CITY_OFFICER)
    sub.write_opinion(plan, "성과지표 보완 필요", "revise", reviewer)
    for user in (None, eunpyeong_clerk):
        page = client_for(user).get(url("detail", plan)).content.decode()
        assert plan.title in page
        assert "성과지표 보완 필요" not in page, page[page.find("성과지표") - 500 :][:800]
        assert "reviewer-kim" not in page
    for user in (guro_clerk, city_officer):
        page = client_for(user).get(url("detail", plan)).content.decode()
        assert "성과지표 보완 필요" in page and "reviewer-kim" in page


STEPS = {
    # page: (district step?, state the plan must be in for the step to be possible)
    "approve": (True, "draft"),
    "submit": (True, "approved"),
    "reopen": (True, "approved"),
    "opinion": (False, "submitted"),
    "revision": (False, "in_review"),
    "select": (False, "in_review"),
    "pb_approve": (False, "selected"),
    "agree": (False, "pb_approved"),
    "disburse": (False, "agreed"),
}


@pytest.mark.parametrize("page", sorted(STEPS))
def test_each_step_page_opens_only_for_whoever_takes_the_step(
    page, plan, council, guro_clerk, city_officer, eunpyeong_clerk
):
    district_step, needed = STEPS[page]
    if needed != "draft":
        walk(plan, council, guro_clerk, city_officer, needed)
    superuser = make_user("root")
    superuser.is_superuser = True
    superuser.save()
    expected = {
        "anonymous": 302,  # to the log-in page
        "other district": 403 if needed != "draft" else 404,  # a draft is not even shown
        "district": 200 if district_step else 403,
        "city": 403 if district_step else 200,
        "superuser": 200,
    }
    users = {
        "anonymous": None,
        "other district": eunpyeong_clerk,
        "district": guro_clerk,
        "city": city_officer,
        "superuser": superuser,
    }
    got = {who: client_for(u).get(url(page, plan)).status_code for who, u in users.items()}
    assert got == expected


def test_posting_a_step_without_csrf_is_refused(plan, council, guro_clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(guro_clerk)
    decision = council_decision(council)
    response = client.post(url("approve", plan), {"decision": decision.pk})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


# ---------------------------------------------------------------- steps through the forms


def test_approval_without_a_decision_shows_the_message_and_changes_nothing(plan, guro_clerk):
    response = client_for(guro_clerk).post(url("approve", plan), {"decision": ""})
    assert response.status_code == 200
    assert "Choose the council&#x27;s decision" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_the_whole_way_through_the_pages(plan, council, guro_clerk, city_officer):
    district, city = client_for(guro_clerk), client_for(city_officer)
    decision = council_decision(council)
    assert district.post(url("approve", plan), {"decision": decision.pk}).status_code == 302
    assert district.post(url("submit", plan), {}).status_code == 302
    r = city.post(url("opinion", plan), {"text": "보완 바람", "recommendation": "revise"})
    assert r.status_code == 302
    assert city.post(url("revision", plan), {"reason": "성과지표"}).status_code == 302
    line = plan.tasks.get().budget_lines.get()
    line.amount = 42_000_000
    line.save()
    assert district.post(url("submit", plan), {"final": "on"}).status_code == 302
    assert [v.reason for v in PlanVersion.objects.order_by("number")] == ["submission", "final"]
    assert (
        city.post(url("opinion", plan), {"text": "확인", "recommendation": "accept"}).status_code
        == 302
    )
    today = dt.date.today().isoformat()
    assert city.post(url("select", plan), {"on": today}).status_code == 302
    assert city.post(url("pb_approve", plan), {"on": today}).status_code == 302
    r = city.post(
        url("agree", plan),
        {
            "signed_on": today,
            "period_start": today,
            "period_end": f"{NO_DEADLINE_YEAR}-12-31",
            "amount": "1000000000",
        },
    )
    assert r.status_code == 302
    assert (
        city.post(url("disburse", plan), {"on": today, "amount": "1000000000"}).status_code == 302
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_EXECUTION
    page = city.get(url("detail", plan)).content.decode()
    assert "₩1,000,000,000" in page and "in execution" in page


def test_a_late_submission_is_refused_on_the_page_with_the_deadline(guro, council, guro_clerk):
    plan = make_plan(guro)  # the 2021 plan: deadline 2020-07-10, long past
    walk(plan, council, guro_clerk, None, "approved")
    page = client_for(guro_clerk).get(url("detail", plan)).content.decode()
    assert 'id="late-warning"' in page
    response = client_for(guro_clerk).post(url("submit", plan), {})
    assert response.status_code == 200
    content = response.content.decode()
    assert "10 Jul 2020" in content and "exception recorded by a city officer" in content
    assert not PlanVersion.objects.exists()


def test_bad_agreement_input_is_kept_with_messages(plan, council, guro_clerk, city_officer):
    walk(plan, council, guro_clerk, city_officer, "pb_approved")
    response = client_for(city_officer).post(
        url("agree", plan),
        {
            "signed_on": "2020-13-45",
            "period_start": "2021-12-31",
            "period_end": "2021-01-01",
            "amount": "12.5",
            "note": "협약서 원본 2부",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Enter a valid date." in content and "Enter a whole number." in content
    assert 'value="12.5"' in content and "협약서 원본 2부" in content
    assert not Agreement.objects.exists()
    # Valid fields but a reversed period: the service's message, still no agreement.
    response = client_for(city_officer).post(
        url("agree", plan),
        {
            "signed_on": "2020-12-15",
            "period_start": "2021-12-31",
            "period_end": "2021-01-01",
            "amount": "-5",
        },
    )
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    assert not Agreement.objects.exists()


def test_a_city_officer_grants_an_exception_through_the_page(
    guro, council, guro_clerk, city_officer
):
    plan = make_plan(guro)
    walk(plan, council, guro_clerk, None, "approved")
    assert client_for(guro_clerk).get(url("exception", plan)).status_code == 403
    response = client_for(city_officer).post(url("exception", plan), {"reason": "", "until": ""})
    assert (
        response.status_code == 200 and "Write why a late submission" in response.content.decode()
    )
    response = client_for(city_officer).post(url("exception", plan), {"reason": "전산 장애"})
    assert response.status_code == 302
    assert client_for(guro_clerk).post(url("submit", plan), {}).status_code == 302
    version = PlanVersion.objects.get()
    assert version.late and version.late_exception_reason == "전산 장애"


# ---------------------------------------------------------------- comparison


def test_the_comparison_page_reads_as_changes(plan, council, guro_clerk, city_officer):
    walk(plan, council, guro_clerk, city_officer, "in_review")
    sub.request_revision(plan, "예산 조정", city_officer)
    task = plan.tasks.get()
    line = task.budget_lines.get()
    line.amount = 25_000_000
    line.save()
    task.content = "1. 마을 공론장\n2. 주민 교육"
    task.save()
    make_line(task, 7_000_000, description="홍보물 제작")
    sub.submit(plan, guro_clerk)
    response = client_for(None).get(url("compare", plan))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What changed from version 1 to version 2" in page
    assert "₩30,000,000 → ₩25,000,000" in page  # the line's amount
    assert "홍보물 제작" in page  # the added line, named by its basis
    assert "+ 2. 주민 교육" in page  # the detailed plan, line by line
    assert "+₩2,000,000" in page  # plan total: -500만 + 700만


def test_comparison_with_one_version_or_bad_numbers(plan, council, guro_clerk, city_officer):
    walk(plan, council, guro_clerk, city_officer, "submitted")
    assert client_for(None).get(url("compare", plan)).status_code == 302
    sub.write_opinion(plan, "x", "revise", city_officer)
    sub.request_revision(plan, "y", city_officer)
    sub.submit(plan, guro_clerk)
    assert client_for(None).get(url("compare", plan) + "?from=abc").status_code == 404
    assert client_for(None).get(url("compare", plan) + "?from=9").status_code == 404
    assert client_for(None).get(url("compare", plan) + "?from=2&to=1").status_code == 200
    page = client_for(None).get(url("compare", plan) + "?from=1&to=2").content.decode()
    assert "The two versions are the same." in page


# ---------------------------------------------------------------- the receipt list


def test_the_receipt_list_shows_every_district_with_few_queries(
    guro, eunpyeong, django_assert_max_num_queries
):
    officer = make_user("officer-r", Role.CITY_OFFICER)
    for district in (guro, eunpyeong):
        council = make_body(district, name=f"{district.name_ko} 협치회의")
        clerk = make_user(f"clerk-{district.code}", Role.DISTRICT_STAFF, district)
        for n in range(3):
            p = make_plan(
                district, start_year=NO_DEADLINE_YEAR, end_year=NO_DEADLINE_YEAR, title=f"계획 {n}"
            )
            walk(p, council, clerk, officer, "in_review")
    make_plan(guro, title="초안은 목록에 없음")
    with django_assert_max_num_queries(8):
        response = client_for(None).get(reverse("submission:receipts"))
    page = response.content.decode()
    assert page.count("계획 ") >= 6 and "초안은 목록에 없음" not in page
    assert "6 plans submitted" in page


def test_the_comparison_page_in_korean_shows_korean_money(plan, council, guro_clerk, city_officer):
    walk(plan, council, guro_clerk, city_officer, "in_review")
    sub.request_revision(plan, "예산 조정", city_officer)
    line = plan.tasks.get().budget_lines.get()
    line.amount = 25_000_000
    line.save()
    sub.submit(plan, guro_clerk)
    with translation.override("ko"):
        page = client_for(None).get(url("compare", plan), HTTP_ACCEPT_LANGUAGE="ko").content
    assert "3,000만 원 → 2,500만 원" in page.decode()


def test_a_version_page_shows_the_plan_as_it_was_submitted(plan, council, guro_clerk, city_officer):
    walk(plan, council, guro_clerk, city_officer, "in_review")
    sub.request_revision(plan, "보완", city_officer)
    line = plan.tasks.get().budget_lines.get()
    line.amount = 12_345_000
    line.save()
    page = client_for(None).get(reverse("submission:version", args=[plan.pk, 1]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "30,000" in content and "12,345" not in content  # 천원, frozen
    assert client_for(None).get(reverse("submission:version", args=[plan.pk, 2])).status_code == 404


def test_the_plan_page_and_the_city_cycle_page_lead_to_the_submission_pages(plan, guro_clerk):
    page = client_for(guro_clerk).get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert url("detail", plan) in page
    city = client_for(None).get(reverse("plans:city_cycles") + "?year=2020").content.decode()
    assert reverse("submission:receipts") in city
