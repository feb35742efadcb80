"""Korean search over proposals, agendas and forums: one function, :func:`search`, used by
the search page and the API.

A part of a Korean compound must be found: ``보행`` finds ``◦◦천 보행환경 개선``. Korean is
written without spaces inside compounds, so words cannot be matched whole; every search
is a substring search (case-insensitive for Latin letters). Results rank title matches
first, then the newest first.

PostgreSQL: pg_trgm was measured and is not used. In a UTF-8 database with C.UTF-8
collation it does index Hangul (``show_trgm('보행환경')`` has trigrams, and
``ILIKE '%보행환경%'`` uses a GIN trigram index), but a two-syllable pattern such as
``'%보행%'`` yields no trigram at all, so PostgreSQL falls back to scanning every row —
and two syllables is the most common length of a Korean search word. The index is built
on two-character sequences (bigrams) instead: database triggers keep one
``SearchEntry`` per proposal, agenda and forum with its title, the rest of its text and
the integer codes of their bigrams (``hyeopchi_grams()``) in GIN-indexed ``integer[]``
columns. A query of two or more characters has at least one bigram, so
``grams @> hyeopchi_grams(query)`` always narrows through the index, the planner has
real per-bigram statistics to choose between the index and walking the newest rows, and
``ILIKE`` on the stored text confirms each hit (bigrams present do not prove the whole
string is). Migration ``0003_search`` has the SQL.

SQLite (the zero-setup demo): plain case-insensitive ``LIKE`` (``icontains``) on the
source tables.

Queries per search are constant: two (PostgreSQL) or six (SQLite) for the ranked
candidates, then one per kind of record on the page (two for forums: the matching ideas
give the snippet).
"""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, TextField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from hyeopchi.core.models import District

from .models import Agenda, Forum, ForumIdea, Proposal
from .search_models import SearchEntry, SearchKind

MIN_LENGTH = 2
MAX_LENGTH = 100
MAX_RESULTS = 1000  # ranked results a search can page through; beyond: "more than"
PER_PAGE = 20
KINDS: tuple[str, ...] = (SearchKind.PROPOSAL, SearchKind.AGENDA, SearchKind.FORUM)
_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}

# ---------------------------------------------------------------- pure rules


