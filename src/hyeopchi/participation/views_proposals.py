"""Pages of citizen proposals: the public list and proposal page, proposing, supporting,
the online debate; residents' sign-up, residency and notifications; staff pages for the
review, the answer, moderation, overdue items and residency confirmation.

Public pages never show personal data: proposers and commenters appear masked (김*수).
Staff pages check ``proposal_services.can_manage`` (district staff of the proposal's
district; city officers for city-wide proposals and everywhere).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hyeopchi.core.models import District, RoleAssignment
from hyeopchi.core.permissions import Action, actor_for, user_can
from hyeopchi.directory.masking import mask_name

from . import clocks, debate, notifications, residency
from . import forms_proposals as forms
from . import proposal_services as ps
from .models import (
    Comment,
    Notification,
    Proposal,
    ProposalAttachment,
    ProposalStatus,
    Residency,
)

PAGE_SIZE = 20


def _posted(request, files: bool = False):
    if request.method != "POST":
        return None
    return request.FILES if files else request.POST


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def public_name(user) -> str:
    """How the public sees a resident: masked full name or user name."""
    if user is None:
        return ""
    return mask_name(user.get_full_name() or user.get_username())


def _messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# ---------------------------------------------------------------- list


def _row(proposal: Proposal, today) -> dict:
    """What the list shows of one proposal (no queries: policy data is in memory)."""
    try:
        steps = ps.steps_of(proposal)
        policy = ps.policy_of(proposal)
    except LookupError:
        return {"proposal": proposal, "required": None, "next": None, "policy": None}
    upcoming = [d for d in ps.deadlines(proposal, today) if not d.done or d.overdue]
    return {
        "proposal": proposal,
        "required": steps.supports_required,
        "share": clocks.support_share(proposal.support_count, steps),
        "next": upcoming[0] if upcoming else None,
        "policy": policy,
    }


@require_GET
def proposal_list(request):
    form = forms.ProposalFilterForm(request.GET or None)
    proposals = Proposal.objects.select_related("district").defer(
        "problem", "solution", "expected_effect", "review_opinion", "answer"
    )
    district = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["district"]:
            district = District.objects.filter(code=data["district"]).first()
            proposals = proposals.filter(district=district)
        if data["status"]:
            proposals = proposals.filter(status=data["status"])
        if data["category"]:
            proposals = proposals.filter(category=data["category"])
        if data["scope"]:
            proposals = ps.in_scope(proposals, data["scope"])
    elif form.is_bound:
        messages.warning(request, _("Some filters were not understood and are ignored."))
    page = Paginator(proposals.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participation/proposals/list.html",
        {
            "form": form,
            "district": district,
            "page": page,
            "rows": [_row(p, today) for p in page.object_list],
            "query": query.urlencode(),
            "is_staff": actor_for(request.user).is_staff_anywhere,
        },
    )


# ---------------------------------------------------------------- proposal page


def _proposal(pk: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("district", "author", "responsible_office"), pk=pk
    )


def _detail_context(
    request, proposal: Proposal, comment_form=None, reply_to=None, reply_form=None
) -> dict:
    today = timezone.localdate()
    user = request.user
    steps = ps.steps_of(proposal)
    policy = ps.policy_of(proposal)
    version = ps.version_of(proposal)
    support_problem = ps.support_problem(proposal, user)
    supported = ps.has_supported(proposal, user)
    comments = debate.thread(proposal, user)
    staff_ids = set()
    authors = {c.author_id for c in comments} | {
        r.author_id for c in comments for r in c.replies.all()
    }
    if authors:
        staff_ids = set(
            RoleAssignment.objects.filter(user_id__in=authors).values_list("user_id", flat=True)
        )
    chain = proposal.agenda_sources.select_related("agenda", "agenda__suitability_decision")
    return {
        "proposal": proposal,
        "policy": policy,
        "version": version,
        "required": steps.supports_required,
        "share": clocks.support_share(proposal.support_count, steps),
        "deadlines": ps.deadlines(proposal, today),
        "overdue": ps.overdue_kinds(proposal, today),
        "attachments": list(proposal.attachments.order_by("id")),
        "author_name": public_name(proposal.author),
        "is_author": user.is_authenticated and user.pk == proposal.author_id,
        "supported": supported,
        "has_residency": residency.residency_of(user) is not None,
        "support_problem": None if supported else support_problem,
        "can_manage": ps.can_manage(user, proposal),
        "city_wide": ps.is_city_wide(proposal),
        "debate_open": debate.debate_open(proposal, today),
        "comment_problem": debate.comment_problem(proposal, user),
        "comments": comments,
        "stances": debate.stance_counts(proposal) if comments else {},
        "staff_ids": staff_ids,
        "comment_form": comment_form or forms.CommentForm(),
        "reply_to": reply_to,
        "reply_form": reply_form,
        "agenda_sources": chain,
        "comment_max": debate.COMMENT_MAX,
    }


@require_GET
def proposal_detail(request, pk: int):
    proposal = _proposal(pk)
    return render(
        request,
        "participation/proposals/detail.html",
        _detail_context(request, proposal),
    )


@require_GET
def attachment(request, pk: int):
    """An attachment of a published proposal, with its checked content type."""
    item = get_object_or_404(ProposalAttachment.objects.select_related("proposal"), pk=pk)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    inline = item.content_type in ("image/png", "image/jpeg", "application/pdf")
    response = FileResponse(handle, content_type=item.content_type, as_attachment=not inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    return response


# ---------------------------------------------------------------- proposing


@login_required
def proposal_create(request):
    home = residency.residency_of(request.user)
    if home is None:
        messages.info(request, _("First tell us where you live: your district and dong."))
        url = reverse("proposals:residency")
        return redirect(f"{url}?next={reverse('proposals:create')}")
    scope = (request.POST.get("scope") or request.GET.get("scope") or "district").strip()
    if scope not in ("district", "city"):
        scope = "district"
    policy = ps.policy_for(home.district, scope)
    if policy is None and scope == "district":
        messages.info(
            request,
            _("%(district)s takes no online proposals here yet; you can propose to the city.")
            % {"district": home.district.name},
        )
        scope, policy = "city", ps.policy_for(home.district, "city")
    if policy is None:
        raise Http404
    problem = ps.participation_problem(request.user, home.district, policy)
    form = forms.ProposalForm(
        _posted(request),
        _posted(request, files=True),
        policy=policy,
        initial={"dong": home.dong},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = ps.create_proposal(
                request.user,
                district=home.district,
                scope=scope,
                dong=data["dong"],
                title=data["title"],
                problem=data["problem"],
                solution=data["solution"],
                expected_effect=data["expected_effect"],
                category=data["category"],
                files=data["files"],
            )
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your proposal is published. Share its page to gather supports."),
            )
            return redirect("proposals:detail", pk=proposal.pk)
    if request.method == "POST" and request.FILES:
        messages.warning(
            request, _("Your text is kept below; please choose the files again before sending.")
        )
    other_scope = "city" if scope == "district" else "district"
    return render(
        request,
        "participation/proposals/form.html",
        {
            "form": form,
            "policy": policy,
            "version": policy.version_on(timezone.localdate()),
            "scope": scope,
            "home": home,
            "problem": problem,
            "other_scope": other_scope if ps.policy_for(home.district, other_scope) else None,
        },
        status=200,
    )


# ---------------------------------------------------------------- supports


@require_POST
def proposal_support(request, pk: int):
    proposal = _proposal(pk)
    url = reverse("proposals:detail", args=[pk]) + "#support"
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={reverse('proposals:detail', args=[pk])}")
    try:
        proposal = ps.support(proposal, request.user)
    except ps.AlreadySupported as exc:
        messages.info(request, " ".join(_messages(exc)))
    except ValidationError as exc:
        messages.error(request, " ".join(_messages(exc)))
    else:
        messages.success(
            request,
            _("Thank you: your support is counted. %(n)s supports so far.")
            % {"n": proposal.support_count},
        )
    return redirect(url)


# ---------------------------------------------------------------- debate


@require_POST
def comment_create(request, pk: int):
    proposal = _proposal(pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={reverse('proposals:detail', args=[pk])}")
    form = forms.CommentForm(request.POST)
    valid = form.is_valid()
    reply_to = form.cleaned_data.get("parent")
    if valid:
        data = form.cleaned_data
        try:
            comment = debate.add_comment(
                proposal,
                request.user,
                text=data["text"],
                stance=data["stance"],
                parent=reply_to,
            )
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("Your comment is posted."))
            return redirect(reverse("proposals:detail", args=[pk]) + f"#comment-{comment.pk}")
    if reply_to:
        context = _detail_context(request, proposal, reply_to=reply_to, reply_form=form)
    else:
        context = _detail_context(request, proposal, comment_form=form)
    return render(request, "participation/proposals/detail.html", context)


def _comment(pk: int) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("proposal", "proposal__district", "author"), pk=pk
    )


@login_required
def comment_report(request, pk: int):
    comment = _comment(pk)
    form = forms.ReasonForm(_posted(request))
    back = reverse("proposals:detail", args=[comment.proposal_id]) + f"#comment-{comment.pk}"
    if request.method == "POST" and form.is_valid():
        try:
            debate.report(comment, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            if getattr(exc, "code", None) == "already_reported":
                messages.info(request, " ".join(_messages(exc)))
                return redirect(back)
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you: the moderators will look at this comment."))
            return redirect(back)
    return render(
        request,
        "participation/proposals/comment_action.html",
        {
            "form": form,
            "comment": comment,
            "proposal": comment.proposal,
            "heading": _("Report a comment"),
            "intro": _("Say why this comment breaks the rules of the debate."),
            "submit": _("Report"),
            "back": back,
        },
    )


@login_required
def comment_hide(request, pk: int):
    comment = _comment(pk)
    if not debate.can_moderate(request.user, comment.proposal):
        raise PermissionDenied
    form = forms.ReasonForm(_posted(request))
    back = _next_url(
        request,
        reverse("proposals:detail", args=[comment.proposal_id]) + f"#comment-{comment.pk}",
    )
    if request.method == "POST" and form.is_valid():
        try:
            debate.hide(comment, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The comment is hidden; the reason is shown in its place."))
            return redirect(back)
    return render(
        request,
        "participation/proposals/comment_action.html",
        {
            "form": form,
            "comment": comment,
            "proposal": comment.proposal,
            "show_text": True,
            "reports": comment.reports.order_by("created_at"),
            "heading": _("Hide a comment"),
            "intro": _(
                "The comment is kept but hidden; everyone sees “hidden by the moderator” "
                "with the reason you give."
            ),
            "submit": _("Hide the comment"),
            "back": back,
        },
    )


# ---------------------------------------------------------------- staff: review and answer


def _staff_proposal(request, pk: int) -> Proposal:
    proposal = _proposal(pk)
    if not ps.can_manage(request.user, proposal):
        raise PermissionDenied
    return proposal


@login_required
def proposal_review(request, pk: int):
    proposal = _staff_proposal(request, pk)
    form = forms.ReviewForm(
        _posted(request),
        proposal=proposal,
        initial={"responsible_office": proposal.responsible_office_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = ps.review(
                proposal,
                request.user,
                feasible=data["feasible"],
                opinion=data["opinion"],
                office=data["responsible_office"],
            )
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The review is recorded: %(status)s.")
                % {"status": proposal.get_status_display()},
            )
            return redirect("proposals:detail", pk=proposal.pk)
    return render(
        request,
        "participation/proposals/staff_form.html",
        {
            "form": form,
            "proposal": proposal,
            "heading": _("Department review"),
            "submit": _("Record the review"),
            "blocked": None
            if proposal.status == ProposalStatus.IN_REVIEW
            else _("Only a proposal in department review can be reviewed (it is now: %(s)s).")
            % {"s": proposal.get_status_display()},
        },
    )


@login_required
def proposal_answer(request, pk: int):
    proposal = _staff_proposal(request, pk)
    form = forms.AnswerForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            proposal = ps.answer(proposal, request.user, text=form.cleaned_data["answer"])
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(
                request, _("The answer is published; the proposer and supporters are told.")
            )
            return redirect(reverse("proposals:detail", args=[proposal.pk]) + "#answer")
    blocked = None
    if proposal.status not in (ProposalStatus.AWAITING_ANSWER, ProposalStatus.INFEASIBLE):
        blocked = _("This proposal cannot be answered now (it is: %(s)s).") % {
            "s": proposal.get_status_display()
        }
    return render(
        request,
        "participation/proposals/staff_form.html",
        {
            "form": form,
            "proposal": proposal,
            "heading": _("Answer"),
            "submit": _("Publish the answer"),
            "blocked": blocked,
        },
    )


def _staff_district(request) -> tuple[District | None, bool]:
    """The ``?district=`` of a staff list (None: all the user may see) and whether the
    user may see it at all."""
    actor = actor_for(request.user)
    code = (request.GET.get("district") or "").strip()[:5]
    district = District.objects.filter(code=code).first() if code else None
    if district is None and not (actor.superuser or actor.city_wide) and len(actor.districts) == 1:
        district = District.objects.filter(pk=next(iter(actor.districts))).first()
    if district is not None:
        return district, user_can(request.user, Action.EDIT, district.pk)
    return None, actor.is_staff_anywhere


@login_required
@require_GET
def overdue_list(request):
    district, allowed = _staff_district(request)
    if not allowed:
        raise PermissionDenied
    today = timezone.localdate()
    proposals = ps.managed_by(request.user, ps.overdue_proposals(today)).select_related("district")
    if district is not None:
        proposals = proposals.filter(district=district)
    proposals = proposals.order_by("answer_due", "review_due", "id")
    page = Paginator(proposals, 50).get_page(request.GET.get("page"))
    rows = []
    for proposal in page.object_list:
        kinds = ps.overdue_kinds(proposal, today)
        due = proposal.review_due if "review" in kinds else proposal.answer_due
        rows.append(
            {
                "proposal": proposal,
                "kinds": kinds,
                "due": due,
                "late": (today - due).days if due else 0,
            }
        )
    waiting = ps.managed_by(
        request.user, Proposal.objects.filter(status=ProposalStatus.IN_REVIEW)
    ).select_related("district")
    if district is not None:
        waiting = waiting.filter(district=district)
    return render(
        request,
        "participation/proposals/overdue.html",
        {
            "district": district,
            "page": page,
            "rows": rows,
            "waiting": waiting.order_by("threshold_reached_at", "id")[:50],
            "today": today,
        },
    )


@login_required
@require_GET
def moderation_queue(request):
    district, allowed = _staff_district(request)
    if not allowed:
        raise PermissionDenied
    queue = debate.moderation_queue(request.user, district.pk if district else None)
    page = Paginator(
        queue.prefetch_related(
            Prefetch("reports", to_attr="report_list"),
        ),
        50,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "participation/proposals/moderation.html",
        {"district": district, "page": page},
    )


# ---------------------------------------------------------------- residents


def signup(request):
    """A resident's sign-up: account and declared residency in one step."""
    if request.user.is_authenticated:
        return redirect("proposals:residency")
    form = forms.SignupForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = form.save()
                residency.declare(user, data["district"], data["dong"], data["birth_year"])
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome! You can now propose and support proposals of %(d)s.")
                % {"d": data["district"].name},
            )
            return HttpResponseRedirect(_next_url(request, reverse("proposals:list")))
    return render(
        request,
        "participation/proposals/signup.html",
        {"form": form, "next": _next_url(request, "")},
    )


