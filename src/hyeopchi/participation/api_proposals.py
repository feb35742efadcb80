"""API of citizen proposals under /api/v1/proposals….

Public reads: proposals with their supports, deadlines, review, answer and what became of
them (agendas, decisions), the debate (hidden comments show the moderator's reason, not
the text) and the proposal policies. Signed-in residents declare their residency,
propose, attach files, support, comment and report; they read their notifications.
Staff of the proposal's district (city officers for city-wide proposals) review, answer,
hide comments, see overdue items and the moderation queue, confirm residents and import a
resident roll. Rate limits answer 429; a second support or report answers 409.
Proposers and commenters appear masked (김*수); no e-mail or phone is ever returned.
"""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from hyeopchi.core.api_support import (
    READ_ERRORS,
    WRITE_AUTH,
    WRITE_ERRORS,
    ErrorOut,
    Pagination,
    authentication_message,
    current_user,
)
from hyeopchi.core.models import District, RoleAssignment
from hyeopchi.core.permissions import Action, actor_for, user_can
from hyeopchi.directory.masking import mask_name
from hyeopchi.directory.models import Organisation

from . import debate, notifications, residency
from . import proposal_services as ps
from .models import Comment, Notification, Proposal, ProposalStatus, Residency, Stance

router = Router(tags=["proposals"])

ACTION_ERRORS: dict[int, Any] = {**WRITE_ERRORS, 409: ErrorOut, 429: ErrorOut}
MAX_ROLL_BYTES = 10 * 1024 * 1024
FILES = File(..., description="PNG, JPG or PDF files, sent as multipart/form-data.")
ROLL_FILE = File(..., description="The CSV file, sent as multipart/form-data.")


def _signed_in(request):
    user = current_user(request)
    if not user.is_authenticated:
        raise AuthenticationError(message=authentication_message())
    return user


def _public_name(user) -> str:
    return mask_name(user.get_full_name() or user.get_username()) if user else ""


def _run(fn, *args, **kwargs):
    """Call a service: rate limits → 429, duplicates → 409, permissions → 403."""
    try:
        return fn(*args, **kwargs)
    except ps.RateLimited as exc:
        raise HttpError(429, " ".join(exc.messages)) from None
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from None
    except ValidationError as exc:
        if getattr(exc, "code", None) in ("already_supported", "already_reported"):
            raise HttpError(409, " ".join(exc.messages)) from None
        raise


# ---------------------------------------------------------------- schemas


class VersionOut(Schema):
    label: str
    effective_from: dt.date
    supports_required: int
    support_window_days: int | None
    review_days: int | None
    debate_days: int | None
    answer_days: int
    answered_by: str
    source: str


class PolicyOut(Schema):
    key: str
    name: str
    name_en: str
    scope: str
    districts: list[str] = Field(description="District codes whose proposals follow it.")
    residency: str = Field(description="declared: self-declared residents take part.")
    categories: list[str]
    versions: list[VersionOut]


class DeadlineOut(Schema):
    kind: str = Field(description="supports, review, debate or answer")
    label: str
    due: dt.date
    days_left: int
    overdue: bool
    done: bool


class AttachmentOut(Schema):
    id: int
    content_type: str
    size: int
    url: str


class ChainOut(Schema):
    agenda_id: int
    agenda_title: str
    agenda_status: str
    decision_id: int | None
    decision_title: str | None


class ProposalOut(Schema):
    id: int
    title: str
    district: str = Field(description="District code.")
    district_name: str
    dong: str
    category: str
    policy_key: str
    city_wide: bool
    status: ProposalStatus
    status_label: str
    support_count: int
    supports_required: int | None
    created_at: dt.datetime
    proposer: str = Field(description="Masked, as the public sees it.")
    next_deadline: DeadlineOut | None
    url: str


class ProposalDetailOut(ProposalOut):
    problem: str
    solution: str
    expected_effect: str
    deadlines: list[DeadlineOut]
    overdue: list[str]
    threshold_reached_at: dt.datetime | None
    responsible_office: str | None
    review_due: dt.date | None
    feasible: bool | None
    review_opinion: str
    debate_opens: dt.date | None
    debate_closes: dt.date | None
    answer_due: dt.date | None
    answer: str
    answered_at: dt.datetime | None
    answered_by: str
    attachments: list[AttachmentOut]
    chain: list[ChainOut]
    comment_count: int
    supported_by_me: bool
    support_problem: str | None = Field(description="Why the caller cannot support (or null).")


