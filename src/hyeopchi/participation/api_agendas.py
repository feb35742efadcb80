"""API of agendas (의제) and priority rounds under /api/v1/agendas… and /api/v1/priority….

Public reads: every agenda of a district and year with its status, sources (proposals by
title only), reviews, screenings, the suitability decision and its rank; priority rounds,
their ballots and, once published, their full results. Signed-in residents of the
district cast one online vote per round while its window is open. Staff of the district
(city officers for all) create, merge, review, screen and decide agendas, set rounds up,
enter panel scores and on-site tallies and publish results. Every write goes through the
services, which validate (422 with messages by field), apply the state machine and audit.
"""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from hyeopchi.bodies.models import Decision
from hyeopchi.core.api_support import (
    READ_ERRORS,
    WRITE_AUTH,
    WRITE_ERRORS,
    Pagination,
    current_user,
    require,
    require_staff,
)
from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action
from hyeopchi.directory.models import Organisation

from . import services_agendas as agendas
from . import services_priority as rounds
from .models import (
    Agenda,
    AgendaCategory,
    AgendaStatus,
    PriorityRound,
    SourceKind,
)
from .services_agendas import SourceSpec

router = Router(tags=["agendas"])
VOTE_ERRORS: dict[int, Any] = WRITE_ERRORS


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


def _missing(field: str, what: str, pk: Any) -> ValidationError:
    return ValidationError({field: [_("No %(what)s with id %(id)s.") % {"what": what, "id": pk}]})


def _district(code: str | None, district_id: int | None) -> District | None:
    if code:
        return District.objects.filter(code=code).first() or District(pk=-1)
    if district_id is not None:
        return District.objects.filter(pk=district_id).first() or District(pk=-1)
    return None


# ---------------------------------------------------------------- schemas


class SourceOut(Schema):
    id: int
    agenda_id: int = Field(description="The agenda the source was linked to (a merged one).")
    kind: str
    kind_label: str
    proposal_id: int | None
    proposal_title: str | None
    forum_idea_id: int | None
    forum_idea: str | None
    forum_id: int | None
    department_id: int | None
    department: str | None
    transfer_reference: str
    transfer_amount: int | None = Field(description="Transferred amount in won.")
    note: str


def source_out(s) -> dict:
    return {
        "id": s.pk,
        "agenda_id": s.agenda_id,
        "kind": s.kind,
        "kind_label": agendas.source_kind_label(s.kind),
        "proposal_id": s.proposal_id,
        "proposal_title": s.proposal.title if s.proposal_id else None,
        "forum_idea_id": s.forum_idea_id,
        "forum_idea": s.forum_idea.text if s.forum_idea_id else None,
        "forum_id": s.forum_idea.forum_id if s.forum_idea_id else None,
        "department_id": s.department_id,
        "department": s.department.name if s.department_id else None,
        "transfer_reference": s.transfer_reference,
        "transfer_amount": s.transfer_amount,
        "note": s.note,
    }


class AgendaOut(Schema):
    id: int
    district_id: int
    district_code: str
    year: int
    title: str
    description: str
    category: str
    category_label: str
    status: str
    status_label: str
    rank: int | None
    merged_into_id: int | None
    subcommittee_id: int | None
    suitability_decision_id: int | None
    created_at: dt.datetime
    sources: list[SourceOut] = Field(
        description="Its own sources and those of every agenda merged into it."
    )


class ReviewOut(Schema):
    department_id: int
    department: str
    feasible: bool
    opinion: str
    reviewed_at: dt.datetime


class ScreeningOut(Schema):
    openness: bool
    openness_reason: str
    deliberation: bool
    deliberation_reason: str
    public_interest: bool
    public_interest_reason: str
    cooperation: bool
    cooperation_reason: str
    passed: bool
    screened_at: dt.datetime


class StepOut(Schema):
    at: dt.datetime
    action: str
    reason: str


