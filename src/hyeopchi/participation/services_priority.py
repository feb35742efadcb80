"""What the UI, the API and the demo do to priority rounds: set a round up over shortlisted
agendas, take panel score sheets, online votes and on-site tallies, compute the ranking
(:mod:`.priority`) and publish it, which ranks every agenda and selects the top N.

Online votes: one per resident and round (the database refuses a second one), only
within the window, only from residents of the district (as the policy's ``residency``
requires), at most ``online_choices`` agendas. Votes are not recorded in the audit
history (it would say who voted for what); the round's set-up, scores, tallies and
publication are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hyeopchi.core import audit
from hyeopchi.core.policy import policies

from . import agenda_states as sm
from . import priority
from .agenda_states import Event, State
from .models import (
    Agenda,
    AgendaCategory,
    CriteriaScore,
    OnSiteTally,
    PriorityRound,
    PriorityVote,
    Residency,
)
from .policy import PriorityPolicy
from .services_agendas import (
    TITLE_MAX,
    _text,
    refuse,
    state_label,
    tell_proposers,
    transition,
)

audit.ACTION_LABELS.update(
    {
        "scores entered": gettext_lazy("panel scores entered"),
        "tallies entered": gettext_lazy("on-site votes entered"),
    }
)


def priority_policy(key: str) -> PriorityPolicy:
    return policies().get("priority_policy", key)


def policy_choices() -> list[tuple[str, str]]:
    return [(f.key, f.document.name) for f in policies().of_kind("priority_policy")]


def policy_of(round_: PriorityRound) -> PriorityPolicy:
    return priority_policy(round_.policy_key)


def window(round_: PriorityRound, now: dt.datetime | None = None) -> str:
    return priority.window_state(
        now or timezone.now(), round_.online_opens_at, round_.online_closes_at
    )


# ---------------------------------------------------------------- setting a round up


def save_round(
    round_: PriorityRound,
    agenda_ids: list[int] | None,
    actor=None,
    reason: str = "",
) -> PriorityRound:
    """Create or change a round (not after publication). ``agenda_ids`` None keeps the
    ballot as it is; the ballot cannot change once votes, scores or tallies came in."""
    errors: dict[str, list[str]] = {}
    creating = round_.pk is None
    if not creating and round_.published_at is not None:
        raise ValidationError({"__all__": [_("The results are published; the round is closed.")]})
    round_.title = _text(round_.title)
    if not round_.title:
        errors["title"] = [_("Give the round a title.")]
    elif len(round_.title) > TITLE_MAX:
        errors["title"] = [_("Use at most %(n)s characters.") % {"n": TITLE_MAX}]
    try:
        policy = priority_policy(round_.policy_key)
    except LookupError:
        errors["policy_key"] = [_("Choose one of the priority policies.")]
        policy = None
    if round_.category and round_.category not in AgendaCategory.values:
        errors["category"] = [_("Choose one of the ballots.")]
    elif policy is not None and policy.separate_ballots and not round_.category:
        errors["category"] = [
            _(
                "This policy votes on participatory-budget items and governance items "
                "separately: choose the ballot, and set up one round for each."
            )
        ]
    opens, closes = round_.online_opens_at, round_.online_closes_at
    if (opens is None) != (closes is None):
        errors["online_closes_at" if closes is None else "online_opens_at"] = [
            _("Give both the opening and the closing of the online vote, or neither.")
        ]
    elif opens is not None and closes <= opens:
        errors["online_closes_at"] = [_("The online vote must close after it opens.")]
    if policy is not None and opens is None and policy.vote_weight and not policy.onsite_channels:
        errors["online_opens_at"] = [_("This policy counts votes: set the online window.")]
    if policy is not None and opens is not None and not policy.vote_weight:
        errors["online_opens_at"] = [
            _("This policy ranks by the panel's scores only; it has no online vote.")
        ]
    if round_.selected_count is not None and not 0 <= round_.selected_count <= 1000:
        errors["selected_count"] = [_("Enter a number from 0 to 1000.")]
    chosen: list[Agenda] = []
    if agenda_ids is not None:
        chosen = _check_ballot(round_, agenda_ids, errors)
        if not creating and _has_input(round_):
            current = set(round_.agendas.values_list("pk", flat=True))
            if current != {a.pk for a in chosen}:
                errors.setdefault("agendas", []).append(
                    _("Votes, scores or tallies came in already: the ballot cannot change.")
                )
    if round_.selected_count is not None and "selected_count" not in errors:
        size = len(chosen) if agenda_ids is not None else round_.agendas.count()
        if round_.selected_count > size:
            errors["selected_count"] = [
                _("The ballot has %(n)s agendas; no more can be selected.") % {"n": size}
            ]
    refuse(errors)
    with transaction.atomic():
        before: dict[str, Any] = {}
        if not creating:
            old = PriorityRound.objects.get(pk=round_.pk)
            before = {f: _plain(getattr(old, f)) for f in _FIELDS}
        round_.save()
        if agenda_ids is not None:
            round_.agendas.set(chosen)
        after = {f: _plain(getattr(round_, f)) for f in _FIELDS}
        changes = audit.diff(before, after)
        if agenda_ids is not None:
            changes["agendas"] = sorted(a.pk for a in chosen)
        audit.record(round_, "created" if creating else "changed", actor, _text(reason), changes)
    return round_


_FIELDS = [
    "title",
    "policy_key",
    "category",
    "online_opens_at",
    "online_closes_at",
    "selected_count",
    "year",
    "district_id",
]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value


def _has_input(round_: PriorityRound) -> bool:
    return (
        round_.votes.exists() or round_.scores.exists() or round_.tallies.exists()
        if round_.pk
        else False
    )


def _check_ballot(round_: PriorityRound, agenda_ids: list[int], errors: dict) -> list[Agenda]:
    if not agenda_ids:
        errors.setdefault("agendas", []).append(_("Put at least one agenda on the ballot."))
        return []
    bad = [a for a in agenda_ids if isinstance(a, bool) or not isinstance(a, int)]
    if bad:
        errors.setdefault("agendas", []).append(_("Choose agendas by their ids."))
        return []
    found = {
        a.pk: a
        for a in Agenda.objects.filter(pk__in=agenda_ids).only(
            "pk", "title", "district_id", "year", "category", "status"
        )
    }
    problems: list[str] = []
    for pk in dict.fromkeys(agenda_ids):
        a = found.get(pk)
        if a is None:
            problems.append(_("No agenda with id %(id)s.") % {"id": pk})
        elif a.district_id != round_.district_id or a.year != round_.year:
            problems.append(
                _("“%(title)s” is not an agenda of this district and plan year.")
                % {"title": a.title}
            )
        elif round_.category and a.category != round_.category:
            problems.append(
                _("“%(title)s” belongs on the ballot “%(ballot)s”.")
                % {"title": a.title, "ballot": a.get_category_display()}
            )
        elif a.status != State.SHORTLISTED:
            problems.append(
                _("“%(title)s” is “%(state)s”; only shortlisted agendas go on a ballot.")
                % {"title": a.title, "state": state_label(a.status)}
            )
    others = (
        PriorityRound.objects.filter(published_at__isnull=True, agendas__in=list(found))
        .exclude(pk=round_.pk)
        .values_list("agendas__title", "title")
        .distinct()
    )
    for agenda_title, round_title in others:
        problems.append(
            _("“%(title)s” is already on the ballot of “%(round)s”.")
            % {"title": agenda_title, "round": round_title}
        )
    if problems:
        errors.setdefault("agendas", []).extend(problems)
        return []
    return [found[pk] for pk in dict.fromkeys(agenda_ids)]


# ---------------------------------------------------------------- online vote


def voter_problem(round_: PriorityRound, user, now: dt.datetime | None = None) -> str | None:
    """Why ``user`` cannot vote online in this round now (None: they can)."""
    state = window(round_, now)
    if round_.published_at is not None:
        return _("The results are published; the vote is over.")
    if state == "none":
        return _("This round has no online vote; votes are counted on site.")
    if state == "upcoming":
        return _("The online vote has not opened yet.")
    if state == "closed":
        return _("The online vote has closed.")
    if user is None or not user.is_authenticated:
        return _("Sign in to vote.")
    residency = Residency.objects.filter(user=user).only("district_id", "verified").first()
    if residency is None or residency.district_id != round_.district_id:
        return _("Only residents of %(district)s may vote in this round.") % {
            "district": round_.district.name
        }
    if policy_of(round_).residency == "verified" and not residency.verified:
        return _("Your residency has to be verified before you can vote in this round.")
    return None


def has_voted(round_: PriorityRound, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return PriorityVote.objects.filter(round=round_, user=user).exists()


def cast_vote(
    round_: PriorityRound, user, agenda_ids: list[Any], now: dt.datetime | None = None
) -> PriorityVote:
    """One resident's online vote; a second one is refused (by the database too)."""
    problem = voter_problem(round_, user, now)
    if problem:
        raise ValidationError({"__all__": [problem]})
    on_ballot = list(round_.agendas.values_list("pk", flat=True))
    problems = priority.validate_choices(agenda_ids, on_ballot, policy_of(round_).online_choices)
    if problems:
        raise ValidationError({"agendas": problems})
    try:
        with transaction.atomic():
            return PriorityVote.objects.create(round=round_, user=user, agendas=list(agenda_ids))
    except IntegrityError:
        raise ValidationError(
            {"__all__": [_("You have already voted in this round; each resident votes once.")]}
        ) from None