class ProposalIn(Schema):
    scope: Literal["district", "city"] = "district"
    title: str
    problem: str
    solution: str
    expected_effect: str = ""
    category: str
    dong: str = ""


class SupportOut(Schema):
    proposal_id: int
    support_count: int
    status: ProposalStatus


class CommentOut(Schema):
    id: int
    parent_id: int | None
    stance: Stance
    author: str = Field(description="Masked; 'district staff' for the responsible staff.")
    text: str | None = Field(description="Null when hidden by the moderator.")
    hidden: bool
    hidden_reason: str
    created_at: dt.datetime
    replies: list["CommentOut"] = []


CommentOut.model_rebuild()


class CommentIn(Schema):
    stance: Stance = Stance.NEUTRAL
    text: str
    parent_id: int | None = None


class ReasonIn(Schema):
    reason: str


class ModerationOut(Schema):
    id: int
    proposal_id: int
    proposal_title: str
    district: str
    text: str
    report_count: int
    reasons: list[str]


class ReviewIn(Schema):
    feasible: bool
    opinion: str
    responsible_office_id: int | None = None


class AnswerIn(Schema):
    answer: str


class OverdueOut(Schema):
    id: int
    title: str
    district: str
    status: ProposalStatus
    missed: list[str]
    review_due: dt.date | None
    answer_due: dt.date | None


class NotificationOut(Schema):
    id: int
    message: str
    url: str
    created_at: dt.datetime
    read: bool


class ReadIn(Schema):
    ids: list[int] | None = Field(None, description="Leave out to mark all read.")


class ReadOut(Schema):
    marked: int
    unread: int


class ResidencyOut(Schema):
    district: str
    district_name: str
    dong: str
    birth_year: int | None
    method: str
    verified: bool


class ResidencyIn(Schema):
    district: str = Field(description="District code, e.g. 11530.")
    dong: str = ""
    birth_year: int | None = None


class StaffResidencyOut(ResidencyOut):
    id: int
    username: str


class RollImportOut(Schema):
    created: int
    updated: int


# ---------------------------------------------------------------- helpers


def _deadline(d) -> dict:
    return {
        "kind": d.kind,
        "label": d.label,
        "due": d.due,
        "days_left": d.days_left,
        "overdue": d.overdue,
        "done": d.done,
    }


def _summary(proposal: Proposal, today: dt.date) -> dict[str, Any]:
    try:
        required = ps.steps_of(proposal).supports_required
        shown = ps.deadlines(proposal, today)
    except LookupError:
        required, shown = None, []
    upcoming = [d for d in shown if not d.done or d.overdue]
    return {
        "id": proposal.pk,
        "title": proposal.title,
        "district": proposal.district.code,
        "district_name": proposal.district.name,
        "dong": proposal.dong,
        "category": proposal.category,
        "policy_key": proposal.policy_key,
        "city_wide": ps.is_city_wide(proposal),
        "status": proposal.status,
        "status_label": proposal.get_status_display(),
        "support_count": proposal.support_count,
        "supports_required": required,
        "created_at": proposal.created_at,
        "proposer": _public_name(proposal.author),
        "next_deadline": _deadline(upcoming[0]) if upcoming else None,
        "url": reverse("proposals:detail", args=[proposal.pk]),
    }


