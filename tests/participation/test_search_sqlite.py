"""The search on SQLite, the zero-setup demo database: the same function, its plain
icontains branch, run against a temporary SQLite database added to django.db.connections
(migrated like the demo's) while the rest of the suite stays on PostgreSQL."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from hyeopchi.participation import search
from hyeopchi.participation.models import Proposal, SearchEntry

from .search_helpers import agenda, district, forum, proposal

ALIAS = "search_sqlite"


class _AllTo:
    def __init__(self, alias: str) -> None:
        self.alias = alias

    def db_for_read(self, model, **hints):
        return self.alias

    def db_for_write(self, model, **hints):
        return self.alias


@pytest.fixture(scope="module")
def sqlite(django_db_blocker, tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "demo.sqlite3"
    wanted = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    both = {"default": copy.deepcopy(connections.settings["default"]), ALIAS: wanted}
    connections.settings[ALIAS] = connections.configure_settings(both)[ALIAS]
    with django_db_blocker.unblock():
        # data migrations that write through the default manager land there too
        with override_settings(DATABASE_ROUTERS=[_AllTo(ALIAS)]):
            call_command("migrate", database=ALIAS, verbosity=0, interactive=False)
        assert connections[ALIAS].vendor == "sqlite"
        yield ALIAS
        connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


def test_bohaeng_finds_the_stream_walkway_on_sqlite(sqlite):
    proposal("◦◦천 보행환경 개선", day=dt.date(2020, 4, 1), using=sqlite)
    proposal("주차장 확충", problem="골목 보행이 불편", day=dt.date(2020, 6, 1), using=sqlite)
    agenda("보행 친화 거리", where=district("은평구", using=sqlite), using=sqlite)
    forum("열린 공론장", ideas=("통학로 보행 안전",), using=sqlite)
    results = search.search("보행", using=sqlite)
    assert [(h.kind, h.title, h.title_match) for h in results.hits] == [
        ("agenda", "보행 친화 거리", True),
        ("proposal", "◦◦천 보행환경 개선", True),
        ("proposal", "주차장 확충", False),
        ("forum", "열린 공론장", False),
    ]
    assert results.hits[1].day == dt.date(2020, 4, 1)
    assert str(results.hits[3].snippet) == "통학로 보행 안전"
    # the PostgreSQL index is not used (nor filled) here
    assert SearchEntry.objects.using(sqlite).count() == 0
    assert Proposal.objects.using(sqlite).count() == 2

    only_guro = search.search("보행", district=district(using=sqlite), using=sqlite)
    assert "보행 친화 거리" not in [h.title for h in only_guro.hits]
    forums = search.search("보행", kinds=["forum"], using=sqlite)
    assert [h.title for h in forums.hits] == ["열린 공론장"]
    assert search.search("보행환경", using=sqlite).total == 1
    assert search.search("100%", using=sqlite).total == 0  # % is literal
