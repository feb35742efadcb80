"""Ballot intake under load: the real server set-up on loopback, printed figures.

Starts gunicorn (gthread workers) against the benchmark's scratch test database, seeds an
open vote with one knapsack ballot and N verified voters with ballot passes, then
offers ballots at a fixed rate from a pool of client threads (open loop: each request has
a due time, and latency is measured from that due time, so a server that falls behind
shows it). Every first ballot comes from a distinct voter; a share of the requests are
deliberate duplicates by voters who already submitted (some at the same moment as their
first ballot, some later), which must all be refused.

Afterwards the database is compared with what the clients were told: a voter who got
201 must have exactly one ballot (else *lost*), and no voter may have more than one
counted ballot or two acknowledgements (else *duplicated*).

Environment:
  BENCH_INTAKE_SECONDS     duration of the load (default 60)
  BENCH_INTAKE_RATE        first ballots offered per second (default 320)
  BENCH_INTAKE_DUPLICATES  extra duplicate requests, as a share of first ballots (0.05)
  BENCH_INTAKE_WORKERS     gunicorn worker processes (default 2: one per core)
  BENCH_INTAKE_THREADS     threads per worker (default 4)
  BENCH_INTAKE_WORKER_CLASS  gunicorn worker class (default gthread, keeps connections
                           alive; sync closes each connection and was slower here)
  BENCH_INTAKE_CLIENTS     client threads of the load generator (default 48)
  BENCH_INTAKE_AUTH        how voters authenticate: pass (signed ballot pass, default) or
                           token (personal API token: two more queries per ballot)
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from hyeopchi.core.models import ApiToken, District
from hyeopchi.core.tokens import PREFIX, hash_secret
from hyeopchi.voting import services
from hyeopchi.voting.models import Ballot, Contest, Participation, Verification, Voter

ROOT = Path(__file__).resolve().parents[1]


def _env(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass(frozen=True)
class Planned:
    due: float  # seconds after the start
    voter: int
    duplicate: bool


@dataclass
class Outcome:
    voter: int
    duplicate: bool
    status: int  # 0: no answer (connection failed)
    latency_ms: float  # from the due time (includes any queueing behind schedule)
    service_ms: float  # from sending the request
    done: float  # seconds after the start
    detail: str = ""


# ---------------------------------------------------------------- set-up


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{s['NAME']}"


def seed(voters: int, auth: str = "pass") -> tuple[Contest, list[dict[str, str]], list[int]]:
    """An open Guro vote (knapsack, 10 projects of 1억, budget 10억) and ``voters``
    verified voters, each with a ballot pass (or an API token); returns the contest, each
    voter's authentication header and their roll entries' ids."""
    guro = District.objects.get(name_ko="구로구")
    now = timezone.now()
    election = services.create_election(
        title="벤치마크 주민참여예산 투표",
        district=guro,
        policy_key="district-pb",
        opens_at=now + timezone.timedelta(minutes=1),
        closes_at=now + timezone.timedelta(days=1),
        budgets={"pb": 1_000_000_000},
    )
    contest = election.contests.get()
    before = election.opens_at - timezone.timedelta(seconds=30)
    for i in range(10):
        services.add_project(
            contest, code=f"P{i:02d}", title=f"사업 {i}", cost=100_000_000, now=before
        )
    election.opens_at = now - timezone.timedelta(hours=1)  # now open
    election.save(update_fields=["opens_at"])

    User = get_user_model()
    stamp = secrets.token_hex(3)
    users = User.objects.bulk_create(
        [User(username=f"bench-{stamp}-{i:06d}", password="!") for i in range(voters)],
        batch_size=5000,
    )
    roll = Voter.objects.bulk_create(
        [
            Voter(
                election=election,
                user=u,
                district=guro,
                birth_year=1960 + i % 45,
                verification=Verification.ROLL_IMPORT,
                verified=True,
            )
            for i, u in enumerate(users)
        ],
        batch_size=5000,
    )
    if auth == "token":
        secrets_ = [PREFIX + secrets.token_urlsafe(30) for _u in users]
        ApiToken.objects.bulk_create(
            [
                ApiToken(user=u, name="bench", key_hash=hash_secret(t), prefix=t[:8])
                for u, t in zip(users, secrets_, strict=True)
            ],
            batch_size=5000,
        )
        headers = [{"Authorization": f"Bearer {t}"} for t in secrets_]
    else:
        for v in roll:
            v.election = election
        headers = [{"X-Ballot-Pass": services.ballot_pass(v)[0]} for v in roll]
    contest = Contest.objects.select_related("election").get(pk=contest.pk)
    return contest, headers, [v.pk for v in roll]


def start_server(port: int, workers: int, threads: int, log, worker_class: str = "sync"):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "600",
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "hyeopchi.settings"),
    }
    command = [
        sys.executable, "-m", "gunicorn", "hyeopchi.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", worker_class,
        "--threads", str(threads),
        "--keep-alive", "75",
        "--backlog", "2048",
        "--preload",
        "--log-level", "warning",
    ]  # fmt: skip
    # Refused ballots are logged by django.request as warnings: keep them out of the report.
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


def wait_ready(port: int, path: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM to the gunicorn master, which stops its workers; SIGKILL after 30 s."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# ---------------------------------------------------------------- CPU accounting (Linux)


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _family(root: int) -> list[int]:
    """``root`` and its children (gunicorn workers, PostgreSQL backends)."""
    pids = [root]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == root:
                pids.append(int(entry.name))
    return pids


def _postmaster_pid() -> int | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            data = Path(cursor.fetchone()[0])
        return int((data / "postmaster.pid").read_text().split()[0])
    except Exception:  # not a superuser, or another machine: no database figure
        return None


class CpuMeter:
    """CPU time used by the server, the database and this process between start and stop."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid, self.db_pid = server_pid, _postmaster_pid()

    def _sample(self) -> tuple[float, float, float]:
        server = sum(_cpu_seconds(p) for p in _family(self.server_pid))
        db = sum(_cpu_seconds(p) for p in _family(self.db_pid)) if self.db_pid else 0.0
        return server, db, time.process_time()

    def start(self) -> None:
        self.before = self._sample()

    def stop(self) -> tuple[float, float, float]:
        after = self._sample()
        return tuple(a - b for a, b in zip(after, self.before, strict=True))  # type: ignore[return-value]


