"""Helpers of the forum tests: record a forum through the service, as staff would."""

from __future__ import annotations

import datetime as dt

from hyeopchi.participation import forum_services
from hyeopchi.participation.models import Forum


def record_forum(
    district,
    *,
    title: str = "열린 공론장",
    type: str = "open",
    held_on: dt.date = dt.date(2020, 2, 15),
    total: int | None = 10,
    breakdowns: dict | None = None,
    ideas=None,
    actor=None,
    published: bool = True,
    **fields,
) -> Forum:
    """A forum recorded as staff would, then published unless ``published=False``."""
    forum = Forum(district=district, title=title, type=type, held_on=held_on, **fields)
    forum_services.save_forum(
        forum, total=total, breakdowns=breakdowns or {}, ideas=ideas, actor=actor
    )
    if published:
        forum_services.publish_forum(forum, actor)
    return forum
