"""`load_demo` on PostgreSQL: what `make demo` shows of citizen participation — 구로구's
proposals at every stage with exact support counts and a moderated debate, forums over
several quarters, agendas from every kind of source, the published 노원-style vote and
은평-criteria round with their full rankings, and search finding all of it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from hyeopchi.core.models import District
from hyeopchi.participation import demo, search
from hyeopchi.participation import proposal_services as ps
from hyeopchi.participation.forum_rules import Quarter
from hyeopchi.participation.models import (
    AgendaSource,
    AgendaStatus,
    Comment,
    Forum,
    PriorityRound,
    Proposal,
    ProposalStatus,
    Residency,
)

pytestmark = pytest.mark.django_db


def test_load_demo_shows_participation_at_every_stage():
    today = timezone.localdate()  # as `make demo` loads it
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    guro = District.objects.get(name_ko="구로구")
    eunpyeong = District.objects.get(name_ko="은평구")

    # proposals of 구로구 residents at every stage, supports counted exactly
    proposals = Proposal.objects.filter(district=guro)
    statuses = set(proposals.values_list("status", flat=True))
    assert {
        ProposalStatus.GATHERING,
        ProposalStatus.IN_REVIEW,
        ProposalStatus.IN_DEBATE,
        ProposalStatus.AWAITING_ANSWER,
        ProposalStatus.ANSWERED,
        ProposalStatus.INFEASIBLE,
    } <= statuses
    assert Proposal.objects.filter(status=ProposalStatus.EXPIRED).exists()
    for p in Proposal.objects.annotate(n=Count("supports")):
        assert p.support_count == p.n, p.title
    in_review = proposals.get(status=ProposalStatus.IN_REVIEW)
    assert in_review.support_count >= 50 and in_review.threshold_reached_at is not None
    answered = proposals.filter(status=ProposalStatus.ANSWERED).first()
    assert answered.answer and answered.answered_at
    assert ps.overdue_proposals(today).filter(district=guro).exists()
    assert Residency.objects.filter(district=guro, verified=True).exists()

    # the online debate: stances, replies, a hidden comment with its published reason
    debated = proposals.get(status=ProposalStatus.IN_DEBATE)
    comments = Comment.objects.filter(proposal=debated)
    assert {"pro", "con"} <= set(comments.values_list("stance", flat=True))
    assert comments.filter(parent__isnull=False).exists()
    hidden = comments.exclude(hidden_at=None).get()
    assert hidden.hidden_reason and hidden.text  # hidden, never deleted

    # forums over several quarters (the process-management sheets have content)
    quarters = {Quarter.of(day) for day in Forum.objects.filter(district=guro).values_list(
        "held_on", flat=True)}  # fmt: skip
    assert len(quarters) >= 4

    # agendas from every kind of source, a transferred PB proposal with its amount
    kinds = set(AgendaSource.objects.filter(agenda__district=guro).values_list("kind", flat=True))
    assert kinds == {"proposal", "forum_idea", "department", "transferred_pb"}
    transferred = AgendaSource.objects.filter(kind="transferred_pb", agenda__district=guro)
    assert all(s.transfer_amount and s.transfer_reference for s in transferred)

    # published priority rounds with full rankings: 노원-style vote and 은평 criteria
    for district, policy in ((guro, "nowon-vote"), (eunpyeong, "eunpyeong-criteria")):
        done = PriorityRound.objects.get(
            district=district, policy_key=policy, published_at__isnull=False
        )
        ballot = list(done.agendas.order_by("rank"))
        assert [a.rank for a in ballot] == list(range(1, len(ballot) + 1))
        assert {a.status for a in ballot} == {AgendaStatus.SELECTED, AgendaStatus.DEFERRED}
    eunpyeong_round = PriorityRound.objects.get(policy_key="eunpyeong-criteria")
    assert eunpyeong_round.scores.count() == 3 * eunpyeong_round.agendas.count()
    assert eunpyeong_round.agendas.filter(suitability_decision__body__district=eunpyeong).count()

    # search finds a part of a compound in proposals, agendas and forums of the demo
    found = search.search("보행")
    assert {h.kind for h in found.hits} >= {"proposal", "agenda"}
    assert search.search("공론장").total > 0

    # loading again changes nothing
    before = (Proposal.objects.count(), PriorityRound.objects.count(), Forum.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Proposal.objects.count(), PriorityRound.objects.count(), Forum.objects.count()) == (
        before
    )
    assert not demo.load(today=today).loaded