# ---------------------------------------------------------------- panel and tallies


def _open_for_input(round_: PriorityRound) -> None:
    if round_.published_at is not None:
        raise ValidationError({"__all__": [_("The results are published; the round is closed.")]})


def enter_scores(
    round_: PriorityRound, agenda: Agenda, panelist, scores: dict[str, Any], actor=None
) -> CriteriaScore:
    """A panelist's score sheet for one agenda (entered again, it replaces the earlier)."""
    _open_for_input(round_)
    policy = policy_of(round_)
    if not policy.criteria:
        raise ValidationError({"__all__": [_("This policy has no panel criteria.")]})
    if not round_.agendas.filter(pk=agenda.pk).exists():
        raise ValidationError({"agenda": [_("The agenda is not on this round's ballot.")]})
    if panelist is None or not getattr(panelist, "is_authenticated", False):
        raise ValidationError({"panelist": [_("Name the panelist.")]})
    errors = priority.validate_scores(policy.criteria, scores)
    refuse(errors)
    sheet = {c.key: scores[c.key] for c in policy.criteria}
    with transaction.atomic():
        row, _created = CriteriaScore.objects.update_or_create(
            round=round_, agenda=agenda, panelist=panelist, defaults={"scores": sheet}
        )
        audit.record(
            round_,
            "scores entered",
            actor,
            "",
            {"agenda": agenda.pk, "panelist": panelist.pk, "scores": sheet},
        )
    return row


