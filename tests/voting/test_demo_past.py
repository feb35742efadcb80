"""`load_demo --today` with a day in the past: the demo votes still load."""

from __future__ import annotations

import datetime as dt

import pytest

from hyeopchi.core.models import District, Role
from hyeopchi.voting import demo, services
from hyeopchi.voting.models import Ballot, Election
from tests.conftest import make_user


@pytest.mark.django_db
def test_demo_votes_load_for_a_day_in_the_past():
    """`load_demo --today 2025-03-01`: the "open" vote then closed long ago; its ballots
    must still fall inside its window rather than the load failing."""
    make_user("clerk-guro", Role.DISTRICT_STAFF, District.objects.get(name_ko="구로구"))
    make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, District.objects.get(name_ko="은평구"))
    assert demo.load(today=dt.date(2025, 3, 1)).loaded
    election = Election.objects.filter(closes_at__date=dt.date(2025, 3, 22)).get()
    assert election.is_closed()
    contest = election.contests.get()
    assert services.turnout(contest).online == 60
    assert not Ballot.objects.filter(contest=contest, superseded=True).exists()
