"""The 25 autonomous districts (자치구) with their standard codes, from core/data."""

import csv
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS

DATA = Path(__file__).resolve().parent / "data" / "districts.csv"


def load_districts(District, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create or update the districts in database ``using`` (a migration passes the alias
    it runs on); ``District`` is the model class, historical or current."""
    manager = District.objects.db_manager(using)
    with DATA.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            manager.update_or_create(code=row["code"], defaults=row)