def enter_tallies(
    round_: PriorityRound, rows: list[tuple[Any, Any, Any]], actor=None
) -> list[OnSiteTally]:
    """On-site votes per agenda and channel: ``rows`` of (agenda id, channel, votes).
    A row entered again replaces the earlier count; every row is checked first, and any
    bad row refuses all (nothing is half-saved)."""
    _open_for_input(round_)
    policy = policy_of(round_)
    if not policy.onsite_channels:
        raise ValidationError({"__all__": [_("This policy counts no on-site votes.")]})
    if not policy.vote_weight:
        raise ValidationError({"__all__": [_("This policy ranks by the panel's scores only.")]})
    on_ballot = set(round_.agendas.values_list("pk", flat=True))
    problems: list[str] = []
    clean: dict[tuple[int, str], int] = {}
    for n, (agenda_id, channel, votes) in enumerate(rows, start=1):
        where = _("Row %(n)s") % {"n": n}
        if isinstance(agenda_id, bool) or agenda_id not in on_ballot:
            problems.append(f"{where}: " + _("the agenda is not on this round's ballot."))
        elif channel not in policy.onsite_channels:
            problems.append(
                f"{where}: "
                + _("choose a channel of the policy: %(channels)s.")
                % {"channels": ", ".join(policy.onsite_channels)}
            )
        elif isinstance(votes, bool) or not isinstance(votes, int):
            problems.append(f"{where}: " + _("enter the votes as a whole number."))
        elif not 0 <= votes <= priority.MAX_TALLY:
            problems.append(
                f"{where}: "
                + _("enter a number of votes from 0 to %(max)s.")
                % {"max": f"{priority.MAX_TALLY:,}"}
            )
        elif (agenda_id, channel) in clean:
            problems.append(f"{where}: " + _("this agenda and channel are listed twice."))
        else:
            clean[(agenda_id, channel)] = votes
    if not rows:
        problems.append(_("Enter at least one count."))
    if problems:
        raise ValidationError({"tallies": problems})
    saved = []
    with transaction.atomic():
        for (agenda_id, channel), votes in clean.items():
            row, _created = OnSiteTally.objects.update_or_create(
                round=round_,
                agenda_id=agenda_id,
                channel=channel,
                defaults={"votes": votes, "entered_by": actor},
            )
            saved.append(row)
        audit.record(
            round_,
            "tallies entered",
            actor,
            "",
            {"tallies": [[a, c, v] for (a, c), v in clean.items()]},
        )
    return saved


# ---------------------------------------------------------------- ranking and publication


