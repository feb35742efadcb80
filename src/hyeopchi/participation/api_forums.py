"""API of forums (공론장) and the process-management DB (과정관리DB) under /api/v1/forums….

Forum records hold no personal data: published records are public; a draft is seen by
the district's staff and city officers only, until it is published
(``POST /forums/{id}/publish``). Writes need staff of the forum's district or a city
officer and go through :mod:`forum_services`, which validates and audits. The quarterly
XLSX sheet is for the district's staff and city officers; every download is recorded in
the audit history.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from hyeopchi.core.api_support import (
    READ_ERRORS,
    WRITE_AUTH,
    WRITE_ERRORS,
    ErrorOut,
    Pagination,
    ValidationErrorOut,
    current_user,
    require,
)
from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action

from . import forum_services as services
from .forum_rules import MAX_COUNT, ProcessStats, Quarter
from .models import Forum, ForumType

router = Router(tags=["forums"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# ---------------------------------------------------------------- schemas


class ParticipantsIn(Schema):
    total: int | None = Field(
        None,
        ge=0,
        le=MAX_COUNT,
        description="All participants; left out: the sum of the first breakdown given.",
    )
    sector: dict[str, int | None] | None = Field(
        None, description="Counts by sector key (see /forums/record-policy); null: not recorded."
    )
    gender: dict[str, int | None] | None = Field(None, description="Counts by gender key.")
    age: dict[str, int | None] | None = Field(None, description="Counts by age-band key.")


class ForumIn(Schema):
    district_id: int
    title: str = Field(min_length=1, max_length=200)
    type: ForumType
    organiser_id: int | None = Field(None, description="A body of the same district.")
    stage: str = Field("", max_length=40, description="A stage key of the record policy.")
    held_on: dt.date
    place: str = Field("", max_length=200)
    facilitation: str = Field("", max_length=200)
    materials_in_advance: bool = False
    summary: str = Field("", max_length=20_000, description="Plain text.")
    participants: ParticipantsIn
    ideas: list[str] = Field(default_factory=list, max_length=500, description="One per item.")


class ForumPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    type: ForumType | None = None
    organiser_id: int | None = None
    stage: str | None = Field(None, max_length=40)
    held_on: dt.date | None = None
    place: str | None = Field(None, max_length=200)
    facilitation: str | None = Field(None, max_length=200)
    materials_in_advance: bool | None = None
    summary: str | None = Field(None, max_length=20_000)
    participants: ParticipantsIn | None = Field(
        None, description="Replaces every count when given."
    )
    ideas: list[str] | None = Field(None, max_length=500, description="Replaces the list.")


class ParticipantsOut(Schema):
    total: int
    sector: dict[str, int] | None
    gender: dict[str, int] | None
    age: dict[str, int] | None


class ForumOut(Schema):
    id: int
    district_id: int
    district: str = Field(description="The district's code.")
    district_name: str
    title: str
    type: ForumType
    type_label: str
    organiser_id: int | None
    organiser_name: str
    stage: str
    stage_label: str
    held_on: dt.date
    quarter: str = Field(description="e.g. 2020-Q1")
    place: str
    facilitation: str
    materials_in_advance: bool
    participants: ParticipantsOut
    published: bool = Field(description="False: a draft, seen by staff only.")
    published_at: dt.datetime | None
    url: str

    @staticmethod
    def resolve_published(obj) -> bool:
        return obj.is_published

    @staticmethod
    def resolve_district(obj) -> str:
        return obj.district.code

    @staticmethod
    def resolve_district_name(obj) -> str:
        return obj.district.name

    @staticmethod
    def resolve_type_label(obj) -> str:
        return str(obj.get_type_display())

    @staticmethod
    def resolve_organiser_name(obj) -> str:
        return obj.organiser.name if obj.organiser_id else ""

    @staticmethod
    def resolve_stage_label(obj) -> str:
        return services.stage_label(obj.stage)

    @staticmethod
    def resolve_quarter(obj) -> str:
        return str(Quarter.of(obj.held_on))

    @staticmethod
    def resolve_participants(obj) -> dict[str, Any]:
        counts = obj.participants or {}
        return {
            "total": obj.participants_total,
            "sector": counts.get("sector"),
            "gender": counts.get("gender"),
            "age": counts.get("age"),
        }

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("forums:detail", args=[obj.pk])


class IdeaOut(Schema):
    id: int
    text: str


class AgendaRefOut(Schema):
    id: int
    title: str
    year: int
    status: str


class ForumDetailOut(ForumOut):
    summary: str
    ideas: list[IdeaOut]
    agendas: list[AgendaRefOut]

    @staticmethod
    def resolve_ideas(obj) -> list[Any]:
        return list(obj.ideas.order_by("id"))

    @staticmethod
    def resolve_agendas(obj) -> list[Any]:
        return list(services.linked_agendas(obj))


class ChoiceOut(Schema):
    key: str
    name: str
    name_en: str
    phase: str = ""


class RecordPolicyOut(Schema):
    key: str
    name: str
    name_en: str
    source: str
    note: str
    effective_from: dt.date
    stages: list[ChoiceOut]
    sectors: list[ChoiceOut]
    genders: list[ChoiceOut]
    age_bands: list[ChoiceOut]
    submission_months: list[int]
    sheet_includes_drafts: bool = Field(
        description="Whether the quarterly sheet carries draft records too."
    )
    forum_types: list[ChoiceOut]


class QuarterCountOut(Schema):
    quarter: str
    forums: int
    participants: int


class BreakdownOut(Schema):
    forums: int = Field(description="Forums that recorded this breakdown.")
    participants: int = Field(description="Their participants: the base of the shares.")
    counts: dict[str, int]


class StatsOut(Schema):
    district: str | None
    district_name: str
    year: int
    forums: int
    participants: int
    with_materials: int
    materials_share: float | None
    quarters: list[QuarterCountOut]
    by_type: dict[str, int]
    by_stage: dict[str, int]
    breakdowns: dict[str, BreakdownOut]


class QuarterSheetOut(Schema):
    quarter: str
    first_day: dt.date
    last_day: dt.date
    due: dt.date
    forums: int = Field(description="Forum records the sheet holds.")
    drafts: int = Field(description="Draft records of the quarter the sheet leaves out.")
    current: bool
    overdue: bool
    last_generated_at: dt.datetime | None
    download: str


# ---------------------------------------------------------------- helpers


def _detail(forum_id: int, user=None) -> Forum:
    """The forum, if ``user`` may see it (a draft: 404 to anyone but its staff)."""
    forum = get_object_or_404(Forum.objects.select_related("district", "organiser"), pk=forum_id)
    if user is not None and not services.can_see(user, forum):
        raise Http404
    return forum


def _district(code: str | None, district_id: int | None) -> District:
    if code:
        return get_object_or_404(District, code=code)
    if district_id is not None:
        return get_object_or_404(District, pk=district_id)
    raise ValidationError({"district": [_("Name the district by its code or id.")]})


_RENAMES = {"organiser": "organiser_id", "district": "district_id"}
_COUNT_FIELDS = {"total", "sector", "gender", "age"}


def _save(forum: Forum, participants: ParticipantsIn | None, ideas, actor) -> None:
    if participants is None:
        existing = forum.participants or {}
        total: int | None = forum.participants_total
        breakdowns: dict[str, Any] = {k: existing.get(k) or {} for k in ("sector", "gender", "age")}
    else:
        total = participants.total
        breakdowns = {k: getattr(participants, k) or {} for k in ("sector", "gender", "age")}
    try:
        services.save_forum(forum, total=total, breakdowns=breakdowns, ideas=ideas, actor=actor)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        renamed: dict[str, list[str]] = {}
        for field, errors in exc.message_dict.items():
            name = f"participants.{field}" if field in _COUNT_FIELDS else _RENAMES.get(field, field)
            renamed.setdefault(name, []).extend(errors)
        raise ValidationError(renamed) from None


def _stats_out(stats: ProcessStats, district: District | None, year: int) -> dict[str, Any]:
    return {
        "district": district.code if district else None,
        "district_name": district.name if district else "",
        "year": year,
        "forums": stats.forums,
        "participants": stats.participants,
        "with_materials": stats.with_materials,
        "materials_share": None if stats.materials_share is None else float(stats.materials_share),
        "quarters": [
            {
                "quarter": str(Quarter(year, n)),
                "forums": stats.by_quarter[n],
                "participants": stats.participants_by_quarter[n],
            }
            for n in range(1, 5)
        ],
        "by_type": {k: v for k, v in stats.by_type.items() if v},
        "by_stage": {k: v for k, v in stats.by_stage.items() if v},
        "breakdowns": {
            name: {"forums": b.forums, "participants": b.participants, "counts": b.counts}
            for name, b in stats.breakdowns.items()
        },
    }


YearQuery = Query(None, description="Calendar year; this year (Seoul) when left out.")


def _year(year: int | None) -> int:
    if year is None:
        return timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("Enter a year between 2000 and 2100.")]})
    return year


# ---------------------------------------------------------------- reads


@router.get("/forums/record-policy", response={200: RecordPolicyOut, **READ_ERRORS})
def record_policy(request, on: dt.date | None = None):
    """What a forum record holds: plan stages, participant sectors, genders, age bands,
    the months each quarter's sheet is due, and the forum types. ``on``: the policy in
    force that day (today when left out)."""
    policy = services.record_policy(on)
    data = policy.model_dump()
    data["forum_types"] = [
        {"key": value, "name": services.forum_export.korean_type(value), "name_en": str(label)}
        for value, label in ForumType.choices
    ]
    return data


@router.get("/forums", response={200: list[ForumOut], **READ_ERRORS})
@paginate(Pagination)
def list_forums(
    request,
    district: str | None = None,
    district_id: int | None = None,
    type: ForumType | None = None,
    year: int | None = None,
    quarter: str | None = Query(None, description="e.g. 2020-Q1"),
    stage: str | None = None,
    q: str | None = Query(
        None, max_length=100, description="A word or part of one in title, summary, place, ideas."
    ),
):
    """Forum records, latest first: the published ones, and drafts for the district's
    staff and city officers. Filter by ``district`` (code) or ``district_id``, ``type``,
    ``year``, ``quarter`` (2020-Q1), ``stage`` or words ``q``."""
    qs = services.forums_for_list(current_user(request)).order_by("-held_on", "-id")
    if district:
        qs = qs.filter(district__code=district)
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    if year is not None:
        year = _year(year)  # out of range is a 422, not a date the database cannot make
    parsed = None
    if quarter:
        try:
            parsed = Quarter.parse(quarter)
        except ValueError:
            raise ValidationError({"quarter": [_("Write a quarter as 2020-Q1.")]}) from None
    qs = services.filter_forums(qs, type=type, year=year, stage=stage, quarter=parsed)
    if q:
        qs = services.search_forums(qs, q)
    return qs


@router.get("/forums/statistics", response={200: StatsOut, **READ_ERRORS})
def district_statistics(
    request,
    district: str | None = None,
    district_id: int | None = None,
    year: int | None = YearQuery,
):
    """Process statistics of one district's forums in ``year``: forums per quarter, type
    and stage, participants by sector, gender and age band, and the share of forums with
    materials sent in advance."""
    found = _district(district, district_id)
    year = _year(year)
    stats, _policy = services.district_stats(found, year)
    return _stats_out(stats, found, year)


@router.get("/forums/statistics/districts", response={200: list[StatsOut], **READ_ERRORS})
def city_statistics(request, year: int | None = YearQuery):
    """The same statistics for each of the 25 districts (in Korean name order)."""
    year = _year(year)
    districts, by_district, _policy = services.city_comparison(year)
    return [_stats_out(by_district[d.pk], d, year) for d in districts]


@router.get(
    "/forums/process-db",
    response={200: list[QuarterSheetOut], **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def process_db(
    request,
    district: str | None = None,
    district_id: int | None = None,
    year: int | None = YearQuery,
):
    """The district's quarterly sheets of ``year``: due dates, forums recorded, whether
    the current quarter's sheet was generated and which are overdue. Staff only."""
    found = _district(district, district_id)
    require(request, Action.VIEW_PRIVATE, found.pk)
    year = _year(year)
    return [
        {
            "quarter": str(e.status.quarter),
            "first_day": e.status.quarter.first_day,
            "last_day": e.status.quarter.last_day,
            "due": e.status.due,
            "forums": e.status.forums,
            "drafts": e.drafts,
            "current": e.status.current,
            "overdue": e.status.overdue,
            "last_generated_at": e.event.at if e.event else None,
            "download": (
                f"/api/v1/forums/process-db/export?district={found.code}&quarter={e.status.quarter}"
            ),
        }
        for e in services.export_statuses(found, year)
    ]


