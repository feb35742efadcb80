"""The districts migration fills the database it runs on, not always ``default``."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connections
from django.db.utils import load_backend

from hyeopchi.core.districts import load_districts
from hyeopchi.core.models import District

ALIAS = "districts_second"


@pytest.fixture
def second_database(tmp_path):
    """A second SQLite database under ALIAS for this test. The connection is handed to
    ``connections`` directly rather than through the settings, which is what lets a
    pytest-django test (allowed ``default`` only) open it."""
    configured = connections.configure_settings(
        {
            "default": dict(connections.settings["default"]),
            ALIAS: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "second.db")},
        }
    )
    connections[ALIAS] = load_backend(configured[ALIAS]["ENGINE"]).DatabaseWrapper(
        configured[ALIAS], ALIAS
    )
    try:
        yield ALIAS
    finally:
        connections[ALIAS].close()
        del connections[ALIAS]


@pytest.mark.django_db
def test_migrating_a_second_database_loads_its_districts(second_database):
    default_before = District.objects.count()
    call_command("migrate", "core", "0002", database=second_database, verbosity=0)
    second = District.objects.using(second_database)
    assert second.count() == 25
    assert second.get(code="11530").name_ko == "구로구"
    assert District.objects.count() == default_before == 25


@pytest.mark.django_db
def test_load_districts_writes_where_it_is_told(second_database):
    call_command("migrate", "core", "0002", database=second_database, verbosity=0)
    second = District.objects.using(second_database)
    second.filter(code="11530").update(name_en="renamed")
    load_districts(District)  # default only: the second database keeps its change
    assert second.get(code="11530").name_en == "renamed"
    load_districts(District, using=second_database)
    assert second.get(code="11530").name_en == "Guro-gu"
