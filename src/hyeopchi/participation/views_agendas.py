"""Pages of agendas (의제) from discovery to the priority decision, and of priority rounds.

Public pages list every agenda of a district and year with its status and sources,
deferred and unsuitable ones included, and the published results of priority rounds;
they never show personal data (no proposer names, no one's vote). Residents vote in an
open round. Staff pages act on one district's records: each checks
``user_can(user, Action.EDIT, district)`` before showing or accepting a form.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action, user_can

from . import agenda_states as sm
from . import forms_agendas as forms
from . import services_agendas as agendas
from . import services_priority as rounds
from .agenda_states import Event, State
from .models import (
    Agenda,
    AgendaCategory,
    AgendaSource,
    AgendaStatus,
    CriteriaScore,
    OnSiteTally,
    PriorityRound,
    SourceKind,
)

# ---------------------------------------------------------------- helpers


def _can_edit(request, district_id: int | None) -> bool:
    return user_can(request.user, Action.EDIT, district_id)


def _require_edit(request, district_id: int | None) -> None:
    if not _can_edit(request, district_id):
        raise PermissionDenied


def _posted(request):
    return request.POST if request.method == "POST" else None


def _saved(form, call, *args, **kwargs):
    """Run a service; its ValidationError goes onto the form. The result, or None."""
    try:
        return call(*args, **kwargs)
    except ValidationError as exc:
        forms.apply_errors(form, exc)
        return None


def url_or_blank(name: str, pk: int) -> str:
    """A page of another area, if that area has it (no link otherwise)."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _year(request, district: District) -> tuple[int, list[int]]:
    """The plan year asked for (?year=), else the latest with agendas, else this year."""
    years = sorted(
        set(Agenda.objects.filter(district=district).values_list("year", flat=True)), reverse=True
    )
    raw = (request.GET.get("year") or "").strip()
    if raw.isdecimal() and len(raw) == 4:
        return int(raw), years
    return (years[0] if years else timezone.localdate().year), years


@dataclass
class SourceView:
    kind: str
    kind_label: str
    text: str
    url: str = ""
    amount: int | None = None
    reference: str = ""
    note: str = ""
    via: str = ""  # title of the merged agenda the source came with


def present_sources(sources: list[AgendaSource], agenda: Agenda, titles: dict[int, str]):
    views = []
    for s in sources:
        via = titles.get(s.agenda_id, "") if s.agenda_id != agenda.pk else ""
        label = agendas.source_kind_label(s.kind)
        if s.kind == SourceKind.PROPOSAL and s.proposal is not None:
            view = SourceView(
                s.kind,
                label,
                s.proposal.title,
                url_or_blank("proposals:detail", s.proposal_id),
            )
        elif s.kind == SourceKind.FORUM_IDEA and s.forum_idea is not None:
            forum = s.forum_idea.forum
            view = SourceView(
                s.kind,
                label,
                f"{s.forum_idea.text} — {forum.title}",
                url_or_blank("forums:detail", forum.pk),
            )
        elif s.kind == SourceKind.DEPARTMENT and s.department is not None:
            view = SourceView(s.kind, label, s.department.name)
        else:
            view = SourceView(
                s.kind,
                label,
                s.transfer_reference,
                amount=s.transfer_amount,
                reference=s.transfer_reference,
            )
        view.note, view.via = s.note, via
        views.append(view)
    return views


@dataclass
class AgendaRow:
    agenda: Agenda
    sources: list[SourceView] = field(default_factory=list)
    merged: list[Agenda] = field(default_factory=list)


def _sort_key(a: Agenda):
    return (a.rank is None, a.rank or 0, agendas.STATE_ORDER.index(a.status), a.created_at, a.pk)


# ---------------------------------------------------------------- public: agendas


