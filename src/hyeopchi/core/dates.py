"""Korean date formatting in Asia/Seoul."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

WEEKDAYS_KO = "월화수목금토일"


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_date(value: dt.date | dt.datetime | None, language: str | None = None) -> str:
    """2017년 6월 26일(월) in Korean, Mon 26 Jun 2017 in English."""
    if value is None:
        return ""
    value = _local(value)
    language = language or translation.get_language() or "ko"
    if language.startswith("ko"):
        return f"{value.year}년 {value.month}월 {value.day}일({WEEKDAYS_KO[value.weekday()]})"
    return value.strftime("%a %d %b %Y").lstrip("0")


def format_datetime(value: dt.datetime | None, language: str | None = None) -> str:
    """2017년 6월 26일(월) 15:00 (Seoul time)."""
    if value is None:
        return ""
    value = _local(value)
    return f"{format_date(value, language)} {value:%H:%M}"


def format_short_date(value: dt.date | dt.datetime | None) -> str:
    """'17. 6. 26(월), the short form used in meeting packages."""
    if value is None:
        return ""
    value = _local(value)
    return f"'{value:%y}. {value.month}. {value.day}({WEEKDAYS_KO[value.weekday()]})"