class AgendaDetailOut(AgendaOut):
    merged_from_ids: list[int]
    reviews: list[ReviewOut]
    screenings: list[ScreeningOut]
    decision_title: str | None
    priority_round_ids: list[int]
    allowed_steps: list[str] = Field(description="Steps the state machine allows now.")
    steps: list[StepOut] = Field(description="The agenda's history (without who).")


def agenda_out(a: Agenda, sources: list, district_code: str) -> dict:
    return {
        "id": a.pk,
        "district_id": a.district_id,
        "district_code": district_code,
        "year": a.year,
        "title": a.title,
        "description": a.description,
        "category": a.category,
        "category_label": str(a.get_category_display()),
        "status": a.status,
        "status_label": str(a.get_status_display()),
        "rank": a.rank,
        "merged_into_id": a.merged_into_id,
        "subcommittee_id": a.subcommittee_id,
        "suitability_decision_id": a.suitability_decision_id,
        "created_at": _local(a.created_at),
        "sources": [source_out(s) for s in sources],
    }


def agenda_detail(a: Agenda) -> dict:
    family = list(Agenda.objects.filter(pk__in=agendas.merged_family(a)))
    sources = agendas.sources_by_agenda(family)[a.pk]
    data = agenda_out(a, sources, a.district.code)
    decision = a.suitability_decision
    data.update(
        merged_from_ids=[x.pk for x in family if x.merged_into_id == a.pk],
        reviews=[
            {
                "department_id": r.department_id,
                "department": r.department.name,
                "feasible": r.feasible,
                "opinion": r.opinion,
                "reviewed_at": _local(r.reviewed_at),
            }
            for r in a.reviews.select_related("department").order_by("reviewed_at", "id")
        ],
        screenings=[
            {
                **{f: getattr(s, f) for f in ScreeningOut.model_fields if f not in ("passed",)},
                "passed": s.passed,
                "screened_at": _local(s.screened_at),
            }
            for s in a.screenings.order_by("screened_at", "id")
        ],
        decision_title=(decision.title if decision and decision.published else None),
        priority_round_ids=list(a.priority_rounds.values_list("pk", flat=True)),
        allowed_steps=[str(e) for e in agendas.sm.allowed_events(a.status)],
        steps=[
            {"at": _local(e.at), "action": e.action, "reason": e.reason}
            for e in agendas.steps_of(a)
        ],
    )
    return data


class SourceIn(Schema):
    kind: SourceKind
    proposal_id: int | None = None
    forum_idea_id: int | None = None
    department_id: int | None = None
    transfer_reference: str = Field("", max_length=100)
    transfer_amount: int | None = Field(None, ge=0, description="Amount in won.")
    note: str = Field("", max_length=5000)

    def spec(self) -> SourceSpec:
        return SourceSpec(**{**self.dict(), "kind": self.kind.value})


class AgendaIn(Schema):
    district_id: int
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    category: AgendaCategory = AgendaCategory.GOVERNANCE
    sources: list[SourceIn] = Field(min_length=1, max_length=200)
    reason: str = Field("", max_length=1000)


class AgendaPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    category: AgendaCategory | None = None
    reason: str = Field("", max_length=1000)


class SourcesIn(Schema):
    sources: list[SourceIn] = Field(min_length=1, max_length=200)


class MergeIn(Schema):
    agenda_ids: list[int] = Field(min_length=1, max_length=200)
    into_id: int | None = Field(None, description="The surviving agenda; none: a new one.")
    title: str = Field("", max_length=200, description="Title of the new agenda.")
    description: str = Field("", max_length=5000)
    category: AgendaCategory | None = None
    reason: str = Field(min_length=1, max_length=1000)


class ReviewIn(Schema):
    department_id: int
    feasible: bool
    opinion: str = Field(min_length=1, max_length=5000)


class ScreeningIn(Schema):
    openness: bool
    openness_reason: str = Field(min_length=1, max_length=1000)
    deliberation: bool
    deliberation_reason: str = Field(min_length=1, max_length=1000)
    public_interest: bool
    public_interest_reason: str = Field(min_length=1, max_length=1000)
    cooperation: bool
    cooperation_reason: str = Field(min_length=1, max_length=1000)


