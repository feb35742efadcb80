"""Many simultaneous submissions by one voter (or with one code) store one ballot.

These tests commit for real (``transaction=True``): each thread has its own database
connection and transaction, as gunicorn workers would, and the database's unique
constraint (or the code's conditional update) decides which one wins.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from hyeopchi.core.tokens import create_token
from hyeopchi.voting import services
from hyeopchi.voting.models import Ballot, Contest, Participation, VotingCode
from tests.conftest import make_user
from tests.voting.conftest import contest_of, make_vote, make_voter

THREADS = 20


def in_parallel(fn: Callable[[int], object], n: int = THREADS) -> list[tuple[str, object]]:
    """Run ``fn(i)`` in ``n`` threads released at the same moment; collect the outcomes."""
    barrier = threading.Barrier(n)
    results: list[tuple[str, object]] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            prepared = fn(i)  # set-up (its own queries) before the barrier
            barrier.wait(timeout=30)
            outcome: tuple[str, object] = ("ok", prepared())  # type: ignore[operator]
        except ValidationError as exc:
            outcome = ("refused", exc.message_dict)
        except Exception as exc:  # reported by the test
            outcome = ("error", repr(exc))
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == n
    return results


def kinds(results) -> Counter:
    return Counter(kind for kind, _value in results)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_simultaneous_ballots_of_one_voter_store_one(guro):
    election = make_vote(guro)
    voter = make_voter(election)
    contest_id = contest_of(election).pk

    def submit(i: int):
        contest = Contest.objects.select_related("election").get(pk=contest_id)
        choices = ["P1", "P2"] if i % 2 else ["P4"]
        return lambda: services.cast_ballot(contest, voter, choices)

    results = in_parallel(submit)
    assert kinds(results) == {"ok": 1, "refused": THREADS - 1}, results
    assert Ballot.objects.count() == 1
    assert Participation.objects.count() == 1
    refusals = {str(value) for kind, value in results if kind == "refused"}
    assert len(refusals) == 1 and "__all__" in refusals.pop()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_simultaneous_revotes_leave_one_counted_ballot(guro):
    election = make_vote(guro)
    voter = make_voter(election)
    contest = contest_of(election)
    receipt = services.cast_ballot(contest, voter, ["P1"])

    def submit(i: int):
        mine = Contest.objects.select_related("election").get(pk=contest.pk)
        return lambda: services.revote(mine, voter, receipt, [f"P{1 + i % 4}"])

    results = in_parallel(submit)
    assert kinds(results) == {"ok": THREADS}, results
    assert Ballot.objects.filter(superseded=False).count() == 1
    assert Ballot.objects.filter(superseded=True).count() == THREADS
    assert Participation.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_voting_code_from_twenty_threads_casts_once(eunpyeong):
    election = make_vote(eunpyeong, "eunpyeong-agenda-vote", title="은평")
    code = services.generate_codes(election, 1, actor=make_user("clerk"))[0]

    def submit(i: int):
        return lambda: services.cast_with_code(
            election, code, {"pb": ["P1"], "governance": {"P2": 5}}
        )

    results = in_parallel(submit)
    assert kinds(results) == {"ok": 1, "refused": THREADS - 1}, results
    assert all("code" in value for kind, value in results if kind == "refused")
    assert Ballot.objects.count() == 2  # one ballot paper: both contests, once
    assert VotingCode.objects.get().used


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_paper_file_imported_twice_at_once_is_stored_once(guro):
    election = make_vote(guro)
    contest = contest_of(election)
    clerk = make_user("clerk")

    def submit(i: int):
        mine = Contest.objects.get(pk=contest.pk)
        return lambda: services.import_paper_ballots(mine, b"P1\nP2\n", clerk)

    results = in_parallel(submit, 8)
    assert kinds(results) == {"ok": 1, "refused": 7}, results
    assert Ballot.objects.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_http_submissions_against_the_live_server(live_server, guro):
    election = make_vote(guro)
    contest = contest_of(election)
    voter = make_voter(election)
    _token, secret = create_token(voter.user, "phone")
    other = make_voter(election)
    _token, other_secret = create_token(other.user, "phone")
    url = f"{live_server.url}/api/v1/voting/contests/{contest.pk}/ballots"

    def post(secret: str, choices: list[str]) -> tuple[int, dict]:
        request = urllib.request.Request(
            url,
            data=json.dumps({"choices": choices}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {secret}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def submit(i: int):
        who = secret if i < THREADS - 2 else other_secret
        return lambda: post(who, ["P1"])

    results = in_parallel(submit)
    statuses = Counter(value[0] for kind, value in results if kind == "ok")
    assert statuses == {201: 2, 422: THREADS - 2}, results
    assert Ballot.objects.count() == 2
    assert Participation.objects.count() == 2
    assert set(Participation.objects.values_list("voter", flat=True)) == {voter.pk, other.pk}
