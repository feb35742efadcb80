"""The plan models keep their invariants in the database, and a snapshot is plain JSON."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, transaction

from hyeopchi.plans.models import CycleStage, Goal, PlanCycle, PlanSection, PlanStatus
from hyeopchi.plans.snapshot import plan_snapshot

from .plan_helpers import make_indicator, make_line, make_plan, make_task

pytestmark = pytest.mark.django_db


def test_a_budget_line_of_zero_is_refused_by_the_database(guro):
    task = make_task(make_plan(guro))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_line(task, amount=0)


def test_a_plan_cannot_end_before_it_starts(guro):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_plan(guro, start_year=2022, end_year=2021)


def test_a_district_has_one_cycle_a_year(guro):
    PlanCycle.objects.create(district=guro, year=2020, policy_key="seoul-2020-plan-cycle")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanCycle.objects.create(district=guro, year=2020, policy_key="seoul-2020-plan-cycle")


def test_a_stage_cannot_end_before_it_starts(guro):
    import datetime as dt

    cycle = PlanCycle.objects.create(district=guro, year=2020, policy_key="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        CycleStage.objects.create(
            cycle=cycle,
            code="vision_goals",
            order=3,
            title="비전·목표 수립",
            start_date=dt.date(2020, 5, 1),
            end_date=dt.date(2020, 4, 1),
        )


def test_only_drafts_are_hidden_from_the_public(guro):
    assert not make_plan(guro).is_public
    assert make_plan(guro, status=PlanStatus.APPROVED).is_public
    assert make_plan(guro, status=PlanStatus.TERMINATED).is_public


def test_snapshot_is_json_with_stable_ids_in_display_order(guro):
    plan = make_plan(guro)
    PlanSection.objects.create(plan=plan, code="1.2", order=2, title="전년도 추진성과")
    PlanSection.objects.create(plan=plan, code="1.1", order=1, title="수립배경")
    Goal.objects.create(plan=plan, text="주민이 직접 해결하는 지역문제", year=None)
    task = make_task(plan)
    second = make_line(task, amount=2_000, order=2)
    first = make_line(task, amount=1_000, order=1)
    indicator = make_indicator(task)

    snap = plan_snapshot(plan)

    assert json.loads(json.dumps(snap)) == snap
    assert [s["code"] for s in snap["sections"]] == ["1.1", "1.2"]
    lines = snap["tasks"][0]["budget_lines"]
    assert [line["id"] for line in lines] == [first.pk, second.pk]
    assert [line["amount"] for line in lines] == [1_000, 2_000]
    assert snap["tasks"][0]["indicators"][0] == {
        "id": indicator.pk,
        "name": "참여 주민 수",
        "unit": "명",
        "baseline": "20",
        "target": "100",
        "actual": None,
        "method": "",
    }
    assert plan_snapshot(plan) == snap  # nothing changed, nothing differs