@router.get(
    "/forums/process-db/export",
    response={
        200: None,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    auth=WRITE_AUTH,
    openapi_extra={"responses": {200: {"description": "The XLSX sheet.", "content": {XLSX: {}}}}},
)
def export_sheet(
    request,
    quarter: str = Query(..., description="e.g. 2020-Q1"),
    district: str | None = None,
    district_id: int | None = None,
):
    """The quarter's process-management sheet (XLSX) for the city; the download is
    recorded in the audit history. Staff of the district and city officers."""
    found = _district(district, district_id)
    user = require(request, Action.VIEW_PRIVATE, found.pk)
    try:
        parsed = Quarter.parse(quarter)
    except ValueError:
        raise ValidationError({"quarter": [_("Write a quarter as 2020-Q1.")]}) from None
    _year(parsed.year)
    content, filename = services.export_quarter(found, parsed, user)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/forums/{forum_id}", response={200: ForumDetailOut, **READ_ERRORS})
def get_forum(request, forum_id: int):
    """A forum record with its summary, ideas and the agendas made from them (a draft:
    its district's staff and city officers only)."""
    return _detail(forum_id, current_user(request))


# ---------------------------------------------------------------- writes


@router.post("/forums", response={201: ForumDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_forum(request, payload: ForumIn):
    """Record a forum, as a draft: publish it when it is complete. District staff record
    forums of their district; city officers, any."""
    if not District.objects.filter(pk=payload.district_id).exists():
        raise ValidationError(
            {"district_id": [_("No district with id %(id)s.") % {"id": payload.district_id}]}
        )
    user = require(request, Action.EDIT, payload.district_id)
    data = payload.dict(exclude={"participants", "ideas"})
    forum = Forum(**data)
    _save(forum, payload.participants, payload.ideas, user)
    return Status(201, _detail(forum.pk))


@router.patch("/forums/{forum_id}", response={200: ForumDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def update_forum(request, forum_id: int, payload: ForumPatch):
    """Change a forum record; ``participants`` and ``ideas`` replace what was recorded."""
    forum = get_object_or_404(Forum, pk=forum_id)
    user = require(request, Action.EDIT, forum.district_id)
    changes = payload.dict(exclude_unset=True, exclude={"participants", "ideas"})
    required = {"title", "type", "held_on", "stage", "place", "facilitation", "summary"}
    required.add("materials_in_advance")
    nulls = {
        f: [_("This field cannot be null.")]
        for f, v in changes.items()
        if v is None and f in required
    }
    if nulls:
        raise ValidationError(nulls)
    for field, value in changes.items():
        setattr(forum, field, value)
    ideas = payload.ideas if "ideas" in payload.model_fields_set else None
    participants = payload.participants if "participants" in payload.model_fields_set else None
    if "participants" in payload.model_fields_set and payload.participants is None:
        raise ValidationError({"participants": [_("This field cannot be null.")]})
    _save(forum, participants, ideas, user)
    return _detail(forum.pk)


@router.post(
    "/forums/{forum_id}/publish", response={200: ForumDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def publish_forum(request, forum_id: int):
    """Publish a draft record: the public sees it from now on, it counts in the process
    statistics and goes into the quarterly sheet. 422 if it is already published."""
    forum = get_object_or_404(Forum, pk=forum_id)
    user = require(request, Action.EDIT, forum.district_id)
    services.publish_forum(forum, user)
    return _detail(forum.pk)
