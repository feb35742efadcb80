"""Background counting: starting a count only after the close, the task's stored result and
progress, failures recorded on the run, publication, and the database worker end to end."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hyeopchi.core.models import AuditEvent, Role
from hyeopchi.voting import counting_bridge, results, services, tasks
from hyeopchi.voting.models import CountRun, Election, RunStatus
from tests.conftest import make_user

from .conftest import DAY, HOUR, contest_of, make_vote, make_voter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def close(election: Election) -> None:
    now = timezone.now()
    Election.objects.filter(pk=election.pk).update(
        opens_at=min(election.opens_at, now - 2 * DAY), closes_at=now - HOUR
    )
    election.refresh_from_db()


@pytest.fixture
def clerk(guro):
    return make_user("clerk-guro", Role.DISTRICT_STAFF, guro)


@pytest.fixture
def voted(guro_vote):
    """Guro's vote (budget 10억; P1 4억, P2 3억, P3 3억, P4 5억) with 9 ballots, closed."""
    contest = contest_of(guro_vote)
    ballots = [["P1", "P2"]] * 4 + [["P4"]] * 3 + [["P3", "P4"]] * 2
    for choices in ballots:
        services.cast_ballot(contest, make_voter(guro_vote), choices)
    close(guro_vote)
    return contest


def test_count_only_after_close(guro_vote, clerk):
    contest = contest_of(guro_vote)
    with pytest.raises(ValidationError, match="closed"):
        results.start_count(contest, "greedy", "none", clerk)
    assert not CountRun.objects.exists()


def test_bad_rule_and_completion_are_refused(voted, clerk):
    with pytest.raises(ValidationError):
        results.start_count(voted, "coin_toss", "none", clerk)
    with pytest.raises(ValidationError, match="Equal Shares"):
        results.start_count(voted, "greedy", "greedy_fill", clerk)
    assert not CountRun.objects.exists()


def test_start_count_enqueues_the_task_in_the_database(
    voted, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = results.start_count(voted, "greedy", "none", clerk)
    assert run.status == RunStatus.QUEUED
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "hyeopchi.voting.tasks.run_count"
    assert queued.args_kwargs["args"] == [run.pk]
    assert AuditEvent.objects.filter(model="voting.countrun", action="created").exists()


def test_task_stores_the_result_and_progress(voted, clerk, monkeypatch):
    seen: list[tuple[int, int]] = []
    write = tasks.ProgressWriter.write

    def spy(self, done, total):
        write(self, done, total)
        row = CountRun.objects.values_list("progress_done", "progress_total").get(pk=self.run_id)
        seen.append(row)

    monkeypatch.setattr(tasks.ProgressWriter, "write", spy)
    monkeypatch.setattr(tasks, "PROGRESS_INTERVAL", 0)
    run = results.start_count(voted, "greedy", "none", clerk)
    assert tasks.run_count.call(run.pk) == RunStatus.DONE
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.started_at and run.finished_at and run.finished_at >= run.started_at
    assert run.ballots_counted == 9
    result = run.result
    # Greedy by votes: P4 (5 votes) 5억, P1 (4) 4억 → 9억; P2, P3 (3억 each) no longer fit.
    assert [w["code"] for w in result["winners"]] == ["P4", "P1"]
    assert result["winners"][0] == {"code": "P4", "cost": 500_000_000, "votes": 5}
    assert result["spent"] == 900_000_000
    assert result["votes"] == {"P1": 4, "P2": 4, "P3": 2, "P4": 5}
    assert "fairness" in result and "trace" in result
    # Progress was written as it went, never backwards, and ends complete.
    assert seen, "no progress was written"
    dones = [d for d, _t in seen]
    assert dones == sorted(dones)
    assert run.progress_done == run.progress_total > 0


def test_progress_writes_are_throttled():
    clock = iter([0.0, 0.1, 0.2, 0.6, 0.7, 1.3])
    writes = []

    class Writer(tasks.ProgressWriter):
        def write(self, done, total):
            writes.append((done, total))

    progress = Writer(0, interval=0.5, clock=lambda: next(clock))
    for done in range(1, 7):
        progress(done, 10)
    assert writes == [(1, 10), (4, 10), (6, 10)]


def test_a_failing_count_is_recorded_on_the_run(voted, clerk, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(counting_bridge, "count", broken)
    run = results.start_count(voted, "greedy", "none", clerk)
    assert tasks.execute(run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "disk on fire" in run.error
    assert run.finished_at is not None
    with pytest.raises(ValidationError, match="finished"):
        results.publish(voted, run, clerk)


def test_a_run_is_counted_once(voted, clerk):
    run = results.start_count(voted, "greedy", "none", clerk)
    assert tasks.execute(run.pk) == RunStatus.DONE
    assert tasks.execute(run.pk) == "skipped"


def test_publish_is_final_and_audited(voted, clerk):
    greedy = results.start_count(voted, "greedy", "none", clerk)
    mes = results.start_count(voted, "mes_cost", "budget_increase_then_greedy", clerk)
    tasks.execute(greedy.pk)
    tasks.execute(mes.pk)
    results.publish(voted, CountRun.objects.get(pk=mes.pk), clerk)
    voted.refresh_from_db()
    assert voted.published_run_id == mes.pk
    assert voted.election.published_at is not None
    assert AuditEvent.objects.filter(model="voting.contest", action="published").exists()
    with pytest.raises(ValidationError, match="already published"):
        results.publish(voted, CountRun.objects.get(pk=greedy.pk), clerk)


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_count(guro, clerk):
    election = make_vote(guro)
    contest = contest_of(election)
    for choices in (["P1"], ["P1", "P2"], ["P3"]):
        services.cast_ballot(contest, make_voter(election), choices)
    close(election)
    run = results.start_count(contest, "mes_cost", "budget_increase_then_greedy", clerk)
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert run.result["winners"]
