"""Helpers of the search tests: proposals, agendas and forums written straight to the
database (search reads whatever is there, however it got there)."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from hyeopchi.core.models import District
from hyeopchi.participation.models import Agenda, Forum, ForumIdea, Proposal

SEOUL = ZoneInfo("Asia/Seoul")
_n = itertools.count(1)


def author(using: str = "default"):
    return get_user_model().objects.db_manager(using).create_user(f"searcher{next(_n)}")


def district(name: str = "구로구", using: str = "default") -> District:
    return District.objects.using(using).get(name_ko=name)


def proposal(
    title: str,
    problem: str = "문제가 있습니다.",
    solution: str = "해결합시다.",
    day: dt.date = dt.date(2020, 5, 1),
    where: District | None = None,
    using: str = "default",
    **kw,
) -> Proposal:
    p = Proposal.objects.using(using).create(
        district=where or district(using=using),
        author=kw.pop("by", None) or author(using),
        policy_key="guro-1st-street",
        title=title,
        problem=problem,
        solution=solution,
        category="기타",
        **kw,
    )
    # created_at is auto_now_add: set the day the test wants
    moment = dt.datetime(day.year, day.month, day.day, 10, tzinfo=SEOUL)
    Proposal.objects.using(using).filter(pk=p.pk).update(created_at=moment)
    p.created_at = moment
    return p


def agenda(
    title: str,
    description: str = "",
    where: District | None = None,
    using: str = "default",
    **kw,
) -> Agenda:
    return Agenda.objects.using(using).create(
        district=where or district(using=using),
        year=2020,
        title=title,
        description=description,
        **kw,
    )


def forum(
    title: str,
    summary: str = "",
    ideas: tuple[str, ...] = (),
    day: dt.date = dt.date(2020, 3, 14),
    where: District | None = None,
    using: str = "default",
    published: bool = True,
) -> Forum:
    f = Forum.objects.using(using).create(
        district=where or district(using=using),
        title=title,
        type="open",
        held_on=day,
        summary=summary,
        published_at=timezone.now() if published else None,
    )
    ForumIdea.objects.using(using).bulk_create(ForumIdea(forum=f, text=t) for t in ideas)
    return f
