"""Citizen participation at scale: 100,000 proposals, 1,000,000 supports and 10,000
forums (with 30,000 ideas) in PostgreSQL (``BENCH_PARTICIPATION_SCALE`` scales them);
server time of the public proposal list, a proposal page, the forum list and searches
(median and p95; target p95 < 150 ms), and the queries of list pages at page sizes 10 and
50 (they must not grow with the page).

The rows are loaded with COPY. While loading, triggers are off
(``session_replication_role = replica``): the search index is then written with COPY too,
its bigrams computed in Python by ``search.grams`` (the twin of the SQL
``hyeopchi_grams``, tested equal), instead of the per-row SQL function the triggers use.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import JSONField, Model
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hyeopchi.core.models import District
from hyeopchi.participation import search, views_proposals
from hyeopchi.participation.models import (
    Forum,
    ForumIdea,
    Proposal,
    ProposalStatus,
    SearchEntry,
    Support,
)

# BENCH_PARTICIPATION_SCALE=0.1 for a quick run with a tenth of the rows
SCALE = float(os.environ.get("BENCH_PARTICIPATION_SCALE", "1"))
PROPOSALS = int(100_000 * SCALE)
SUPPORTS = int(1_000_000 * SCALE)
FORUMS = int(10_000 * SCALE)
USERS = max(2_000, int(20_000 * SCALE))
SEOUL = ZoneInfo("Asia/Seoul")


def _words(text: str) -> list[str]:
    return text.split()


PLACES = _words("◦◦천 안양천 도림천 신도림역 구로디지털단지역 개봉역 고척돔 오류동 가리봉 항동")
SUBJECTS = _words(
    "보행환경 골목길 가로등 횡단보도 어린이보호구역 통학로 "
    "자전거도로 버스정류장 주차장 공원 놀이터 산책로 쓰레기 "
    "분리수거 경로당 도서관 청소년공간 공유주방 마을버스 CCTV "
    "방범 미세먼지 녹지 하천 소음 전통시장 상권 일자리 돌봄 반려동물"
)
ACTIONS = _words("개선 확충 정비 설치 조성 지원 안전 강화 개방 신설")
SENTENCES = [
    "주민들이 매일 지나다니는 길인데 불편이 큽니다.",
    "어린이와 어르신이 특히 위험을 느끼고 있습니다.",
    "밤에는 어두워서 다니기가 무섭다는 이야기가 많습니다.",
    "주말마다 사람이 몰려 혼잡하고 시설이 부족합니다.",
    "관리 주체가 분명하지 않아 민원이 반복되고 있습니다.",
    "이웃과 함께 쓸 수 있는 공간이 필요합니다.",
    "구청과 주민이 함께 계획을 세우면 좋겠습니다.",
    "비슷한 사례가 다른 자치구에서 좋은 성과를 냈습니다.",
    "예산이 많이 들지 않고 바로 시작할 수 있습니다.",
    "동 주민센터와 주민자치회가 함께 관리할 수 있습니다.",
]
STATUSES = (
    [ProposalStatus.GATHERING] * 50
    + [ProposalStatus.EXPIRED] * 30
    + [ProposalStatus.IN_REVIEW] * 5
    + [ProposalStatus.IN_DEBATE] * 5
    + [ProposalStatus.AWAITING_ANSWER] * 3
    + [ProposalStatus.ANSWERED] * 6
    + [ProposalStatus.WITHDRAWN] * 1
)


# ---------------------------------------------------------------- loading


def _columns(model: type[Model]) -> list:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def copy_rows(model: type[Model], rows: Iterable[dict]) -> int:
    """COPY ``rows`` (field name → value; defaults for the rest) into the model's table.
    Values go as they are (psycopg adapts them), except JSON, prepared by its field."""
    fields = _columns(model)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    prepared = [f for f in fields if isinstance(f, JSONField)]
    n = 0
    sql = f"COPY {model._meta.db_table} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            for f in prepared:
                if f.attname in row:
                    row[f.attname] = f.get_db_prep_save(row[f.attname], connection)
            copy.write_row([row.get(f.attname, defaults[f.attname]) for f in fields])
            n += 1
    return n


@contextmanager
def triggers_off() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(n))


def seed() -> dict:
    rng = random.Random(2020)
    started = time.perf_counter()
    districts = list(District.objects.order_by("code"))
    guro = next(d for d in districts if d.name_ko == "구로구")
    user_table = get_user_model()
    joined = dt.datetime(2019, 1, 1, tzinfo=SEOUL)
    with triggers_off():
        copy_rows(
            user_table,
            (
                {
                    "username": f"bench-resident-{i}",
                    "password": "!",
                    "date_joined": joined,
                    "is_active": True,
                }
                for i in range(USERS)
            ),
        )
        first_user = user_table.objects.order_by("pk").values_list("pk", flat=True)[0]
        # supports per proposal: most few, some many (one in a hundred passes 50)
        counts = [min(2000, int(rng.paretovariate(1.6) * 4)) for _ in range(PROPOSALS)]
        scale = SUPPORTS / sum(counts)
        counts = [min(USERS, round(c * scale)) for c in counts]
        step = 1 if sum(counts) < SUPPORTS else -1
        i = 0
        while sum(counts) != SUPPORTS:  # exactly SUPPORTS in all
            if 0 <= counts[i % PROPOSALS] + step <= USERS:
                counts[i % PROPOSALS] += step
            i += 1
        start = dt.datetime(2018, 1, 1, tzinfo=SEOUL)
        proposals = []
        for i in range(PROPOSALS):
            where = guro if i % 4 == 0 else districts[i % len(districts)]
            title = f"{rng.choice(PLACES)} {rng.choice(SUBJECTS)} {rng.choice(ACTIONS)}"
            if i == PROPOSALS // 2:
                title = "◦◦천 보행환경 개선"
            status = rng.choice(STATUSES)
            created = start + dt.timedelta(minutes=int(i * 15.7))
            proposals.append(
                {
                    "district_id": where.pk,
                    "dong": "",
                    "author_id": first_user + (i * 31) % USERS,
                    "policy_key": "guro-1st-street" if where == guro else "democracy-seoul",
                    "title": title,
                    "problem": _text(rng, 4),
                    "solution": _text(rng, 3),
                    "expected_effect": _text(rng, 1),
                    "category": "기타",
                    "status": status,
                    "created_at": created,
                    "support_count": counts[i],
                    "answer": _text(rng, 2) if status == ProposalStatus.ANSWERED else "",
                }
            )
        copy_rows(Proposal, proposals)
        first_proposal = Proposal.objects.order_by("pk").values_list("pk", flat=True)[0]
        copy_rows(
            Support,
            (
                {
                    "proposal_id": first_proposal + i,
                    "user_id": first_user + (i * 7919 + k * 104729) % USERS,
                    "created_at": proposals[i]["created_at"] + dt.timedelta(hours=k),
                }
                for i, c in enumerate(counts)
                for k in range(c)
            ),
        )
        forum_types = ["open", "subcommittee", "regional", "dong", "generation", "workshop"]
        forums = []
        for i in range(FORUMS):
            where = districts[i % len(districts)]
            forums.append(
                {
                    "district_id": where.pk,
                    "title": f"{2018 + i % 3}년 {rng.choice(SUBJECTS)} 공론장 {i}",
                    "type": rng.choice(forum_types),
                    "held_on": dt.date(2018, 1, 1) + dt.timedelta(days=i % 1000),
                    "place": f"{rng.choice(PLACES)} 주민센터",
                    "summary": _text(rng, 3),
                    "participants": {"gender": {"female": 12, "male": 9}},
                    "participants_total": 21,
                    # One record in a hundred is a draft the public does not see.
                    "published_at": None if i % 100 == 99 else joined,
                }
            )
        copy_rows(Forum, forums)
        first_forum = Forum.objects.order_by("pk").values_list("pk", flat=True)[0]
        ideas = [
            {"forum_id": first_forum + i, "text": f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)}"}
            for i in range(FORUMS)
            for _ in range(3)
        ]
        copy_rows(ForumIdea, ideas)
        ideas_of: dict[int, list[str]] = {}
        for idea in ideas:
            ideas_of.setdefault(idea["forum_id"], []).append(idea["text"])
        copy_rows(SearchEntry, _entries(proposals, first_proposal, forums, first_forum, ideas_of))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"seeded {PROPOSALS:,} proposals, {SUPPORTS:,} supports, {FORUMS:,} forums, "
        f"{len(ideas):,} ideas, {USERS:,} residents in {time.perf_counter() - started:.0f} s"
    )
    popular = max(range(PROPOSALS), key=lambda i: counts[i])
    return {"popular": first_proposal + popular, "median": first_proposal + PROPOSALS // 3}


def _entries(proposals, first_proposal, forums, first_forum, ideas_of) -> Iterator[dict]:
    for i, p in enumerate(proposals):
        body = "\n".join(
            t for t in (p["dong"], p["problem"], p["solution"], p["expected_effect"]) if t
        )
        yield {
            "kind": "proposal",
            "object_id": first_proposal + i,
            "district_id": p["district_id"],
            "day": p["created_at"].astimezone(SEOUL).date(),
            "title": p["title"],
            "body": body,
            "title_grams": search.grams(p["title"]),
            "body_grams": search.grams(body),
        }
    for i, f in enumerate(forums):
        body = "\n".join([f["place"], f["summary"], *ideas_of.get(first_forum + i, [])])
        yield {
            "kind": "forum",
            "object_id": first_forum + i,
            "district_id": f["district_id"],
            "day": f["held_on"],
            "title": f["title"],
            "body": body,
            "title_grams": search.grams(f["title"]),
            "body_grams": search.grams(body),
        }


def _check_index_matches_triggers() -> None:
    """The bulk-loaded index equals what the triggers would have written."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT * FROM participation_searchentry ORDER BY random() "
            "LIMIT 200) e WHERE e.title_grams <> hyeopchi_grams(e.title) "
            "OR e.body_grams <> hyeopchi_grams(e.body)"
        )
        (wrong,) = cursor.fetchone()
    print(f"search index: 200 sampled entries, {wrong} differ from hyeopchi_grams()")


