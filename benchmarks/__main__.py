"""`make bench`: performance figures, printed, never asserted.

Runs against the database in DATABASE_URL (make bench starts a throw-away PostgreSQL),
inside a scratch test database that is created and dropped here.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hyeopchi.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def measure(label: str, fn: Callable[[], object], runs: int = 30) -> None:
    fn()  # warm up caches and connections
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    print(f"{label:<58} median {statistics.median(samples):8.2f} ms   p95 {p95:8.2f} ms")


def main() -> None:
    from . import bodies_bench, participation_bench, plans_bench, voting_bench, voting_intake_bench

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor}")
        bodies_bench.run(measure)
        voting_bench.run(measure)
        voting_intake_bench.run(measure)
        participation_bench.run(measure)
        plans_bench.run(measure)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
