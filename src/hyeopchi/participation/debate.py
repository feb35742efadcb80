"""The online debate on a proposal (구로와 토론하다): comments with a stance, replies one
level deep, reports (once per person) and moderation by the responsible staff, who hide a
comment with a published reason. Nothing is ever deleted.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from hyeopchi.core import audit
from hyeopchi.core.permissions import Action, actor_for, user_can

from . import proposal_services as ps
from .models import Comment, CommentReport, Proposal, ProposalStatus, Stance

COMMENT_MAX = 2000
REASON_MAX = 300


def debate_open(proposal: Proposal, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        proposal.status == ProposalStatus.IN_DEBATE
        and proposal.debate_opens is not None
        and proposal.debate_opens <= today
        and (proposal.debate_closes is None or today <= proposal.debate_closes)
    )


def comment_problem(proposal: Proposal, user, now: dt.datetime | None = None) -> str | None:
    """Why ``user`` cannot comment now (None: they can). Residents as for supports; the
    responsible staff may always take part to explain."""
    now = now or timezone.now()
    if user is None or not user.is_authenticated:
        return _("Sign in to take part in the debate.")
    if not debate_open(proposal, timezone.localdate(now)):
        if proposal.status in (ProposalStatus.GATHERING, ProposalStatus.IN_REVIEW):
            return _("The online debate opens once the department has found the proposal feasible.")
        return _("The online debate is closed.")
    if ps.can_manage(user, proposal):
        return None
    return ps.participation_problem(user, proposal.district, ps.policy_of(proposal))


def add_comment(
    proposal: Proposal,
    user,
    *,
    text: str,
    stance: str = Stance.NEUTRAL,
    parent: Comment | int | None = None,
    now: dt.datetime | None = None,
) -> Comment:
    """A comment (or a reply: replies to a reply join the same thread, one level deep)."""
    now = now or timezone.now()
    text = ps.clean_text(text)
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Write your comment first.")]
    elif len(text) > COMMENT_MAX:
        errors["text"] = [
            _("Use at most %(n)s characters (you wrote %(len)s).")
            % {"n": COMMENT_MAX, "len": len(text)}
        ]
    if stance not in Stance.values:
        errors["stance"] = [_("Choose in favour, against or neutral.")]
    parent_comment = None
    if parent is not None:
        parent_id = parent.pk if isinstance(parent, Comment) else parent
        parent_comment = (
            Comment.objects.filter(pk=parent_id, proposal=proposal).only("pk", "parent_id").first()
        )
        if parent_comment is None:
            errors["parent"] = [_("The comment you reply to is not part of this debate.")]
        elif parent_comment.parent_id is not None:
            parent_comment = Comment(pk=parent_comment.parent_id)  # one level deep
    message = comment_problem(proposal, user, now)
    if message:
        errors.setdefault("__all__", []).append(message)
    if errors:
        raise ValidationError(errors)
    recent = Comment.objects.filter(author=user, created_at__gte=ps._since("comment", now))
    ps.check_rate("comment", recent.count())
    return Comment.objects.create(
        proposal=proposal,
        parent_id=parent_comment.pk if parent_comment else None,
        author=user,
        stance=stance,
        text=text,
    )


def report(comment: Comment, user, reason: str, now: dt.datetime | None = None) -> CommentReport:
    """Report a comment to the moderators (once per person)."""
    now = now or timezone.now()
    if user is None or not user.is_authenticated:
        raise ValidationError(_("Sign in to report a comment."))
    reason = ps.clean_text(reason)
    if not reason:
        raise ValidationError({"reason": [_("Say why you report this comment.")]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("Use at most %(n)s characters.") % {"n": REASON_MAX}]})
    if comment.author_id == user.pk:
        raise ValidationError(_("You cannot report your own comment."))
    recent = CommentReport.objects.filter(
        reporter=user, created_at__gte=ps._since("report", now)
    ).count()
    ps.check_rate("report", recent)
    try:
        with transaction.atomic():
            return CommentReport.objects.create(comment=comment, reporter=user, reason=reason)
    except IntegrityError:
        raise ValidationError(
            _("You have already reported this comment."), code="already_reported"
        ) from None


def can_moderate(user, proposal: Proposal) -> bool:
    return ps.can_manage(user, proposal)


def hide(comment: Comment, actor, reason: str, now: dt.datetime | None = None) -> Comment:
    """Hide a comment with a reason shown in its place; the text is kept."""
    now = now or timezone.now()
    proposal = comment.proposal
    if not can_moderate(actor, proposal):
        raise PermissionError(_("You may only moderate debates of the district(s) you work for."))
    reason = ps.clean_text(reason)
    if not reason:
        raise ValidationError({"reason": [_("Give the reason; it is published.")]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("Use at most %(n)s characters.") % {"n": REASON_MAX}]})
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.hidden_at is not None:
            raise ValidationError(_("This comment is already hidden."))
        locked.hidden_reason, locked.hidden_by, locked.hidden_at = reason, actor, now
        locked.save(update_fields=["hidden_reason", "hidden_by", "hidden_at"])
        audit.record(
            proposal,
            "comment hidden",
            actor,
            reason,
            {"comment": locked.pk},
        )
    return locked


def thread(proposal: Proposal, user=None) -> list[Comment]:
    """Top-level comments in order, each with ``replies`` prefetched and, for a signed-in
    user, whether they reported each (``reported_by_me``). Constant queries."""
    reports = Count("reports")
    top = (
        Comment.objects.filter(proposal=proposal, parent__isnull=True)
        .select_related("author")
        .annotate(report_count=reports)
    )
    replies = (
        Comment.objects.select_related("author")
        .annotate(report_count=Count("reports"))
        .order_by("created_at", "id")
    )
    if user is not None and user.is_authenticated:
        mine = Exists(CommentReport.objects.filter(comment=OuterRef("pk"), reporter=user))
        top = top.annotate(reported_by_me=mine)
        replies = replies.annotate(reported_by_me=mine)
    return list(top.prefetch_related(Prefetch("replies", queryset=replies)))


def stance_counts(proposal: Proposal) -> dict[str, int]:
    counts = dict(
        Comment.objects.filter(proposal=proposal, hidden_at__isnull=True)
        .values_list("stance")
        .annotate(n=Count("id"))
        .values_list("stance", "n")
    )
    return {s: counts.get(s, 0) for s in Stance.values}


def moderation_queue(user, district_id: int | None = None):
    """Reported comments not yet hidden, most reported first, that ``user`` may moderate:
    their district's proposals (city officers: all, or one district)."""
    qs = (
        Comment.objects.filter(hidden_at__isnull=True)
        .annotate(report_count=Count("reports"))
        .filter(report_count__gt=0)
        .select_related("proposal", "proposal__district")
        .order_by("-report_count", "created_at", "id")
    )
    if district_id is not None:
        qs = qs.filter(proposal__district_id=district_id)
    return ps.managed_by(user, qs, prefix="proposal__")


def may_see_queue(user, district_id: int | None) -> bool:
    if district_id is None:
        return actor_for(user).is_staff_anywhere
    return user_can(user, Action.EDIT, district_id)