def agenda_list(request, code: str):
    """Every agenda of a district and plan year with its status and sources; deferred,
    unsuitable and infeasible ones included (spec: the full list is public)."""
    district = get_object_or_404(District, code=code)
    year, years = _year(request, district)
    status = request.GET.get("status") or ""
    category = request.GET.get("category") or ""
    everything = list(
        Agenda.objects.filter(district=district, year=year).select_related(
            "suitability_decision", "subcommittee"
        )
    )
    titles = {a.pk: a.title for a in everything}
    sources = agendas.sources_by_agenda(everything)
    counts = Counter(a.status for a in everything if a.status != State.MERGED)
    merged_into: dict[int, list[Agenda]] = {}
    for a in everything:
        if a.merged_into_id is not None:
            merged_into.setdefault(a.merged_into_id, []).append(a)
    rows = []
    for a in sorted(everything, key=_sort_key):
        if a.status == State.MERGED:
            continue
        if status and a.status != status:
            continue
        if category and a.category != category:
            continue
        rows.append(
            AgendaRow(a, present_sources(sources[a.pk], a, titles), merged_into.get(a.pk, []))
        )
    round_list = PriorityRound.objects.filter(district=district, year=year).order_by("id")
    return render(
        request,
        "participation/agendas/list.html",
        {
            "district": district,
            "year": year,
            "years": years if year in years else sorted([*years, year], reverse=True),
            "rows": rows,
            "counts": [
                (value, label, counts[value])
                for value, label in AgendaStatus.choices
                if counts[value]
            ],
            "total": sum(counts.values()),
            "status": status,
            "category": category,
            "statuses": [c for c in AgendaStatus.choices if c[0] != State.MERGED],
            "categories": AgendaCategory.choices,
            "rounds": round_list,
            "can_edit": _can_edit(request, district.pk),
        },
    )


def agenda_detail(request, pk: int):
    agenda = get_object_or_404(
        Agenda.objects.select_related(
            "district", "merged_into", "subcommittee", "suitability_decision__body"
        ),
        pk=pk,
    )
    can_edit = _can_edit(request, agenda.district_id)
    family_ids = agendas.merged_family(agenda)
    family = list(Agenda.objects.filter(pk__in=family_ids))
    titles = {a.pk: a.title for a in family}
    sources = agendas.sources_by_agenda(family)[agenda.pk]
    decision = agenda.suitability_decision
    rounds_of = list(agenda.priority_rounds.order_by("id"))
    published_round = next((r for r in rounds_of if r.published_at), None)
    result_row = None
    if published_round:
        result_row = next(
            (r for r in published_round.result.get("rows", []) if r["agenda_id"] == agenda.pk),
            None,
        )
    allowed = set(sm.allowed_events(agenda.status))
    return render(
        request,
        "participation/agendas/detail.html",
        {
            "agenda": agenda,
            "district": agenda.district,
            "sources": present_sources(sources, agenda, titles),
            "merged_from": [a for a in family if a.merged_into_id == agenda.pk],
            "survivor": agendas.survivor_of(agenda) if agenda.merged_into_id else None,
            "reviews": agenda.reviews.select_related("department").order_by("reviewed_at", "id"),
            "screenings": agenda.screenings.order_by("screened_at", "id"),
            "decision": decision,
            "decision_visible": decision is not None and (decision.published or can_edit),
            "rounds": rounds_of,
            "published_round": published_round,
            "result_row": result_row,
            "steps": agendas.steps_of(agenda),
            "can_edit": can_edit,
            "can": {
                "review": bool(allowed & {Event.REVIEW_FEASIBLE, Event.REVIEW_INFEASIBLE}),
                "screen": Event.SCREEN_PASS in allowed,
                "decide": Event.DECIDE_SUITABLE in allowed,
                "reopen": Event.REOPEN in allowed,
                "sources": agenda.status in sm.OPEN_FOR_SOURCES,
                "merge": Event.MERGE in allowed,
            },
        },
    )


# ---------------------------------------------------------------- staff: agendas


