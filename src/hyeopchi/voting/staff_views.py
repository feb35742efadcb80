"""Staff pages of votes: set-up, projects, the voter roll, voting codes, paper ballots,
counting and publication.

District staff act on their own district's votes, city officers and administrators on
all (``core.permissions``): every page checks ``user_can(user, Action.EDIT, district)``
before it shows or accepts anything. The rules live in ``voting.services`` and
``voting.results``; these views only turn forms into calls and errors into messages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action, actor_for, user_can

from . import forms, results, services
from .models import (
    Completion,
    Contest,
    CountRun,
    Design,
    Election,
    PaperBatch,
    Project,
    Rule,
    RunStatus,
    Voter,
)
from .views import design_help, status_label, status_of


def _require_edit(request, district_id: int | None) -> None:
    if not user_can(request.user, Action.EDIT, district_id):
        raise PermissionDenied


def _posted(request, files: bool = False):
    if request.method != "POST":
        return None
    return request.FILES if files else request.POST


def _staff_election(request, pk: int) -> Election:
    election = get_object_or_404(Election.objects.select_related("district"), pk=pk)
    _require_edit(request, election.district_id)
    return election


def _staff_contest(request, pk: int) -> Contest:
    contest = get_object_or_404(
        Contest.objects.select_related("election", "election__district", "district"), pk=pk
    )
    _require_edit(request, contest.election.district_id)
    return contest


def _manage_url(election: Election, anchor: str = "") -> str:
    url = reverse("voting:manage", args=[election.pk])
    return f"{url}#{anchor}" if anchor else url


def _rename(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


# ---------------------------------------------------------------- set-up


@login_required
def election_create(request):
    actor = actor_for(request.user)
    if not actor.is_staff_anywhere:
        raise PermissionDenied
    city_wide = actor.superuser or actor.city_wide
    all_policies = services.voting_policies()
    key = request.GET.get("policy") or request.POST.get("policy")
    policy = next((p for p in all_policies if p.key == key), None)
    if policy is None:
        choices = [
            {
                "policy": p,
                "contests": [
                    {
                        "name": c.name,
                        "design": Design(c.design).label,
                        "rule": Rule(c.rule).label,
                        "completion": Completion(c.completion).label
                        if c.completion != Completion.NONE
                        else "",
                    }
                    for c in p.contests
                ],
            }
            for p in all_policies
        ]
        return render(request, "voting/policy_choice.html", {"choices": choices})
    districts = District.objects.order_by("name_ko")
    if not city_wide:
        districts = districts.filter(pk__in=actor.districts)
    initial = {}
    if districts.count() == 1 and not city_wide:
        initial["district"] = districts.first()
    form = forms.ElectionForm(
        _posted(request), policy=policy, districts=districts, city_wide=city_wide, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        district = data.get("district")
        if not user_can(request.user, Action.EDIT, district.pk if district else None):
            raise PermissionDenied
        try:
            election = services.create_election(
                title=data["title"],
                description=data["description"],
                district=district,
                policy_key=policy.key,
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                budgets=form.budgets(),
                actor=request.user,
            )
        except ValidationError as exc:
            renamed = {f"budgets.{c.key}": forms.budget_field(c.key) for c in policy.contests}
            forms.apply_errors(form, _rename(exc, renamed))
        else:
            messages.success(request, _("The vote was created. Now put projects on its ballots."))
            return redirect("voting:manage", pk=election.pk)
    return render(request, "voting/election_form.html", {"form": form, "policy": policy})


@login_required
def election_edit(request, pk: int):
    election = _staff_election(request, pk)
    initial = {
        "title": election.title,
        "description": election.description,
        "opens_at": timezone.localtime(election.opens_at),
        "closes_at": timezone.localtime(election.closes_at),
    }
    form = forms.ElectionEditForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != initial[k]}
        try:
            services.update_election(election, request.user, **changes)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The vote was saved."))
            return redirect("voting:manage", pk=election.pk)
    return render(request, "voting/election_edit.html", {"form": form, "election": election})


@never_cache
@login_required
def manage(request, pk: int):
    election = _staff_election(request, pk)
    contests = list(
        election.contests.select_related("district", "published_run")
        .prefetch_related(
            Prefetch("projects", queryset=Project.objects.order_by("code")),
            Prefetch("paper_batches", queryset=PaperBatch.objects.select_related("imported_by")),
            Prefetch("runs", queryset=CountRun.objects.order_by("-requested_at", "-id")),
        )
        .order_by("position", "id")
    )
    now = timezone.now()
    status = status_of(election, now)
    roll = Voter.objects.filter(election=election).aggregate(
        total=Count("id"), verified=Count("id", filter=Q(verified=True))
    )
    rows = [
        {
            "contest": c,
            "help": design_help(c),
            "turnout": services.turnout(c),
            "runs": list(c.runs.all())[:5],
        }
        for c in contests
    ]
    return render(
        request,
        "voting/manage.html",
        {
            "election": election,
            "status": status,
            "status_label": status_label(status),
            "before_opening": now < election.opens_at,
            "closed": election.is_closed(now),
            "rows": rows,
            "roll": roll,
            "batches": election.code_batches.select_related("created_by").order_by("-created_at"),
        },
    )


@login_required
def contest_edit(request, pk: int):
    contest = _staff_contest(request, pk)
    form = forms.ContestForm(_posted(request), instance=contest)
    if request.method == "POST" and form.is_valid():
        fields = (
            "name",
            "budget",
            "max_choices",
            "points",
            "min_share_spent",
            "rule",
            "completion",
        )
        changes = {f: form.cleaned_data[f] for f in fields}
        try:
            services.update_contest(contest, request.user, **changes)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The ballot was saved."))
            return redirect(_manage_url(contest.election, f"contest-{contest.pk}"))
    return render(
        request,
        "voting/contest_form.html",
        {"form": form, "contest": contest, "election": contest.election},
    )


# ---------------------------------------------------------------- projects


@login_required
def project_create(request, pk: int):
    contest = _staff_contest(request, pk)
    form = forms.ProjectForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_project(contest, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The project was put on the ballot."))
            if "another" in request.POST:
                return redirect("voting:project_create", pk=contest.pk)
            return redirect(_manage_url(contest.election, f"contest-{contest.pk}"))
    return render(
        request,
        "voting/project_form.html",
        {"form": form, "contest": contest, "election": contest.election, "project": None},
    )


@login_required
def project_edit(request, pk: int):
    project = get_object_or_404(
        Project.objects.select_related(
            "contest", "contest__election", "contest__election__district"
        ),
        pk=pk,
    )
    contest = project.contest
    _require_edit(request, contest.election.district_id)
    if request.method == "POST" and "remove" in request.POST:
        try:
            services.remove_project(project, request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The project was taken off the ballot."))
        return redirect(_manage_url(contest.election, f"contest-{contest.pk}"))
    form = forms.ProjectForm(_posted(request), instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(project, request.user, **form.cleaned_data)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(_manage_url(contest.election, f"contest-{contest.pk}"))
    return render(
        request,
        "voting/project_form.html",
        {"form": form, "contest": contest, "election": contest.election, "project": project},
    )


# ---------------------------------------------------------------- voter roll


@never_cache
@login_required
def roll(request, pk: int):
    election = _staff_election(request, pk)
    import_form = forms.FileForm(
        request.POST if request.POST.get("form") == "import" else None,
        request.FILES if request.POST.get("form") == "import" else None,
    )
    if request.method == "POST" and request.POST.get("form") == "confirm":
        voter_id = request.POST.get("voter", "")
        if not (voter_id.isdigit() and len(voter_id) < 19):
            raise Http404
        voter = get_object_or_404(Voter, pk=voter_id, election=election)
        try:
            services.confirm_voter(voter, request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("The residency of %(user)s was confirmed.") % {"user": voter.user}
            )
        return redirect(reverse("voting:roll", args=[election.pk]) + "?" + request.GET.urlencode())
    if request.method == "POST" and import_form.is_valid():
        upload = import_form.cleaned_data["file"]
        try:
            done = services.import_roll(
                election, upload.read(), request.user, file_name=upload.name[:200]
            )
        except ValidationError as exc:
            forms.apply_errors(import_form, exc)
        else:
            messages.success(
                request,
                _("Roll imported: %(created)s voters added, %(updated)s updated.")
                % {"created": done.created, "updated": done.updated},
            )
            return redirect("voting:roll", pk=election.pk)
    voters = (
        Voter.objects.filter(election=election)
        .select_related("user", "district")
        .order_by("verified", "user__username", "id")
    )
    show = request.GET.get("show", "pending")
    if show == "pending":
        voters = voters.filter(verified=False)
    page = Paginator(voters, 50).get_page(request.GET.get("page"))
    counts = Voter.objects.filter(election=election).aggregate(
        total=Count("id"), verified=Count("id", filter=Q(verified=True))
    )
    return render(
        request,
        "voting/roll.html",
        {
            "election": election,
            "page": page,
            "show": show,
            "counts": counts,
            "import_form": import_form,
            "closed": election.is_closed(),
        },
    )


# ---------------------------------------------------------------- voting codes


@never_cache
@login_required
def codes(request, pk: int):
    """Make a batch of one-time codes. They are shown once, on this response, to print."""
    election = _staff_election(request, pk)
    form = forms.CodeBatchForm(_posted(request), city_wide=election.district_id is None)
    made: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.generate_codes(
                election,
                data["n"],
                note=data["note"],
                district=data.get("district"),
                actor=request.user,
            )
        except ValidationError as exc:
            forms.apply_errors(form, _rename(exc, {"district_id": "district"}))
    response = render(
        request,
        "voting/codes.html",
        {
            "election": election,
            "form": form,
            "codes": made,
            "note": form.cleaned_data.get("note", "") if made else "",
            "batches": election.code_batches.select_related("created_by").order_by("-created_at"),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- paper ballots


@login_required
def paper(request, pk: int):
    contest = _staff_contest(request, pk)
    form = forms.FileForm(_posted(request), _posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_paper_ballots(
                contest,
                upload.read(),
                request.user,
                file_name=upload.name[:200],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(n)s paper ballots were imported.") % {"n": batch.count},
            )
            return redirect(_manage_url(contest.election, f"contest-{contest.pk}"))
    return render(
        request,
        "voting/paper_form.html",
        {
            "form": form,
            "contest": contest,
            "election": contest.election,
            "batches": contest.paper_batches.select_related("imported_by").order_by("-imported_at"),
            "help": design_help(contest),
        },
    )


# ---------------------------------------------------------------- counting


@login_required
def count(request, pk: int):
    """Start a count with a rule; list the contest's counts and compare the finished ones."""
    contest = _staff_contest(request, pk)
    election = contest.election
    initial = {"rule": contest.rule, "completion": contest.completion or Completion.NONE}
    form = forms.CountForm(_posted(request), initial=initial, design=contest.design)
    if request.method == "POST" and form.is_valid():
        try:
            run = results.start_count(
                contest,
                form.cleaned_data["rule"],
                form.cleaned_data["completion"],
                request.user,
            )
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The count was started. It runs in the background."))
            return redirect("voting:run", pk=run.pk)
    runs = list(contest.runs.select_related("requested_by").order_by("-requested_at", "-id"))
    projects = list(contest.projects.order_by("code"))
    return render(
        request,
        "voting/count.html",
        {
            "contest": contest,
            "election": election,
            "form": form,
            "runs": runs,
            "closed": election.is_closed(),
            "comparison": results.compare(
                contest, [r for r in runs if r.status == RunStatus.DONE], projects
            ),
        },
    )


