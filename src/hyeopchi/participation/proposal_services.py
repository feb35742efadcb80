"""What the UI and the API do to citizen proposals: propose, support, review, answer, and
advance the clocks (``tick``). Rules are the pure functions of :mod:`.clocks`; this module
reads and writes the database, notifies and records the audit history.

District → policy: a proposal of district *D* follows the district proposal policy that
lists *D*'s code in ``districts`` (구로구 → 구로1번가); a city-wide proposal follows the
city policy (민주주의 서울). The policy version is the one in force on the creation date.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hyeopchi.core import audit, dates
from hyeopchi.core.models import AuditEvent, District
from hyeopchi.core.permissions import Action, actor_for, user_can
from hyeopchi.core.policy import policies

from . import clocks, notifications, residency
from .models import Proposal, ProposalAttachment, ProposalStatus, Support
from .policy import ProposalPolicy, ProposalVersion

TITLE_MAX = 150
TEXT_MAX = 5000
MAX_FILES = 5
MAX_FILE_BYTES = 5 * 1024 * 1024
ATTACHMENT_TYPES: dict[str, tuple[tuple[bytes, ...], str]] = {
    ".pdf": ((b"%PDF-",), "application/pdf"),
    ".png": ((b"\x89PNG\r\n\x1a\n",), "image/png"),
    ".jpg": ((b"\xff\xd8\xff",), "image/jpeg"),
    ".jpeg": ((b"\xff\xd8\xff",), "image/jpeg"),
}

# Per-user limits: (how many, within seconds). Override with PARTICIPATION_RATE_LIMITS.
DEFAULT_RATE_LIMITS = {
    "proposal": (5, 3600),
    "support": (30, 60),
    "comment": (5, 600),
    "report": (20, 600),
}

audit.ACTION_LABELS.update(
    {
        "threshold reached": gettext_lazy("threshold reached"),
        "reviewed": gettext_lazy("reviewed by the department"),
        "debate closed": gettext_lazy("online debate closed"),
        "expired": gettext_lazy("did not reach the threshold"),
        "answered": gettext_lazy("answered"),
        "overdue: review": gettext_lazy("review overdue"),
        "overdue: answer": gettext_lazy("answer overdue"),
        "comment hidden": gettext_lazy("comment hidden"),
    }
)


def rate_limit(kind: str) -> tuple[int, int]:
    limits = {**DEFAULT_RATE_LIMITS, **getattr(settings, "PARTICIPATION_RATE_LIMITS", {})}
    return limits[kind]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value) -> str:
    """Plain text as stored: line breaks normalised, control characters (which
    PostgreSQL refuses, such as NUL) removed, outer blanks stripped. HTML is not
    interpreted: it is kept as typed and shown escaped."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


# ---------------------------------------------------------------- policies


def proposal_policies() -> list[ProposalPolicy]:
    return [f.document for f in policies().of_kind("proposal_policy")]  # type: ignore[misc]


def policy_by_key(key: str) -> ProposalPolicy:
    return policies().get("proposal_policy", key)  # type: ignore[return-value]


def policy_for(district: District | None, scope: str = "district") -> ProposalPolicy | None:
    """The policy of a district's proposals, or of city-wide ones (``scope="city"``)."""
    for policy in proposal_policies():
        if scope == "city" and policy.scope == "city":
            return policy
        if (
            scope == "district"
            and policy.scope == "district"
            and district is not None
            and district.code in policy.districts
        ):
            return policy
    return None


def policy_of(proposal: Proposal) -> ProposalPolicy:
    return policy_by_key(proposal.policy_key)


def _created_on(proposal: Proposal) -> dt.date:
    created = proposal.created_at or timezone.now()
    return timezone.localdate(created)


def version_of(proposal: Proposal) -> ProposalVersion:
    return policy_of(proposal).version_on(_created_on(proposal))


def steps_of(proposal: Proposal) -> clocks.Steps:
    return clocks.Steps.of(version_of(proposal))