def _detail(request, proposal: Proposal) -> dict[str, Any]:
    today = timezone.localdate()
    user = current_user(request)
    data = _summary(proposal, today)
    chain = []
    for source in proposal.agenda_sources.select_related("agenda", "agenda__suitability_decision"):
        decision = source.agenda.suitability_decision
        chain.append(
            {
                "agenda_id": source.agenda_id,
                "agenda_title": source.agenda.title,
                "agenda_status": source.agenda.status,
                "decision_id": decision.pk if decision else None,
                "decision_title": decision.title if decision else None,
            }
        )
    supported = ps.has_supported(proposal, user)
    data.update(
        problem=proposal.problem,
        solution=proposal.solution,
        expected_effect=proposal.expected_effect,
        deadlines=[_deadline(d) for d in ps.deadlines(proposal, today)],
        overdue=ps.overdue_kinds(proposal, today),
        threshold_reached_at=proposal.threshold_reached_at,
        responsible_office=proposal.responsible_office.name
        if proposal.responsible_office
        else None,
        review_due=proposal.review_due,
        feasible=proposal.feasible,
        review_opinion=proposal.review_opinion,
        debate_opens=proposal.debate_opens,
        debate_closes=proposal.debate_closes,
        answer_due=proposal.answer_due,
        answer=proposal.answer,
        answered_at=proposal.answered_at,
        answered_by=ps.version_of(proposal).answered_by,
        attachments=[
            {
                "id": a.pk,
                "content_type": a.content_type,
                "size": a.size,
                "url": request.build_absolute_uri(reverse("proposals:attachment", args=[a.pk])),
            }
            for a in proposal.attachments.order_by("id")
        ],
        chain=chain,
        comment_count=proposal.comments.count(),
        supported_by_me=supported,
        support_problem=None if supported else ps.support_problem(proposal, user),
    )
    return data


def _proposal(proposal_id: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("district", "author", "responsible_office"),
        pk=proposal_id,
    )


def _policy(policy) -> dict[str, Any]:
    return {
        **policy.model_dump(include={"key", "name", "name_en", "scope", "districts"}),
        "residency": policy.residency,
        "categories": list(policy.categories),
        "versions": [v.model_dump() for v in policy.versions],
    }


# ---------------------------------------------------------------- public reads


@router.get("/proposals/policies", response={200: list[PolicyOut], **READ_ERRORS})
def list_policies(request):
    """The proposal policies: which districts each governs, thresholds and clocks."""
    return [_policy(p) for p in ps.proposal_policies()]


@router.get("/proposals", response={200: list[ProposalOut], **READ_ERRORS})
@paginate(Pagination)
def list_proposals(
    request,
    district: str | None = None,
    status: ProposalStatus | None = None,
    category: str | None = None,
    scope: Literal["district", "city"] | None = None,
):
    """Proposals, newest first. Filter by ``district`` (code), ``status``, ``category``
    and ``scope`` (district or city-wide)."""
    qs = Proposal.objects.select_related("district", "author").defer(
        "problem", "solution", "expected_effect", "review_opinion", "answer"
    )
    if district:
        qs = qs.filter(district__code=district)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if scope:
        qs = ps.in_scope(qs, scope)
    return _Rows(qs.order_by("-created_at", "-id"), _summary)


class _Rows:
    """A sliceable, countable view of a queryset whose rows are converted on the page
    only (``convert(row, today)``), so pagination costs two queries."""

    def __init__(self, qs, convert):
        self.qs, self.convert = qs, convert

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        today = timezone.localdate()
        return [self.convert(row, today) for row in self.qs[key]]


@router.get("/proposals/{int:proposal_id}", response={200: ProposalDetailOut, **READ_ERRORS})
def get_proposal(request, proposal_id: int):
    """A proposal with its deadlines (days left, overdue), review, answer, files and
    what became of it (agenda → decision)."""
    return _detail(request, _proposal(proposal_id))


def _comment_out(comment: Comment, staff_ids: set[int]) -> dict[str, Any]:
    hidden = comment.hidden_at is not None
    return {
        "id": comment.pk,
        "parent_id": comment.parent_id,
        "stance": comment.stance,
        "author": str(_("district staff"))
        if comment.author_id in staff_ids
        else _public_name(comment.author),
        "text": None if hidden else comment.text,
        "hidden": hidden,
        "hidden_reason": comment.hidden_reason,
        "created_at": comment.created_at,
        "replies": [],
    }