def ranking(round_: PriorityRound) -> tuple[list[priority.Ranked], dict[int, Agenda]]:
    """The ranking as it stands (for staff before publication, and for publishing)."""
    policy = policy_of(round_)
    agendas = {a.pk: a for a in round_.agendas.order_by("created_at", "id")}
    entries = [priority.Entry(pk, n) for n, pk in enumerate(agendas)]
    sheets: dict[int, list[dict]] = defaultdict(list)
    for agenda_id, scores in CriteriaScore.objects.filter(round=round_).values_list(
        "agenda_id", "scores"
    ):
        sheets[agenda_id].append(scores)
    online = priority.count_online(
        ballot for ballot in round_.votes.values_list("agendas", flat=True).iterator()
    )
    onsite: dict[int, dict[str, int]] = defaultdict(dict)
    for agenda_id, channel, votes in round_.tallies.values_list("agenda_id", "channel", "votes"):
        onsite[agenda_id][channel] = votes
    ranked = priority.rank(
        entries,
        policy,
        sheets=sheets,
        online=online,
        onsite=onsite,
        selected_count=round_.selected_count,
    )
    return ranked, agendas


def result_rows(ranked: list[priority.Ranked], agendas: dict[int, Agenda]) -> list[dict]:
    return [
        {
            "agenda_id": r.agenda_id,
            "title": agendas[r.agenda_id].title,
            "category": agendas[r.agenda_id].category,
            "rank": r.rank,
            "selected": r.selected,
            "total": priority.shown(r.total),
            "panel_mean": priority.shown(r.panel_mean),
            "panelists": r.panelists,
            "online": r.online,
            "onsite": r.onsite,
            "votes": r.votes,
            "tie_broken_by": r.tie_broken_by,
        }
        for r in ranked
    ]


def publish(round_: PriorityRound, actor=None, now: dt.datetime | None = None) -> PriorityRound:
    """Publish the full ranking: every agenda gets its rank, the top N are selected and
    the rest deferred (still listed publicly)."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if round_.published_at is not None:
        errors["__all__"] = [_("The results are already published.")]
    elif window(round_, now) in ("upcoming", "open"):
        errors["__all__"] = [_("The online vote is still open; publish after it closes.")]
    if round_.selected_count is None:
        errors["selected_count"] = [_("Say how many agendas are selected before publishing.")]
    refuse(errors)
    policy = policy_of(round_)
    with transaction.atomic():
        locked = PriorityRound.objects.select_for_update().get(pk=round_.pk)
        if locked.published_at is not None:
            raise ValidationError({"__all__": [_("The results are already published.")]})
        ranked, agendas = ranking(locked)
        if not ranked:
            raise ValidationError({"__all__": [_("The ballot has no agenda.")]})
        for agenda in agendas.values():
            if not sm.can(agenda.status, Event.RANK):
                raise ValidationError(
                    {
                        "__all__": [
                            _("“%(title)s” is “%(state)s” and cannot be ranked.")
                            % {"title": agenda.title, "state": state_label(agenda.status)}
                        ]
                    }
                )
        why = _("Priority round “%(round)s”") % {"round": locked.title}
        for r in ranked:
            agenda = agendas[r.agenda_id]
            transition(agenda, Event.RANK, actor, why, changes={"rank": r.rank})
            transition(agenda, Event.SELECT if r.selected else Event.DEFER, actor, why)
        locked.result = {
            "policy": policy.key,
            "policy_name": policy.name,
            "weights": {"panel": policy.panel_weight, "votes": policy.vote_weight},
            "criteria": [c.key for c in policy.criteria],
            "channels": list(policy.onsite_channels),
            "tie_break": policy.tie_break,
            "tie_break_note": policy.tie_break_note,
            "selected_count": locked.selected_count,
            "online_voters": locked.votes.count(),
            "rows": result_rows(ranked, agendas),
        }
        locked.published_at = now
        locked.save(update_fields=["result", "published_at"])
        audit.record(
            locked,
            "published",
            actor,
            "",
            {"ranking": [[r.agenda_id, r.rank, r.selected] for r in ranked]},
        )
    round_.result, round_.published_at = locked.result, locked.published_at
    for r in ranked:
        agenda = agendas[r.agenda_id]
        tell_proposers(
            agenda,
            lambda p, r=r, agenda=agenda: (
                (
                    _("The agenda “%(agenda)s” ranked %(rank)s of %(count)s and was selected.")
                    if r.selected
                    else _(
                        "The agenda “%(agenda)s” ranked %(rank)s of %(count)s and was deferred; "
                        "it stays on the public list."
                    )
                )
                % {"agenda": agenda.title, "rank": r.rank, "count": len(ranked)}
            ),
        )
    return round_