class DecisionIn(Schema):
    decision_id: int
    suitable: bool
    reason: str = Field("", max_length=1000)


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=1000)


# ---------------------------------------------------------------- agendas: reads


@router.get("/agendas", response={200: list[AgendaOut], **READ_ERRORS})
@paginate(Pagination)
def list_agendas(
    request,
    district: str | None = None,
    district_id: int | None = None,
    year: int | None = None,
    status: AgendaStatus | None = None,
    category: AgendaCategory | None = None,
):
    """Agendas with their sources, deferred, unsuitable, infeasible and merged ones
    included. Filter by ``district`` (code) or ``district_id``, ``year``, ``status``,
    ``category``. Sources include those of agendas merged into an agenda."""
    qs = Agenda.objects.select_related("district").order_by("district_id", "year", "rank", "id")
    d = _district(district, district_id)
    if d is not None:
        qs = qs.filter(district_id=d.pk)
    if year is not None:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return _Page(qs, _agenda_rows)


class _Page:
    """A countable, sliceable queryset whose page only is turned into rows, by
    ``rows_of(page)`` with a fixed number of queries whatever the page size."""

    def __init__(self, qs, rows_of) -> None:
        self.qs, self.rows_of = qs, rows_of

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict]:
        return self.rows_of(list(self.qs[window]))


def _agenda_rows(page: list[Agenda]) -> list[dict]:
    """Agendas with their sources: merged agendas are of their survivor's district and
    year, so one query finds the families of the whole page, one more their sources."""
    keys = Q()
    for district_id, year in {(a.district_id, a.year) for a in page}:
        keys |= Q(district_id=district_id, year=year)
    family = {}
    if page:
        family = {
            a.pk: a for a in Agenda.objects.filter(keys).only("pk", "merged_into_id", "district_id")
        }
    family.update({a.pk: a for a in page})
    sources = agendas.sources_by_agenda(family.values())
    return [agenda_out(a, sources[a.pk], a.district.code) for a in page]


@router.get("/agendas/{int:agenda_id}", response={200: AgendaDetailOut, **READ_ERRORS})
def get_agenda(request, agenda_id: int):
    """An agenda with its sources, reviews, screenings, decision, rounds and history."""
    a = get_object_or_404(
        Agenda.objects.select_related("district", "suitability_decision"), pk=agenda_id
    )
    return agenda_detail(a)


# ---------------------------------------------------------------- agendas: writes


def _agenda_for_edit(request, agenda_id: int):
    a = get_object_or_404(Agenda.objects.select_related("district"), pk=agenda_id)
    return a, require(request, Action.EDIT, a.district_id)


