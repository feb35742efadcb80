"""The rules of the issue at their boundaries, through the services and the database:
구로1번가 49 vs 50 supports, its debate and answer clocks on day 30 vs day 31, and
민주주의 서울 999 vs 1,000 participants (4,999 vs 5,000 under the policy before 2019)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import translation

from hyeopchi.core.models import Role
from hyeopchi.participation import proposal_services as ps
from hyeopchi.participation.models import Notification, ProposalStatus
from tests.conftest import make_user

from .proposal_helpers import (  # noqa: F401  (immediate_mail is a fixture)
    at,
    immediate_mail,
    propose,
    resident,
    set_supports,
    to_debate,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_mail")]
D = dt.date


@pytest.fixture(autouse=True)
def english(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


@pytest.fixture
def guro_staff(guro):
    user = make_user("guro-staff", Role.DISTRICT_STAFF, guro)
    user.email = "staff@guro.example"
    user.save()
    return user


@pytest.fixture
def city(db):
    user = make_user("city-officer", Role.CITY_OFFICER)
    user.email = "city@seoul.example"
    user.save()
    return user


def test_guro_49_supports_gather_the_50th_starts_the_review(guro, guro_staff):
    proposal = set_supports(propose(resident(guro)), 48)
    proposal = ps.support(proposal, resident(guro))
    assert (proposal.support_count, proposal.status) == (49, ProposalStatus.GATHERING)
    assert not Notification.objects.filter(user=guro_staff).exists()
    proposal = ps.support(proposal, resident(guro))
    assert (proposal.support_count, proposal.status) == (50, ProposalStatus.IN_REVIEW)
    assert Notification.objects.filter(user=guro_staff).count() == 1


def test_guro_debate_day_30_open_day_31_closed(guro, guro_staff):
    proposal = to_debate(propose(resident(guro)), guro_staff, D(2020, 6, 1))
    assert proposal.debate_opens == D(2020, 6, 1)  # day 1
    assert proposal.debate_closes == D(2020, 6, 30)  # day 30
    assert ps.tick(at(D(2020, 6, 30), 23)).events == {}
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.IN_DEBATE
    assert ps.tick(at(D(2020, 7, 1), 0)).events == {"debate_closed": 1}  # day 31
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.AWAITING_ANSWER


def test_guro_answer_day_30_on_time_day_31_overdue(guro, guro_staff):
    proposal = to_debate(propose(resident(guro)), guro_staff, D(2020, 6, 1))
    ps.tick(at(D(2020, 7, 1)))
    # The answer is due within 30 days of the debate's close (30 June): by 30 July.
    assert proposal.answer_due == D(2020, 7, 30)
    assert list(ps.overdue_proposals(D(2020, 7, 30))) == []
    assert ps.tick(at(D(2020, 7, 30), 23)).overdue_flagged == 0
    assert list(ps.overdue_proposals(D(2020, 7, 31))) == [proposal]
    assert ps.tick(at(D(2020, 7, 31))).overdue_flagged == 1


@pytest.mark.parametrize(
    ("created", "required"), [(D(2020, 6, 1), 1000), (D(2018, 6, 1), 5000)], ids=["2020", "2018"]
)
def test_democracy_seoul_one_short_gathers_the_threshold_goes_to_the_city(
    guro, city, created, required
):
    proposal = propose(resident(guro), scope="city", category="교통", created=created)
    assert ps.steps_of(proposal).supports_required == required
    proposal = set_supports(proposal, required - 2)
    day = at(created + dt.timedelta(days=2))
    proposal = ps.support(proposal, resident(guro), now=day)
    assert (proposal.support_count, proposal.status) == (required - 1, ProposalStatus.GATHERING)
    mail.outbox.clear()
    proposal = ps.support(proposal, resident(guro), now=day)
    assert (proposal.support_count, proposal.status) == (required, ProposalStatus.IN_REVIEW)
    assert Notification.objects.filter(user=city).count() == 1
    assert "city@seoul.example" in [m.to[0] for m in mail.outbox]