def _staff_run(request, pk: int) -> CountRun:
    run = get_object_or_404(
        CountRun.objects.select_related(
            "contest", "contest__election", "contest__election__district", "requested_by"
        ),
        pk=pk,
    )
    _require_edit(request, run.contest.election.district_id)
    return run


@never_cache
@login_required
def run_detail(request, pk: int):
    run = _staff_run(request, pk)
    contest = run.contest
    view = None
    if run.status == RunStatus.DONE:
        view = results.present(contest, run, list(contest.projects.order_by("code")))
    return render(
        request,
        "voting/run_detail.html",
        {
            "run": run,
            "contest": contest,
            "election": contest.election,
            "view": view,
            "progress": results.progress(run),
            "published": contest.published_run_id == run.pk,
            "can_publish": run.status == RunStatus.DONE and contest.published_run_id is None,
        },
    )


@never_cache
@require_GET
@login_required
def run_progress(request, pk: int):
    run = _staff_run(request, pk)
    return JsonResponse(results.progress(run))


@require_POST
@login_required
def run_publish(request, pk: int):
    run = _staff_run(request, pk)
    try:
        results.publish(run.contest, run, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("voting:run", pk=run.pk)
    messages.success(request, _("The results of this ballot are published."))
    return redirect("voting:results", pk=run.contest.election_id)