def is_city_wide(proposal: Proposal) -> bool:
    return _scope(proposal.policy_key) == "city"


@lru_cache(maxsize=64)
def _scope_cached(key: str, registry_id: int) -> str:
    try:
        return policy_by_key(key).scope
    except LookupError:
        return "district"


def _scope(key: str) -> str:
    return _scope_cached(key, id(policies()))


def office_district_id(proposal: Proposal) -> int | None:
    """The district whose staff act on the proposal; None: city officers (city-wide)."""
    return None if is_city_wide(proposal) else proposal.district_id


def can_manage(user, proposal: Proposal) -> bool:
    return user_can(user, Action.EDIT, office_district_id(proposal))


def city_policy_keys() -> list[str]:
    """Keys of the policies of city-wide proposals."""
    return [p.key for p in proposal_policies() if p.scope == "city"]


def in_scope(proposals, scope: str, prefix: str = ""):
    """Only the city-wide proposals (``scope="city"``) or only the district ones.
    ``prefix`` reaches the proposal from a related queryset (``"proposal__"``)."""
    lookup = {f"{prefix}policy_key__in": city_policy_keys()}
    return proposals.filter(**lookup) if scope == "city" else proposals.exclude(**lookup)


def managed_by(user, proposals, prefix: str = ""):
    """The proposals ``user`` may manage (the queryset form of :func:`can_manage`): all
    for city officers; otherwise the district proposals of their districts."""
    actor = actor_for(user)
    if actor.superuser or actor.city_wide:
        return proposals
    mine = proposals.filter(**{f"{prefix}district_id__in": actor.districts})
    return in_scope(mine, "district", prefix)


def url_of(proposal: Proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


# ---------------------------------------------------------------- clocks <-> proposals


def clock_of(proposal: Proposal) -> clocks.Clock:
    return clocks.Clock(
        status=proposal.status,
        created_on=_created_on(proposal),
        support_count=proposal.support_count,
        threshold_on=timezone.localdate(proposal.threshold_reached_at)
        if proposal.threshold_reached_at
        else None,
        review_due=proposal.review_due,
        debate_opens=proposal.debate_opens,
        debate_closes=proposal.debate_closes,
        answer_due=proposal.answer_due,
    )


_CLOCK_FIELDS = ["status", "review_due", "debate_opens", "debate_closes", "answer_due"]


def _apply(proposal: Proposal, clock: clocks.Clock, now: dt.datetime) -> list[str]:
    """Copy a clock onto the proposal; the names of the fields that changed."""
    changed = []
    for name in _CLOCK_FIELDS:
        if getattr(proposal, name) != getattr(clock, name):
            setattr(proposal, name, getattr(clock, name))
            changed.append(name)
    if clock.threshold_on and proposal.threshold_reached_at is None:
        proposal.threshold_reached_at = now
        changed.append("threshold_reached_at")
    return changed


@dataclass(frozen=True)
class DeadlineView:
    kind: str
    label: str
    due: dt.date
    days_left: int
    overdue: bool
    done: bool

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left)


DEADLINE_LABELS = {
    "supports": gettext_lazy("supports gathered by"),
    "review": gettext_lazy("department review due"),
    "debate": gettext_lazy("online debate until"),
    "answer": gettext_lazy("answer due"),
}


def deadlines(proposal: Proposal, today: dt.date | None = None) -> list[DeadlineView]:
    today = today or timezone.localdate()
    return [
        DeadlineView(d.kind, str(DEADLINE_LABELS[d.kind]), d.due, d.days_left, d.overdue, d.done)
        for d in clocks.deadlines(clock_of(proposal), steps_of(proposal), today)
    ]


def overdue_kinds(proposal: Proposal, today: dt.date | None = None) -> list[str]:
    return clocks.overdue(clock_of(proposal), today or timezone.localdate())


# ---------------------------------------------------------------- who may take part