@router.post("/agendas", response={201: AgendaDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_agenda(request, payload: AgendaIn):
    """Create an agenda from its sources (proposals, forum ideas, departments of the
    district, transferred city participatory-budget proposals with reference and amount)."""
    district = District.objects.filter(pk=payload.district_id).first()
    if district is None:
        require_staff(request)
        raise _missing("district_id", _("district"), payload.district_id)
    user = require(request, Action.EDIT, district.pk)
    a = agendas.create_agenda(
        district,
        payload.year,
        payload.title,
        [s.spec() for s in payload.sources],
        description=payload.description,
        category=payload.category.value,
        actor=user,
        reason=payload.reason,
    )
    return Status(201, agenda_detail(a))


@router.patch(
    "/agendas/{int:agenda_id}", response={200: AgendaDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def update_agenda(request, agenda_id: int, payload: AgendaPatch):
    """Change the title, description or category (the status changes by its steps)."""
    a, user = _agenda_for_edit(request, agenda_id)
    agendas.edit_agenda(
        a,
        title=a.title if payload.title is None else payload.title,
        description=a.description if payload.description is None else payload.description,
        category=a.category if payload.category is None else payload.category.value,
        actor=user,
        reason=payload.reason,
    )
    return agenda_detail(a)


@router.post(
    "/agendas/{int:agenda_id}/sources",
    response={201: AgendaDetailOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def add_sources(request, agenda_id: int, payload: SourcesIn):
    """Add sources to an agenda that is still proposed or reviewed."""
    a, user = _agenda_for_edit(request, agenda_id)
    agendas.add_sources(a, [s.spec() for s in payload.sources], actor=user)
    return Status(201, agenda_detail(a))


@router.post("/agendas/merge", response={200: AgendaDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def merge_agendas(request, payload: MergeIn):
    """Merge agendas into one (``into_id``, or a new agenda called ``title``); the merged
    ones become “merged” and keep their sources, reached from the survivor."""
    ids = list(dict.fromkeys(payload.agenda_ids))
    found = {a.pk: a for a in Agenda.objects.filter(pk__in=ids).select_related("district")}
    into = None
    if payload.into_id is not None:
        into = Agenda.objects.filter(pk=payload.into_id).select_related("district").first()
    districts = {a.district_id for a in found.values()} | ({into.district_id} if into else set())
    user = require_staff(request)
    for district_id in sorted(districts):
        user = require(request, Action.EDIT, district_id)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise _missing("agenda_ids", _("agenda"), missing[0])
    if payload.into_id is not None and into is None:
        raise _missing("into_id", _("agenda"), payload.into_id)
    survivor = agendas.merge_agendas(
        [found[pk] for pk in ids],
        into=into,
        title=payload.title,
        description=payload.description,
        category=payload.category.value if payload.category else None,
        actor=user,
        reason=payload.reason,
    )
    survivor = Agenda.objects.select_related("district", "suitability_decision").get(pk=survivor.pk)
    return agenda_detail(survivor)


@router.post(
    "/agendas/{int:agenda_id}/reviews",
    response={201: AgendaDetailOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def review_agenda(request, agenda_id: int, payload: ReviewIn):
    """A department's feasibility review: feasible → reviewed; infeasible → infeasible."""
    a, user = _agenda_for_edit(request, agenda_id)
    department = Organisation.objects.filter(pk=payload.department_id).first()
    if department is None:
        raise _missing("department_id", _("department"), payload.department_id)
    agendas.review(a, department, payload.feasible, payload.opinion, user)
    return Status(201, agenda_detail(a))


@router.post(
    "/agendas/{int:agenda_id}/screenings",
    response={201: AgendaDetailOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def screen_agenda(request, agenda_id: int, payload: ScreeningIn):
    """Screening against 개방성, 숙의성, 공익성 and 민관협력성, each with its reason;
    failing any makes the agenda unsuitable."""
    a, user = _agenda_for_edit(request, agenda_id)
    agendas.screen(a, payload.dict(), user)
    return Status(201, agenda_detail(a))


@router.post(
    "/agendas/{int:agenda_id}/suitability",
    response={200: AgendaDetailOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def decide_agenda(request, agenda_id: int, payload: DecisionIn):
    """The subcommittee's suitability decision, linked to a decision of a body of the
    agenda's district: suitable → shortlisted; unsuitable → unsuitable."""
    a, user = _agenda_for_edit(request, agenda_id)
    decision = Decision.objects.filter(pk=payload.decision_id).select_related("body").first()
    if decision is None:
        raise _missing("decision_id", _("decision"), payload.decision_id)
    try:
        agendas.decide_suitability(a, decision, payload.suitable, user, payload.reason)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "decision" in exc.error_dict:
            raise ValidationError({"decision_id": exc.error_dict["decision"]}) from exc
        raise
    a = Agenda.objects.select_related("district", "suitability_decision").get(pk=a.pk)
    return agenda_detail(a)


@router.post(
    "/agendas/{int:agenda_id}/reopen",
    response={200: AgendaDetailOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def reopen_agenda(request, agenda_id: int, payload: ReasonIn):
    """Take an infeasible, unsuitable or deferred agenda up again (재심의)."""
    a, user = _agenda_for_edit(request, agenda_id)
    agendas.reopen(a, user, payload.reason)
    return agenda_detail(a)


# ---------------------------------------------------------------- priority rounds


class RoundOut(Schema):
    id: int
    district_id: int
    year: int
    title: str
    policy_key: str
    category: str
    online_opens_at: dt.datetime | None
    online_closes_at: dt.datetime | None
    online_choices: int | None
    selected_count: int | None
    state: Literal["none", "upcoming", "open", "closed", "published"]
    agenda_ids: list[int]
    published_at: dt.datetime | None


class ResultRowOut(Schema):
    agenda_id: int
    title: str
    category: str
    rank: int
    selected: bool
    total: str = Field(description="Exact total as text (two decimals where fractional).")
    panel_mean: str
    panelists: int
    online: int
    onsite: dict[str, int]
    votes: int
    tie_broken_by: str


class ResultOut(Schema):
    round_id: int
    published: bool
    published_at: dt.datetime | None
    policy: str
    policy_name: str
    weights: dict[str, int]
    channels: list[str]
    tie_break: str
    tie_break_note: str
    selected_count: int | None
    online_voters: int
    rows: list[ResultRowOut]


class RoundIn(Schema):
    district_id: int
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=200)
    policy_key: str = Field(min_length=1, max_length=100)
    category: AgendaCategory | Literal[""] = ""
    online_opens_at: dt.datetime | None = None
    online_closes_at: dt.datetime | None = None
    selected_count: int | None = Field(None, ge=0, le=1000)
    agenda_ids: list[int] = Field(min_length=1, max_length=500)


class RoundPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    online_opens_at: dt.datetime | None = None
    online_closes_at: dt.datetime | None = None
    selected_count: int | None = Field(None, ge=0, le=1000)
    agenda_ids: list[int] | None = Field(None, min_length=1, max_length=500)


class VoteIn(Schema):
    agenda_ids: list[int] = Field(min_length=1, max_length=500)


class VoteOut(Schema):
    round_id: int
    agenda_ids: list[int]


class MyVoteOut(Schema):
    voted: bool
    can_vote: bool
    reason: str = Field(description="Why the caller cannot vote now ('' if they can).")


class ScoreIn(Schema):
    agenda_id: int
    panelist_id: int | None = Field(None, description="Default: the caller.")
    scores: dict[str, Any]


class TallyIn(Schema):
    agenda_id: int
    channel: str = Field(max_length=40)
    votes: int


class TalliesIn(Schema):
    tallies: list[TallyIn] = Field(min_length=1, max_length=2000)


def round_out(r: PriorityRound, agenda_ids: list[int] | None = None) -> dict:
    try:
        choices = rounds.policy_of(r).online_choices
    except LookupError:
        choices = None
    return {
        "id": r.pk,
        "district_id": r.district_id,
        "year": r.year,
        "title": r.title,
        "policy_key": r.policy_key,
        "category": r.category,
        "online_opens_at": _local(r.online_opens_at),
        "online_closes_at": _local(r.online_closes_at),
        "online_choices": choices,
        "selected_count": r.selected_count,
        "state": "published" if r.published_at else rounds.window(r),
        "agenda_ids": agenda_ids
        if agenda_ids is not None
        else list(r.agendas.order_by("created_at", "id").values_list("pk", flat=True)),
        "published_at": _local(r.published_at),
    }


@router.get("/priority/rounds", response={200: list[RoundOut], **READ_ERRORS}, tags=["priority"])
@paginate(Pagination)
def list_rounds(
    request, district: str | None = None, district_id: int | None = None, year: int | None = None
):
    """Priority rounds; filter by ``district`` (code) or ``district_id`` and ``year``."""
    qs = PriorityRound.objects.order_by("-year", "-id")
    d = _district(district, district_id)
    if d is not None:
        qs = qs.filter(district_id=d.pk)
    if year is not None:
        qs = qs.filter(year=year)
    return _Page(qs, _round_rows)


def _round_rows(page: list[PriorityRound]) -> list[dict]:
    """Rounds with their ballots, all read in one query."""
    ballots: dict[int, list[int]] = {r.pk: [] for r in page}
    through = PriorityRound.agendas.through
    for round_id, agenda_id in (
        through.objects.filter(priorityround_id__in=list(ballots))
        .order_by("agenda__created_at", "agenda_id")
        .values_list("priorityround_id", "agenda_id")
    ):
        ballots[round_id].append(agenda_id)
    return [round_out(r, ballots[r.pk]) for r in page]


@router.get(
    "/priority/rounds/{int:round_id}", response={200: RoundOut, **READ_ERRORS}, tags=["priority"]
)
def get_round(request, round_id: int):
    return round_out(get_object_or_404(PriorityRound, pk=round_id))


@router.get(
    "/priority/rounds/{int:round_id}/results",
    response={200: ResultOut, **READ_ERRORS},
    tags=["priority"],
)
def get_results(request, round_id: int):
    """The published full ranking (every agenda, scores and votes per channel). Before
    publication only the district's staff and city officers see the ranking as it
    stands (``published: false``)."""
    r = get_object_or_404(PriorityRound, pk=round_id)
    if r.published_at:
        return {"round_id": r.pk, "published": True, "published_at": _local(r.published_at)} | {
            k: r.result.get(k)
            for k in [
                "policy",
                "policy_name",
                "weights",
                "channels",
                "tie_break",
                "tie_break_note",
                "selected_count",
                "online_voters",
                "rows",
            ]
        }
    require(request, Action.VIEW_PRIVATE, r.district_id)
    policy = rounds.policy_of(r)
    ranked, by_id = rounds.ranking(r)
    return {
        "round_id": r.pk,
        "published": False,
        "published_at": None,
        "policy": policy.key,
        "policy_name": policy.name,
        "weights": {"panel": policy.panel_weight, "votes": policy.vote_weight},
        "channels": list(policy.onsite_channels),
        "tie_break": policy.tie_break,
        "tie_break_note": policy.tie_break_note,
        "selected_count": r.selected_count,
        "online_voters": r.votes.count(),
        "rows": rounds.result_rows(ranked, by_id),
    }


@router.post(
    "/priority/rounds",
    response={201: RoundOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["priority"],
)
def create_round(request, payload: RoundIn):
    """Set up a priority round over shortlisted agendas of the district and year."""
    district = District.objects.filter(pk=payload.district_id).first()
    if district is None:
        require_staff(request)
        raise _missing("district_id", _("district"), payload.district_id)
    user = require(request, Action.EDIT, district.pk)
    data = payload.dict(exclude={"agenda_ids", "district_id"})
    data["category"] = payload.category.value if payload.category else ""
    r = PriorityRound(district=district, **data)
    _renamed(rounds.save_round, r, payload.agenda_ids, user)
    return Status(201, round_out(r))


def _renamed(call, *args):
    """Service errors keyed ``agendas`` answer under the payload's ``agenda_ids``."""
    try:
        return call(*args)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "agendas" in exc.error_dict:
            renamed = {
                ("agenda_ids" if k == "agendas" else k): v for k, v in exc.error_dict.items()
            }
            raise ValidationError(renamed) from exc
        raise


@router.patch(
    "/priority/rounds/{int:round_id}",
    response={200: RoundOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["priority"],
)
def update_round(request, round_id: int, payload: RoundPatch):
    """Change a round before its results are published."""
    r = get_object_or_404(PriorityRound, pk=round_id)
    user = require(request, Action.EDIT, r.district_id)
    changes = payload.dict(exclude_unset=True)
    ids = changes.pop("agenda_ids", None)
    if "title" in changes and changes["title"] is None:
        raise ValidationError({"title": [_("This field cannot be null.")]})
    for field, value in changes.items():
        setattr(r, field, value)
    _renamed(rounds.save_round, r, ids, user)
    return round_out(r)


@router.get(
    "/priority/rounds/{int:round_id}/my-vote",
    response={200: MyVoteOut, **READ_ERRORS},
    tags=["priority"],
)
def my_vote(request, round_id: int):
    """Whether the caller has voted in this round, and whether they can vote now."""
    r = get_object_or_404(PriorityRound.objects.select_related("district"), pk=round_id)
    user = current_user(request)
    voted = rounds.has_voted(r, user)
    problem = "" if voted else (rounds.voter_problem(r, user) or "")
    if voted:
        problem = _("You have already voted in this round; each resident votes once.")
    return {"voted": voted, "can_vote": not problem, "reason": problem}


@router.post(
    "/priority/rounds/{int:round_id}/votes",
    response={201: VoteOut, **VOTE_ERRORS},
    auth=WRITE_AUTH,
    tags=["priority"],
)
def cast_vote(request, round_id: int, payload: VoteIn):
    """A resident's online vote: once per round, within the window, at most the
    policy's number of agendas. Votes are never shown with the voter."""
    r = get_object_or_404(PriorityRound.objects.select_related("district"), pk=round_id)
    user = current_user(request)
    _renamed(rounds.cast_vote, r, user, payload.agenda_ids)
    return Status(201, {"round_id": r.pk, "agenda_ids": payload.agenda_ids})


@router.post(
    "/priority/rounds/{int:round_id}/scores",
    response={201: ResultOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["priority"],
)
def enter_scores(request, round_id: int, payload: ScoreIn):
    """A panelist's score sheet for one agenda (by the policy's criteria, 0 to each
    criterion's maximum); entered again, it replaces the earlier sheet."""
    r = get_object_or_404(PriorityRound, pk=round_id)
    user = require(request, Action.EDIT, r.district_id)
    agenda = Agenda.objects.filter(pk=payload.agenda_id).first()
    if agenda is None:
        raise _missing("agenda_id", _("agenda"), payload.agenda_id)
    panelist = user
    if payload.panelist_id is not None:
        from django.contrib.auth import get_user_model

        panelist = get_user_model().objects.filter(pk=payload.panelist_id).first()
        if panelist is None:
            raise _missing("panelist_id", _("user"), payload.panelist_id)
    try:
        rounds.enter_scores(r, agenda, panelist, payload.scores, user)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            renamed = {
                (
                    f"scores.{k}"
                    if k not in ("agenda", "panelist", "__all__")
                    else {"agenda": "agenda_id", "panelist": "panelist_id"}.get(k, k)
                ): v
                for k, v in exc.error_dict.items()
            }
            raise ValidationError(renamed) from exc
        raise
    return Status(201, get_results(request, round_id))


@router.put(
    "/priority/rounds/{int:round_id}/tallies",
    response={200: ResultOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["priority"],
)
def enter_tallies(request, round_id: int, payload: TalliesIn):
    """On-site votes per agenda and channel (channels from the policy); a count sent
    again replaces the earlier one. Any bad row refuses all."""
    r = get_object_or_404(PriorityRound, pk=round_id)
    user = require(request, Action.EDIT, r.district_id)
    rounds.enter_tallies(r, [(t.agenda_id, t.channel, t.votes) for t in payload.tallies], user)
    return get_results(request, round_id)


@router.post(
    "/priority/rounds/{int:round_id}/publish",
    response={200: ResultOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["priority"],
)
def publish_round(request, round_id: int):
    """Publish the full ranking: ranks every agenda, selects the top N, defers the rest."""
    r = get_object_or_404(PriorityRound, pk=round_id)
    user = require(request, Action.EDIT, r.district_id)
    rounds.publish(r, user)
    return get_results(request, round_id)


class PolicyOut(Schema):
    key: str
    name: str
    name_en: str
    source: str
    note: str
    criteria: list[dict[str, Any]]
    panel_weight: int
    vote_weight: int
    online_choices: int | None
    onsite_channels: list[str]
    separate_ballots: bool
    tie_break: str
    tie_break_note: str
    residency: str


@router.get("/priority/policies", response={200: list[PolicyOut]}, tags=["priority"])
def list_policies(request):
    """The priority policies (은평 criteria, 노원 vote, …) with their criteria, weights,
    channels and tie-break."""
    return [rounds.priority_policy(key).model_dump() for key, _name in rounds.policy_choices()]
