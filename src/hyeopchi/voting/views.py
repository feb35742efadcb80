"""Public and resident pages of participatory-budget votes.

Residents: the list of votes, a vote's ballots and projects, registration on the voter
roll, the ballot with its running total, the review step and the receipt. Booth voters:
one page where a one-time code opens every ballot at once, without an account. Everyone:
the results once published, with a per-voter explanation, and the Pabulib download.

Ballot secrecy: the receipt is kept for revoting in a signed cookie in the voter's own
browser, scoped to their account — never in the server-side session, which would tie
the user to the receipt (and so to the ballot) in the database.
"""

from __future__ import annotations

import json
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action, actor_for, user_can

from . import results, services
from .forms import (
    BoothCodeForm,
    ReceiptForm,
    RegisterForm,
    apply_errors,
    entry_from_choices,
    parse_ballot,
)
from .models import Ballot, Contest, Design, Election, Project, VotingCode

RECEIPT_COOKIE = "hyeopchi_receipts"
RECEIPT_SALT = "hyeopchi.voting.receipts"
RECEIPT_COOKIE_AGE = 400 * 24 * 3600
MAX_RECEIPTS_KEPT = 30

# ---------------------------------------------------------------- helpers


def _election(pk: int) -> Election:
    return get_object_or_404(Election.objects.select_related("district"), pk=pk)


def _contest(pk: int, key: str) -> Contest:
    return get_object_or_404(
        Contest.objects.select_related("election", "election__district", "district"),
        election_id=pk,
        key=key,
    )


def _projects(contest: Contest) -> list[Project]:
    return list(contest.projects.order_by("code"))


def policy_or_none(election: Election):
    try:
        return services.policy_of(election)
    except ValidationError:
        return None


def status_of(election: Election, now=None) -> str:
    now = now or timezone.now()
    if now < election.opens_at:
        return "upcoming"
    if now < election.closes_at:
        return "open"
    return "published" if election.published_at else "closed"


def status_label(status: str) -> str:
    labels = {
        "upcoming": _("upcoming"),
        "open": _("open now"),
        "closed": _("closed, counting"),
        "published": _("results published"),
    }
    return str(labels.get(status, status))


def receipts_of(request) -> dict[str, str]:
    """The receipts this browser keeps for the signed-in user, by contest id."""
    if not request.user.is_authenticated:
        return {}
    try:
        raw = request.get_signed_cookie(RECEIPT_COOKIE, salt=RECEIPT_SALT)
        data = json.loads(raw)
    except (KeyError, signing.BadSignature, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("u") != request.user.pk:
        return {}
    kept = data.get("r")
    return {str(k): str(v) for k, v in kept.items()} if isinstance(kept, dict) else {}


def keep_receipt(request, response, contest: Contest, receipt: str) -> None:
    kept = receipts_of(request)
    kept.pop(str(contest.pk), None)
    kept[str(contest.pk)] = receipt
    while len(kept) > MAX_RECEIPTS_KEPT:
        kept.pop(next(iter(kept)))
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        json.dumps({"u": request.user.pk, "r": kept}, separators=(",", ":")),
        salt=RECEIPT_SALT,
        max_age=RECEIPT_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for found in exc.message_dict.values() for m in found]
    return list(exc.messages)


def design_help(contest: Contest) -> str:
    """How to fill in this ballot, in plain words."""
    design = contest.design
    if design == Design.APPROVAL:
        return _("Choose every project you support. There is no limit.")
    if design == Design.K_APPROVAL:
        return _("Choose up to %(k)s projects you support.") % {"k": contest.max_choices}
    if design == Design.KNAPSACK:
        text = _("Choose the projects you support; together they may cost at most the budget.")
        if contest.min_share_spent:
            text += " " + _("Your choices must use at least %(share)s of the budget.") % {
                "share": contest.min_share_spent
            }
        return text
    if design == Design.CUMULATIVE:
        return _(
            "Spread up to %(points)s points over the projects: more points for what matters "
            "more to you."
        ) % {"points": contest.points}
    limit = contest.max_choices
    if limit:
        return _("Rank up to %(k)s projects: 1 is your first choice.") % {"k": limit}
    return _("Rank the projects you support: 1 is your first choice.")