def participation_problem(user, district: District, policy: ProposalPolicy) -> str | None:
    """Why ``user`` may not propose or support under ``policy`` in ``district`` (None: ok)."""
    if user is None or not user.is_authenticated:
        return _("Sign in to take part.")
    home = residency.residency_of(user)
    if home is None:
        return _("Declare where you live first (your district and dong).")
    if policy.scope == "district" and home.district_id != district.pk:
        return _(
            "Only residents of %(district)s may take part in its proposals; your residency is "
            "in %(home)s."
        ) % {"district": district.name, "home": home.district.name}
    if not residency.acceptable(home, policy.residency):
        return _("Your residency has not been confirmed yet; district staff confirm it.")
    return None


def _rate_limited(kind: str, recent: int) -> str | None:
    limit, seconds = rate_limit(kind)
    if recent < limit:
        return None
    minutes = max(1, seconds // 60)
    messages = {
        "proposal": _("You can make at most %(n)s proposals in %(m)s minutes; try again later."),
        "support": _("You can give at most %(n)s supports in %(m)s minutes; try again later."),
        "comment": _("You can post at most %(n)s comments in %(m)s minutes; try again later."),
        "report": _("You can report at most %(n)s comments in %(m)s minutes; try again later."),
    }
    return messages[kind] % {"n": limit, "m": minutes}


def _since(kind: str, now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=rate_limit(kind)[1])


class RateLimited(ValidationError):
    """Too many actions of one kind by one user in the window (HTTP 429 in the API)."""


def check_rate(kind: str, recent: int) -> None:
    message = _rate_limited(kind, recent)
    if message:
        raise RateLimited(message, code="rate_limited")


# ---------------------------------------------------------------- attachments


def validate_upload(upload) -> str:
    """An attachment's content type if it is an accepted PNG, JPG or PDF of at most 5 MB,
    judged by its content, not only its name; a ValidationError otherwise."""
    name = getattr(upload, "name", "") or ""
    ext = os.path.splitext(name)[1].lower()
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("“%(name)s”: files of this type are not accepted. Use PNG, JPG or PDF.")
            % {"name": os.path.basename(name)[:80] or "-"},
            code="file_type",
        )
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; at most 5 MB is accepted.")
            % {"name": os.path.basename(name)[:80], "size": upload.size / (1024 * 1024)},
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(
            _("“%(name)s” is empty.") % {"name": os.path.basename(name)[:80]}, code="file_empty"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    magics, content_type = ATTACHMENT_TYPES[ext]
    if not any(head.startswith(m) for m in magics):
        raise ValidationError(
            _("“%(name)s”: the content is not a %(ext)s file.")
            % {"name": os.path.basename(name)[:80], "ext": ext.lstrip(".").upper()},
            code="file_content",
        )
    return content_type


def _attachment_name(upload) -> str:
    ext = os.path.splitext(upload.name or "")[1].lower()
    return f"{uuid.uuid4().hex[:12]}{'.jpg' if ext == '.jpeg' else ext}"


def check_files(files: list, existing: int = 0) -> list[str]:
    errors: list[str] = []
    if existing + len(files) > MAX_FILES:
        errors.append(_("At most %(n)s files can be attached to a proposal.") % {"n": MAX_FILES})
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    return errors


def _save_files(proposal: Proposal, files: list) -> list[ProposalAttachment]:
    saved = []
    for upload in files:
        content_type = validate_upload(upload)
        attachment = ProposalAttachment(
            proposal=proposal, content_type=content_type, size=upload.size
        )
        attachment.file.save(_attachment_name(upload), upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def add_attachments(proposal: Proposal, user, files: list) -> list[ProposalAttachment]:
    """The proposer adds files while the proposal gathers supports."""
    if proposal.author_id != getattr(user, "pk", None):
        raise PermissionError(_("Only the proposer can add files."))
    if proposal.status != ProposalStatus.GATHERING:
        raise ValidationError(
            {"files": [_("Files can be added only while supports are gathered.")]}
        )
    if not files:
        raise ValidationError({"files": [_("Choose a file.")]})
    errors = check_files(files, proposal.attachments.count())
    if errors:
        raise ValidationError({"files": errors})
    saved: list[ProposalAttachment] = []
    try:
        with transaction.atomic():
            saved = _save_files(proposal, files)
            audit.record(proposal, "changed", user, changes={"attachments": len(saved)})
    except Exception:
        for attachment in saved:
            attachment.file.delete(save=False)
        raise
    return saved


# ---------------------------------------------------------------- proposing


def _check_text(errors: dict[str, list[str]], field: str, value: str, limit: int, required=True):
    if required and not value:
        errors.setdefault(field, []).append(_("This field cannot be blank."))
    elif len(value) > limit:
        errors.setdefault(field, []).append(
            _("Use at most %(n)s characters (you wrote %(len)s).") % {"n": limit, "len": len(value)}
        )


def create_proposal(
    user,
    *,
    district: District | None,
    scope: str = "district",
    dong: str = "",
    title: str,
    problem: str,
    solution: str,
    expected_effect: str = "",
    category: str,
    files: Iterable = (),
    now: dt.datetime | None = None,
) -> Proposal:
    """A signed-in resident proposes (in their district, or city-wide). Every problem is
    reported at once, by field; nothing is saved unless everything is right."""
    now = now or timezone.now()
    files = list(files)
    title, problem, solution = clean_text(title), clean_text(problem), clean_text(solution)
    expected_effect, dong, category = (
        clean_text(expected_effect),
        clean_text(dong),
        clean_text(category),
    )
    errors: dict[str, list[str]] = {}
    if scope not in ("district", "city"):
        errors["scope"] = [_("Choose district or city-wide.")]
    home = residency.residency_of(user)
    if district is None and home is not None:
        district = home.district
    policy = None
    if district is None:
        errors.setdefault("district", []).append(_("Choose the district."))
    elif scope in ("district", "city"):
        policy = policy_for(district, scope)
        if policy is None:
            errors.setdefault("district", []).append(
                _(
                    "%(district)s takes no online proposals on this platform yet; propose "
                    "city-wide instead."
                )
                % {"district": district.name}
            )
        else:
            problem_text = participation_problem(user, district, policy)
            if problem_text:
                errors.setdefault("__all__", []).append(problem_text)
            if policy.scope == "city" and home is not None and home.district_id != district.pk:
                errors.setdefault("district", []).append(
                    _("A city-wide proposal is made from your own district (%(home)s).")
                    % {"home": home.district.name}
                )
    _check_text(errors, "title", title, TITLE_MAX)
    _check_text(errors, "problem", problem, TEXT_MAX)
    _check_text(errors, "solution", solution, TEXT_MAX)
    _check_text(errors, "expected_effect", expected_effect, TEXT_MAX, required=False)
    if len(dong) > residency.DONG_MAX:
        errors.setdefault("dong", []).append(
            _("Use at most %(n)s characters.") % {"n": residency.DONG_MAX}
        )
    if policy is not None and category not in policy.categories:
        errors.setdefault("category", []).append(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(policy.categories)}
        )
    file_errors = check_files(files)
    if file_errors:
        errors["files"] = file_errors
    if errors:
        raise ValidationError(errors)
    recent = Proposal.objects.filter(author=user, created_at__gte=_since("proposal", now))
    check_rate("proposal", recent.count())
    assert policy is not None and district is not None
    if not dong and home is not None and home.district_id == district.pk:
        dong = home.dong
    proposal = Proposal(
        district=district,
        dong=dong,
        author=user,
        policy_key=policy.key,
        title=title,
        problem=problem,
        solution=solution,
        expected_effect=expected_effect,
        category=category,
    )
    saved: list[ProposalAttachment] = []
    try:
        with transaction.atomic():
            proposal.save()
            saved = _save_files(proposal, files)
            audit.record(
                proposal,
                "proposed",
                user,
                changes={"policy_key": policy.key, "attachments": len(saved)},
            )
            version = policy.version_on(_created_on(proposal))
            with notifications.site_language():
                message = _("Your proposal “%(title)s” is published; it needs %(n)s supports.") % {
                    "title": proposal.title,
                    "n": version.supports_required,
                }
            notifications.notify([user], message, url_of(proposal))
    except Exception:
        for attachment in saved:
            attachment.file.delete(save=False)
        raise
    return proposal


# ---------------------------------------------------------------- supports


class AlreadySupported(ValidationError):
    pass


def support_problem(proposal: Proposal, user, now: dt.datetime | None = None) -> str | None:
    """Why ``user`` cannot support ``proposal`` now (None: they can)."""
    now = now or timezone.now()
    if user is None or not user.is_authenticated:
        return _("Sign in to support this proposal.")
    if proposal.author_id == user.pk:
        return _("You cannot support your own proposal.")
    if not clocks.accepts_supports(clock_of(proposal), steps_of(proposal), timezone.localdate(now)):
        if proposal.status == ProposalStatus.GATHERING:
            return _("The time for supporting this proposal is over.")
        return _("This proposal no longer takes supports (%(status)s).") % {
            "status": proposal.get_status_display()
        }
    policy = policy_of(proposal)
    return participation_problem(user, proposal.district, policy)


def has_supported(proposal: Proposal, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Support.objects.filter(proposal=proposal, user=user).exists()


def support(proposal: Proposal, user, now: dt.datetime | None = None) -> Proposal:
    """Add the user's support: one per person (the database's unique constraint decides
    under concurrency) and the count raised in the same transaction with an atomic
    ``UPDATE … SET support_count = support_count + 1``. Reaching the threshold starts the
    department review at once and notifies the office and the proposer."""
    now = now or timezone.now()
    message = support_problem(proposal, user, now)
    if message:
        raise ValidationError(message, code="not_allowed")
    recent = Support.objects.filter(user=user, created_at__gte=_since("support", now)).count()
    check_rate("support", recent)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Support.objects.create(proposal=proposal, user=user)
        except IntegrityError:
            raise AlreadySupported(
                _("You already support this proposal."), code="already_supported"
            ) from None
        Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
        fresh = Proposal.objects.select_for_update().get(pk=proposal.pk)
        _advance_locked(fresh, now)
    return fresh


# ---------------------------------------------------------------- advancing the clocks


def _notify_step(proposal: Proposal, event: str) -> None:
    """Tell the responsible office and the proposer what just happened."""
    url = url_of(proposal)
    office = list(notifications.staff_of(office_district_id(proposal)))
    author = [proposal.author]
    fmt = dates.format_date
    with notifications.site_language():
        words = {
            "title": proposal.title,
            "n": proposal.support_count,
            "review_due": fmt(proposal.review_due),
            "closes": fmt(proposal.debate_closes),
            "due": fmt(proposal.answer_due),
        }
        sends: list[tuple[list, str]] = []
        if event == "threshold":
            if proposal.review_due:
                to_office = _(
                    "“%(title)s” reached %(n)s supports: the department review is due by "
                    "%(review_due)s."
                )
            else:
                to_office = _(
                    "“%(title)s” reached %(n)s supports: it awaits the department review."
                )
            sends.append((office, to_office % words))
            sends.append(
                (
                    author,
                    _("Your proposal “%(title)s” reached %(n)s supports and goes to review.")
                    % words,
                )
            )
        elif event == "expired":
            sends.append(
                (
                    author,
                    _("Your proposal “%(title)s” did not reach the supports it needed in time.")
                    % words,
                )
            )
        elif event == "debate_opened":
            sends.append(
                (
                    author + office,
                    _(
                        "The online debate on “%(title)s” is open until %(closes)s; the answer "
                        "is due by %(due)s."
                    )
                    % words,
                )
            )
        elif event == "infeasible":
            sends.append(
                (
                    author,
                    _("The department found “%(title)s” infeasible; its opinion is published.")
                    % words,
                )
            )
        elif event == "reviewed":
            sends.append(
                (
                    author + office,
                    _("“%(title)s” was reviewed; the answer is due by %(due)s.") % words,
                )
            )
        elif event == "debate_closed":
            sends.append(
                (
                    author + office,
                    _("The online debate on “%(title)s” has closed; the answer is due by %(due)s.")
                    % words,
                )
            )
    for users, message in sends:
        notifications.notify(users, message, url)


_EVENT_ACTIONS = {
    "threshold": "threshold reached",
    "expired": "expired",
    "debate_closed": "debate closed",
}


def _advance_locked(proposal: Proposal, now: dt.datetime) -> list[str]:
    """Advance a proposal already locked with SELECT … FOR UPDATE; save, record, notify."""
    result = clocks.advance(clock_of(proposal), steps_of(proposal), timezone.localdate(now))
    if not result.changed:
        return []
    changed = _apply(proposal, result.clock, now)
    proposal.save(update_fields=changed)
    for event in result.events:
        audit.record(
            proposal,
            _EVENT_ACTIONS[event],
            None,
            changes={"support_count": proposal.support_count, "status": proposal.status},
        )
        _notify_step(proposal, event)
    return list(result.events)


@dataclass
class TickResult:
    events: Counter
    overdue_flagged: int

    def __str__(self) -> str:
        parts = [f"{k}: {v}" for k, v in sorted(self.events.items())]
        parts.append(f"overdue flagged: {self.overdue_flagged}")
        return ", ".join(parts)


def tick(now: dt.datetime | None = None) -> TickResult:
    """Advance every open proposal's clock to today and flag missed deadlines once
    (recorded in the history and notified to the office). Running it twice on the same
    day changes nothing the second time."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    events: Counter = Counter()
    active = Proposal.objects.filter(status__in=clocks.ACTIVE).select_related("district")
    due: list[int] = []
    for proposal in active.iterator(chunk_size=1000):
        try:
            steps = steps_of(proposal)
        except LookupError:
            continue  # a policy removed from the files: leave the proposal as it is
        if clocks.advance(clock_of(proposal), steps, today).changed:
            due.append(proposal.pk)
    for pk in due:
        with transaction.atomic():
            locked = Proposal.objects.select_for_update().select_related("district").get(pk=pk)
            for event in _advance_locked(locked, now):
                events[event] += 1
    return TickResult(events, flag_overdue(today))


def overdue_proposals(today: dt.date | None = None):
    """Proposals past a deadline and still open: review or answer."""
    today = today or timezone.localdate()
    return Proposal.objects.filter(
        Q(status=ProposalStatus.IN_REVIEW, review_due__lt=today)
        | Q(
            status__in=[ProposalStatus.IN_DEBATE, ProposalStatus.AWAITING_ANSWER],
            answer_due__lt=today,
        )
    )


def flag_overdue(today: dt.date) -> int:
    """Record and notify each missed deadline once; the number newly flagged."""
    flagged = 0
    late = list(overdue_proposals(today).select_related("district", "author"))
    if not late:
        return 0
    done = set(
        AuditEvent.objects.filter(
            model=Proposal._meta.label_lower,
            object_id__in=[str(p.pk) for p in late],
            action__startswith="overdue: ",
        ).values_list("object_id", "action")
    )
    for proposal in late:
        for kind in overdue_kinds(proposal, today):
            action = f"overdue: {kind}"
            if (str(proposal.pk), action) in done:
                continue
            due = proposal.review_due if kind == "review" else proposal.answer_due
            with transaction.atomic():
                audit.record(proposal, action, None, changes={"due": str(due)})
                words = {"title": proposal.title, "due": dates.format_date(due)}
                with notifications.site_language():
                    if kind == "review":
                        message = _(
                            "The department review of “%(title)s” is overdue (due %(due)s)."
                        )
                    else:
                        message = _("The answer to “%(title)s” is overdue (due %(due)s).")
                    message = message % words
                notifications.notify(
                    notifications.staff_of(office_district_id(proposal)), message, url_of(proposal)
                )
            flagged += 1
    return flagged


# ---------------------------------------------------------------- review and answer


def _require_manage(proposal: Proposal, actor) -> None:
    if not can_manage(actor, proposal):
        if is_city_wide(proposal):
            raise PermissionError(_("Only city officers may handle city-wide proposals."))
        raise PermissionError(_("You may only handle proposals of the district(s) you work for."))


def review(
    proposal: Proposal,
    actor,
    *,
    feasible: bool,
    opinion: str,
    office=None,
    now: dt.datetime | None = None,
) -> Proposal:
    """The department's review: feasible or not, with its opinion (published)."""
    now = now or timezone.now()
    _require_manage(proposal, actor)
    opinion = clean_text(opinion)
    errors: dict[str, list[str]] = {}
    _check_text(errors, "opinion", opinion, TEXT_MAX)
    if feasible is None:
        errors["feasible"] = [_("Say whether the proposal is feasible.")]
    if office is not None and office.district_id not in (None, proposal.district_id):
        errors["responsible_office"] = [_("Choose an office of the proposal's district.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("district").get(pk=proposal.pk)
        if locked.status != ProposalStatus.IN_REVIEW:
            raise ValidationError(
                _("Only a proposal in department review can be reviewed (it is now: %(s)s).")
                % {"s": locked.get_status_display()}
            )
        before = audit.snapshot(locked)
        clock = clocks.after_review(
            clock_of(locked), steps_of(locked), timezone.localdate(now), bool(feasible)
        )
        _apply(locked, clock, now)
        locked.feasible, locked.review_opinion = bool(feasible), opinion
        if office is not None:
            locked.responsible_office = office
        locked.save()
        audit.record(locked, "reviewed", actor, changes=audit.diff(before, audit.snapshot(locked)))
        if locked.status == ProposalStatus.IN_DEBATE:
            _notify_step(locked, "debate_opened")
        elif locked.status == ProposalStatus.INFEASIBLE:
            _notify_step(locked, "infeasible")
        else:
            _notify_step(locked, "reviewed")
    return locked


def answer(proposal: Proposal, actor, *, text: str, now: dt.datetime | None = None) -> Proposal:
    """The district's (or the mayor's) answer, published on the proposal; the proposer and
    every supporter are notified."""
    now = now or timezone.now()
    _require_manage(proposal, actor)
    text = clean_text(text)
    errors: dict[str, list[str]] = {}
    _check_text(errors, "answer", text, TEXT_MAX)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("district").get(pk=proposal.pk)
        if locked.status not in clocks.ANSWERABLE:
            if locked.status == ProposalStatus.IN_DEBATE:
                message = _("The online debate is still open until %(day)s; answer after it.") % {
                    "day": dates.format_date(locked.debate_closes)
                }
            else:
                message = _("This proposal cannot be answered now (it is: %(s)s).") % {
                    "s": locked.get_status_display()
                }
            raise ValidationError(message)
        before = audit.snapshot(locked)
        locked.answer, locked.answered_at = text, now
        locked.status = ProposalStatus.ANSWERED
        locked.save()
        audit.record(locked, "answered", actor, changes=audit.diff(before, audit.snapshot(locked)))
        from django.contrib.auth import get_user_model

        supporters = get_user_model().objects.filter(
            pk__in=Support.objects.filter(proposal=locked).values("user_id")
        )
        with notifications.site_language():
            message = _("“%(title)s” has been answered.") % {"title": locked.title}
        notifications.notify([locked.author, *supporters], message, url_of(locked))
    return locked