@login_required
def agenda_create(request, code: str):
    district = get_object_or_404(District, code=code)
    _require_edit(request, district.pk)
    year, _years = _year(request, district)
    form = forms.AgendaForm(_posted(request), district=district, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agenda = _saved(
            form,
            agendas.create_agenda,
            district,
            data["year"],
            data["title"],
            form.specs(),
            description=data["description"],
            category=data["category"],
            actor=request.user,
        )
        if agenda is not None:
            messages.success(request, _("The agenda was created."))
            return redirect("agendas:detail", pk=agenda.pk)
    return render(
        request,
        "participation/agendas/agenda_form.html",
        {"form": form, "district": district, "year": year},
    )


def _staff_agenda(request, pk: int) -> Agenda:
    agenda = get_object_or_404(Agenda.objects.select_related("district"), pk=pk)
    _require_edit(request, agenda.district_id)
    return agenda


def _step_page(request, agenda: Agenda, form, heading: str, template: str = "", **extra):
    return render(
        request,
        template or "participation/agendas/step_form.html",
        {"form": form, "agenda": agenda, "district": agenda.district, "heading": heading, **extra},
    )


@login_required
def agenda_edit(request, pk: int):
    agenda = _staff_agenda(request, pk)
    form = forms.AgendaEditForm(
        _posted(request),
        initial={
            "title": agenda.title,
            "description": agenda.description,
            "category": agenda.category,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _saved(
            form,
            agendas.edit_agenda,
            agenda,
            title=data["title"],
            description=data["description"],
            category=data["category"],
            actor=request.user,
            reason=data["reason"],
        )
        if done is not None:
            messages.success(request, _("The agenda was saved."))
            return redirect("agendas:detail", pk=agenda.pk)
    return _step_page(request, agenda, form, _("Edit the agenda"))


@login_required
def agenda_sources(request, pk: int):
    agenda = _staff_agenda(request, pk)
    form = forms.SourcesForm(_posted(request), district=agenda.district)
    if request.method == "POST" and form.is_valid():
        specs = form.specs()
        if not specs:
            form.add_error(None, _("Choose or enter at least one source."))
        elif _saved(form, agendas.add_sources, agenda, specs, actor=request.user) is not None:
            messages.success(request, _("The sources were added."))
            return redirect("agendas:detail", pk=agenda.pk)
    return _step_page(
        request, agenda, form, _("Add sources"), "participation/agendas/sources_form.html"
    )


@login_required
def agenda_merge(request, code: str):
    district = get_object_or_404(District, code=code)
    _require_edit(request, district.pk)
    year, _years = _year(request, district)
    initial = {}
    picked = [p for p in request.GET.getlist("agenda") if p.isdecimal() and len(p) < 19]
    if picked:
        initial["agendas"] = picked
    form = forms.MergeForm(_posted(request), district=district, year=year, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        survivor = _saved(
            form,
            agendas.merge_agendas,
            list(data["agendas"]),
            into=data["into"],
            title=data["title"],
            description=data["description"],
            actor=request.user,
            reason=data["reason"],
        )
        if survivor is not None:
            messages.success(request, _("The agendas were merged; every source was kept."))
            return redirect("agendas:detail", pk=survivor.pk)
    return render(
        request,
        "participation/agendas/merge_form.html",
        {"form": form, "district": district, "year": year},
    )


@login_required
def agenda_review(request, pk: int):
    agenda = _staff_agenda(request, pk)
    form = forms.ReviewForm(_posted(request), district=agenda.district)
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form,
            agendas.review,
            agenda,
            form.cleaned_data["department"],
            form.is_feasible,
            form.cleaned_data["opinion"],
            request.user,
        )
        if done is not None:
            messages.success(request, _("The department's review was recorded."))
            return redirect("agendas:detail", pk=agenda.pk)
    return _step_page(
        request,
        agenda,
        form,
        _("Department review (부서검토)"),
        intro=_(
            "A feasible agenda goes on to the screening; an infeasible one (수행불가) stops "
            "here and stays on the public list."
        ),
    )


@login_required
def agenda_screen(request, pk: int):
    agenda = _staff_agenda(request, pk)
    form = forms.ScreeningForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done = _saved(form, agendas.screen, agenda, form.findings(), request.user)
        if done is not None:
            messages.success(request, _("The screening was recorded."))
            return redirect("agendas:detail", pk=agenda.pk)
    return _step_page(
        request,
        agenda,
        form,
        _("Screening against the four properties"),
        "participation/agendas/screen_form.html",
    )


@login_required
def agenda_decide(request, pk: int):
    agenda = _staff_agenda(request, pk)
    form = forms.DecisionForm(_posted(request), district=agenda.district)
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form,
            agendas.decide_suitability,
            agenda,
            form.cleaned_data["decision"],
            form.is_suitable,
            request.user,
            form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(request, _("The suitability decision was recorded."))
            return redirect("agendas:detail", pk=agenda.pk)
    return _step_page(
        request,
        agenda,
        form,
        _("Subcommittee suitability decision"),
        intro=_(
            "Link the decision of the subcommittee (or other body of the district) that "
            "took it; enter the decision under its meeting first."
        ),
    )


@login_required
def agenda_reopen(request, pk: int):
    agenda = _staff_agenda(request, pk)
    form = forms.ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done = _saved(form, agendas.reopen, agenda, request.user, form.cleaned_data["reason"])
        if done is not None:
            messages.success(request, _("The agenda was taken up again."))
            return redirect("agendas:detail", pk=agenda.pk)
    return _step_page(
        request,
        agenda,
        form,
        _("Take the agenda up again (재심의)"),
        intro=_("The agenda goes back to “proposed”; say why."),
    )


# ---------------------------------------------------------------- public: priority rounds


def _with_onsite_lists(rows: list[dict], channels) -> list[dict]:
    """Each result row gets its on-site votes as a list in the order of ``channels``."""
    for row in rows:
        row["onsite_list"] = [row["onsite"].get(ch, 0) for ch in channels]
    return rows


def _round(pk: int) -> PriorityRound:
    return get_object_or_404(PriorityRound.objects.select_related("district"), pk=pk)


def _round_state(r: PriorityRound, now=None) -> str:
    if r.published_at:
        return "published"
    return rounds.window(r, now)


def round_list(request, code: str):
    district = get_object_or_404(District, code=code)
    now = timezone.now()
    items = list(
        PriorityRound.objects.filter(district=district)
        .annotate(ballot_size=Count("agendas", distinct=True))
        .order_by("-year", "-id")
    )
    for r in items:
        r.state = _round_state(r, now)
        r.state_label = _label_of_state(r.state)
    return render(
        request,
        "participation/agendas/priority_list.html",
        {"district": district, "rounds": items, "can_edit": _can_edit(request, district.pk)},
    )


def _label_of_state(state: str) -> str:
    return {
        "published": _("results published"),
        "none": _("on-site vote only"),
        "upcoming": _("online vote not open yet"),
        "open": _("online vote open"),
        "closed": _("online vote closed"),
    }[state]


def round_detail(request, pk: int):
    """The round and its ballot; a resident of the district votes here while it is open."""
    r = _round(pk)
    policy = rounds.policy_of(r)
    ballot = list(r.agendas.order_by("created_at", "id"))
    state = _round_state(r)
    voted = rounds.has_voted(r, request.user)
    problem = None if voted else rounds.voter_problem(r, request.user)
    form = forms.VoteForm(_posted(request), ballot=ballot)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        if form.is_valid():
            try:
                rounds.cast_vote(r, request.user, form.cleaned_data["agendas"])
            except ValidationError as exc:
                forms.apply_errors(form, exc)
            else:
                messages.success(request, _("Thank you: your vote was counted."))
                return redirect("agendas:round", pk=r.pk)
    chosen = set()
    if form.is_bound:
        chosen = {int(v) for v in request.POST.getlist("agendas") if v.isdecimal() and len(v) < 19}
    return render(
        request,
        "participation/agendas/priority_detail.html",
        {
            "round": r,
            "district": r.district,
            "policy": policy,
            "ballot": ballot,
            "state": state,
            "state_label": _label_of_state(state),
            "voted": voted,
            "problem": problem,
            "form": form,
            "chosen": chosen,
            "can_edit": _can_edit(request, r.district_id),
        },
    )


def round_results(request, pk: int):
    r = _round(pk)
    policy = rounds.policy_of(r)
    result = r.result if r.published_at else {}
    rows = result.get("rows", [])
    for row in _with_onsite_lists(rows, result.get("channels", [])):
        row["url"] = reverse("agendas:detail", args=[row["agenda_id"]])
    return render(
        request,
        "participation/agendas/priority_results.html",
        {
            "round": r,
            "district": r.district,
            "policy": policy,
            "result": result,
            "rows": rows,
            "has_panel": bool(result.get("criteria")) and result.get("weights", {}).get("panel"),
            "has_votes": bool(result.get("weights", {}).get("votes")),
            "can_edit": _can_edit(request, r.district_id),
        },
    )


# ---------------------------------------------------------------- staff: priority rounds


@login_required
def round_create(request, code: str):
    district = get_object_or_404(District, code=code)
    _require_edit(request, district.pk)
    year, _years = _year(request, district)
    instance = PriorityRound(district=district, year=year)
    return _round_form(request, instance, district)


@login_required
def round_edit(request, pk: int):
    r = _round(pk)
    _require_edit(request, r.district_id)
    if r.published_at:
        messages.error(request, _("The results are published; the round is closed."))
        return redirect("agendas:round_manage", pk=r.pk)
    return _round_form(request, r, r.district)


def _round_form(request, r: PriorityRound, district: District):
    creating = r.pk is None
    initial = {}
    if creating:
        initial = {"year": r.year, "selected_count": None}
    else:
        initial = {"agendas": list(r.agendas.values_list("pk", flat=True))}
    form = forms.RoundForm(_posted(request), instance=r, district=district, initial=initial)
    if request.method == "POST" and form.is_valid():
        r = form.save(commit=False)
        r.district = district
        ids = [a.pk for a in form.cleaned_data["agendas"]]
        saved = _saved(form, rounds.save_round, r, ids, request.user)
        if saved is not None:
            messages.success(
                request, _("The round was set up.") if creating else _("The round was saved.")
            )
            return redirect("agendas:round_manage", pk=saved.pk)
        if creating:
            r.pk = None
    return render(
        request,
        "participation/agendas/priority_round_form.html",
        {"form": form, "district": district, "round": None if creating else r},
    )


@login_required
def round_manage(request, pk: int):
    r = _round(pk)
    _require_edit(request, r.district_id)
    policy = rounds.policy_of(r)
    ranked, by_id = rounds.ranking(r)
    rows = _with_onsite_lists(rounds.result_rows(ranked, by_id), policy.onsite_channels)
    state = _round_state(r)
    return render(
        request,
        "participation/agendas/priority_manage.html",
        {
            "round": r,
            "district": r.district,
            "policy": policy,
            "state": state,
            "state_label": _label_of_state(state),
            "rows": rows,
            "voters": r.votes.count(),
            "sheets": CriteriaScore.objects.filter(round=r).count(),
            "tallies": OnSiteTally.objects.filter(round=r).count(),
        },
    )


@login_required
def round_scores(request, pk: int):
    """The signed-in panelist's score sheet for one agenda of the ballot."""
    r = _round(pk)
    _require_edit(request, r.district_id)
    policy = rounds.policy_of(r)
    if not policy.criteria:
        messages.error(request, _("This policy has no panel criteria."))
        return redirect("agendas:round_manage", pk=r.pk)
    ballot = list(r.agendas.order_by("created_at", "id"))
    raw = request.GET.get("agenda") or request.POST.get("agenda") or ""
    agenda = next((a for a in ballot if str(a.pk) == raw), ballot[0] if ballot else None)
    if agenda is None:
        raise Http404
    mine = {
        s.agenda_id: s.scores for s in CriteriaScore.objects.filter(round=r, panelist=request.user)
    }
    form = forms.ScoreForm(_posted(request), criteria=policy.criteria, initial=mine.get(agenda.pk))
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form, rounds.enter_scores, r, agenda, request.user, form.cleaned_data, request.user
        )
        if done is not None:
            messages.success(
                request, _("Your scores for “%(title)s” were saved.") % {"title": agenda.title}
            )
            following = [a for a in ballot if a.pk not in mine and a.pk != agenda.pk]
            target = following[0] if following else agenda
            return redirect(f"{reverse('agendas:round_scores', args=[r.pk])}?agenda={target.pk}")
    return render(
        request,
        "participation/agendas/priority_scores.html",
        {
            "round": r,
            "district": r.district,
            "policy": policy,
            "ballot": ballot,
            "agenda": agenda,
            "form": form,
            "scored": set(mine),
        },
    )


@login_required
def round_tallies(request, pk: int):
    """On-site votes per agenda and channel (forum, newsletter, mobile booth)."""
    r = _round(pk)
    _require_edit(request, r.district_id)
    policy = rounds.policy_of(r)
    if not policy.onsite_channels or not policy.vote_weight:
        messages.error(request, _("This policy counts no on-site votes."))
        return redirect("agendas:round_manage", pk=r.pk)
    ballot = list(r.agendas.order_by("created_at", "id"))
    current = {(t.agenda_id, t.channel): t.votes for t in r.tallies.all()}
    channels = list(enumerate(policy.onsite_channels))
    values: dict[str, str] = {}
    errors: list[str] = []
    if request.method == "POST":
        rows = []
        for a in ballot:
            for i, channel in channels:
                name = f"t-{a.pk}-{i}"
                raw = (request.POST.get(name) or "").strip().replace(",", "")
                values[name] = raw
                if raw == "":
                    continue
                if not raw.isdecimal() or len(raw) > 9:
                    errors.append(
                        _("“%(value)s” for “%(title)s” (%(channel)s) is not a whole number.")
                        % {"value": raw[:20], "title": a.title, "channel": channel}
                    )
                    continue
                rows.append((a.pk, channel, int(raw)))
        if not errors:
            try:
                rounds.enter_tallies(r, rows, request.user)
            except ValidationError as exc:
                errors = [str(m) for m in exc.messages]
            else:
                messages.success(request, _("The on-site votes were saved."))
                return redirect("agendas:round_manage", pk=r.pk)
    grid = []
    for a in ballot:
        cells = []
        for i, channel in channels:
            name = f"t-{a.pk}-{i}"
            value = values.get(name, current.get((a.pk, channel), ""))
            cells.append({"name": name, "channel": channel, "value": value})
        grid.append((a, cells))
    return render(
        request,
        "participation/agendas/priority_tallies.html",
        {
            "round": r,
            "district": r.district,
            "policy": policy,
            "grid": grid,
            "errors": errors,
        },
    )


@login_required
@require_POST
def round_publish(request, pk: int):
    r = _round(pk)
    _require_edit(request, r.district_id)
    try:
        rounds.publish(r, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("agendas:round_manage", pk=r.pk)
    messages.success(request, _("The results were published; every agenda has its rank."))
    return redirect("agendas:round_results", pk=r.pk)
