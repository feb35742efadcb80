"""Working-group members write their own task: who may edit what, as a matrix over the
pages and the API.

A user account linked to a directory person who currently serves on the task's working
group may edit that task's text, indicators and budget lines (with the live budget check)
while the plan is a draft or being revised — and nothing else of the plan. Everyone else
is as before: the district's staff and city officers edit everything, the rest nothing.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hyeopchi.bodies.models import BodyKind
from hyeopchi.core.models import AuditEvent, Role
from hyeopchi.core.permissions import Action, Actor, can
from hyeopchi.core.tokens import create_token
from hyeopchi.directory.models import Person
from hyeopchi.directory.services import link_account
from hyeopchi.participation.models import Agenda
from hyeopchi.plans.models import BudgetLine, Indicator, PlanStatus, Task
from tests.conftest import add_member, make_body, make_person, make_user
from tests.test_api_helpers import api_as, fast_passwords  # noqa: F401 - fixture

from .plan_helpers import make_indicator, make_line, make_plan, make_task

pytestmark = pytest.mark.django_db

WHO = (
    "anonymous",
    "resident",
    "member",
    "other_member",
    "former_member",
    "own_clerk",
    "other_clerk",
    "city",
)
# Who may edit the working group's task (A) and who may edit the plan itself.
TASK_EDITORS = {"member", "own_clerk", "city"}
OTHER_TASK_EDITORS = {"other_member", "own_clerk", "city"}
PLAN_EDITORS = {"own_clerk", "city"}

LINE = {
    "category": "operating",
    "subtype": "event",
    "nature": "current",
    "source": "city",
    "amount": 9_000_000,
    "description": "워킹그룹 공론장 운영",
}
INDICATOR = {"name": "워킹그룹 회의", "unit": "회", "target": "12"}


def _member_user(username: str, body, **membership) -> object:
    user = make_user(username)
    person = make_person(district=body.district)
    link_account(person, user)
    add_member(body, person, **membership)
    return user


@pytest.fixture
def world(guro, eunpyeong):
    today = timezone.localdate()
    group = make_body(guro, name="돌봄 워킹그룹", kind=BodyKind.WORKING_GROUP)
    other_group = make_body(guro, name="청년 워킹그룹", kind=BodyKind.WORKING_GROUP)
    plan = make_plan(guro)
    task = make_task(plan, title="마을 돌봄 네트워크", working_group=group)
    other = make_task(plan, title="청년 공유공간", sub_project="S-2", working_group=other_group)
    make_line(task)
    ongoing = {"start_date": dt.date(2020, 3, 1), "term_end": None}
    users = {
        "anonymous": None,
        "resident": make_user("resident"),
        "member": _member_user("wg-member", group, **ongoing),
        "other_member": _member_user("wg-other", other_group, **ongoing),
        # Served on the group until last month: no longer writes its task.
        "former_member": _member_user(
            "wg-former",
            group,
            start_date=dt.date(2020, 3, 1),
            term_end=None,
            ended_on=today - dt.timedelta(days=30),
        ),
        "own_clerk": make_user("clerk-guro", Role.DISTRICT_STAFF, guro),
        "other_clerk": make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong),
        "city": make_user("city", Role.CITY_OFFICER),
    }
    return {
        "plan": plan,
        "task": task,
        "other": other,
        "group": group,
        "section": plan.sections.create(code="1.1", order=1, title="추진 배경"),
        "users": users,
    }


def _client(world, who) -> Client:
    client = Client()
    if world["users"][who] is not None:
        client.force_login(world["users"][who])
    return client


def _task_post(task: Task, **kw) -> dict:
    data = {
        "kind": task.kind,
        "title": task.title,
        "sub_project": task.sub_project,
        "period": "2021.3.–12.",
        "working_group": task.working_group_id or "",
        "background": "돌봄 공백 가구가 늘고 있다.",
        "content": "동별 돌봄 공론장을 연다.",
        "joint_operation": "on",
    }
    data.update(kw)
    return data


def _line_form(**kw) -> dict:
    data = {**LINE, "amount": f"{LINE['amount']:,}"}
    data.update(kw)
    return data


# ---------------------------------------------------------------- the rule itself


def test_the_rule_is_a_pure_function_of_roles_bodies_district_and_body():
    member = Actor(authenticated=True, bodies=frozenset({7}))
    assert can(member, Action.EDIT_BODY_WORK, 1, body_id=7)
    assert not can(member, Action.EDIT_BODY_WORK, 1, body_id=8)
    assert not can(member, Action.EDIT_BODY_WORK, 1, body_id=None)
    # Serving on a body gives nothing beyond the body's own work.
    assert not can(member, Action.EDIT, 1, body_id=7)
    assert not can(member, Action.VIEW_PRIVATE, 1, body_id=7)
    assert not can(Actor(bodies=frozenset({7})), Action.EDIT_BODY_WORK, 1, body_id=7)
    clerk = Actor(authenticated=True, districts=frozenset({1}))
    assert can(clerk, Action.EDIT_BODY_WORK, 1, body_id=None)
    assert not can(clerk, Action.EDIT_BODY_WORK, 2, body_id=7)


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize("who", WHO)
def test_task_pages_matrix(world, who):
    client = _client(world, who)
    task, other, plan = world["task"], world["other"], world["plan"]
    may = who in TASK_EDITORS
    ok = {True: 200, False: 403}

    assert client.get(reverse("plans:task", args=[task.pk])).status_code == (
        200 if who in TASK_EDITORS else 403
    )
    assert client.get(reverse("plans:task_edit", args=[task.pk])).status_code == ok[may]
    saved = client.post(reverse("plans:task_edit", args=[task.pk]), _task_post(task))
    assert saved.status_code == (302 if may else 403)
    task.refresh_from_db()
    assert (task.background == "돌봄 공백 가구가 늘고 있다.") == may

    added = client.post(reverse("plans:line_create", args=[task.pk]), _line_form())
    assert added.status_code == (302 if may else 403)
    assert task.budget_lines.count() == (2 if may else 1)

    check = client.post(reverse("plans:line_check", args=[task.pk]), _line_form())
    assert check.status_code == ok[may]

    line = task.budget_lines.order_by("id").first()
    edit_line = client.post(
        reverse("plans:line_edit", args=[line.pk]), _line_form(amount="11,000,000")
    )
    assert edit_line.status_code == (302 if may else 403)
    line.refresh_from_db()
    assert (line.amount == 11_000_000) == may

    indicator = client.post(reverse("plans:indicator_create", args=[task.pk]), INDICATOR)
    assert indicator.status_code == (302 if may else 403)
    assert Indicator.objects.filter(task=task).count() == (1 if may else 0)

    # Sections, goals, the plan's own fields, new tasks: the plan's editors only.
    section = world["section"]
    plan_editor = who in PLAN_EDITORS
    assert (
        client.get(reverse("plans:section_edit", args=[section.pk])).status_code
        == (ok[plan_editor])
    )
    client.post(reverse("plans:section_edit", args=[section.pk]), {"body": "고친 배경"})
    section.refresh_from_db()
    assert (section.body == "고친 배경") == plan_editor
    assert client.get(reverse("plans:task_create", args=[plan.pk])).status_code == ok[plan_editor]
    assert client.get(reverse("plans:edit", args=[plan.pk])).status_code == ok[plan_editor]
    goal = client.post(reverse("plans:goal_add", args=[plan.pk]), {"text": "새 목표"})
    assert goal.status_code == (302 if plan_editor else 403)

    # Another working group's task.
    other_may = who in OTHER_TASK_EDITORS
    assert client.get(reverse("plans:task_edit", args=[other.pk])).status_code == ok[other_may]
    client.post(reverse("plans:task_edit", args=[other.pk]), _task_post(other, content="남의 과제"))
    other.refresh_from_db()
    assert (other.content == "남의 과제") == other_may
    assert (
        client.post(reverse("plans:line_check", args=[other.pk]), _line_form()).status_code
        == ok[other_may]
    )


def test_a_member_cannot_move_the_task_or_change_its_agendas(world, guro):
    client = _client(world, "member")
    task = world["task"]
    agenda = Agenda.objects.create(district=guro, year=2020, title="돌봄 의제")
    page = client.get(reverse("plans:task_edit", args=[task.pk])).content.decode()
    assert 'name="working_group"' in page and "disabled" in page
    response = client.post(
        reverse("plans:task_edit", args=[task.pk]),
        _task_post(
            task,
            kind="foundation",
            sub_project="F-9",
            working_group=world["other"].working_group_id,
            agendas=[agenda.pk],
            title="돌봄 네트워크 (고침)",
        ),
    )
    assert response.status_code == 302
    task.refresh_from_db()
    # The text changed; the task's place in the plan did not.
    assert task.title == "돌봄 네트워크 (고침)"
    assert (task.kind, task.sub_project, task.working_group_id) == (
        "sector",
        "S-1",
        world["group"].pk,
    )
    assert not task.agendas.exists()
    # The clerk moves it.
    clerk = _client(world, "own_clerk")
    form = clerk.get(reverse("plans:task_edit", args=[task.pk])).content.decode()
    assert "Set by the district" not in form and "사무국이 정하며" not in form


def test_the_member_sees_the_live_budget_check_and_bad_amounts_are_kept_on_the_form(world):
    client = _client(world, "member")
    task = world["task"]
    # Coordinator pay far above the personnel cap: the check says so while typing.
    check = client.post(
        reverse("plans:line_check", args=[task.pk]),
        _line_form(category="personnel", subtype="coordinator", amount="500,000,000"),
    )
    assert check.status_code == 200
    assert "check-bad" in check.content.decode()
    bad = client.post(reverse("plans:line_create", args=[task.pk]), _line_form(amount="12.5"))
    assert bad.status_code == 400
    assert 'value="12.5"' in bad.content.decode()
    assert task.budget_lines.count() == 1


def test_a_member_writes_only_while_the_plan_is_editable(world):
    plan, task = world["plan"], world["task"]
    client = _client(world, "member")
    for status, editable in [
        (PlanStatus.APPROVED, False),
        (PlanStatus.SUBMITTED, False),
        (PlanStatus.REVISING, True),
    ]:
        plan.status = status
        plan.save(update_fields=["status"])
        before = BudgetLine.objects.count()
        response = client.post(reverse("plans:line_create", args=[task.pk]), _line_form())
        assert response.status_code == (302 if editable else 400), status
        assert BudgetLine.objects.count() == before + (1 if editable else 0)
        detail = client.get(reverse("plans:task", args=[task.pk])).content.decode()
        assert (reverse("plans:line_create", args=[task.pk]) in detail) == editable


def test_the_members_changes_are_audited_under_their_account(world):
    client = _client(world, "member")
    task = world["task"]
    client.post(reverse("plans:task_edit", args=[task.pk]), _task_post(task))
    event = AuditEvent.objects.filter(object_id=str(task.pk), action="changed").latest("id")
    assert event.actor == world["users"]["member"]


def test_the_member_finds_their_tasks_on_the_district_plan_list(world, guro):
    member = _client(world, "member")
    page = member.get(reverse("plans:list", args=[guro.code])).content.decode()
    assert reverse("plans:task", args=[world["task"].pk]) in page
    assert reverse("plans:task", args=[world["other"].pk]) not in page
    # The draft plan itself stays hidden from them.
    assert reverse("plans:detail", args=[world["plan"].pk]) not in page
    former = _client(world, "former_member").get(reverse("plans:list", args=[guro.code]))
    assert "group-tasks" not in former.content.decode()


def test_csrf_is_required_for_the_members_writes(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["member"])
    task = world["task"]
    response = client.post(reverse("plans:task_edit", args=[task.pk]), _task_post(task))
    assert response.status_code == 403
    api = client.post(
        f"/api/v1/tasks/{task.pk}/budget-lines", json.dumps(LINE), content_type="application/json"
    )
    assert api.status_code == 403 and "CSRF" in api.json()["detail"]
    assert task.budget_lines.count() == 1


def test_the_plan_list_queries_do_not_grow_with_the_members_tasks(
    world, django_assert_max_num_queries, guro
):
    client = _client(world, "member")
    for n in range(5):
        make_task(world["plan"], title=f"과제 {n}", working_group=world["group"])
    with django_assert_max_num_queries(10):
        page = client.get(reverse("plans:list", args=[guro.code]))
    assert page.content.decode().count("/plans/tasks/") == 6


# ---------------------------------------------------------------- API


def _api(world, who):
    return api_as(world["users"][who])


def _put(api, path, data):
    return api.client.put(
        "/api/v1" + path, json.dumps(data), content_type="application/json", **api.headers
    )


def _task_payload(task: Task, **kw) -> dict:
    data = {
        "kind": task.kind,
        "title": task.title,
        "sub_project": task.sub_project,
        "working_group_id": task.working_group_id,
        "agenda_ids": [],
        "content": "API로 쓴 세부계획",
        "joint_operation": True,
    }
    data.update(kw)
    return data


@pytest.mark.parametrize("who", WHO)
def test_task_api_matrix(world, who):
    api = _api(world, who)
    task, other, plan = world["task"], world["other"], world["plan"]
    may = who in TASK_EDITORS
    refused = 401 if who == "anonymous" else 403

    assert api.get(f"/tasks/{task.pk}").status_code == (200 if may else refused)
    replaced = _put(api, f"/tasks/{task.pk}", _task_payload(task))
    assert replaced.status_code == (200 if may else refused)
    task.refresh_from_db()
    assert (task.content == "API로 쓴 세부계획") == may

    line = api.post(f"/tasks/{task.pk}/budget-lines", LINE)
    assert line.status_code == (201 if may else refused)
    check = api.post(f"/tasks/{task.pk}/budget-lines/check", LINE)
    assert check.status_code == (200 if may else refused)
    first = task.budget_lines.order_by("id").first()
    changed = _put(api, f"/budget-lines/{first.pk}", {**LINE, "amount": 12_000_000})
    assert changed.status_code == (200 if may else refused)
    indicator = api.post(
        f"/tasks/{task.pk}/indicators", {"name": "회의", "unit": "회", "target": "12"}
    )
    assert indicator.status_code == (201 if may else refused)
    existing = make_indicator(task)
    assert _put(
        api, f"/indicators/{existing.pk}", {"name": "참여 주민", "target": "150"}
    ).status_code == (200 if may else refused)

    plan_editor = who in PLAN_EDITORS
    patched = api.patch(f"/plans/{plan.pk}", {"vision": "바뀐 비전"})
    assert patched.status_code == (200 if plan_editor else refused)
    created = api.post(f"/plans/{plan.pk}/tasks", {"kind": "sector", "title": "새 과제"})
    assert created.status_code == (201 if plan_editor else refused)

    other_may = who in OTHER_TASK_EDITORS
    other_put = _put(api, f"/tasks/{other.pk}", _task_payload(other, content="남의 과제"))
    assert other_put.status_code == (200 if other_may else refused)
    assert api.post(f"/tasks/{other.pk}/budget-lines", LINE).status_code == (
        201 if other_may else refused
    )
    deleted = api.client.delete(f"/api/v1/budget-lines/{first.pk}", **api.headers)
    assert deleted.status_code == (204 if may else refused)


def test_api_members_may_not_change_the_tasks_place_in_the_plan(world):
    api = _api(world, "member")
    task = world["task"]
    moved = _put(
        api,
        f"/tasks/{task.pk}",
        _task_payload(task, working_group_id=world["other"].working_group_id),
    )
    assert moved.status_code == 403
    assert "working_group" in moved.json()["detail"]
    renumbered = _put(api, f"/tasks/{task.pk}", _task_payload(task, sub_project="F-1"))
    assert renumbered.status_code == 403
    task.refresh_from_db()
    assert task.working_group_id == world["group"].pk and task.sub_project == "S-1"
    # Bad input is a 422 by field, as for the clerk.
    bad = api.post(f"/tasks/{task.pk}/budget-lines", {**LINE, "amount": -5})
    assert bad.status_code == 422
    unknown = api.post(f"/tasks/{task.pk}/budget-lines", {**LINE, "category": "yacht"})
    assert unknown.status_code == 422 and "category" in unknown.json()["errors"]


def test_api_member_with_a_token_and_a_submitted_plan(world):
    task, plan = world["task"], world["plan"]
    secret = create_token(world["users"]["member"], "워킹그룹")[1]
    api = api_as(token=secret)
    assert api.post(f"/tasks/{task.pk}/budget-lines", LINE).status_code == 201
    plan.status = PlanStatus.SUBMITTED
    plan.save(update_fields=["status"])
    refused = api.post(f"/tasks/{task.pk}/budget-lines", LINE)
    assert refused.status_code == 422
    assert task.budget_lines.count() == 2


# ---------------------------------------------------------------- linking accounts


def test_linking_an_account_is_for_the_persons_district_and_the_city(world, guro):
    person = make_person(district=guro, name="박워킹")
    account = make_user("new-member")
    path = f"/people/{person.pk}/account"
    assert _put(api_as(), path, {"username": "new-member"}).status_code == 401
    for who in ("resident", "member", "other_clerk"):
        assert _put(_api(world, who), path, {"username": "new-member"}).status_code == 403, who
    assert api_as().get(path).status_code == 401
    assert _api(world, "other_clerk").get(path).status_code == 403
    unknown = _put(_api(world, "own_clerk"), path, {"username": "nobody"})
    assert unknown.status_code == 422 and "username" in unknown.json()["errors"]
    linked = _put(_api(world, "own_clerk"), path, {"username": "new-member"})
    assert linked.status_code == 200
    assert linked.json() == {"person_id": person.pk, "username": "new-member"}
    person.refresh_from_db()
    assert person.user == account
    # One account, one person.
    twice = _put(
        _api(world, "city"),
        f"/people/{make_person(district=guro).pk}/account",
        {"username": "new-member"},
    )
    assert twice.status_code == 422 and "user" in twice.json()["errors"]
    # The history says the link changed, never which account.
    event = AuditEvent.objects.filter(object_id=str(person.pk), action="account linked").get()
    assert "new-member" not in json.dumps(event.changes, ensure_ascii=False)
    assert _api(world, "own_clerk").get(path).json()["username"] == "new-member"
    unlinked = _put(_api(world, "city"), path, {"username": None})
    assert unlinked.status_code == 200 and unlinked.json()["username"] is None


def test_a_newly_linked_member_may_edit_and_an_unlinked_one_no_longer(world):
    task = world["task"]
    user = make_user("later")
    client = Client()
    client.force_login(user)
    assert client.get(reverse("plans:task_edit", args=[task.pk])).status_code == 403
    person = make_person(district=world["group"].district)
    add_member(world["group"], person, start_date=dt.date(2020, 3, 1), term_end=None)
    link_account(person, user)
    assert client.get(reverse("plans:task_edit", args=[task.pk])).status_code == 200
    link_account(person, None)
    assert client.get(reverse("plans:task_edit", args=[task.pk])).status_code == 403


def test_the_link_is_never_shown_publicly(world, guro):
    member = world["users"]["member"]
    person = Person.objects.get(user=member)
    body = world["group"]
    for url in (
        reverse("bodies:body", args=[body.pk]),
        reverse("plans:task", args=[world["task"].pk]),
    ):
        page = Client().get(url)
        assert member.username not in page.content.decode()
    plan = world["plan"]
    plan.status = PlanStatus.APPROVED
    plan.save(update_fields=["status"])
    public = Client().get(reverse("plans:task", args=[world["task"].pk])).content.decode()
    assert member.username not in public and person.name not in public
    assert "user" not in api_as().get(f"/tasks/{world['task'].pk}").json()


def test_memberships_are_looked_up_only_when_the_roles_do_not_decide(
    world, django_assert_num_queries
):
    from hyeopchi.core.permissions import user_can

    task = world["task"]
    district, body = task.plan.district_id, task.working_group_id
    clerk = type(world["users"]["own_clerk"]).objects.get(username="clerk-guro")
    with django_assert_num_queries(1):  # the roles only
        assert user_can(clerk, Action.EDIT_BODY_WORK, district, body)
    member = type(clerk).objects.get(username="wg-member")
    with django_assert_num_queries(2):  # the roles, then today's memberships, once
        assert user_can(member, Action.EDIT_BODY_WORK, district, body)
        assert user_can(member, Action.EDIT_BODY_WORK, district, body)
        assert not user_can(member, Action.EDIT, district, body)


def test_a_member_on_a_draft_task_gets_no_link_to_the_plan_they_cannot_open(world):
    task, plan = world["task"], world["plan"]
    page = _client(world, "member").get(reverse("plans:task", args=[task.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert plan.title in html
    assert reverse("plans:detail", args=[plan.pk]) not in html
    clerk_page = _client(world, "own_clerk").get(reverse("plans:task", args=[task.pk]))
    assert reverse("plans:detail", args=[plan.pk]) in clerk_page.content.decode()