def _min_spend(contest: Contest) -> int:
    share = services.parse_share(contest.min_share_spent) if contest.min_share_spent else None
    if share is None:
        return 0
    return -(-share.numerator * contest.budget // share.denominator)


# ---------------------------------------------------------------- list and vote pages


@require_GET
def election_list(request):
    district = None
    code = request.GET.get("district")
    elections = Election.objects.select_related("district").prefetch_related(
        Prefetch("contests", queryset=Contest.objects.only("id", "election_id", "budget", "name"))
    )
    if code:
        district = District.objects.filter(code=code[:5]).first()
        if district is not None:
            elections = elections.filter(district=district) | elections.filter(district=None)
    now = timezone.now()
    groups: dict[str, list] = defaultdict(list)
    for election in elections.order_by("closes_at", "id"):
        status = status_of(election, now)
        groups[status].append(
            {
                "election": election,
                "status": status,
                "status_label": status_label(status),
                "budget": sum(c.budget for c in election.contests.all()),
            }
        )
    groups["closed"].reverse()
    groups["published"].reverse()
    return render(
        request,
        "voting/election_list.html",
        {
            "district": district,
            "open": groups["open"],
            "upcoming": groups["upcoming"],
            "past": groups["closed"] + groups["published"],
            "can_create": _can_create(request.user),
        },
    )


def _can_create(user) -> bool:
    return actor_for(user).is_staff_anywhere


@require_GET
def election_detail(request, pk: int):
    election = _election(pk)
    contests = list(
        election.contests.select_related("district", "published_run").prefetch_related(
            Prefetch("projects", queryset=Project.objects.order_by("code"))
        )
    )
    now = timezone.now()
    status = status_of(election, now)
    voter = services.voter_for(election, request.user)
    reasons: list[str] = []
    policy = None
    try:
        policy = services.policy_of(election)
    except ValidationError as exc:
        reasons = _messages_of(exc)
    if request.user.is_authenticated and policy is not None:
        reasons = services.eligibility(election, voter, policy=policy)
    voted = services.voted_contests(voter)
    kept = receipts_of(request)
    rows = []
    for contest in contests:
        for_me = voter is None or contest.district_id in (None, voter.district_id)
        rows.append(
            {
                "contest": contest,
                "help": design_help(contest),
                "for_me": for_me,
                "voted": contest.pk in voted,
                "has_receipt": str(contest.pk) in kept,
                "published": contest.published_run_id is not None,
            }
        )
    return render(
        request,
        "voting/election_detail.html",
        {
            "election": election,
            "status": status,
            "status_label": status_label(status),
            "policy": policy,
            "rows": rows,
            "voter": voter,
            "reasons": reasons,
            "any_published": any(r["published"] for r in rows),
            "can_manage": user_can(request.user, Action.EDIT, election.district_id),
        },
    )


@login_required
def register(request, pk: int):
    election = _election(pk)
    voter = services.voter_for(election, request.user)
    initial = {}
    if voter is not None:
        initial = {"district": voter.district, "birth_year": voter.birth_year}
    elif election.district_id:
        initial = {"district": election.district}
    form = RegisterForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            voter = services.register_voter(
                election,
                request.user,
                form.cleaned_data["district"],
                form.cleaned_data["birth_year"],
            )
        except ValidationError as exc:
            apply_errors(form, _renamed(exc, {"district_id": "district"}))
        else:
            reasons = services.eligibility(election, voter)
            if reasons:
                messages.warning(
                    request,
                    _("You are on the voter roll, but you cannot vote yet: %(why)s")
                    % {"why": " ".join(reasons)},
                )
            else:
                messages.success(request, _("You are on the voter roll. You can vote now."))
            return redirect("voting:election", pk=election.pk)
    policy = policy_or_none(election)
    return render(
        request,
        "voting/register.html",
        {"election": election, "form": form, "voter": voter, "policy": policy},
    )


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


# ---------------------------------------------------------------- the ballot


def _ballot_context(request, contest: Contest, entry, voter, **extra) -> dict:
    election = contest.election
    policy = policy_or_none(election)
    voted = voter is not None and contest.pk in services.voted_contests(voter)
    kept = receipts_of(request).get(str(contest.pk))
    context = {
        "election": election,
        "contest": contest,
        "entry": entry,
        "rows": entry.rows(),
        "help": design_help(contest),
        "voter": voter,
        "policy": policy,
        "voted": voted,
        "revote": voted and policy is not None and policy.revote_allowed,
        "kept_receipt": bool(kept),
        "is_open": election.is_open(),
        "min_spend": _min_spend(contest),
        "ranks": range(1, len(entry.projects) + 1),
    }
    context.update(extra)
    return context


@login_required
def ballot(request, pk: int, key: str):
    """Fill in a ballot; review it; cast it. A refused ballot comes back as entered."""
    contest = _contest(pk, key)
    election = contest.election
    projects = _projects(contest)
    voter = services.voter_for(election, request.user)
    posted = request.POST if request.method == "POST" else None
    entry = parse_ballot(contest, projects, posted)
    action = (request.POST.get("action") or "review") if posted is not None else "show"
    errors: list[str] = list(entry.errors)
    receipt_error = ""

    if action == "show" and voter is not None:
        entry = _current_ballot(request, contest, projects) or entry
    if action == "show" or action == "edit":
        reasons = services.eligibility(election, voter) if voter is not None else []
        return render(
            request,
            "voting/ballot.html",
            _ballot_context(request, contest, entry, voter, errors=[], reasons=reasons),
        )

    if not errors:
        try:
            if action == "cast":
                return _cast(request, contest, voter, entry)
            services.check_voter(contest, voter, timezone.now())
            services.validate_ballot(contest, entry.choices)
        except ValidationError as exc:
            problems = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            receipt_error = " ".join(problems.pop("receipt", []))
            errors.extend(m for ms in problems.values() for m in ms)
            if receipt_error:
                errors.append(receipt_error)
        else:
            return render(
                request,
                "voting/ballot_review.html",
                _ballot_context(
                    request, contest, entry, voter, receipt=request.POST.get("receipt", "")
                ),
            )
    return render(
        request,
        "voting/ballot.html",
        _ballot_context(request, contest, entry, voter, errors=errors, receipt_error=receipt_error),
        status=200,
    )


def _current_ballot(request, contest: Contest, projects: list[Project]):
    """The voter's counted ballot, found with the receipt this browser keeps, to change it."""
    kept = receipts_of(request).get(str(contest.pk))
    plain = services.normalize_code(kept) if kept else ""
    if not plain:
        return None
    ballot = (
        Ballot.objects.filter(
            contest=contest, receipt_hash=services.sha256(plain), superseded=False
        )
        .only("choices")
        .first()
    )
    return entry_from_choices(contest, projects, ballot.choices) if ballot else None


def _cast(request, contest: Contest, voter, entry):
    already = voter is not None and contest.pk in services.voted_contests(voter)
    if already:
        receipt = request.POST.get("receipt", "").strip() or receipts_of(request).get(
            str(contest.pk), ""
        )
        policy = services.policy_of(contest.election)
        if policy.revote_allowed and not receipt:
            raise ValidationError(
                {"receipt": [_("Enter the receipt of your ballot to change it.")]}
            )
        if policy.revote_allowed:
            receipt = services.revote(contest, voter, receipt, entry.choices)
            changed = True
        else:
            receipt = services.cast_ballot(contest, voter, entry.choices)  # refused: voted
            changed = False
    else:
        receipt = services.cast_ballot(contest, voter, entry.choices)
        changed = False
    url = reverse("voting:receipt", args=[contest.election_id, contest.key])
    response = redirect(url + ("?changed=1" if changed else ""))
    keep_receipt(request, response, contest, receipt)
    return response


@never_cache
@login_required
def receipt(request, pk: int, key: str):
    contest = _contest(pk, key)
    code = receipts_of(request).get(str(contest.pk))
    policy = policy_or_none(contest.election)
    return render(
        request,
        "voting/receipt.html",
        {
            "election": contest.election,
            "contest": contest,
            "receipt": code,
            "changed": request.GET.get("changed") == "1",
            "policy": policy,
        },
    )


# ---------------------------------------------------------------- booth


@never_cache
def booth(request, pk: int):
    """Vote with a one-time code: every ballot of the code's district on one page."""
    election = _election(pk)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    code_form = BoothCodeForm(request.POST if step == "code" else None)
    context = {"election": election, "is_open": election.is_open(), "code_form": code_form}
    if step == "":
        return render(request, "voting/booth.html", context)

    code = request.POST.get("code", "")
    row = _code_row(election, code)
    if row is None or row["used"]:
        form = BoothCodeForm(request.POST)
        form.is_valid()
        form.add_error(
            "code" if "code" in form.fields else None,
            _("This voting code has already been used.")
            if row is not None
            else _("This voting code is not known for this vote. Check for typos."),
        )
        context["code_form"] = form
        return render(request, "voting/booth.html", context)
    if not election.is_open():
        context["code_form"] = code_form
        context["errors"] = [_("The vote is not open.")]
        return render(request, "voting/booth.html", context)

    contests = services.contests_for_code(election, row["district_id"])
    projects: dict[int, list[Project]] = defaultdict(list)
    for p in Project.objects.filter(contest__in=contests).order_by("code"):
        projects[p.contest_id].append(p)
    posted = request.POST if step in ("review", "cast", "edit") else None
    entries = [parse_ballot(c, projects[c.pk], posted, prefix=f"{c.key}-") for c in contests]
    context.update(
        code=services.group(services.normalize_code(code)),
        entries=[
            {
                "entry": e,
                "rows": e.rows(),
                "help": design_help(e.contest),
                "min_spend": _min_spend(e.contest),
                "ranks": range(1, len(e.projects) + 1),
            }
            for e in entries
        ],
        errors=[],
    )
    if step in ("code", "edit"):
        return render(request, "voting/booth_ballots.html", context)

    ballots = {e.contest.key: e.choices for e in entries if not e.empty}
    problems = any(e.errors for e in entries)
    if not ballots and not problems:
        context["errors"] = [_("Fill in at least one ballot.")]
        return render(request, "voting/booth_ballots.html", context)
    if not problems:
        try:
            if step == "cast":
                voted = services.cast_with_code(election, code, ballots)
                return render(
                    request,
                    "voting/booth_done.html",
                    {"election": election, "contests": voted},
                )
            for e in entries:
                if not e.empty:
                    try:
                        services.validate_ballot(e.contest, e.choices)
                    except ValidationError as exc:
                        e.errors.extend(exc.message_dict.get("choices", exc.messages))
        except ValidationError as exc:
            by_key = {e.contest.key: e for e in entries}
            for name, problems in exc.message_dict.items():
                target = by_key.get(name.removeprefix("ballots."))
                if target is not None:
                    target.errors.extend(problems)
                else:
                    context["errors"].extend(problems)
        if not any(e.errors for e in entries) and not context["errors"]:
            context["filled"] = [e for e in entries if not e.empty]
            return render(request, "voting/booth_review.html", context)
    return render(request, "voting/booth_ballots.html", context)


def _code_row(election: Election, code: str):
    plain = services.normalize_code(code)
    if len(plain) != services.CODE_LENGTH:
        return None
    return (
        VotingCode.objects.filter(code_hash=services.sha256(plain), batch__election=election)
        .values("district_id", "used")
        .first()
    )


# ---------------------------------------------------------------- results


def election_results(request, pk: int):
    election = _election(pk)
    contests = list(
        election.contests.select_related("published_run", "district").order_by("position", "id")
    )
    published = [c for c in contests if c.published_run_id is not None]
    if not published:
        raise Http404(_("The results of this vote are not published yet."))
    projects: dict[int, list[Project]] = defaultdict(list)
    for p in Project.objects.filter(contest__in=published).order_by("code"):
        projects[p.contest_id].append(p)

    # Explanations: receipts kept by this browser, and one the visitor types in.
    wanted = dict(receipts_of(request))
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    typed_error = ""
    typed_contest = None
    if request.method == "POST" and form.is_valid():
        found = _ballot_by_receipt(published, form.cleaned_data["receipt"])
        if found is None:
            typed_error = _(
                "No counted ballot of these results has this receipt. Check for typos; a "
                "receipt replaced by a later ballot of yours stays valid for the new one."
            )
            form.add_error("receipt", typed_error)
        else:
            typed_contest = found
    ballots_by_contest: dict[int, Ballot] = {}
    if wanted:
        for ballot in Ballot.objects.filter(
            contest__in=[c for c in published if str(c.pk) in wanted],
            receipt_hash__in=[services.sha256(services.normalize_code(r)) for r in wanted.values()],
            superseded=False,
        ):
            ballots_by_contest[ballot.contest_id] = ballot
    if typed_contest is not None:
        ballots_by_contest[typed_contest.contest_id] = typed_contest

    sections = []
    for contest in contests:
        run = contest.published_run
        if run is None:
            sections.append({"contest": contest, "pending": True})
            continue
        view = results.present(contest, run, projects[contest.pk])
        ballot = ballots_by_contest.get(contest.pk)
        if ballot is not None:
            view["explanation"] = results.explain_ballot(
                contest, run, ballot.choices, projects[contest.pk]
            )
        sections.append(view)
    return render(
        request,
        "voting/results.html",
        {
            "election": election,
            "sections": sections,
            "form": form,
            "explained": bool(ballots_by_contest),
        },
    )


def _ballot_by_receipt(contests: list[Contest], typed: str):
    plain = services.normalize_code(typed)
    if not plain:
        return None
    return (
        Ballot.objects.filter(
            contest__in=contests, receipt_hash=services.sha256(plain), superseded=False
        )
        .only("id", "contest_id", "choices")
        .first()
    )


@require_GET
def pabulib_download(request, pk: int, key: str):
    contest = _contest(pk, key)
    if contest.published_run_id is None:
        raise Http404(_("The results of this ballot are not published yet."))
    text = results.pabulib_text(contest)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    name = f"hyeopchi_{contest.election_id}_{contest.key}.pb"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