# ---------------------------------------------------------------- measuring


def _get(client: Client, url: str, **params) -> None:
    response = client.get(url, params)
    if response.status_code != 200:
        raise SystemExit(f"{url} {params}: HTTP {response.status_code}")


def _queries(client: Client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        _get(client, url, **params)
    return len(ctx.captured_queries)


def run(measure) -> None:
    ids = seed()
    _check_index_matches_triggers()
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    guro = District.objects.get(name_ko="구로구").code
    measure(
        f"page: public proposal list ({PROPOSALS:,} proposals)", lambda: _get(client, "/proposals/")
    )
    measure(
        "page: proposal list, 구로구, page 50",
        lambda: _get(client, "/proposals/", district=guro, page=50),
    )
    measure(
        "page: proposal list, in debate",
        lambda: _get(client, "/proposals/", status="in_debate"),
    )
    popular, median = ids["popular"], ids["median"]
    measure(
        f"page: most supported proposal ({Proposal.objects.get(pk=popular).support_count:,})",
        lambda: _get(client, f"/proposals/{popular}/"),
    )
    measure("page: a proposal", lambda: _get(client, f"/proposals/{median}/"))
    measure(f"page: forum list ({FORUMS:,} forums)", lambda: _get(client, "/forums/"))
    for q, note in [
        ("보행", "2 syllables, in 4% of titles"),
        ("보행환경", "4 syllables, in 4% of titles"),
        ("도림천 보행", "two words"),
        ("주민", "in almost every text, no title"),
        ("공론장", "in every forum title"),
        ("없는말이다", "nothing found"),
    ]:
        measure(f"page: search “{q}” ({note})", lambda q=q: _get(client, "/search/", q=q))
    measure(
        "api: /api/v1/search?q=주민센터&limit=50",
        lambda: _get(client, "/api/v1/search", q="주민센터", limit=50),
    )
    measure(
        "api: /api/v1/proposals?limit=50",
        lambda: _get(client, "/api/v1/proposals", limit=50),
    )

    print("queries per list page by page size (must not grow):")
    original = views_proposals.PAGE_SIZE
    try:
        sizes = {}
        for size in (10, 50):
            views_proposals.PAGE_SIZE = size
            sizes[size] = _queries(client, "/proposals/")
        print(f"  page /proposals/: {sizes[10]} queries at 10 rows, {sizes[50]} at 50 rows")
    finally:
        views_proposals.PAGE_SIZE = original
    for url, params in [
        ("/api/v1/proposals", {}),
        ("/api/v1/forums", {}),
        ("/api/v1/search", {"q": "주민"}),
    ]:
        small = _queries(client, url, limit=10, **params)
        large = _queries(client, url, limit=50, **params)
        print(f"  api {url}: {small} queries at limit=10, {large} at limit=50")
    small = _queries(client, "/search/", q="주민")
    print(f"  page /search/ (20 rows): {small} queries")
