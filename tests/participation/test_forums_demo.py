"""The demo forums load once, through the service, over several quarters."""

from __future__ import annotations

import datetime as dt

import pytest

from hyeopchi.participation import demo_forums
from hyeopchi.participation.forum_rules import Quarter
from hyeopchi.participation.models import Forum
from tests.conftest import make_body

pytestmark = pytest.mark.django_db


def test_demo_forums_cover_several_quarters_and_load_once(guro):
    council = make_body(guro)
    today = dt.date(2020, 11, 20)
    result = demo_forums.load(today=today)
    assert result.loaded
    forums = list(Forum.objects.filter(district=guro))
    assert len(forums) == len(demo_forums.GURO)
    assert len({Quarter.of(f.held_on) for f in forums}) >= 5
    assert all(f.organiser == council for f in forums)
    for forum in forums:
        for counts in forum.participants.values():
            assert sum(counts.values()) == forum.participants_total
    assert Forum.objects.exclude(district=guro).count() == len(demo_forums.OTHERS)
    again = demo_forums.load(today=today)
    assert not again.loaded
    assert Forum.objects.count() == len(demo_forums.GURO) + len(demo_forums.OTHERS)
