"""The demo agendas load once, through the services: every kind of source, a merge, an
infeasible and an unsuitable agenda, a published full ranking and an open vote."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hyeopchi.bodies.models import BodyKind
from hyeopchi.participation import demo_agendas, demo_forums
from hyeopchi.participation.models import Agenda, AgendaStatus, PriorityRound, SourceKind
from tests.conftest import make_body, make_user

pytestmark = pytest.mark.django_db


def test_demo_agendas_show_every_stage_and_load_once(client, guro):
    council = make_body(guro)
    make_body(guro, name="의제발굴분과", kind=BodyKind.SUBCOMMITTEE, parent=council)
    make_user("clerk-guro")
    today = dt.date.today()
    demo_forums.load(today=today)
    result = demo_agendas.load(today=today)
    assert result.loaded
    statuses = set(Agenda.objects.filter(district=guro).values_list("status", flat=True))
    assert statuses >= {
        AgendaStatus.MERGED,
        AgendaStatus.INFEASIBLE,
        AgendaStatus.UNSUITABLE,
        AgendaStatus.SHORTLISTED,
        AgendaStatus.SELECTED,
        AgendaStatus.DEFERRED,
    }
    kinds = set(Agenda.objects.filter(district=guro).values_list("sources__kind", flat=True))
    assert kinds >= {SourceKind.FORUM_IDEA, SourceKind.DEPARTMENT, SourceKind.TRANSFERRED_PB}
    published = PriorityRound.objects.get(published_at__isnull=False)
    assert [row["rank"] for row in published.result["rows"]] == [1, 2, 3, 4, 5, 6]
    open_round = PriorityRound.objects.get(published_at__isnull=True)
    page = client.get(reverse("agendas:round", args=[open_round.pk]))
    assert "온라인 투표 진행 중" in page.content.decode()
    listing = client.get(reverse("agendas:list", args=[guro.code]))
    assert demo_agendas.MARKER in listing.content.decode()
    assert not demo_agendas.load(today=today).loaded
