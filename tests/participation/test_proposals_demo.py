"""The demo proposals load once, through the services, with a proposal at every stage."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hyeopchi.core.models import Role
from hyeopchi.participation import demo_proposals
from hyeopchi.participation import proposal_services as ps
from hyeopchi.participation.models import Comment, Proposal, ProposalStatus, Support
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_demo_proposals_show_every_stage_and_load_once(client, guro, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    make_user("city-officer", Role.CITY_OFFICER)
    today = dt.date(2020, 11, 20)  # a day in the past: every step is dated by the demo
    result = demo_proposals.load(today=today)
    assert result.loaded, result.summary
    statuses = set(Proposal.objects.values_list("status", flat=True))
    assert statuses == {
        ProposalStatus.GATHERING,
        ProposalStatus.IN_REVIEW,
        ProposalStatus.IN_DEBATE,
        ProposalStatus.AWAITING_ANSWER,
        ProposalStatus.ANSWERED,
        ProposalStatus.INFEASIBLE,
        ProposalStatus.EXPIRED,
    }
    # Counts are exact: the stored count is the number of supports.
    for proposal in Proposal.objects.all():
        assert proposal.support_count == Support.objects.filter(proposal=proposal).count()
    late = Proposal.objects.get(status=ProposalStatus.AWAITING_ANSWER)
    assert ps.overdue_kinds(late, today) == ["answer"]
    assert list(ps.overdue_proposals(today)) == [late]
    assert Comment.objects.filter(hidden_at__isnull=False).count() == 1
    page = client.get(reverse("proposals:list") + f"?district={guro.code}")
    assert demo_proposals.MARKER in page.content.decode()
    debated = Proposal.objects.get(status=ProposalStatus.IN_DEBATE)
    page = client.get(reverse("proposals:detail", args=[debated.pk])).content.decode()
    assert "운영자가 숨김" in page and "010-0000-0000" not in page
    assert not demo_proposals.load(today=today).loaded