# ---------------------------------------------------------------- load


def plan(voters: int, rate: float, duplicate_share: float, rng: random.Random) -> list[Planned]:
    """First ballots of voters 0..n-1 evenly at ``rate``; duplicates mixed in, half at
    the same moment as the voter's first ballot (racing it), half 0.2–3 s later."""
    items = [Planned(i / rate, i, False) for i in range(voters)]
    end = (voters - 1) / rate
    for _k in range(round(voters * duplicate_share)):
        target = rng.randrange(voters)
        delay = 0.0 if rng.random() < 0.5 else rng.uniform(0.2, 3.0)
        due = target / rate + delay
        if due > end:  # keep the schedule within the run: a later voter's duplicate
            target = rng.randrange(max(1, voters - round(3.0 * rate)))
            due = target / rate + delay
        items.append(Planned(min(due, end), target, True))
    items.sort(key=lambda p: p.due)
    return items


def ballot_body(rng: random.Random) -> bytes:
    codes = rng.sample([f"P{i:02d}" for i in range(10)], rng.randint(1, 4))
    return json.dumps({"choices": codes}).encode()


def load(
    port: int, path: str, auth: list[dict[str, str]], schedule: list[Planned], clients: int
) -> tuple[list[Outcome], float, int]:
    """Send the schedule from ``clients`` threads; returns outcomes, elapsed, reconnects."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    counter = itertools.count()
    reconnects = Counter()
    start = time.perf_counter() + 0.5

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[Outcome] = []
        while True:
            index = next(counter)
            if index >= len(schedule):
                break
            item = schedule[index]
            due = start + item.due
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            body = ballot_body(rng)
            headers = {
                "Content-Type": "application/json",
                "Accept-Language": "en",
                **auth[item.voter],
            }
            status, detail = 0, ""
            sent = time.perf_counter()
            for attempt in range(2):
                try:
                    conn.request("POST", path, body=body, headers=headers)
                    response = conn.getresponse()
                    status, payload = response.status, response.read()
                    if status != 201:
                        detail = payload[:200].decode("utf-8", "replace")
                    break
                except (http.client.HTTPException, OSError) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    reconnects[threading.get_ident()] += 1
                    detail = repr(exc)
                    if attempt:
                        status = 0
            done = time.perf_counter()
            mine.append(
                Outcome(
                    item.voter,
                    item.duplicate,
                    status,
                    (done - due) * 1000,
                    (done - sent) * 1000,
                    done - start,
                    detail,
                )
            )
        conn.close()
        with lock:
            outcomes.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return outcomes, elapsed, sum(reconnects.values())


def percentile(samples: list[float], p: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


# ---------------------------------------------------------------- report


def run(measure) -> None:
    seconds = _env("BENCH_INTAKE_SECONDS", 60)
    rate = _env("BENCH_INTAKE_RATE", 320)
    duplicate_share = _env("BENCH_INTAKE_DUPLICATES", 0.05)
    worker_class = os.environ.get("BENCH_INTAKE_WORKER_CLASS", "gthread")
    workers = int(_env("BENCH_INTAKE_WORKERS", 2))
    threads = int(_env("BENCH_INTAKE_THREADS", 4))
    clients = int(_env("BENCH_INTAKE_CLIENTS", 48))
    auth = os.environ.get("BENCH_INTAKE_AUTH", "pass")
    voters = max(1, round(rate * seconds))
    rng = random.Random(2020)

    auth_label = {"pass": "ballot passes", "token": "API tokens"}
    t0 = time.perf_counter()
    contest, headers, voter_pks = seed(voters, auth)
    print(
        f"voting intake: seeded {voters:,} voters with {auth_label[auth]} in "
        f"{time.perf_counter() - t0:.1f} s; gunicorn {workers} {worker_class} workers × "
        f"{threads} threads, {clients} client threads, {os.cpu_count()} CPUs"
    )
    measure(
        "voting: validate_ballot (knapsack, 10 projects)",
        lambda: services.validate_ballot(contest, ["P03", "P01", "P07"]),
        runs=200,
    )

    port = _free_port()
    path = f"/api/v1/voting/contests/{contest.pk}/ballots"
    with tempfile.TemporaryFile() as log:
        server = start_server(port, workers, threads, log, worker_class)
        try:
            wait_ready(port, f"/api/v1/voting/contests/{contest.pk}", server)
            # warm every worker's connection and imports on a public read
            for _i in range(workers * threads * 2):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", f"/api/v1/voting/contests/{contest.pk}")
                conn.getresponse().read()
                conn.close()
            schedule = plan(voters, rate, duplicate_share, rng)
            meter = CpuMeter(server.pid)
            meter.start()
            outcomes, elapsed, reconnects = load(port, path, headers, schedule, clients)
            cpu_server, cpu_db, cpu_client = meter.stop()
        except Exception:
            log.seek(0)
            print(log.read()[-3000:].decode("utf-8", "replace"))
            raise
        finally:
            stop_server(server)

    statuses = Counter(o.status for o in outcomes)
    accepted = [o for o in outcomes if o.status == 201]
    acked = Counter(o.voter for o in accepted)
    duplicates_sent = sum(1 for o in outcomes if o.duplicate)
    refused_as_duplicate = sum(
        1 for o in outcomes if o.status == 422 and "already voted" in o.detail
    )
    other_errors = [o for o in outcomes if o.status not in (201, 422)]
    stored_voters = set(
        Participation.objects.filter(contest=contest).values_list("voter_id", flat=True)
    )
    ballots = Ballot.objects.filter(contest=contest, superseded=False).count()
    acked_ids = {voter_pks[v] for v in acked}
    lost = len(acked_ids - stored_voters) + max(0, len(stored_voters) - ballots)
    duplicated = max(0, ballots - len(stored_voters)) + sum(1 for n in acked.values() if n > 1)
    unacknowledged = len(stored_voters - acked_ids)

    latencies = [o.latency_ms for o in outcomes if o.status]
    service = [o.service_ms for o in outcomes if o.status]
    accepted_latency = [o.latency_ms for o in accepted]
    span = max((o.done for o in outcomes), default=elapsed)
    print(
        f"voting intake: {len(outcomes):,} requests in {span:.1f} s = "
        f"{len(outcomes) / span:.0f} req/s (offered {rate * (1 + duplicate_share):.0f}/s for "
        f"{seconds:.0f} s); {len(accepted):,} ballots accepted = "
        f"{len(accepted) / span:.0f} ballots/s"
    )
    print(
        f"voting intake latency (from due time), all answers: p50 {percentile(latencies, 50):.1f}"
        f" ms  p95 {percentile(latencies, 95):.1f} ms  p99 {percentile(latencies, 99):.1f} ms"
        f"  max {max(latencies, default=float('nan')):.1f} ms"
    )
    print(
        f"voting intake latency, accepted ballots: p50 {percentile(accepted_latency, 50):.1f} ms"
        f"  p95 {percentile(accepted_latency, 95):.1f} ms"
        f"  p99 {percentile(accepted_latency, 99):.1f} ms;"
        f"  server time p99 {percentile(service, 99):.1f} ms"
    )
    print(
        f"voting intake statuses: {dict(sorted(statuses.items()))}; duplicates sent "
        f"{duplicates_sent:,}, refused as 'already voted' {refused_as_duplicate:,}; "
        f"reconnects {reconnects}"
    )
    per = 1000 / max(1, len(outcomes))
    print(
        f"voting intake CPU per request: server {cpu_server * per:.2f} ms, database "
        f"{cpu_db * per:.2f} ms, load generator {cpu_client * per:.2f} ms "
        f"(machine load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    for o in other_errors[:5]:
        print(f"  unexpected answer {o.status}: {o.detail[:160]}")
    print(
        f"voting intake check: {ballots:,} ballots stored for {len(acked_ids):,} voters "
        f"told 201; lost {lost}, duplicated {duplicated}, stored but unacknowledged "
        f"{unacknowledged}"
    )
    measure(
        f"voting: ballots_for_count over {ballots:,} ballots",
        lambda: services.ballots_for_count(contest),
        runs=5,
    )