@router.get(
    "/proposals/{int:proposal_id}/comments", response={200: list[CommentOut], **READ_ERRORS}
)
def list_comments(request, proposal_id: int):
    """The debate: top-level comments in order, each with its replies."""
    proposal = get_object_or_404(Proposal, pk=proposal_id)
    top = list(
        Comment.objects.filter(proposal=proposal, parent__isnull=True)
        .select_related("author")
        .order_by("created_at", "id")
    )
    replies = list(
        Comment.objects.filter(proposal=proposal, parent__isnull=False)
        .select_related("author")
        .order_by("created_at", "id")
    )
    authors = {c.author_id for c in top + replies}
    staff_ids = set(
        RoleAssignment.objects.filter(user_id__in=authors).values_list("user_id", flat=True)
    )
    by_parent: dict[int, list] = {}
    for reply in replies:
        by_parent.setdefault(reply.parent_id, []).append(_comment_out(reply, staff_ids))
    out = []
    for comment in top:
        row = _comment_out(comment, staff_ids)
        row["replies"] = by_parent.get(comment.pk, [])
        out.append(row)
    return out


# ---------------------------------------------------------------- residents


@router.post(
    "/proposals",
    response={201: ProposalDetailOut, **ACTION_ERRORS},
    auth=WRITE_AUTH,
)
def create_proposal(request, payload: ProposalIn):
    """Propose, as a signed-in resident: in your district (its policy) or city-wide.
    Attach images and PDFs afterwards with ``POST /proposals/{id}/attachments``."""
    user = _signed_in(request)
    home = residency.residency_of(user)
    proposal = _run(
        ps.create_proposal,
        user,
        district=home.district if home else None,
        scope=payload.scope,
        dong=payload.dong,
        title=payload.title,
        problem=payload.problem,
        solution=payload.solution,
        expected_effect=payload.expected_effect,
        category=payload.category,
    )
    return Status(201, _detail(request, _proposal(proposal.pk)))


@router.post(
    "/proposals/{int:proposal_id}/attachments",
    response={201: list[AttachmentOut], **ACTION_ERRORS},
    auth=WRITE_AUTH,
)
def add_attachments(request, proposal_id: int, files: list[UploadedFile] = FILES):
    """The proposer attaches PNG, JPG or PDF files (multipart ``files``; at most 5 files
    of 5 MB each per proposal), while supports are gathered."""
    user = _signed_in(request)
    proposal = _proposal(proposal_id)
    saved = _run(ps.add_attachments, proposal, user, list(files))
    return Status(
        201,
        [
            {
                "id": a.pk,
                "content_type": a.content_type,
                "size": a.size,
                "url": request.build_absolute_uri(reverse("proposals:attachment", args=[a.pk])),
            }
            for a in saved
        ],
    )


@router.post(
    "/proposals/{int:proposal_id}/support",
    response={201: SupportOut, **ACTION_ERRORS},
    auth=WRITE_AUTH,
)
def support(request, proposal_id: int):
    """Support (동의) a proposal: once per person (409 the second time)."""
    user = _signed_in(request)
    proposal = _run(ps.support, _proposal(proposal_id), user)
    return Status(
        201,
        {
            "proposal_id": proposal.pk,
            "support_count": proposal.support_count,
            "status": proposal.status,
        },
    )


@router.post(
    "/proposals/{int:proposal_id}/comments",
    response={201: CommentOut, **ACTION_ERRORS},
    auth=WRITE_AUTH,
)
def add_comment(request, proposal_id: int, payload: CommentIn):
    """Comment in the online debate (or reply with ``parent_id``); plain text, at most
    2,000 characters; 5 comments per 10 minutes by default."""
    user = _signed_in(request)
    proposal = _proposal(proposal_id)
    comment = _run(
        debate.add_comment,
        proposal,
        user,
        text=payload.text,
        stance=payload.stance,
        parent=payload.parent_id,
    )
    staff = {user.pk} if ps.can_manage(user, proposal) else set()
    return Status(201, _comment_out(comment, staff))


@router.post(
    "/proposals/comments/{int:comment_id}/report",
    response={201: ErrorOut, **ACTION_ERRORS},
    auth=WRITE_AUTH,
)
def report_comment(request, comment_id: int, payload: ReasonIn):
    """Report a comment to the moderators, once per person (409 the second time)."""
    user = _signed_in(request)
    comment = get_object_or_404(Comment, pk=comment_id)
    _run(debate.report, comment, user, payload.reason)
    return Status(201, {"detail": _("Thank you: the moderators will look at this comment.")})


