"""What the UI, the API and the demo do to agendas (의제): create them from their sources,
add sources, merge, department review, screening, the subcommittee's suitability
decision and re-opening.

Every step goes through :func:`transition`, which asks the pure state machine
(:mod:`.agenda_states`) whether the step is possible now, saves inside a transaction
with the agenda row locked, records who, when and why in the audit history, and tells
the proposers whose proposals are among the agenda's sources. Errors are
``ValidationError``s keyed by field, so a form shows them next to the field and the API
under the payload's name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hyeopchi.bodies.models import Decision
from hyeopchi.core import audit
from hyeopchi.core.models import District
from hyeopchi.directory.models import Organisation, OrganisationType

from . import agenda_states as sm
from .agenda_states import Event, State
from .models import (
    Agenda,
    AgendaCategory,
    AgendaSource,
    AgendaStatus,
    DepartmentReview,
    ForumIdea,
    Proposal,
    Screening,
    SourceKind,
)
from .notifications import notify

TITLE_MAX = 200
TEXT_MAX = 5000
REASON_MAX = 1000
MAX_AMOUNT = 10**15  # 1,000조 원: more than any budget; larger is a typing error
FIRST_YEAR, LAST_YEAR = 2000, 2100

audit.ACTION_LABELS.update(
    {
        "agenda merged": gettext_lazy("merged into another agenda"),
        "agendas merged in": gettext_lazy("agendas merged in"),
        "sources added": gettext_lazy("sources added"),
        "reviewed: feasible": gettext_lazy("department review: feasible"),
        "reviewed: infeasible": gettext_lazy("department review: infeasible"),
        "screened: suitable": gettext_lazy("screening: all four properties met"),
        "screened: unsuitable": gettext_lazy("screening: unsuitable"),
        "decided: shortlisted": gettext_lazy("subcommittee: suitable, shortlisted"),
        "decided: unsuitable": gettext_lazy("subcommittee: unsuitable for governance"),
        "ranked": gettext_lazy("ranked"),
        "selected": gettext_lazy("selected"),
        "deferred": gettext_lazy("deferred"),
        "reopened": gettext_lazy("re-opened"),
    }
)


def refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _text(value: Any) -> str:
    """User text stored plain: stripped, with Windows line ends made plain."""
    return str(value or "").replace("\r\n", "\n").strip()


def _too_long(errors: dict, field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.setdefault(field, []).append(
            _("Use at most %(n)s characters (you wrote %(len)s).") % {"n": limit, "len": len(value)}
        )


def state_label(state: str) -> str:
    try:
        return str(AgendaStatus(state).label)
    except ValueError:
        return state


def source_kind_label(kind: str) -> str:
    return str(SourceKind(kind).label) if kind in SourceKind.values else kind


EVENT_LABELS = {
    Event.MERGE: gettext_lazy("merge into another agenda"),
    Event.REVIEW_FEASIBLE: gettext_lazy("department review"),
    Event.REVIEW_INFEASIBLE: gettext_lazy("department review"),
    Event.SCREEN_PASS: gettext_lazy("screening"),
    Event.SCREEN_FAIL: gettext_lazy("screening"),
    Event.DECIDE_SUITABLE: gettext_lazy("suitability decision"),
    Event.DECIDE_UNSUITABLE: gettext_lazy("suitability decision"),
    Event.RANK: gettext_lazy("ranking"),
    Event.SELECT: gettext_lazy("selection"),
    Event.DEFER: gettext_lazy("deferral"),
    Event.REOPEN: gettext_lazy("re-opening"),
}


def refusal_message(refused: sm.TransitionRefused) -> str:
    possible = sorted({str(EVENT_LABELS[e]) for e in refused.allowed})
    message = _("An agenda that is “%(state)s” cannot take this step (%(step)s).") % {
        "state": state_label(refused.state),
        "step": EVENT_LABELS.get(refused.event, refused.event),
    }
    if possible:
        message += " " + _("Possible now: %(steps)s.") % {"steps": ", ".join(possible)}
    else:
        message += " " + _("No further step is possible here.")
    return message


def agenda_url(agenda: Agenda) -> str:
    return reverse("agendas:detail", args=[agenda.pk])


# ---------------------------------------------------------------- proposers


def linked_proposals(agenda: Agenda) -> list[Proposal]:
    """Proposals among the sources of the agenda and of every agenda merged into it."""
    ids = merged_family(agenda)
    return list(
        Proposal.objects.filter(agenda_sources__agenda_id__in=ids)
        .select_related("author")
        .distinct()
        .order_by("id")
    )


def merged_family(agenda: Agenda) -> list[int]:
    """The agenda and every agenda merged into it, directly or through another."""
    family, frontier = [agenda.pk], [agenda.pk]
    while frontier:
        frontier = list(
            Agenda.objects.filter(merged_into_id__in=frontier)
            .exclude(pk__in=family)
            .values_list("pk", flat=True)
        )
        family.extend(frontier)
    return family


def survivor_of(agenda: Agenda) -> Agenda:
    """The agenda a merged agenda lives on in (itself if not merged)."""
    seen = {agenda.pk}
    while agenda.merged_into_id is not None and agenda.merged_into_id not in seen:
        seen.add(agenda.merged_into_id)
        agenda = Agenda.objects.get(pk=agenda.merged_into_id)
    return agenda


def tell_proposers(agenda: Agenda, render, proposals: Sequence[Proposal] | None = None) -> int:
    """Notify the authors of the agenda's proposals; ``render(proposal)`` gives the text
    (called with the site's default language active)."""
    proposals = linked_proposals(agenda) if proposals is None else proposals
    if not proposals:
        return 0
    url = agenda_url(survivor_of(agenda))  # the same for every proposer: look it up once
    sent = 0
    for proposal in proposals:
        with translation.override(settings.LANGUAGE_CODE):
            message = str(render(proposal))
        sent += notify([proposal.author], message, url)
    return sent


# ---------------------------------------------------------------- the one way to change state


def transition(
    agenda: Agenda,
    event: Event,
    actor=None,
    reason: str = "",
    *,
    changes: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Agenda:
    """Apply ``event`` to the agenda (locked for the step), set ``changes`` on it, save
    and record the step with who and why. Refused steps raise a ValidationError on
    ``status`` that says what is possible instead."""
    reason = _text(reason)
    with transaction.atomic():
        locked = Agenda.objects.select_for_update().get(pk=agenda.pk)
        try:
            after = sm.next_state(locked.status, event)
        except sm.TransitionRefused as refused:
            raise ValidationError({"status": [refusal_message(refused)]}) from None
        if event in sm.NEEDS_REASON and not reason:
            raise ValidationError({"reason": [_("Say why.")]})
        _too_long_reason(reason)
        before = {f: getattr(locked, f) for f in ["status", *(changes or {})]}
        locked.status = after.value
        for field, value in (changes or {}).items():
            setattr(locked, field, value)
        locked.save()
        recorded = audit.diff(
            {k: _plain(v) for k, v in before.items()},
            {k: _plain(getattr(locked, k)) for k in before},
        )
        recorded.update(extra or {})
        audit.record(locked, sm.ACTIONS[event], actor, reason, recorded)
    for field in ["status", *(changes or {})]:
        setattr(agenda, field, getattr(locked, field))
    return agenda


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _too_long_reason(reason: str) -> None:
    errors: dict[str, list[str]] = {}
    _too_long(errors, "reason", reason, REASON_MAX)
    refuse(errors)


# ---------------------------------------------------------------- sources


@dataclass
class SourceSpec:
    """One source of an agenda, as a form or a payload gives it."""

    kind: str
    proposal_id: int | None = None
    forum_idea_id: int | None = None
    department_id: int | None = None
    transfer_reference: str = ""
    transfer_amount: int | None = None
    note: str = ""


def _bad_id(value: Any) -> bool:
    return isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63


def build_sources(district: District, specs: Sequence[SourceSpec]) -> list[AgendaSource]:
    """Unsaved AgendaSource rows for ``specs``; every source must be of the district.
    Errors are keyed ``sources`` with the source's position (1st, 2nd…)."""
    problems: list[str] = []
    rows: list[AgendaSource] = []
    seen: set[tuple[str, Any]] = set()
    for n, spec in enumerate(specs, start=1):
        where = _("Source %(n)s") % {"n": n}
        note = _text(spec.note)
        if len(note) > TEXT_MAX:
            problems.append(f"{where}: " + _("the note is too long."))
            continue
        row = AgendaSource(kind=spec.kind, note=note)
        if spec.kind == SourceKind.PROPOSAL:
            problem = _check_proposal(district, spec.proposal_id)
            row.proposal_id, key = spec.proposal_id, ("proposal", spec.proposal_id)
        elif spec.kind == SourceKind.FORUM_IDEA:
            problem = _check_idea(district, spec.forum_idea_id)
            row.forum_idea_id, key = spec.forum_idea_id, ("idea", spec.forum_idea_id)
        elif spec.kind == SourceKind.DEPARTMENT:
            problem = _check_department(district, spec.department_id)
            row.department_id, key = spec.department_id, ("department", spec.department_id)
        elif spec.kind == SourceKind.TRANSFERRED_PB:
            reference = _text(spec.transfer_reference)
            problem = _check_transfer(reference, spec.transfer_amount)
            row.transfer_reference, row.transfer_amount = reference, spec.transfer_amount
            key = ("transfer", reference)
        else:
            problem = _("choose the kind of source: %(kinds)s.") % {
                "kinds": ", ".join(str(label) for label in SourceKind.labels)
            }
            key = ("?", n)
        if problem is None and key in seen:
            problem = _("this source is listed twice.")
        seen.add(key)
        if problem:
            problems.append(f"{where}: {problem}")
        else:
            rows.append(row)
    if problems:
        raise ValidationError({"sources": problems})
    return rows


def _check_proposal(district: District, pk: Any) -> str | None:
    if pk is None:
        return _("choose the proposal.")
    if _bad_id(pk):
        return _("no proposal with id %(id)s.") % {"id": pk}
    proposal = Proposal.objects.filter(pk=pk).only("district_id").first()
    if proposal is None:
        return _("no proposal with id %(id)s.") % {"id": pk}
    if proposal.district_id != district.pk:
        return _("the proposal is one of another district.")
    return None


def _check_idea(district: District, pk: Any) -> str | None:
    if pk is None:
        return _("choose the forum idea.")
    if _bad_id(pk):
        return _("no forum idea with id %(id)s.") % {"id": pk}
    idea = ForumIdea.objects.filter(pk=pk).select_related("forum").first()
    if idea is None:
        return _("no forum idea with id %(id)s.") % {"id": pk}
    if idea.forum.district_id != district.pk:
        return _("the forum is one of another district.")
    return None


def _check_department(district: District, pk: Any) -> str | None:
    if pk is None:
        return _("choose the department.")
    if _bad_id(pk):
        return _("no department with id %(id)s.") % {"id": pk}
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        return _("no department with id %(id)s.") % {"id": pk}
    if org.type != OrganisationType.ADMIN_UNIT:
        return _("“%(name)s” is not an administrative unit (행정부서).") % {"name": org.name}
    if org.district_id != district.pk:
        return _("“%(name)s” is a department of another district or of the city.") % {
            "name": org.name
        }
    return None


def _check_transfer(reference: str, amount: Any) -> str | None:
    if not reference:
        return _("give the reference of the transferred proposal.")
    if len(reference) > 100:
        return _("the reference may have at most 100 characters.")
    if amount is None:
        return None
    if isinstance(amount, bool) or not isinstance(amount, int):
        return _("the transferred amount is a whole number of won.")
    if not 0 <= amount <= MAX_AMOUNT:
        return _("the transferred amount must be between 0 and %(max)s won.") % {
            "max": f"{MAX_AMOUNT:,}"
        }
    return None


def sources_by_agenda(agendas: Iterable[Agenda]) -> dict[int, list[AgendaSource]]:
    """Every agenda's sources including those of agendas merged into it, in one query
    (merged agendas are of the same district and year, so they are in ``agendas``)."""
    agendas = list(agendas)
    ids = [a.pk for a in agendas]
    own: dict[int, list[AgendaSource]] = defaultdict(list)
    for source in (
        AgendaSource.objects.filter(agenda_id__in=ids)
        .select_related("proposal", "forum_idea__forum", "department")
        .order_by("id")
    ):
        own[source.agenda_id].append(source)
    children: dict[int, list[int]] = defaultdict(list)
    for a in agendas:
        if a.merged_into_id is not None:
            children[a.merged_into_id].append(a.pk)

    def collect(pk: int, seen: set[int]) -> list[AgendaSource]:
        found = list(own.get(pk, []))
        for child in children.get(pk, []):
            if child not in seen:
                seen.add(child)
                found.extend(collect(child, seen))
        return found

    return {a.pk: collect(a.pk, {a.pk}) for a in agendas}


# ---------------------------------------------------------------- creating


def _check_agenda_fields(
    title: str, description: str, category: str, year: Any, errors: dict
) -> None:
    if not title:
        errors.setdefault("title", []).append(_("Give the agenda a title."))
    _too_long(errors, "title", title, TITLE_MAX)
    _too_long(errors, "description", description, TEXT_MAX)
    if category not in AgendaCategory.values:
        errors.setdefault("category", []).append(
            _("Choose one of: %(choices)s.")
            % {"choices": ", ".join(str(label) for label in AgendaCategory.labels)}
        )
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        errors.setdefault("year", []).append(
            _("Enter a plan year between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )


def create_agenda(
    district: District,
    year: int,
    title: str,
    sources: Sequence[SourceSpec],
    *,
    description: str = "",
    category: str = AgendaCategory.GOVERNANCE,
    actor=None,
    reason: str = "",
) -> Agenda:
    """A new agenda of ``district`` for plan ``year`` made from at least one source."""
    title, description = _text(title), _text(description)
    errors: dict[str, list[str]] = {}
    _check_agenda_fields(title, description, category, year, errors)
    if not sources:
        errors.setdefault("sources", []).append(
            _(
                "Name at least one source: a proposal, a forum idea, a department or a "
                "transferred participatory-budget proposal."
            )
        )
    else:
        try:
            rows = build_sources(district, sources)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    refuse(errors)
    with transaction.atomic():
        agenda = Agenda.objects.create(
            district=district, year=year, title=title, description=description, category=category
        )
        for row in rows:
            row.agenda = agenda
        AgendaSource.objects.bulk_create(rows)
        audit.record(agenda, "created", actor, _text(reason), _source_summary(rows))
    proposals = [r.proposal_id for r in rows if r.proposal_id]
    if proposals:
        tell_proposers(
            agenda,
            lambda p: (
                _("Your proposal “%(proposal)s” became the agenda “%(agenda)s”.")
                % {"proposal": p.title, "agenda": agenda.title}
            ),
            list(Proposal.objects.filter(pk__in=proposals).select_related("author")),
        )
    return agenda


def _source_summary(rows: Sequence[AgendaSource]) -> dict[str, Any]:
    summary: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        if row.kind == SourceKind.PROPOSAL:
            summary["proposals"].append(row.proposal_id)
        elif row.kind == SourceKind.FORUM_IDEA:
            summary["forum_ideas"].append(row.forum_idea_id)
        elif row.kind == SourceKind.DEPARTMENT:
            summary["departments"].append(row.department_id)
        else:
            summary["transfers"].append([row.transfer_reference, row.transfer_amount])
    return dict(summary)


def add_sources(agenda: Agenda, sources: Sequence[SourceSpec], actor=None) -> list[AgendaSource]:
    """More sources for an agenda still open for them (proposed or reviewed)."""
    if agenda.status not in sm.OPEN_FOR_SOURCES:
        raise ValidationError(
            {
                "status": [
                    _(
                        "Sources can be added while an agenda is proposed or reviewed; "
                        "this one is “%(state)s”."
                    )
                    % {"state": state_label(agenda.status)}
                ]
            }
        )
    if not sources:
        raise ValidationError({"sources": [_("Name at least one source.")]})
    rows = build_sources(agenda.district, sources)
    existing = {
        (s.kind, s.proposal_id, s.forum_idea_id, s.department_id, s.transfer_reference)
        for s in agenda.sources.all()
    }
    doubles = [
        r
        for r in rows
        if (r.kind, r.proposal_id, r.forum_idea_id, r.department_id, r.transfer_reference)
        in existing
    ]
    if doubles:
        raise ValidationError({"sources": [_("A source is already one of this agenda's.")]})
    with transaction.atomic():
        for row in rows:
            row.agenda = agenda
        AgendaSource.objects.bulk_create(rows)
        audit.record(agenda, "sources added", actor, "", _source_summary(rows))
    proposals = [r.proposal_id for r in rows if r.proposal_id]
    if proposals:
        tell_proposers(
            agenda,
            lambda p: (
                _("Your proposal “%(proposal)s” became part of the agenda “%(agenda)s”.")
                % {"proposal": p.title, "agenda": agenda.title}
            ),
            list(Proposal.objects.filter(pk__in=proposals).select_related("author")),
        )
    return rows


def edit_agenda(
    agenda: Agenda, *, title: str, description: str, category: str, actor=None, reason: str = ""
) -> Agenda:
    """Change the title, description or category (not the state: that takes a step)."""
    title, description = _text(title), _text(description)
    errors: dict[str, list[str]] = {}
    _check_agenda_fields(title, description, category, agenda.year, errors)
    if (
        category != agenda.category
        and agenda.priority_rounds.filter(published_at__isnull=True).exists()
    ):
        errors.setdefault("category", []).append(
            _("The agenda is on a priority ballot; take it off before changing its category.")
        )
    refuse(errors)
    with transaction.atomic():
        before = {
            "title": agenda.title,
            "description": agenda.description,
            "category": agenda.category,
        }
        agenda.title, agenda.description, agenda.category = title, description, category
        agenda.save(update_fields=["title", "description", "category"])
        after = {"title": title, "description": description, "category": category}
        audit.record(agenda, "changed", actor, _text(reason), audit.diff(before, after))
    return agenda


# ---------------------------------------------------------------- merging


def merge_agendas(
    merged: Sequence[Agenda],
    *,
    into: Agenda | None = None,
    title: str = "",
    description: str = "",
    category: str | None = None,
    actor=None,
    reason: str = "",
) -> Agenda:
    """Merge ``merged`` into ``into`` (or into a new agenda called ``title``). The merged
    agendas become “merged” with ``merged_into`` set; their sources stay theirs and are
    reached from the survivor, so no link is lost."""
    errors: dict[str, list[str]] = {}
    merged = list({a.pk: a for a in merged}.values())
    if into is not None:
        merged = [a for a in merged if a.pk != into.pk]
    minimum = 1 if into is not None else 2
    if len(merged) < minimum:
        errors.setdefault("agendas", []).append(
            _("Choose at least two agendas to merge.")
            if into is None
            else _("Choose the agendas to merge into “%(title)s”.") % {"title": into.title}
        )
    district_ids = {a.district_id for a in merged} | ({into.district_id} if into else set())
    years = {a.year for a in merged} | ({into.year} if into else set())
    if len(district_ids) > 1:
        errors.setdefault("agendas", []).append(_("Only agendas of one district can be merged."))
    if len(years) > 1:
        errors.setdefault("agendas", []).append(_("Only agendas of one plan year can be merged."))
    for a in merged:
        if not sm.can(a.status, Event.MERGE):
            errors.setdefault("agendas", []).append(
                _("“%(title)s” is “%(state)s” and cannot be merged any more.")
                % {"title": a.title, "state": state_label(a.status)}
            )
    if into is not None and into.status not in sm.OPEN_FOR_SOURCES:
        errors.setdefault("into", []).append(
            _("“%(title)s” is “%(state)s”: only a proposed or reviewed agenda can take others in.")
            % {"title": into.title, "state": state_label(into.status)}
        )
    reason = _text(reason)
    title, description = _text(title), _text(description)
    if into is None and merged:
        category = category or merged[0].category
        _check_agenda_fields(title, description, category, merged[0].year, errors)
    refuse(errors)
    with transaction.atomic():
        if into is None:
            first = merged[0]
            into = Agenda.objects.create(
                district_id=first.district_id,
                year=first.year,
                title=title,
                description=description,
                category=category,
            )
            audit.record(into, "created", actor, reason, {"merged": [a.pk for a in merged]})
        for a in merged:
            transition(
                a,
                Event.MERGE,
                actor,
                reason,
                changes={"merged_into": into},
                extra={"into": into.pk},
            )
        audit.record(into, "agendas merged in", actor, reason, {"merged": [a.pk for a in merged]})
    survivor = into
    tell_proposers(
        survivor,
        lambda p: (
            _("The agenda made from your proposal “%(proposal)s” was merged into “%(agenda)s”.")
            % {"proposal": p.title, "agenda": survivor.title}
        ),
        _proposals_of([a.pk for a in merged]),
    )
    return survivor


def _proposals_of(agenda_ids: Sequence[int]) -> list[Proposal]:
    family: list[int] = []
    for pk in agenda_ids:
        family.extend(merged_family(Agenda(pk=pk)))
    return list(
        Proposal.objects.filter(agenda_sources__agenda_id__in=family)
        .select_related("author")
        .distinct()
    )


# ---------------------------------------------------------------- review, screening, decision


def review(
    agenda: Agenda, department: Organisation | None, feasible: bool, opinion: str, actor=None
) -> DepartmentReview:
    """A department's feasibility review (부서검토): feasible keeps the agenda going,
    infeasible (수행불가) stops it (it stays in the public list)."""
    opinion = _text(opinion)
    errors: dict[str, list[str]] = {}
    if department is None:
        errors["department"] = [_("Choose the department that reviewed the agenda.")]
    else:
        problem = _check_department(agenda.district, department.pk)
        if problem:
            errors["department"] = [problem[0].upper() + problem[1:]]
    if not opinion:
        errors["opinion"] = [_("Write the department's opinion; it is published.")]
    _too_long(errors, "opinion", opinion, TEXT_MAX)
    if not isinstance(feasible, bool):
        errors["feasible"] = [_("Say whether the department found the agenda feasible.")]
    refuse(errors)
    with transaction.atomic():
        transition(
            agenda,
            sm.review_event(feasible),
            actor,
            opinion,
            extra={"department": department.pk},
        )
        row = DepartmentReview.objects.create(
            agenda=agenda, department=department, feasible=feasible, opinion=opinion
        )
    tell_proposers(
        agenda,
        lambda p: (
            (
                _("%(department)s found the agenda “%(agenda)s” feasible.")
                if feasible
                else _("%(department)s found the agenda “%(agenda)s” infeasible.")
            )
            % {"department": department.name, "agenda": agenda.title}
        ),
    )
    return row


PROPERTIES = [
    ("openness", gettext_lazy("openness (개방성)")),
    ("deliberation", gettext_lazy("deliberativeness (숙의성)")),
    ("public_interest", gettext_lazy("public interest (공익성)")),
    ("cooperation", gettext_lazy("public-private cooperation (민관협력성)")),
]


def screen(agenda: Agenda, findings: dict[str, Any], actor=None) -> Screening:
    """Screening against the four properties, each met or not with its reason. Failing
    any makes the agenda unsuitable (it stays in the public list)."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for key, label in PROPERTIES:
        met = findings.get(key)
        reason = _text(findings.get(f"{key}_reason"))
        if not isinstance(met, bool):
            errors[key] = [_("Say whether the agenda meets “%(property)s”.") % {"property": label}]
        if not reason:
            errors[f"{key}_reason"] = [
                _("Give the reason for “%(property)s”.") % {"property": label}
            ]
        _too_long(errors, f"{key}_reason", reason, REASON_MAX)
        values[key], values[f"{key}_reason"] = met, reason
    refuse(errors)
    passed = all(values[key] for key, _label in PROPERTIES)
    failed = [str(label) for key, label in PROPERTIES if not values[key]]
    why = (
        _("Meets all four properties.")
        if passed
        else _("Does not meet: %(properties)s.") % {"properties": ", ".join(failed)}
    )
    with transaction.atomic():
        transition(agenda, sm.screening_event(passed), actor, why, extra={"findings": values})
        row = Screening.objects.create(agenda=agenda, screened_by=_user(actor), **values)
    tell_proposers(
        agenda,
        lambda p: (
            (
                _("The agenda “%(agenda)s” passed the screening and goes to the subcommittee.")
                if passed
                else _("The agenda “%(agenda)s” was found unsuitable in the screening: %(why)s")
            )
            % {"agenda": agenda.title, "why": why}
        ),
    )
    return row


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def decide_suitability(
    agenda: Agenda, decision: Decision | None, suitable: bool, actor=None, reason: str = ""
) -> Agenda:
    """The subcommittee's suitability decision, linked to the decision of the body that
    took it (a body of the agenda's district): suitable shortlists the agenda for the
    priority decision; unsuitable (협치부적합) stops it."""
    errors: dict[str, list[str]] = {}
    if decision is None:
        errors["decision"] = [_("Choose the decision of the body that took it.")]
    elif decision.body.district_id != agenda.district_id:
        errors["decision"] = [
            _("The decision must be one of a body of %(district)s.")
            % {"district": agenda.district.name}
        ]
    if not isinstance(suitable, bool):
        errors["suitable"] = [_("Say whether the body found the agenda suitable.")]
    refuse(errors)
    transition(
        agenda,
        sm.decision_event(suitable),
        actor,
        reason or decision.title,
        changes={"subcommittee": decision.body, "suitability_decision": decision},
    )
    tell_proposers(
        agenda,
        lambda p: (
            (
                _("%(body)s shortlisted the agenda “%(agenda)s” for the priority decision.")
                if suitable
                else _("%(body)s found the agenda “%(agenda)s” unsuitable for governance.")
            )
            % {"body": decision.body.name, "agenda": agenda.title}
        ),
    )
    return agenda


def reopen(agenda: Agenda, actor=None, reason: str = "") -> Agenda:
    """Take an infeasible, unsuitable or deferred agenda up again (재심의, a later cycle)."""
    transition(agenda, Event.REOPEN, actor, reason, changes={"rank": None})
    tell_proposers(
        agenda,
        lambda p: _("The agenda “%(agenda)s” was taken up again.") % {"agenda": agenda.title},
    )
    return agenda


# ---------------------------------------------------------------- reading


def steps_of(agenda: Agenda):
    """The agenda's public timeline: its audit events without who made them."""
    return audit.history(agenda).order_by("at", "id")


STATE_ORDER = [s.value for s in State]