def normalise(raw: str | None) -> str:
    """The query as searched: NFC (Hangul typed on some systems arrives decomposed),
    control characters as spaces, whitespace runs as one space, no outer spaces."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(" " if unicodedata.category(c) in {"Cc", "Cf", "Cs"} else c for c in text)
    return " ".join(text.split())


def query_problem(query: str) -> str | None:
    """Why a normalised query cannot be searched, or None."""
    if not query:
        return _("Enter what to search for.")
    if len(query) < MIN_LENGTH:
        return _("Enter at least %(n)s characters.") % {"n": MIN_LENGTH}
    if len(query) > MAX_LENGTH:
        return _("Use at most %(n)s characters (you entered %(count)s).") % {
            "n": MAX_LENGTH,
            "count": len(query),
        }
    if not any(" " not in query[i : i + 2] for i in range(len(query) - 1)):
        return _("Enter at least %(n)s letters in a row, e.g. 보행.") % {"n": MIN_LENGTH}
    return None


def clean_query(raw: str | None) -> str:
    """The normalised query, or a ValidationError on ``q`` that says what is wrong."""
    query = normalise(raw)
    problem = query_problem(query)
    if problem:
        raise ValidationError({"q": [problem]})
    return query


_SPACES = str.maketrans({c: " " for c in "\n\r\t\f\v\u00a0\u3000"})


def grams(text: str) -> list[int]:
    """The bigram codes of ``text``, as PostgreSQL's ``hyeopchi_grams()`` computes them
    (used to bulk-load the index; tested equal to the SQL function)."""
    chars = text.lower().translate(_SPACES)
    return sorted(
        {
            (ord(a) * 1114112 + ord(b)) % 2147483647
            for a, b in itertools.pairwise(chars)
            if a != " " and b != " "
        }
    )


@dataclass(frozen=True)
class Ref:
    """A candidate record: its kind, id and day, and whether its title matched."""

    kind: str
    pk: int
    day: dt.date
    title_match: bool


def rank(refs: Iterable[Ref]) -> list[Ref]:
    """Title matches first; then newest first; then proposals, agendas, forums; then the
    newer record (higher id) first. Each record once."""
    seen: set[tuple[str, int]] = set()
    unique = []
    for ref in sorted(refs, key=lambda r: not r.title_match):
        if (ref.kind, ref.pk) not in seen:
            seen.add((ref.kind, ref.pk))
            unique.append(ref)
    return sorted(
        unique,
        key=lambda r: (not r.title_match, -r.day.toordinal(), _KIND_ORDER[r.kind], -r.pk),
    )


@dataclass(frozen=True)
class Snippet:
    """A piece of text around the first match: before, the match, after (plain text)."""

    before: str = ""
    match: str = ""
    after: str = ""

    def __str__(self) -> str:
        return f"{self.before}{self.match}{self.after}"


def snippet(texts: Sequence[str], query: str, width: int = 90) -> Snippet:
    """The first of ``texts`` that contains ``query`` (case-insensitively), cut to about
    ``width`` characters around it; else the start of the first non-empty text."""
    needle = query.lower()
    for text in texts:
        flat = " ".join((text or "").split())
        at = flat.lower().find(needle)
        if at < 0:
            continue
        end = at + len(query)
        room = max(0, width - len(query))
        start = max(0, at - room // 3)
        stop = min(len(flat), end + room - (at - start))
        before = ("…" if start > 0 else "") + flat[start:at]
        after = flat[end:stop] + ("…" if stop < len(flat) else "")
        return Snippet(before, flat[at:end], after)
    for text in texts:
        flat = " ".join((text or "").split())
        if flat:
            return Snippet(before=flat[:width] + ("…" if len(flat) > width else ""))
    return Snippet()


# ---------------------------------------------------------------- results


@dataclass
class Hit:
    kind: str
    kind_label: str
    pk: int
    title: str
    district: str
    district_code: str
    day: dt.date
    status: str
    status_label: str
    title_match: bool
    snippet: Snippet = field(default_factory=Snippet)


@dataclass
class Results:
    query: str
    hits: list[Hit]
    total: int  # ranked results found, at most MAX_RESULTS
    more: bool  # there are more than MAX_RESULTS
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))


# ---------------------------------------------------------------- database


class _Contains(Func):
    """``grams @> hyeopchi_grams(query)`` (PostgreSQL): uses the GIN index."""

    output_field = BooleanField()
    template = "%(expressions)s"
    arg_joiner = " @> "

    def __init__(self, column: str, query: str) -> None:
        grams_of = Func(Value(query, output_field=TextField()), function="hyeopchi_grams")
        super().__init__(F(column), grams_of)


class _ILike(Func):
    """``column ILIKE '%query%'`` (PostgreSQL), the query's wildcards taken literally.

    Not Django's ``icontains`` (``UPPER(column) LIKE UPPER(…)``): on the bare column the
    planner estimates from the column's statistics, so a word found in most records walks
    the newest rows instead of fetching every match first."""

    output_field = BooleanField()
    template = "%(expressions)s"
    arg_joiner = " ILIKE "

    def __init__(self, column: str, query: str) -> None:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        super().__init__(F(column), Value(f"%{escaped}%", output_field=TextField()))


def _postgres_refs(query: str, kinds: Sequence[str], district_id: int | None) -> list[Ref]:
    entries = SearchEntry.objects.filter(kind__in=kinds)
    if district_id is not None:
        entries = entries.filter(district_id=district_id)
    if SearchKind.FORUM in kinds:
        # Draft forum records are indexed but not public (few: a partial index finds them).
        drafts = Forum.objects.filter(published_at__isnull=True).values("pk")
        entries = entries.exclude(kind=SearchKind.FORUM, object_id__in=drafts)
    in_title = Q(_Contains("title_grams", query), _ILike("title", query))
    in_body = Q(_Contains("body_grams", query), _ILike("body", query))
    fields = ("kind", "object_id", "day")
    title_rows = entries.filter(in_title).order_by("-day", "-id").values_list(*fields)
    body_rows = entries.filter(in_body).exclude(in_title).order_by("-day", "-id")
    body_rows = body_rows.values_list(*fields)
    refs = [Ref(k, pk, day, True) for k, pk, day in title_rows[: MAX_RESULTS + 1]]
    refs += [Ref(k, pk, day, False) for k, pk, day in body_rows[: MAX_RESULTS + 1]]
    return refs


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _portable_refs(
    query: str, kinds: Sequence[str], district_id: int | None, using: str
) -> list[Ref]:
    """Plain ``icontains`` on the source tables (SQLite and any other database)."""
    where = {} if district_id is None else {"district_id": district_id}
    sources = {
        SearchKind.PROPOSAL: (
            Proposal.objects.using(using).filter(**where),
            "created_at",
            Q(dong__icontains=query)
            | Q(problem__icontains=query)
            | Q(solution__icontains=query)
            | Q(expected_effect__icontains=query),
        ),
        SearchKind.AGENDA: (
            Agenda.objects.using(using).filter(**where),
            "created_at",
            Q(description__icontains=query),
        ),
        SearchKind.FORUM: (
            Forum.objects.using(using).filter(published_at__isnull=False, **where),
            "held_on",
            Q(place__icontains=query)
            | Q(summary__icontains=query)
            | Q(
                Exists(
                    ForumIdea.objects.using(using).filter(
                        forum=OuterRef("pk"), text__icontains=query
                    )
                )
            ),
        ),
    }
    refs: list[Ref] = []
    for kind in kinds:
        rows, day_field, in_body = sources[kind]
        in_title = Q(title__icontains=query)
        for title_match, matching in (
            (True, rows.filter(in_title)),
            (False, rows.filter(in_body).exclude(in_title)),
        ):
            found = matching.order_by(f"-{day_field}", "-pk").values_list("pk", day_field)
            for pk, day in found[: MAX_RESULTS + 1]:
                day = _local_day(day) if isinstance(day, dt.datetime) else day
                refs.append(Ref(kind, pk, day, title_match))
    return refs


def _hits(refs: Sequence[Ref], query: str, using: str) -> list[Hit]:
    """The page's records, loaded with one query per kind, in the order of ``refs``."""
    ids: dict[str, list[int]] = {}
    for ref in refs:
        ids.setdefault(ref.kind, []).append(ref.pk)
    found: dict[tuple[str, int], Hit] = {}
    if SearchKind.PROPOSAL in ids:
        for p in (
            Proposal.objects.using(using)
            .select_related("district")
            .only(
                "title",
                "dong",
                "problem",
                "solution",
                "expected_effect",
                "status",
                "created_at",
                "district__code",
                "district__name_ko",
                "district__name_en",
            )
            .filter(pk__in=ids[SearchKind.PROPOSAL])
        ):
            found[(SearchKind.PROPOSAL, p.pk)] = Hit(
                SearchKind.PROPOSAL,
                str(SearchKind.PROPOSAL.label),
                p.pk,
                p.title,
                p.district.name,
                p.district.code,
                _local_day(p.created_at),
                p.status,
                p.get_status_display(),
                False,
                snippet([p.problem, p.solution, p.expected_effect, p.dong], query),
            )
    if SearchKind.AGENDA in ids:
        for a in (
            Agenda.objects.using(using)
            .select_related("district")
            .only(
                "title",
                "description",
                "status",
                "year",
                "created_at",
                "district__code",
                "district__name_ko",
                "district__name_en",
            )
            .filter(pk__in=ids[SearchKind.AGENDA])
        ):
            found[(SearchKind.AGENDA, a.pk)] = Hit(
                SearchKind.AGENDA,
                str(SearchKind.AGENDA.label),
                a.pk,
                a.title,
                a.district.name,
                a.district.code,
                _local_day(a.created_at),
                a.status,
                a.get_status_display(),
                False,
                snippet([a.description], query),
            )
    if SearchKind.FORUM in ids:
        forums = (
            Forum.objects.using(using)
            .select_related("district")
            .only(
                "title",
                "type",
                "held_on",
                "place",
                "summary",
                "district__code",
                "district__name_ko",
                "district__name_en",
            )
            .filter(pk__in=ids[SearchKind.FORUM], published_at__isnull=False)
        )
        ideas: dict[int, list[str]] = {}
        for forum_id, text in (
            ForumIdea.objects.using(using)
            .filter(forum_id__in=ids[SearchKind.FORUM], text__icontains=query)
            .order_by("pk")
            .values_list("forum_id", "text")
        ):
            ideas.setdefault(forum_id, []).append(text)
        for f in forums:
            found[(SearchKind.FORUM, f.pk)] = Hit(
                SearchKind.FORUM,
                str(SearchKind.FORUM.label),
                f.pk,
                f.title,
                f.district.name,
                f.district.code,
                f.held_on,
                f.type,
                f.get_type_display(),
                False,
                snippet([f.summary, *ideas.get(f.pk, []), f.place], query),
            )
    hits = []
    for ref in refs:
        hit = found.get((ref.kind, ref.pk))
        if hit is not None:  # gone since the candidates were read
            hit.title_match = ref.title_match
            hits.append(hit)
    return hits


