"""Template helpers of the agenda pages: what became of a proposal (the follow-through
chain proposal → agenda (→ merged into) → review → screening → decision → rank → plan
task)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import template
from django.urls import NoReverseMatch, reverse

from ..models import Agenda, AgendaSource, PriorityRound

register = template.Library()


@dataclass
class ChainLink:
    """One agenda a proposal went into, followed to the agenda it lives on in."""

    agenda: Agenda  # the agenda the proposal was linked to
    merged_path: list[Agenda] = field(default_factory=list)  # agendas it was merged into
    survivor: Agenda | None = None
    reviews: list = field(default_factory=list)
    screening: object | None = None
    decision: object | None = None
    decision_published: bool = False
    round: PriorityRound | None = None
    ranked_of: int | None = None
    tasks: list = field(default_factory=list)  # plan tasks of public plans


def _plan_tasks(agenda: Agenda) -> list:
    """Tasks of public plans that took the agenda up. The plans app sits above this one:
    it is reached through the reverse relation it declares (``plan_tasks``), never
    imported, and the chain simply ends at the agenda when the app is not installed."""
    related = getattr(agenda, "plan_tasks", None)
    if related is None:
        return []
    tasks = []
    for task in related.select_related("plan").order_by("plan__start_year", "order", "id"):
        if not getattr(task.plan, "is_public", False):
            continue  # a draft plan is not public yet
        try:
            task.chain_url = reverse("plans:task", args=[task.pk])
        except NoReverseMatch:
            task.chain_url = ""
        tasks.append(task)
    return tasks


@register.simple_tag
def proposal_chain(proposal) -> list[ChainLink]:
    """The agendas a proposal became, each followed through merges to its current state."""
    if proposal is None or getattr(proposal, "pk", None) is None:
        return []
    links = []
    for source in (
        AgendaSource.objects.filter(proposal_id=proposal.pk).select_related("agenda").order_by("id")
    ):
        link = ChainLink(agenda=source.agenda)
        current, seen = source.agenda, {source.agenda.pk}
        while current.merged_into_id is not None and current.merged_into_id not in seen:
            seen.add(current.merged_into_id)
            current = Agenda.objects.get(pk=current.merged_into_id)
            link.merged_path.append(current)
        link.survivor = current
        link.reviews = list(current.reviews.select_related("department").order_by("id"))
        link.screening = current.screenings.order_by("-screened_at", "-id").first()
        decision = (
            current.suitability_decision if current.suitability_decision_id is not None else None
        )
        link.decision = decision
        link.decision_published = bool(decision and decision.published)
        link.round = (
            current.priority_rounds.filter(published_at__isnull=False).order_by("-id").first()
        )
        if link.round is not None:
            link.ranked_of = len(link.round.result.get("rows", []))
        link.tasks = _plan_tasks(current)
        links.append(link)
    return links
