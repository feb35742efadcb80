"""Cycle pages: a district opens, adapts and updates its cycle; the city sees every
district's stages at a fixed cost in queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hyeopchi.bodies.models import Decision
from hyeopchi.core.models import AuditEvent, District, Role
from hyeopchi.participation.models import Forum
from hyeopchi.plans import cycle_services
from hyeopchi.plans.models import CycleStage, PlanCycle, StageStatus

from ..conftest import make_body, make_user

pytestmark = pytest.mark.django_db


def test_opening_a_cycle_copies_the_policys_stages(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    response = client.post(reverse("plans:cycle_open", args=[guro.code, 2020]))
    assert response.status_code == 302
    cycle = PlanCycle.objects.get(district=guro, year=2020)
    stages = list(cycle.stages.order_by("order"))
    assert [s.code for s in stages][:2] == ["process_design", "regional_survey"]
    assert len(stages) == 11
    submission = stages[-1]
    assert submission.required and submission.end_date == dt.date(2020, 7, 10)
    assert AuditEvent.objects.filter(model="plans.plancycle").exists()
    page = client.get(reverse("plans:cycle", args=[guro.code, 2020])).content.decode()
    assert "지역조사" in page and 'aria-current="step"' in page


def test_a_year_without_policy_cannot_be_opened(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    client.post(reverse("plans:cycle_open", args=[guro.code, 2031]))
    assert not PlanCycle.objects.exists()
    assert client.get(reverse("plans:cycle", args=[guro.code, 2031])).status_code == 404


def test_other_districts_staff_cannot_touch_the_cycle(client, guro, eunpyeong):
    cycle = cycle_services.open_cycle(guro, 2020)
    stage = cycle.stages.first()
    client.force_login(make_user("clerk-e", Role.DISTRICT_STAFF, eunpyeong))
    assert client.post(reverse("plans:cycle_open", args=[guro.code, 2020])).status_code == 403
    assert client.get(reverse("plans:stage_edit", args=[stage.pk])).status_code == 403
    response = client.post(reverse("plans:stage_add", args=[guro.code, 2020]), {"title": "x"})
    assert response.status_code == 403
    assert client.get(reverse("plans:cycle", args=[guro.code, 2020])).status_code == 200


def test_a_stage_links_its_body_forums_and_decisions(client, guro, eunpyeong, guro_clerk):
    client.force_login(guro_clerk)
    cycle = cycle_services.open_cycle(guro, 2020)
    stage = cycle.stages.get(code="priority_decision")
    council = make_body(guro)
    forum = Forum.objects.create(
        district=guro, title="100인 원탁회의", type="open", held_on=dt.date(2020, 6, 13)
    )
    decision = Decision.objects.create(
        body=council, title="의제 우선순위 확정", decided_on=dt.date(2020, 6, 20)
    )
    data = {
        "title": stage.title,
        "status": "done",
        "start_date": "2020-06-01",
        "end_date": "2020-06-20",
        "responsible_body": council.pk,
        "forums": [forum.pk],
        "decisions": [decision.pk],
        "note": "",
    }
    response = client.post(reverse("plans:stage_edit", args=[stage.pk]), data)
    assert response.status_code == 302
    page = client.get(reverse("plans:cycle", args=[guro.code, 2020])).content.decode()
    assert reverse("forums:detail", args=[forum.pk]) in page
    assert reverse("bodies:decision", args=[decision.pk]) in page
    # done while earlier stages are open: warned, not refused
    assert "끝나지 않았는데" in page


def test_a_required_stage_cannot_be_skipped_and_the_input_is_kept(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    cycle = cycle_services.open_cycle(guro, 2020)
    stage = cycle.stages.get(code="council_approval")
    response = client.post(
        reverse("plans:stage_edit", args=[stage.pk]),
        {"title": stage.title, "status": "skipped", "note": "생략하고 싶음"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "생략할 수 없습니다" in html and "생략하고 싶음" in html
    stage.refresh_from_db()
    assert stage.status == StageStatus.NOT_STARTED


def test_stage_dates_in_the_wrong_order_are_refused(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    stage = cycle_services.open_cycle(guro, 2020).stages.first()
    response = client.post(
        reverse("plans:stage_edit", args=[stage.pk]),
        {"status": "in_progress", "start_date": "2020-05-02", "end_date": "2020-05-01"},
    )
    assert response.status_code == 400
    assert "종료일은 시작일보다" in response.content.decode()


def test_a_district_adds_renames_and_removes_its_own_stage(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    cycle = cycle_services.open_cycle(guro, 2020)
    after = cycle.stages.get(code="agenda_discovery")
    client.post(
        reverse("plans:stage_add", args=[guro.code, 2020]),
        {"title": "청소년 공론장", "after": after.pk},
    )
    own = cycle.stages.get(from_policy=False)
    codes = list(cycle.stages.order_by("order").values_list("code", flat=True))
    assert codes.index(own.code) == codes.index("agenda_discovery") + 1
    survey = cycle.stages.get(code="regional_survey")
    client.post(
        reverse("plans:stage_edit", args=[survey.pk]),
        {"title": "동네 한바퀴 자원조사", "status": "in_progress"},
    )
    survey.refresh_from_db()
    assert survey.title == "동네 한바퀴 자원조사" and survey.title_en == ""
    client.post(reverse("plans:stage_remove", args=[survey.pk]))
    assert CycleStage.objects.filter(pk=survey.pk).exists()  # policy stages are kept
    client.post(reverse("plans:stage_remove", args=[own.pk]))
    assert not CycleStage.objects.filter(pk=own.pk).exists()


def test_the_city_view_shows_every_district_at_a_fixed_cost(client, django_assert_max_num_queries):
    for district in District.objects.order_by("code")[:10]:
        cycle = cycle_services.open_cycle(district, 2020)
        cycle.stages.filter(code="process_design").update(status="done")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("plans:city_cycles") + "?year=2020")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<tr>") == 1 + District.objects.count()
    assert "시작 전" in html  # districts that have not opened the cycle


@pytest.mark.parametrize(
    "url",
    [
        "/districts/{code}/cycle/99999999999999999999/",
        "/plans/99999999999999999999/",
        "/plans/tasks/99999999999999999999/",
        "/plans/cycles/?year=99999999999999999999",
    ],
)
def test_out_of_range_numbers_in_the_address_are_not_found_not_a_crash(client, guro, url):
    assert client.get(url.format(code=guro.code)).status_code in (200, 404)


def test_opening_a_cycle_of_an_absurd_year_is_refused_not_a_crash(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    response = client.post(f"/districts/{guro.code}/cycle/99999999999999999999/open/")
    assert response.status_code == 302
    assert not PlanCycle.objects.exists()