def search(
    raw_query: str | None,
    *,
    kinds: Iterable[str] | None = None,
    district: District | int | None = None,
    offset: int = 0,
    limit: int = PER_PAGE,
    using: str = "default",
) -> Results:
    """Search proposals, agendas and forums (all public records) for ``raw_query``.

    ``kinds`` limits the kinds of record (default all), ``district`` to one district.
    Raises ValidationError on ``q`` for a query that cannot be searched (empty, shorter
    than 2 or longer than 100 characters), on ``kind`` for an unknown kind and on
    ``offset`` beyond the results a search can page through.
    """
    query = clean_query(raw_query)
    chosen = [k for k in KINDS if kinds is None or k in set(kinds)]
    unknown = sorted(set(kinds or ()) - set(KINDS))
    if unknown:
        raise ValidationError(
            {"kind": [_("Unknown kind: %(kinds)s.") % {"kinds": ", ".join(unknown)}]}
        )
    if not 0 <= offset < MAX_RESULTS:
        raise ValidationError(
            {"offset": [_("Results can be paged up to %(n)s.") % {"n": MAX_RESULTS}]}
        )
    limit = max(1, min(limit, 100))
    district_id = district.pk if isinstance(district, District) else district
    if connections[using].vendor == "postgresql":
        refs = _postgres_refs(query, chosen, district_id)
    else:
        refs = _portable_refs(query, chosen, district_id, using)
    ranked = rank(refs)
    page = ranked[offset : offset + limit]
    return Results(
        query=query,
        hits=_hits(page, query, using) if page else [],
        total=min(len(ranked), MAX_RESULTS),
        more=len(ranked) > MAX_RESULTS,
        offset=offset,
        limit=limit,
    )
