"""Supports from many simultaneous requests are counted exactly, once per person.

These tests commit for real (``transaction=True``): each thread has its own database
connection and transaction, as web workers would. The unique constraint on (proposal,
user) decides between two supports of one person; the count is raised with an atomic
``UPDATE … SET support_count = support_count + 1`` in the same transaction.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from hyeopchi.core.models import AuditEvent, Role
from hyeopchi.participation import proposal_services as ps
from hyeopchi.participation.models import Notification, Proposal, ProposalStatus, Support
from tests.conftest import make_user

from .proposal_helpers import propose, resident, set_supports

THREADS = 20

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def postgres_only(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested against PostgreSQL (make test)")


def in_parallel(fn: Callable[[int], Callable[[], object]], n: int = THREADS) -> list:
    """Prepare ``fn(i)`` in ``n`` threads, release them at once, collect the outcomes."""
    barrier = threading.Barrier(n)
    results: list[tuple[str, object]] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            prepared = fn(i)
            barrier.wait(timeout=30)
            outcome: tuple[str, object] = ("ok", prepared())
        except ps.AlreadySupported as exc:
            outcome = ("duplicate", exc.messages)
        except ValidationError as exc:
            outcome = ("refused", exc.messages)
        except Exception as exc:
            outcome = ("error", repr(exc))
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert len(results) == n
    return results


def kinds(results) -> Counter:
    return Counter(kind for kind, _value in results)


def test_twenty_people_at_once_make_twenty_supports(guro):
    proposal = propose(resident(guro))
    fans = [resident(guro) for _ in range(THREADS)]

    def give(i: int):
        own = Proposal.objects.get(pk=proposal.pk)
        return lambda: ps.support(own, fans[i]).support_count

    results = in_parallel(give)
    assert kinds(results) == {"ok": THREADS}, results
    proposal.refresh_from_db()
    assert proposal.support_count == THREADS == Support.objects.count()
    # Each committed support saw a distinct count: the increments never overlapped.
    assert sorted(value for _kind, value in results) == list(range(1, THREADS + 1))


def test_one_person_twenty_times_at_once_is_one_support(guro):
    proposal = propose(resident(guro))
    fan = resident(guro)

    def give(i: int):
        own = Proposal.objects.get(pk=proposal.pk)
        return lambda: ps.support(own, fan).support_count

    results = in_parallel(give)
    assert kinds(results) == {"ok": 1, "duplicate": THREADS - 1}, results
    proposal.refresh_from_db()
    assert proposal.support_count == 1 == Support.objects.count()


def test_the_threshold_is_crossed_once_under_concurrency(guro):
    staff = make_user("guro-staff", Role.DISTRICT_STAFF, guro)
    proposal = set_supports(propose(resident(guro)), 40)  # 50 needed
    fans = [resident(guro) for _ in range(THREADS)]

    def give(i: int):
        own = Proposal.objects.get(pk=proposal.pk)
        return lambda: ps.support(own, fans[i]).status

    results = in_parallel(give)
    assert kinds(results) == {"ok": THREADS}, results
    proposal.refresh_from_db()
    assert proposal.support_count == 60
    assert proposal.status == ProposalStatus.IN_REVIEW
    events = AuditEvent.objects.filter(object_id=str(proposal.pk), action="threshold reached")
    assert events.count() == 1
    assert Notification.objects.filter(user=staff).count() == 1


def test_parallel_http_requests_count_exactly(guro):
    """The same through the web page: twenty signed-in residents, plus one of them
    sending the form ten more times, all at once."""
    proposal = propose(resident(guro))
    fans = [resident(guro) for _ in range(THREADS)]
    url = reverse("proposals:support", args=[proposal.pk])

    def post(i: int):
        client = Client()
        client.force_login(fans[i % THREADS])
        return lambda: client.post(url).status_code

    results = in_parallel(post, THREADS + 10)
    assert kinds(results) == {"ok": THREADS + 10}, results
    assert {value for _kind, value in results} == {302}
    proposal.refresh_from_db()
    assert proposal.support_count == THREADS == Support.objects.count()