@login_required
def residency_view(request):
    home = residency.residency_of(request.user)
    initial = {}
    if home is not None:
        initial = {"district": home.district, "dong": home.dong, "birth_year": home.birth_year}
    form = forms.ResidencyForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            home = residency.declare(
                request.user, data["district"], data["dong"], data["birth_year"]
            )
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            if home.verified:
                messages.success(request, _("Your residency is saved."))
            else:
                messages.success(
                    request,
                    _("Your residency is saved. District staff may confirm it later."),
                )
            return HttpResponseRedirect(_next_url(request, reverse("proposals:list")))
    return render(
        request,
        "participation/proposals/residency.html",
        {"form": form, "home": home, "next": _next_url(request, "")},
    )


@login_required
def residency_staff(request):
    """Staff: residents waiting for confirmation, and the resident-roll import."""
    district, allowed = _staff_district(request)
    if not allowed:
        raise PermissionDenied
    actor = actor_for(request.user)
    form = forms.RollImportForm(_posted(request), _posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = residency.import_roll(upload.read(), request.user, file_name=upload.name)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Resident roll imported: %(created)s added, %(updated)s updated, all verified.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect(request.get_full_path())
    waiting = Residency.objects.filter(verified=False).select_related("user", "district")
    if district is not None:
        waiting = waiting.filter(district=district)
    elif not (actor.superuser or actor.city_wide):
        waiting = waiting.filter(district_id__in=actor.districts)
    page = Paginator(waiting.order_by("district__code", "user__username"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "participation/proposals/residency_staff.html",
        {"form": form, "page": page, "district": district},
    )


@login_required
@require_POST
def residency_confirm(request, pk: int):
    home = get_object_or_404(Residency.objects.select_related("user", "district"), pk=pk)
    try:
        residency.confirm(home, request.user)
    except PermissionError:
        raise PermissionDenied from None
    messages.success(
        request, _("The residency of %(who)s is confirmed.") % {"who": home.user.get_username()}
    )
    return redirect(_next_url(request, reverse("proposals:residency_staff")))


# ---------------------------------------------------------------- notifications


@login_required
def notification_list(request):
    if request.method == "POST":
        done = notifications.mark_read(request.user)
        messages.success(request, _("%(n)s notifications marked as read.") % {"n": done})
        return redirect("proposals:notifications")
    items = Notification.objects.filter(user=request.user)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "participation/proposals/notifications.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk: int):
    item = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications.mark_read(request.user, [item.pk])
    target = item.url if url_has_allowed_host_and_scheme(item.url, allowed_hosts=None) else ""
    return redirect(target or "proposals:notifications")
