"""The 25 autonomous districts (자치구) with their standard codes, from core/data."""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "districts.csv"


def load_districts(District) -> None:  # the model class, historical or current
    with DATA.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            District.objects.update_or_create(code=row["code"], defaults=row)
