"""Follow-through: the proposal page shows proposal → agenda (→ merged into) → review →
screening → subcommittee decision → rank and selection; the proposer is notified."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from hyeopchi.participation import services_agendas as agendas
from hyeopchi.participation import services_priority as rounds
from hyeopchi.participation.models import Notification
from tests.participation.test_agendas_world import (  # noqa: F401 - fixture
    PASS,
    decision_of,
    department,
    fast_passwords,
    make_proposal,
    new_agenda,
    open_round,
    resident,
    shortlisted,
)

pytestmark = pytest.mark.django_db


def render(proposal) -> str:
    template = Template('{% include "participation/_proposal_chain.html" %}')
    return re.sub(r"\s+", " ", template.render(Context({"proposal": proposal})))


def test_a_proposal_not_taken_up_says_so(guro):
    assert "아직 의제로 채택되지 않았습니다" in render(make_proposal(guro))


def test_the_chain_follows_the_proposal_to_its_rank(guro, guro_clerk):
    proposal = make_proposal(guro, title="◦◦천 보행환경 개선")
    first = new_agenda(guro, guro_clerk, title="◦◦천 보행로", proposal=proposal)
    other = new_agenda(guro, guro_clerk, title="◦◦천 화장실")
    survivor = agendas.merge_agendas(
        [first, other], title="시민과 함께하는 ◦◦천 환경개선", reason="융합", actor=guro_clerk
    )
    page = render(proposal)
    assert "◦◦천 보행로" in page and "시민과 함께하는 ◦◦천 환경개선" in page
    assert reverse("agendas:detail", args=[survivor.pk]) in page
    agendas.review(survivor, department(guro, "녹색환경과"), True, "가능", guro_clerk)
    agendas.screen(survivor, PASS, guro_clerk)
    decision = decision_of(guro, "2020 의제 적합성 심의")
    agendas.decide_suitability(survivor, decision, True, guro_clerk)
    survivor.refresh_from_db()
    rival = shortlisted(guro, guro_clerk, title="경쟁 의제")
    r = open_round(guro, [survivor, rival], guro_clerk, selected_count=1)
    rounds.cast_vote(r, resident(guro), [survivor.pk])
    rounds.publish(r, guro_clerk, now=r.online_closes_at)
    page = render(proposal)
    assert "녹색환경과" in page and "4대 성격 모두 충족" in page
    assert reverse("bodies:decision", args=[decision.pk]) in page
    assert "2개 중 1위" in page and "선정" in page
    assert reverse("agendas:round_results", args=[r.pk]) in page
    # The proposer heard of every step: agenda, merge, review, screening, decision, rank.
    messages = list(
        Notification.objects.filter(user=proposal.author).values_list("message", flat=True)
    )
    assert len(messages) == 6, messages


def test_the_proposal_page_includes_the_chain(client, guro, guro_clerk):
    proposal = make_proposal(guro, title="골목길 안전")
    agenda = new_agenda(guro, guro_clerk, title="안전한 골목길 만들기", proposal=proposal)
    page = client.get(reverse("proposals:detail", args=[proposal.pk]))
    assert page.status_code == 200
    assert reverse("agendas:detail", args=[agenda.pk]) in page.content.decode()


def test_the_chain_ends_at_the_plan_task_of_a_public_plan(guro, guro_clerk):
    from tests.plans.plan_helpers import make_plan, make_task

    proposal = make_proposal(guro, title="마을 돌봄")
    agenda = new_agenda(guro, guro_clerk, title="마을 돌봄 네트워크 의제", proposal=proposal)
    draft = make_plan(guro, title="초안 실행계획")
    hidden = make_task(draft, title="초안 계획의 과제")
    hidden.agendas.add(agenda)
    page = render(proposal)
    assert "초안 계획의 과제" not in page  # a draft plan is not public
    public = make_plan(guro, status="approved", title="2021 구로구 실행계획")
    task = make_task(public, title="마을 돌봄 네트워크")
    task.agendas.add(agenda)
    page = render(proposal)
    assert "초안 계획의 과제" not in page
    assert "마을 돌봄 네트워크" in page and "2021 구로구 실행계획" in page
    assert reverse("plans:task", args=[task.pk]) in page


def test_the_proposer_hears_when_the_council_approves_the_plan_with_their_idea(
    guro, guro_clerk, council
):
    from hyeopchi.plans import services_submission
    from tests.plans.plan_helpers import make_line, make_plan, make_task
    from tests.plans.submission_helpers import ON_TIME, council_decision

    proposal = make_proposal(guro, title="마을 돌봄")
    agenda = new_agenda(guro, guro_clerk, title="마을 돌봄 네트워크 의제", proposal=proposal)
    plan = make_plan(guro, title="2021 구로구 실행계획")
    task = make_task(plan, title="마을 돌봄 네트워크")
    make_line(task, 10_000_000)
    task.agendas.add(agenda)
    before = Notification.objects.filter(user=proposal.author).count()
    services_submission.approve(plan, council_decision(council), guro_clerk, today=ON_TIME)
    news = Notification.objects.filter(user=proposal.author).order_by("-pk")
    assert news.count() == before + 1
    message = news.first().message
    assert "마을 돌봄 네트워크" in message and "2021 구로구 실행계획" in message
    assert news.first().url == reverse("agendas:detail", args=[agenda.pk])
