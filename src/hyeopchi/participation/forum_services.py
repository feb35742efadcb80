"""What the UI and the API do to forum records (공론장) and the process-management DB.

A district's secretariat records each forum once; those records are its 과정관리DB: the
quarterly XLSX sheet for the city and the process statistics are read from them, never
retyped. Rules (counts, quarters, statistics) live in :mod:`forum_rules`; this module
loads, validates, saves and records each change in the audit history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hyeopchi.bodies.models import Body
from hyeopchi.core import audit
from hyeopchi.core.models import AuditEvent, District
from hyeopchi.core.permissions import Action, actor_for, user_can
from hyeopchi.core.policy import policies

from . import forum_export
from .forum_policy import ForumRecordPolicy
from .forum_rules import (
    ForumFact,
    ProcessStats,
    Quarter,
    QuarterStatus,
    check_counts,
    compare_districts,
    process_stats,
    quarter_statuses,
    split_ideas,
)
from .models import Agenda, AgendaSource, Forum, ForumIdea, ForumType

POLICY_KIND = "forum_record_policy"
EXPORT_ACTION = "process DB exported"
PUBLISH_ACTION = "published"
EARLIEST_DAY = dt.date(2000, 1, 1)

audit.ACTION_LABELS.update({EXPORT_ACTION: gettext_lazy("process DB exported")})

BREAKDOWN_LABELS = {
    "sector": gettext_lazy("sector"),
    "gender": gettext_lazy("gender"),
    "age": gettext_lazy("age band"),
}


# ---------------------------------------------------------------- policy


def record_policies() -> list[ForumRecordPolicy]:
    found = [f.document for f in policies().of_kind(POLICY_KIND)]
    return sorted(found, key=lambda p: p.effective_from)  # type: ignore[attr-defined]


def record_policy(day: dt.date | None = None) -> ForumRecordPolicy:
    """The forum-record policy in force on ``day`` (today in Seoul when left out); before
    the first one takes effect, the first one."""
    found = record_policies()
    if not found:
        raise LookupError("no forum_record_policy under the policy directory")
    day = day or timezone.localdate()
    in_force = [p for p in found if p.effective_from <= day]
    return in_force[-1] if in_force else found[0]


def breakdown_keys(policy: ForumRecordPolicy) -> dict[str, list[str]]:
    return {name: [c.key for c in choices] for name, choices in policy.breakdowns().items()}


def breakdown_labels() -> dict[str, str]:
    return {name: str(label) for name, label in BREAKDOWN_LABELS.items()}


def stage_label(key: str, policy: ForumRecordPolicy | None = None) -> str:
    if not key:
        return ""
    for candidate in [policy] if policy else reversed(record_policies()):
        stage = candidate.stage(key) if candidate else None
        if stage is not None:
            return stage.label
    return key


# ---------------------------------------------------------------- saving


def _validate(forum: Forum, policy: ForumRecordPolicy, errors: dict[str, list[str]]) -> None:
    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    forum.title = (forum.title or "").strip()
    for name in ("place", "facilitation"):
        setattr(forum, name, (getattr(forum, name) or "").strip())
    forum.summary = (forum.summary or "").strip()
    if not forum.title:
        add("title", _("Give the forum a title."))
    if forum.type not in ForumType.values:
        add("type", _("Choose one of the forum types."))
    if forum.stage and policy.stage(forum.stage) is None:
        add("stage", _("Choose one of the plan stages, or leave it empty."))
    if forum.held_on is None:
        add("held_on", _("Enter the date of the forum."))
    else:
        latest = timezone.localdate() + dt.timedelta(days=366)
        if not EARLIEST_DAY <= forum.held_on <= latest:
            add(
                "held_on",
                _("Enter a date between %(first)s and %(last)s.")
                % {"first": EARLIEST_DAY.isoformat(), "last": latest.isoformat()},
            )
    if forum.organiser_id is not None:
        organiser = Body.objects.filter(pk=forum.organiser_id).only("district_id").first()
        if organiser is None:
            add("organiser", _("No body with id %(id)s.") % {"id": forum.organiser_id})
        elif organiser.district_id != forum.district_id:
            add("organiser", _("The organising body must be one of the district's bodies."))


def _sync_ideas(forum: Forum, wanted: list[str], errors: dict[str, list[str]]):
    """Plan the ideas' changes: (texts to create, ideas to delete); an idea an agenda was
    made from cannot be removed."""
    existing = list(forum.ideas.order_by("id")) if forum.pk else []
    texts = {idea.text for idea in existing}
    removed = [idea for idea in existing if idea.text not in wanted]
    linked = set(
        AgendaSource.objects.filter(forum_idea__in=removed).values_list("forum_idea_id", flat=True)
    )
    for idea in removed:
        if idea.pk in linked:
            errors.setdefault("ideas", []).append(
                _(
                    "“%(idea)s” is the source of an agenda and cannot be removed; "
                    "keep it in the list."
                )
                % {"idea": idea.text}
            )
    return [text for text in wanted if text not in texts], removed


def save_forum(
    forum: Forum,
    *,
    total: int | None,
    breakdowns: Mapping[str, Mapping[str, int | None]],
    ideas: str | Sequence[str] | None = None,
    actor=None,
    reason: str = "",
) -> Forum:
    """Validate and save a forum record with its participant counts and (unless ``ideas``
    is None) its outputs, one idea per line or item; one audit event per save.

    Raises ValidationError with messages by field (``total``, ``sector``, ``gender``,
    ``age``, ``ideas`` and the model's fields); nothing is saved then.
    """
    policy = record_policy(forum.held_on)
    errors: dict[str, list[str]] = {}
    counts = check_counts(total, breakdowns, breakdown_keys(policy), breakdown_labels())
    errors.update(counts.errors)
    _validate(forum, policy, errors)
    wanted: list[str] | None = None
    if ideas is not None:
        text = ideas if isinstance(ideas, str) else "\n".join(str(i) for i in ideas)
        wanted, problems = split_ideas(text)
        if problems:
            errors.setdefault("ideas", []).extend(problems)
    with transaction.atomic():
        to_create: list[str] = []
        to_delete: list[ForumIdea] = []
        if wanted is not None:
            to_create, to_delete = _sync_ideas(forum, wanted, errors)
        if errors:
            raise ValidationError(errors)
        forum.participants_total = counts.total or 0
        forum.participants = counts.participants
        creating = forum.pk is None
        before = {} if creating else audit.snapshot(Forum.objects.get(pk=forum.pk))
        old_ideas = (
            [] if creating else list(forum.ideas.order_by("id").values_list("text", flat=True))
        )
        if creating and actor is not None and getattr(actor, "is_authenticated", False):
            forum.recorded_by = actor
        forum.save()
        if to_delete:
            ForumIdea.objects.filter(pk__in=[i.pk for i in to_delete]).delete()
        ForumIdea.objects.bulk_create([ForumIdea(forum=forum, text=t) for t in to_create])
        changes = audit.diff(before, audit.snapshot(forum))
        changes.pop("recorded_by_id", None)
        new_ideas = list(forum.ideas.order_by("id").values_list("text", flat=True))
        if new_ideas != old_ideas:
            changes["ideas"] = [old_ideas, new_ideas]
        audit.record(forum, "created" if creating else "changed", actor, reason, changes)
    return forum


# ---------------------------------------------------------------- reading


# ---------------------------------------------------------------- drafts and publishing

PUBLISHED = Q(published_at__isnull=False)


def visible_forums(user, qs=None):
    """The forums ``user`` may see: every published record, and the drafts of the
    districts the user is staff of (all drafts for city officers)."""
    qs = Forum.objects.all() if qs is None else qs
    actor = actor_for(user)
    if actor.superuser or actor.city_wide:
        return qs
    if actor.districts:
        return qs.filter(PUBLISHED | Q(district_id__in=actor.districts))
    return qs.filter(PUBLISHED)


def can_see(user, forum: Forum) -> bool:
    """A published record is public; a draft is private to its district's staff."""
    return forum.is_published or user_can(user, Action.VIEW_PRIVATE, forum.district_id)


def publish_forum(forum: Forum, actor=None, reason: str = "") -> Forum:
    """Publish a draft record: from now on the public sees it, its statistics and its
    place in the quarterly sheet. Publishing twice is refused (ValidationError)."""
    with transaction.atomic():
        locked = Forum.objects.select_for_update().get(pk=forum.pk)
        if locked.published_at is not None:
            raise ValidationError({"published_at": [_("This forum record is already published.")]})
        forum.published_at = timezone.now()
        forum.save(update_fields=["published_at"])
        audit.record(
            forum, PUBLISH_ACTION, actor, reason, {"published_at": [None, str(forum.published_at)]}
        )
    return forum


# ---------------------------------------------------------------- lists


def forums_for_list(user=None):
    """The forums a list shows ``user``; the idea counts are added to the page's rows
    afterwards (:func:`with_idea_counts`), so paging never counts every forum's ideas."""
    return visible_forums(user, Forum.objects.select_related("district", "organiser"))


def with_idea_counts(forums: Sequence[Forum]) -> Sequence[Forum]:
    """Set ``idea_count`` on each of ``forums`` (one query for the page)."""
    ids = [f.pk for f in forums]
    counts = (
        dict(
            ForumIdea.objects.filter(forum_id__in=ids)
            .values("forum_id")
            .annotate(n=Count("id"))
            .values_list("forum_id", "n")
        )
        if ids
        else {}
    )
    for forum in forums:
        forum.idea_count = counts.get(forum.pk, 0)
    return forums


def filter_forums(qs, *, district=None, type=None, year=None, stage=None, quarter=None):
    if district is not None:
        qs = qs.filter(district=district)
    if type:
        qs = qs.filter(type=type)
    if year is not None:
        qs = qs.filter(held_on__year=year)
    if stage:
        qs = qs.filter(stage=stage)
    if quarter is not None:
        qs = qs.filter(held_on__gte=quarter.first_day, held_on__lte=quarter.last_day)
    return qs


def search_forums(qs, text: str):
    """Forums whose title, summary, place or one of whose ideas contains ``text`` (a part
    of a Korean compound is found: 보행 finds ◦◦천 보행환경 개선)."""
    text = (text or "").strip()
    if not text:
        return qs
    with_idea = ForumIdea.objects.filter(text__icontains=text).values("forum_id")
    return qs.filter(
        Q(title__icontains=text)
        | Q(summary__icontains=text)
        | Q(place__icontains=text)
        | Q(pk__in=with_idea)
    )


def linked_agendas(forum: Forum):
    """Agendas whose sources include one of the forum's ideas (the agenda pages link them)."""
    return (
        Agenda.objects.filter(sources__forum_idea__forum=forum)
        .distinct()
        .order_by("year", "rank", "id")
    )


def forum_years() -> list[int]:
    """Years with at least one forum, newest first, and this year."""
    years = {d.year for d in Forum.objects.dates("held_on", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def _facts(qs) -> list[ForumFact]:
    rows = qs.values_list(
        "district_id",
        "held_on",
        "type",
        "stage",
        "materials_in_advance",
        "participants_total",
        "participants",
    )
    return [
        ForumFact(d, held, kind, stage, materials, total, participants or {})
        for d, held, kind, stage, materials, total, participants in rows
    ]


def district_stats(district: District, year: int) -> tuple[ProcessStats, ForumRecordPolicy]:
    policy = record_policy(dt.date(year, 12, 31))
    facts = _facts(Forum.objects.filter(PUBLISHED, district=district, held_on__year=year))
    stats = process_stats(
        facts, breakdown_keys(policy), ForumType.values, [s.key for s in policy.stages]
    )
    return stats, policy


def city_comparison(year: int) -> tuple[list[District], dict[int, ProcessStats], ForumRecordPolicy]:
    """Every district's process statistics of ``year``, in two queries."""
    policy = record_policy(dt.date(year, 12, 31))
    districts = list(District.objects.order_by("name_ko"))
    facts = _facts(Forum.objects.filter(PUBLISHED, held_on__year=year))
    stats = compare_districts(
        facts, [d.pk for d in districts], breakdown_keys(policy), ForumType.values
    )
    return districts, stats, policy


# ---------------------------------------------------------------- the quarterly sheet


def last_exports(district: District, year: int) -> dict[int, AuditEvent]:
    """The latest export event of each quarter of ``year`` (one query)."""
    events = AuditEvent.objects.filter(
        model="core.district",
        object_id=str(district.pk),
        action=EXPORT_ACTION,
        changes__year=year,
    ).select_related("actor")
    latest: dict[int, AuditEvent] = {}
    for event in events.order_by("at", "id"):
        number = event.changes.get("quarter")
        if isinstance(number, int):
            latest[number] = event
    return latest


def export_statuses(district: District, year: int, today: dt.date | None = None):
    """The four quarters of ``year`` with due dates, the forums the sheet holds, the
    drafts left out of it (when the policy leaves them out) and the last export."""
    today = today or timezone.localdate()
    policy = record_policy(dt.date(year, 12, 31))
    counts: dict[int, int] = defaultdict(int)
    drafts: dict[int, int] = defaultdict(int)
    rows = Forum.objects.filter(district=district, held_on__year=year)
    for held_on, published_at in rows.values_list("held_on", "published_at"):
        number = Quarter.of(held_on).number
        if published_at is None and not policy.sheet_includes_drafts:
            drafts[number] += 1
        else:
            counts[number] += 1
    events = last_exports(district, year)
    statuses = quarter_statuses(
        year,
        policy.submission_months,
        today,
        counts,
        {n: timezone.localtime(e.at).replace(tzinfo=None) for n, e in events.items()},
    )
    return [
        QuarterExport(
            status, events.get(status.quarter.number), drafts.get(status.quarter.number, 0)
        )
        for status in statuses
    ]


@dataclass(frozen=True)
class QuarterExport:
    status: QuarterStatus
    event: AuditEvent | None
    drafts: int = 0  # draft records of the quarter the sheet leaves out


def quarter_forums(
    district: District, quarter: Quarter, policy: ForumRecordPolicy | None = None
) -> list[Forum]:
    """The forums of the quarter's sheet: published records, and drafts too only when the
    policy says the sheet includes them."""
    policy = policy or record_policy(quarter.last_day)
    rows = Forum.objects.filter(district=district)
    if not policy.sheet_includes_drafts:
        rows = rows.filter(PUBLISHED)
    linked = AgendaSource.objects.filter(forum_idea__isnull=False).select_related("agenda")
    ideas = ForumIdea.objects.order_by("id").prefetch_related(
        Prefetch("agenda_sources", queryset=linked)
    )
    return list(
        filter_forums(rows, quarter=quarter)
        .select_related("organiser")
        .prefetch_related(Prefetch("ideas", queryset=ideas))
        .order_by("held_on", "id")
    )


def sheet_rows(forums: Sequence[Forum], policy: ForumRecordPolicy) -> list[forum_export.SheetRow]:
    rows = []
    for number, forum in enumerate(forums, start=1):
        ideas = list(forum.ideas.all())
        agendas: dict[int, str] = {}
        for idea in ideas:
            for source in idea.agenda_sources.all():
                agendas.setdefault(source.agenda_id, source.agenda.title)
        rows.append(
            forum_export.SheetRow(
                number=number,
                held_on=forum.held_on,
                title=forum.title,
                type=forum_export.korean_type(forum.type),
                organiser=forum.organiser.name if forum.organiser else "",
                stage=_stage_name(policy, forum.stage),
                place=forum.place,
                facilitation=forum.facilitation,
                materials=forum.materials_in_advance,
                total=forum.participants_total,
                participants=forum.participants or {},
                summary=forum.summary,
                ideas=[i.text for i in ideas],
                agendas=list(agendas.values()),
            )
        )
    return rows


def _stage_name(policy: ForumRecordPolicy, key: str) -> str:
    stage = policy.stage(key) if key else None
    return stage.name if stage else key


def export_quarter(district: District, quarter: Quarter, actor=None) -> tuple[bytes, str]:
    """The quarter's process-management sheet as XLSX bytes and its file name; the
    download is recorded in the audit history (who, when, which quarter, how many rows)."""
    policy = record_policy(quarter.last_day)
    forums = quarter_forums(district, quarter, policy)
    now = timezone.localtime()
    header = forum_export.SheetHeader(
        district=district.name_ko,
        district_code=district.code,
        quarter=quarter,
        due=forum_export.due_of(quarter, policy),
        generated_at=now.replace(tzinfo=None),
    )
    content = forum_export.build_workbook(header, sheet_rows(forums, policy), policy)
    # Recorded on the district (whose history lists it) through the one audit mechanism.
    district.audit_district_id = district.pk
    audit.record(
        district,
        EXPORT_ACTION,
        actor,
        changes={"year": quarter.year, "quarter": quarter.number, "forums": len(forums)},
    )
    filename = f"process-db-{district.code}-{quarter.year}-Q{quarter.number}.xlsx"
    return content, filename
