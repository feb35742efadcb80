"""Priority votes from many simultaneous requests: one per resident and round, counted
exactly. These tests commit for real (``transaction=True``): every thread is a web worker
with its own connection; the unique constraint on (round, user) decides."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from hyeopchi.participation import services_priority as rounds
from hyeopchi.participation.models import PriorityVote
from tests.participation.test_agendas_world import open_round, resident, shortlisted

THREADS = 12

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def postgres_only(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested against PostgreSQL (make test)")


def in_parallel(prepare, n: int = THREADS) -> Counter:
    barrier = threading.Barrier(n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            act = prepare(i)
            barrier.wait(timeout=30)
            outcome = act()
        except Exception as exc:  # an unexpected error is the finding
            outcome = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert len(outcomes) == n
    return Counter(outcomes)


def test_one_resident_voting_from_many_tabs_at_once_counts_once(guro):
    agendas = [shortlisted(guro) for _ in range(3)]
    r = open_round(guro, agendas)
    voter = resident(guro)

    def prepare(i: int):
        client = Client()
        client.force_login(voter)
        url = reverse("agendas:round", args=[r.pk])
        choice = agendas[i % 3].pk

        def act() -> str:
            response = client.post(url, {"agendas": [choice]})
            return "voted" if response.status_code == 302 else f"page {response.status_code}"

        return act

    outcomes = in_parallel(prepare)
    assert PriorityVote.objects.filter(round=r, user=voter).count() == 1
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    # Exactly one request was counted; the others were answered with the page and a message.
    assert outcomes["voted"] == 1 and outcomes["page 200"] == THREADS - 1


def test_many_residents_at_once_are_all_counted(guro):
    agendas = [shortlisted(guro) for _ in range(2)]
    r = open_round(guro, agendas)
    voters = [resident(guro) for _ in range(THREADS)]

    def prepare(i: int):
        def act() -> str:
            rounds.cast_vote(r, voters[i], [agendas[0].pk, agendas[1].pk])
            return "voted"

        return act

    assert in_parallel(prepare) == Counter({"voted": THREADS})
    ranking, _agendas = rounds.ranking(r)
    assert [row.online for row in ranking] == [THREADS, THREADS]
