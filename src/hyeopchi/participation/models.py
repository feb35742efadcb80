"""Citizen participation: proposals and supports with threshold clocks, online debate,
forums (공론장) that are the district's process-management records, and agendas (의제)
from discovery to priority decision.

Every link a proposer may follow (proposal → agenda → decision → plan task) is a foreign
key; state changes are recorded in the core audit history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hyeopchi.bodies.models import Body, Decision
from hyeopchi.core.models import District
from hyeopchi.directory.models import Organisation

from .search_models import SearchEntry, SearchKind  # noqa: F401  (the search index)

# ---------------------------------------------------------------- residency


class ResidencyMethod(models.TextChoices):
    SELF_DECLARED = "self", _("self-declared")
    STAFF = "staff", _("confirmed by staff")
    ROLL_IMPORT = "roll", _("resident-roll import")


class Residency(models.Model):
    """Where a signed-in user lives, and how we know (see residency.py for verifiers)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="residency"
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    dong = models.CharField(_("dong"), max_length=40, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    method = models.CharField(
        _("verification"),
        max_length=8,
        choices=ResidencyMethod.choices,
        default=ResidencyMethod.SELF_DECLARED,
    )
    verified = models.BooleanField(_("verified"), default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")

    def __str__(self) -> str:
        return f"{self.user} · {self.district}"


# ---------------------------------------------------------------- proposals


class ProposalStatus(models.TextChoices):
    GATHERING = "gathering", _("gathering supports")
    IN_REVIEW = "in_review", _("department review")
    INFEASIBLE = "infeasible", _("found infeasible")
    IN_DEBATE = "in_debate", _("online debate")
    AWAITING_ANSWER = "awaiting_answer", _("awaiting the answer")
    ANSWERED = "answered", _("answered")
    EXPIRED = "expired", _("did not reach the threshold")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Proposal(models.Model):
    """시민제안: a local problem and a proposed fix."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("district")
    )
    dong = models.CharField(_("dong"), max_length=40, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    policy_key = models.CharField(_("proposal policy"), max_length=100)
    title = models.CharField(_("title"), max_length=150)
    problem = models.TextField(_("problem"))
    solution = models.TextField(_("proposed solution"))
    expected_effect = models.TextField(_("expected effect"), blank=True)
    category = models.CharField(_("category"), max_length=40)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProposalStatus.choices,
        default=ProposalStatus.GATHERING,
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True, db_index=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0)  # kept exact by services
    threshold_reached_at = models.DateTimeField(null=True, blank=True)
    responsible_office = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible office"),
    )
    review_due = models.DateField(_("review due"), null=True, blank=True)
    feasible = models.BooleanField(_("feasible"), null=True, blank=True)
    review_opinion = models.TextField(_("department opinion"), blank=True)
    debate_opens = models.DateField(_("debate opens"), null=True, blank=True)
    debate_closes = models.DateField(_("debate closes"), null=True, blank=True)
    answer_due = models.DateField(_("answer due"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["district", "status", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_district_id(self) -> int:
        return self.district_id


def attachment_path(instance: ProposalAttachment, filename: str) -> str:
    return f"proposals/{instance.proposal_id}/{filename}"


class ProposalAttachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.file.name


class Support(models.Model):
    """동의: one per person and proposal, enforced by the database."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="one_support_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"


class Notification(models.Model):
    """In-app notice (also e-mailed) to a user: a deadline, a step, an answer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------- debate


class Stance(models.TextChoices):
    PRO = "pro", _("in favour")
    CON = "con", _("against")
    NEUTRAL = "neutral", _("neutral")


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)
    # Moderation hides with a published reason; nothing is deleted.
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_person")
        ]

    def __str__(self) -> str:
        return self.reason


# ---------------------------------------------------------------- forums


class ForumType(models.TextChoices):
    OPEN = "open", _("open forum (열린 공론장)")
    SUBCOMMITTEE = "subcommittee", _("subcommittee forum (분과)")
    REGIONAL = "regional", _("regional forum (권역별)")
    DONG = "dong", _("neighbourhood forum (동 단위)")
    GENERATION = "generation", _("generation forum (세대별)")
    COMMITTEE = "committee", _("committee forum (위원회별)")
    FOCUS_GROUP = "focus_group", _("focus group (포커스 그룹)")
    WORKSHOP = "workshop", _("workshop (워크숍)")
    TOWN_HALL = "town_hall", _("town hall (타운홀)")
    ONLINE = "online", _("online forum (온라인)")
    OTHER = "other", _("other (기타)")


class Forum(models.Model):
    """공론장: recorded once by the secretariat; these records are the 과정관리DB."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="forums", verbose_name=_("district")
    )
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=16, choices=ForumType.choices)
    organiser = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forums",
        verbose_name=_("organising body"),
    )
    stage = models.CharField(_("plan stage"), max_length=40, blank=True)
    held_on = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    facilitation = models.CharField(_("facilitation method"), max_length=200, blank=True)
    materials_in_advance = models.BooleanField(_("materials sent in advance"), default=False)
    summary = models.TextField(_("summary"), blank=True)
    # Participant counts without personal data: {"sector": {...}, "gender": {...}, "age": {...}}
    participants = models.JSONField(_("participants"), default=dict, blank=True)
    participants_total = models.PositiveIntegerField(_("participants"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A draft (None) is seen by the district's staff and city officers only; the
    # secretariat publishes the record once it is complete.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        indexes = [
            models.Index(
                fields=["district"],
                condition=models.Q(published_at__isnull=True),
                name="participation_forum_drafts",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def audit_district_id(self) -> int:
        return self.district_id


class ForumIdea(models.Model):
    """An output (idea) of a forum, which may become an agenda."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="ideas")
    text = models.CharField(_("idea"), max_length=300)

    def __str__(self) -> str:
        return self.text


# ---------------------------------------------------------------- agendas


class AgendaCategory(models.TextChoices):
    GOVERNANCE = "governance", _("governance task (협치과제)")
    PARTICIPATORY_BUDGET = "participatory_budget", _("participatory-budget task (참여예산과제)")
    STRATEGY = "strategy", _("strategy agenda (전략의제)")


class AgendaStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    MERGED = "merged", _("merged into another agenda")
    DEPT_REVIEWED = "dept_reviewed", _("reviewed by the department")
    INFEASIBLE = "infeasible", _("infeasible")
    SCREENED = "screened", _("screened")
    UNSUITABLE = "unsuitable", _("unsuitable")
    SHORTLISTED = "shortlisted", _("shortlisted")
    RANKED = "ranked", _("ranked")
    SELECTED = "selected", _("selected")
    DEFERRED = "deferred", _("deferred")


class Agenda(models.Model):
    """의제: from discovery to priority decision (the plan takes it from there)."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="agendas", verbose_name=_("district")
    )
    year = models.PositiveSmallIntegerField(_("plan year"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(
        _("category"),
        max_length=24,
        choices=AgendaCategory.choices,
        default=AgendaCategory.GOVERNANCE,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AgendaStatus.choices, default=AgendaStatus.PROPOSED
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    subcommittee = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agendas",
        verbose_name=_("subcommittee"),
    )
    suitability_decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agendas",
        verbose_name=_("suitability decision"),
    )
    rank = models.PositiveIntegerField(_("priority rank"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["district_id", "year", "rank", "id"]
        verbose_name = _("agenda")
        verbose_name_plural = _("agendas")

    def __str__(self) -> str:
        return self.title

    @property
    def audit_district_id(self) -> int:
        return self.district_id


class SourceKind(models.TextChoices):
    PROPOSAL = "proposal", _("citizen proposal")
    FORUM_IDEA = "forum_idea", _("forum idea")
    DEPARTMENT = "department", _("department suggestion")
    TRANSFERRED_PB = "transferred_pb", _("transferred city participatory-budget proposal")


class AgendaSource(models.Model):
    """Where an agenda came from; merging keeps every source link."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(_("kind"), max_length=16, choices=SourceKind.choices)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_sources"
    )
    forum_idea = models.ForeignKey(
        ForumIdea, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_sources"
    )
    department = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A transferred city participatory-budget proposal (시민참여예산 이관사업)
    transfer_reference = models.CharField(_("transfer reference"), max_length=100, blank=True)
    transfer_amount = models.BigIntegerField(_("transferred amount (won)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="proposal") & Q(proposal__isnull=False))
                | (Q(kind="forum_idea") & Q(forum_idea__isnull=False))
                | (Q(kind="department") & Q(department__isnull=False))
                | (Q(kind="transferred_pb") & ~Q(transfer_reference="")),
                name="agenda_source_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agenda_id} ← {self.kind}"


class Screening(models.Model):
    """Screening against the four required properties, each with its reason."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="screenings")
    openness = models.BooleanField(_("openness (개방성)"))
    openness_reason = models.TextField(blank=True)
    deliberation = models.BooleanField(_("deliberativeness (숙의성)"))
    deliberation_reason = models.TextField(blank=True)
    public_interest = models.BooleanField(_("public interest (공익성)"))
    public_interest_reason = models.TextField(blank=True)
    cooperation = models.BooleanField(_("public-private cooperation (민관협력성)"))
    cooperation_reason = models.TextField(blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    screened_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.agenda_id} screening"

    @property
    def passed(self) -> bool:
        return self.openness and self.deliberation and self.public_interest and self.cooperation


class DepartmentReview(models.Model):
    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="reviews")
    department = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    feasible = models.BooleanField(_("feasible"))
    opinion = models.TextField(_("opinion"))
    reviewed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.agenda_id} · {self.department}"


class PriorityRound(models.Model):
    """A priority decision over a district's shortlisted agendas: panel scoring by criteria
    (은평) and/or a vote combining an online window with on-site tallies (노원)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("plan year"))
    title = models.CharField(_("title"), max_length=200)
    policy_key = models.CharField(_("priority policy"), max_length=100)
    category = models.CharField(
        _("ballot"),
        max_length=24,
        choices=AgendaCategory.choices,
        blank=True,
        help_text=_("Empty: all agendas on one ballot."),
    )
    online_opens_at = models.DateTimeField(_("online vote opens"), null=True, blank=True)
    online_closes_at = models.DateTimeField(_("online vote closes"), null=True, blank=True)
    agendas = models.ManyToManyField(Agenda, related_name="priority_rounds")
    selected_count = models.PositiveSmallIntegerField(
        _("agendas to select"),
        null=True,
        blank=True,
        help_text=_("The top N of the ranking are selected; the others are deferred."),
    )
    published_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.title


class CriteriaScore(models.Model):
    round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="scores")
    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="+")
    panelist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scores = models.JSONField()  # {criterion key: points}

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "agenda", "panelist"], name="one_score_per_panelist"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.agenda_id} · {self.panelist_id}"


class PriorityVote(models.Model):
    """One resident's online priority vote (one per round, enforced by the database)."""

    round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agendas = models.JSONField()  # chosen agenda ids, in order where the policy ranks

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="one_priority_vote")]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.user_id}"


class OnSiteTally(models.Model):
    """Votes counted on site (forum, newsletter, mobile booth) entered by staff."""

    round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="tallies")
    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=40)
    votes = models.PositiveIntegerField(_("votes"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "agenda", "channel"], name="one_tally_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.agenda_id} · {self.channel}"
