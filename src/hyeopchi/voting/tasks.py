"""Background counting: the ``run_count`` task (Django's Tasks API, django-tasks backport).

A worker process (``django-admin db_worker``) picks the task up from the database; the web
server only enqueues it, so ballot intake never waits for a count. The task reads the
contest's ballots (``services.ballots_for_count``), runs the rule from ``counting`` with a
progress callback, and stores the result on the ``CountRun``.

Progress is written with a plain UPDATE outside any transaction (the task runs in
autocommit), at most every ``PROGRESS_INTERVAL`` seconds, so other connections — the
progress bar's poll — see it at once.
"""

from __future__ import annotations

import logging
import time
import traceback

from django.utils import timezone
from django_tasks import task

from . import counting_bridge, services
from .models import Contest, CountRun, RunStatus

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5  # seconds between two progress writes


class ProgressWriter:
    """A progress callback ``(done, total)`` that writes at most every ``interval`` s."""

    def __init__(self, run_id: int, interval: float = PROGRESS_INTERVAL, clock=time.monotonic):
        self.run_id = run_id
        self.interval = interval
        self.clock = clock
        self.last = None
        self.written: tuple[int, int] | None = None

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if self.last is not None and now - self.last < self.interval and done < total:
            return
        self.write(done, total)
        self.last = now

    def write(self, done: int, total: int) -> None:
        done, total = max(0, int(done)), max(0, int(total))
        if self.written is not None and (done, total) <= self.written and total == self.written[1]:
            return  # never go backwards
        CountRun.objects.filter(pk=self.run_id).update(progress_done=done, progress_total=total)
        self.written = (done, total)


def execute(count_run_id: int) -> str:
    """Run one count; the task's body (callable directly in tests)."""
    claimed = CountRun.objects.filter(
        pk=count_run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).update(status=RunStatus.RUNNING, started_at=timezone.now(), error="")
    if not claimed:
        return "skipped"
    run = CountRun.objects.select_related("contest").get(pk=count_run_id)
    progress = ProgressWriter(run.pk)
    try:
        contest: Contest = run.contest
        data = services.ballots_for_count(contest)
        result = counting_bridge.count(data, run.rule, run.completion, progress)
        done, total = progress.written or (0, 0)
        total = max(total, done, 1)
        CountRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            result=result,
            ballots_counted=int(result.get("voters", data.voters)),
            progress_done=total,
            progress_total=total,
            finished_at=timezone.now(),
        )
        return RunStatus.DONE
    except Exception as exc:  # a failed count is recorded on the run, not lost in a log
        logger.exception("count %s failed", count_run_id)
        CountRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(limit=8)}"[:5000],
            finished_at=timezone.now(),
        )
        return RunStatus.FAILED


@task()
def run_count(count_run_id: int) -> str:
    """Count a contest's ballots with the run's rule and store the result on the run."""
    return execute(count_run_id)