@router.get("/proposals/me/notifications", response={200: list[NotificationOut], **WRITE_ERRORS})
@paginate(Pagination)
def my_notifications(request, unread: bool | None = None):
    """Your notifications, newest first (``unread=true``: only unread ones)."""
    user = _signed_in(request)
    qs = Notification.objects.filter(user=user)
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    return _Rows(
        qs,
        lambda n, _today: {
            "id": n.pk,
            "message": n.message,
            "url": n.url,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        },
    )


@router.post(
    "/proposals/me/notifications/read",
    response={200: ReadOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def read_notifications(request, payload: ReadIn):
    """Mark notifications read: the ``ids`` given, or all."""
    user = _signed_in(request)
    marked = notifications.mark_read(user, payload.ids)
    return {"marked": marked, "unread": notifications.unread_count(user)}


def _residency_out(home: Residency) -> dict[str, Any]:
    return {
        "district": home.district.code,
        "district_name": home.district.name,
        "dong": home.dong,
        "birth_year": home.birth_year,
        "method": home.method,
        "verified": home.verified,
    }


@router.get("/proposals/me/residency", response={200: ResidencyOut, **WRITE_ERRORS})
def my_residency(request):
    """Where you declared you live, and whether it is verified (404: not declared)."""
    user = _signed_in(request)
    home = residency.residency_of(user)
    if home is None:
        raise HttpError(404, _("You have not declared where you live yet."))
    return _residency_out(home)


@router.put(
    "/proposals/me/residency", response={200: ResidencyOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def declare_residency(request, payload: ResidencyIn):
    """Declare (or change) where you live; a change of district or dong needs a new
    confirmation by staff."""
    user = _signed_in(request)
    district = District.objects.filter(code=payload.district).first()
    if district is None:
        raise ValidationError(
            {"district": [_("No district with the code %(code)s.") % {"code": payload.district}]}
        )
    home = residency.declare(user, district, payload.dong, payload.birth_year)
    return _residency_out(home)


# ---------------------------------------------------------------- staff


def _staff_proposal(request, proposal_id: int) -> tuple[Any, Proposal]:
    user = _signed_in(request)
    proposal = _proposal(proposal_id)
    if not ps.can_manage(user, proposal):
        if ps.is_city_wide(proposal):
            raise HttpError(403, _("Only city officers may handle city-wide proposals."))
        raise HttpError(403, _("You may only handle proposals of the district(s) you work for."))
    return user, proposal


@router.post(
    "/proposals/{int:proposal_id}/review",
    response={200: ProposalDetailOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def review(request, proposal_id: int, payload: ReviewIn):
    """Record the department review (staff): feasible or not, with the published opinion.
    Feasible opens the online debate where the policy has one."""
    user, proposal = _staff_proposal(request, proposal_id)
    office = None
    if payload.responsible_office_id is not None:
        office = Organisation.objects.filter(pk=payload.responsible_office_id).first()
        if office is None:
            raise ValidationError({"responsible_office_id": [_("No organisation with this id.")]})
    _run(
        ps.review,
        proposal,
        user,
        feasible=payload.feasible,
        opinion=payload.opinion,
        office=office,
    )
    return _detail(request, _proposal(proposal_id))


@router.post(
    "/proposals/{int:proposal_id}/answer",
    response={200: ProposalDetailOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def answer(request, proposal_id: int, payload: AnswerIn):
    """Publish the answer (staff); the proposer and every supporter are notified."""
    user, proposal = _staff_proposal(request, proposal_id)
    _run(ps.answer, proposal, user, text=payload.answer)
    return _detail(request, _proposal(proposal_id))


@router.post(
    "/proposals/comments/{int:comment_id}/hide",
    response={200: CommentOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def hide_comment(request, comment_id: int, payload: ReasonIn):
    """Hide a comment with a published reason (staff); the text is kept, never deleted."""
    user = _signed_in(request)
    comment = get_object_or_404(Comment.objects.select_related("proposal", "author"), pk=comment_id)
    hidden = _run(debate.hide, comment, user, payload.reason)
    return _comment_out(hidden, set())


def _staff_scope(request, district: str | None) -> tuple[Any, District | None]:
    user = _signed_in(request)
    actor = actor_for(user)
    found = None
    if district:
        found = District.objects.filter(code=district).first()
        if found is None:
            raise ValidationError(
                {"district": [_("No district with the code %(code)s.") % {"code": district}]}
            )
        if not user_can(user, Action.EDIT, found.pk):
            raise HttpError(403, _("You may only see the district(s) you work for."))
    elif not actor.is_staff_anywhere:
        raise HttpError(403, _("Only district staff and city officers may see this."))
    return user, found


@router.get("/proposals/overdue", response={200: list[OverdueOut], **WRITE_ERRORS})
@paginate(Pagination)
def overdue(request, district: str | None = None):
    """Proposals past their review or answer deadline (staff; a district or all yours)."""
    user, found = _staff_scope(request, district)
    qs = ps.managed_by(user, ps.overdue_proposals(timezone.localdate())).select_related("district")
    if found is not None:
        qs = qs.filter(district=found)
    return _Rows(
        qs.order_by("answer_due", "review_due", "id"),
        lambda p, today: {
            "id": p.pk,
            "title": p.title,
            "district": p.district.code,
            "status": p.status,
            "missed": ps.overdue_kinds(p, today),
            "review_due": p.review_due,
            "answer_due": p.answer_due,
        },
    )


@router.get("/proposals/moderation", response={200: list[ModerationOut], **WRITE_ERRORS})
@paginate(Pagination)
def moderation(request, district: str | None = None):
    """Reported comments still shown, most reported first (staff)."""
    user, found = _staff_scope(request, district)
    queue = debate.moderation_queue(user, found.pk if found else None).prefetch_related("reports")
    return _Rows(
        queue,
        lambda c, _today: {
            "id": c.pk,
            "proposal_id": c.proposal_id,
            "proposal_title": c.proposal.title,
            "district": c.proposal.district.code,
            "text": c.text,
            "report_count": c.report_count,
            "reasons": [r.reason for r in c.reports.all()],
        },
    )


@router.get("/proposals/residencies", response={200: list[StaffResidencyOut], **WRITE_ERRORS})
@paginate(Pagination)
def residencies(request, district: str | None = None, verified: bool | None = None):
    """Declared residencies (staff of the district; city officers: all)."""
    user, found = _staff_scope(request, district)
    actor = actor_for(user)
    qs = Residency.objects.select_related("user", "district").order_by("district__code", "id")
    if found is not None:
        qs = qs.filter(district=found)
    elif not (actor.superuser or actor.city_wide):
        qs = qs.filter(district_id__in=actor.districts)
    if verified is not None:
        qs = qs.filter(verified=verified)
    return _Rows(
        qs, lambda r, _today: {**_residency_out(r), "id": r.pk, "username": r.user.get_username()}
    )


@router.post(
    "/proposals/residencies/{int:residency_id}/confirm",
    response={200: StaffResidencyOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def confirm_residency(request, residency_id: int):
    """Confirm a declared residency (staff of its district)."""
    user = _signed_in(request)
    home = get_object_or_404(Residency.objects.select_related("user", "district"), pk=residency_id)
    home = _run(residency.confirm, home, user)
    return {**_residency_out(home), "id": home.pk, "username": home.user.get_username()}


@router.post(
    "/proposals/residencies/import",
    response={200: RollImportOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def import_roll(request, file: UploadedFile = ROLL_FILE):
    """Import a resident roll (multipart ``file``, UTF-8 CSV: name, e-mail, district code,
    dong, birth year). A file with any bad line is refused whole, naming each line."""
    user = _signed_in(request)
    if not actor_for(user).is_staff_anywhere:
        raise HttpError(403, _("Only district staff and city officers may see this."))
    if file.size > MAX_ROLL_BYTES:
        raise ValidationError({"file": [_("The file is larger than 10 MB.")]})
    result = residency.import_roll(file.read(), user, file_name=file.name or "")
    return {"created": result.created, "updated": result.updated}
