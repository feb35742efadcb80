"""Plan pages: who sees and edits what, budget lines typed badly, the live budget check,
numbers that link to their source, and query counts of the list pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hyeopchi.core.models import AuditEvent, Role
from hyeopchi.participation.models import Agenda
from hyeopchi.plans.models import BudgetLine, PlanSection, PlanStatus, TaskKind

from ..conftest import make_body, make_user
from .plan_helpers import make_indicator, make_line, make_plan, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def eunpyeong_clerk(eunpyeong):
    return make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong)


def _line_post(**kw):
    data = {
        "category": "operating",
        "subtype": "event",
        "nature": "current",
        "source": "city",
        "amount": "9,000,000",
        "description": "주민 공론장 운영",
    }
    data.update(kw)
    return data


# ---------------------------------------------------------------- who sees what


@pytest.mark.parametrize(
    ("who", "draft_status", "public_status"),
    [
        ("anonymous", 403, 200),
        ("resident", 403, 200),
        ("other_clerk", 403, 200),
        ("own_clerk", 200, 200),
        ("city", 200, 200),
    ],
)
def test_drafts_are_for_the_district_and_the_city_approved_plans_for_everyone(
    client, guro, eunpyeong, who, draft_status, public_status
):
    users = {
        "resident": lambda: make_user("resident"),
        "other_clerk": lambda: make_user("clerk-e", Role.DISTRICT_STAFF, eunpyeong),
        "own_clerk": lambda: make_user("clerk-g", Role.DISTRICT_STAFF, guro),
        "city": lambda: make_user("city", Role.CITY_OFFICER),
    }
    if who in users:
        client.force_login(users[who]())
    draft = make_plan(guro)
    approved = make_plan(guro, status=PlanStatus.APPROVED, title="승인된 계획")
    task = make_task(draft)
    assert client.get(reverse("plans:detail", args=[draft.pk])).status_code == draft_status
    assert client.get(reverse("plans:task", args=[task.pk])).status_code == draft_status
    assert client.get(reverse("plans:detail", args=[approved.pk])).status_code == public_status
    listing = client.get(reverse("plans:list", args=[guro.code])).content.decode()
    assert "승인된 계획" in listing
    assert (draft.title in listing) == (draft_status == 200)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 403),
        ("resident", 403),
        ("other_clerk", 403),
        ("own_clerk", 200),
        ("city", 200),
    ],
)
def test_only_the_districts_staff_and_the_city_edit(client, guro, eunpyeong, who, expected):
    users = {
        "resident": lambda: make_user("resident"),
        "other_clerk": lambda: make_user("clerk-e", Role.DISTRICT_STAFF, eunpyeong),
        "own_clerk": lambda: make_user("clerk-g", Role.DISTRICT_STAFF, guro),
        "city": lambda: make_user("city", Role.CITY_OFFICER),
    }
    if who in users:
        client.force_login(users[who]())
    plan = make_plan(guro)
    task = make_task(plan)
    line = make_line(task)
    pages = [
        reverse("plans:create", args=[guro.code]),
        reverse("plans:edit", args=[plan.pk]),
        reverse("plans:task_create", args=[plan.pk]),
        reverse("plans:task_edit", args=[task.pk]),
        reverse("plans:indicator_create", args=[task.pk]),
        reverse("plans:line_create", args=[task.pk]),
        reverse("plans:line_edit", args=[line.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == expected, url
    response = client.post(reverse("plans:line_create", args=[task.pk]), _line_post())
    assert response.status_code == (302 if expected == 200 else 403)
    response = client.post(reverse("plans:line_remove", args=[line.pk]))
    assert response.status_code == (302 if expected == 200 else 403)
    assert BudgetLine.objects.filter(pk=line.pk).exists() == (expected != 200)


def test_a_public_plan_page_shows_no_personal_data(client, guro, guro_clerk):
    plan = make_plan(guro, status=PlanStatus.SUBMITTED)
    task = make_task(plan, title="마을 돌봄")
    make_line(task)
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "마을 돌봄" in html
    assert guro_clerk.username not in html
    assert "@" not in re.sub(r"<[^>]+>", "", html)


# ---------------------------------------------------------------- budget lines typed


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "-500000", "음수"),
        ("amount", "1500000.5", "소수"),
        ("amount", "백만원", "정수"),
        ("amount", "", "금액"),
        ("category", "", "예산과목"),
        ("category", "bribes", "예산과목"),
        ("subtype", "construction", "예산과목"),
    ],
)
def test_a_bad_budget_line_is_refused_with_a_message_and_the_input_kept(
    client, guro, guro_clerk, field, value, message
):
    client.force_login(guro_clerk)
    task = make_task(make_plan(guro))
    response = client.post(
        reverse("plans:line_create", args=[task.pk]), _line_post(**{field: value})
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "주민 공론장 운영" in html  # the typed calculation basis is still there
    assert not BudgetLine.objects.exists()


def test_bad_amount_messages_in_english(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    task = make_task(make_plan(guro))
    url = reverse("plans:line_create", args=[task.pk])
    html = client.post(url, _line_post(amount="-5"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "cannot be negative" in html
    html = client.post(url, _line_post(amount="1.5"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "whole won" in html


def test_a_good_line_is_saved_in_won_and_audited(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    task = make_task(make_plan(guro))
    response = client.post(
        reverse("plans:line_create", args=[task.pk]), _line_post(amount="1,500,000원")
    )
    assert response.status_code == 302
    line = BudgetLine.objects.get()
    assert line.amount == 1_500_000
    assert response.url.endswith(f"#line-{line.pk}")
    assert AuditEvent.objects.filter(model="plans.budgetline", object_id=str(line.pk)).exists()
    page = client.get(reverse("plans:task", args=[task.pk])).content.decode()
    assert "1,500" in page  # shown in 천원


def test_lines_of_a_submitted_plan_cannot_be_changed(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    task = make_task(make_plan(guro, status=PlanStatus.SUBMITTED))
    response = client.post(reverse("plans:line_create", args=[task.pk]), _line_post())
    assert response.status_code == 400
    assert "변경 요청" in response.content.decode()
    assert not BudgetLine.objects.exists()


# ---------------------------------------------------------------- checked while typing


def test_the_live_check_names_the_broken_cap_with_its_article(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    plan = make_plan(guro)
    # A foundation budget keeps the sector share (≤ 70 % of the city subsidy) out of play.
    make_line(make_task(plan, kind=TaskKind.FOUNDATION, sub_project="F-1"), amount=100_000_000)
    task = make_task(plan, kind=TaskKind.SECTOR)
    make_line(task, amount=9_000_000, category="operating", subtype="event")
    url = reverse("plans:line_check", args=[task.pk])
    fine = client.post(
        url, _line_post(category="personnel", subtype="coordinator", amount="1,000,000")
    )
    assert fine.status_code == 200
    assert 'data-rule="' not in fine.content.decode()  # 1,000,000 of 10,000,000 is 10 %
    broken = client.post(
        url, _line_post(category="personnel", subtype="coordinator", amount="1,000,001")
    )
    html = broken.content.decode()
    assert 'data-rule="personnel' in html
    assert "운영지침" in html  # the article
    assert "1원" in html  # over by one won
    assert not BudgetLine.objects.filter(category="personnel").exists()  # nothing saved


def test_the_live_check_explains_a_bad_amount_without_saving(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    task = make_task(make_plan(guro))
    html = client.post(
        reverse("plans:line_check", args=[task.pk]), _line_post(amount="-3")
    ).content.decode()
    assert "음수" in html
    assert not BudgetLine.objects.exists()


def test_the_live_check_of_an_edited_line_replaces_the_old_amount(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    plan = make_plan(guro)
    make_line(make_task(plan, kind=TaskKind.FOUNDATION, sub_project="F-1"), amount=100_000_000)
    task = make_task(plan)
    make_line(task, amount=9_000_000)
    personnel = make_line(task, amount=5_000_000, category="personnel", subtype="coordinator")
    url = reverse("plans:line_check", args=[task.pk]) + f"?replacing={personnel.pk}"
    html = client.post(
        url, _line_post(category="personnel", subtype="coordinator", amount="1,000,000")
    ).content.decode()
    assert 'data-rule="' not in html


def test_the_live_check_is_for_editors_only(client, guro, eunpyeong_clerk):
    client.force_login(eunpyeong_clerk)
    task = make_task(make_plan(guro))
    response = client.post(reverse("plans:line_check", args=[task.pk]), _line_post())
    assert response.status_code == 403


# ---------------------------------------------------------------- traceable numbers


def test_plan_numbers_link_to_their_lines_tasks_and_agendas(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    plan = make_plan(guro)
    wg = make_body(guro, name="돌봄 워킹그룹", kind="working_group", rulebook="working-group")
    agenda = Agenda.objects.create(district=guro, year=2020, title="돌봄 공백 해소")
    task = make_task(plan, working_group=wg)
    task.agendas.add(agenda)
    line = make_line(task, amount=12_345_000)
    make_indicator(task)
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert 'href="#lines"' in html and "12,345" in html
    assert reverse("plans:task", args=[task.pk]) + f"#line-{line.pk}" in html
    assert reverse("agendas:detail", args=[agenda.pk]) in html
    assert reverse("bodies:body", args=[wg.pk]) in html
    task_html = client.get(reverse("plans:task", args=[task.pk])).content.decode()
    assert f'id="line-{line.pk}"' in task_html
    assert reverse("agendas:detail", args=[agenda.pk]) in task_html


# ---------------------------------------------------------------- plans, goals, sections


def test_a_new_plan_gets_the_manuals_table_of_contents(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    response = client.post(
        reverse("plans:create", args=[guro.code]),
        {"kind": "execution", "title": "2021 실행계획", "start_year": 2021, "end_year": 2021},
    )
    assert response.status_code == 302
    codes = list(PlanSection.objects.values_list("code", flat=True))
    assert codes[:2] == ["1.1", "1.2"] and "4" in codes


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "execution", "start_year": 2021, "end_year": 2022}, "1년"),
        ({"kind": "basic", "start_year": 2021, "end_year": 2022}, "3년"),
        ({"kind": "basic", "start_year": 2022, "end_year": 2021}, "시작 연도"),
        ({"kind": "execution", "start_year": "이천", "end_year": 2021}, "정수"),
    ],
)
def test_a_bad_plan_is_refused_with_the_input_kept(client, guro, guro_clerk, data, message):
    client.force_login(guro_clerk)
    response = client.post(
        reverse("plans:create", args=[guro.code]), {"title": "우리 구 계획", **data}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "우리 구 계획" in html


def test_goals_and_sections_are_edited_on_the_plan(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    plan = make_plan(guro)
    section = PlanSection.objects.create(plan=plan, code="1.1", order=1, title="수립배경")
    client.post(reverse("plans:section_edit", args=[section.pk]), {"body": "주민이 <b>직접</b>"})
    client.post(reverse("plans:goal_add", args=[plan.pk]), {"text": "돌봄 공백 0", "year": 2021})
    bad = client.post(reverse("plans:goal_add", args=[plan.pk]), {"text": "x", "year": 2030})
    assert bad.status_code == 400
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "주민이 &lt;b&gt;직접&lt;/b&gt;" in html  # user text is escaped
    assert "돌봄 공백 0" in html


def test_an_indicator_needs_a_number_target(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    task = make_task(make_plan(guro))
    url = reverse("plans:indicator_create", args=[task.pk])
    bad = client.post(url, {"name": "참여자 수", "target": "많이"})
    assert bad.status_code == 400 and "참여자 수" in bad.content.decode()
    good = client.post(url, {"name": "참여자 수", "unit": "명", "baseline": "20", "target": "100"})
    assert good.status_code == 302
    assert task.indicators.get().target == 100


def test_a_task_takes_only_this_districts_agendas(client, guro, eunpyeong, guro_clerk):
    client.force_login(guro_clerk)
    plan = make_plan(guro)
    elsewhere = Agenda.objects.create(district=eunpyeong, year=2020, title="다른 구 의제")
    response = client.post(
        reverse("plans:task_create", args=[plan.pk]),
        {"kind": "sector", "title": "과제", "agendas": [elsewhere.pk]},
    )
    assert response.status_code == 400
    assert not plan.tasks.exists()


# ---------------------------------------------------------------- query counts


def test_plan_pages_cost_a_fixed_number_of_queries(
    client, guro, guro_clerk, django_assert_max_num_queries
):
    client.force_login(guro_clerk)
    plan = make_plan(guro)
    for n in range(8):
        task = make_task(plan, title=f"과제 {n}")
        task.agendas.add(Agenda.objects.create(district=guro, year=2020, title=f"의제 {n}"))
        make_indicator(task)
        for _ in range(3):
            make_line(task)
    for _ in range(5):
        make_plan(guro)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("plans:list", args=[guro.code])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("plans:task", args=[task.pk])).status_code == 200


# ---------------------------------------------------------------- declarations


def test_the_district_confirms_the_statements_no_number_can_check(
    client, guro, guro_clerk, eunpyeong_clerk
):
    from hyeopchi.plans.budget_policy import load_budget_rules
    from hyeopchi.plans.models import Declaration

    plan = make_plan(guro)
    make_line(make_task(plan), amount=1_000_000)
    rule = next(d.rule for d in load_budget_rules().declarations if d.when_class is None)
    url = reverse("plans:declaration_confirm", args=[plan.pk])
    client.force_login(eunpyeong_clerk)
    assert client.post(url, {"rule": rule}).status_code == 403
    client.force_login(guro_clerk)
    client.post(url, {"rule": "made-up"})
    assert not Declaration.objects.exists()
    client.post(url, {"rule": rule, "note": "판매 목적 사업 없음"})
    declaration = Declaration.objects.get()
    assert (declaration.rule, declaration.confirmed_by) == (rule, guro_clerk)
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "판매 목적 사업 없음" in html
    assert guro_clerk.username not in html.split("<main", 1)[1]  # no one's name on the plan


def test_what_the_task_states_reaches_the_requirement_checks(guro):
    """Capital spending needs a task run jointly by public and private partners
    (운영지침 3.2.2 (2)): the box on the task decides whether the check finds it missing."""
    from hyeopchi.plans import services_plans as services
    from hyeopchi.plans.budget_policy import load_budget_rules
    from hyeopchi.plans.budget_rules import check_budget

    plan = make_plan(guro)
    task = make_task(plan, joint_operation=False)
    make_line(task, 50_000_000)
    make_line(task, 1_000_000, category="assets", subtype="", nature="capital")

    def requirement_rules() -> set[str]:
        budget = services.plan_budget(plan, services.plan_tasks(plan))
        return {f.rule for f in check_budget(budget, load_budget_rules()) if f.scope == "task"}

    assert "capital.joint_operation" in requirement_rules()
    task.joint_operation = True
    task.save()
    assert "capital.joint_operation" not in requirement_rules()
