"""Participatory-budget votes: elections, their contests (separate ballots), projects, the
voter roll, secret ballots, single-use voting codes, paper-ballot imports and count runs.

Ballot secrecy: a Ballot row has a random id, no timestamp and no link to a voter; the
roll (Participation) records only that a voter took part in a contest. A voter who may
revote proves ownership of their ballot with the receipt code only they were shown.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hyeopchi.core.models import District


class Design(models.TextChoices):
    APPROVAL = "approval", _("approval: choose any number")
    K_APPROVAL = "k_approval", _("choose at most k")
    KNAPSACK = "knapsack", _("choose within the budget")
    CUMULATIVE = "cumulative", _("spread points")
    RANKING = "ranking", _("rank the projects")


class Rule(models.TextChoices):
    GREEDY = "greedy", _("most votes first (greedy)")
    GREEDY_COST_UTILITY = "greedy_cost_utility", _("most votes per won first")
    MES_COST = "mes_cost", _("Method of Equal Shares (cost)")
    MES_CARDINALITY = "mes_cardinality", _("Method of Equal Shares (number of projects)")
    PHRAGMEN = "phragmen", _("sequential Phragmén")


class Completion(models.TextChoices):
    NONE = "none", _("none")
    BUDGET_INCREASE = "budget_increase", _("by raising the budget")
    GREEDY_FILL = "greedy_fill", _("fill the rest greedily")
    BOTH = "budget_increase_then_greedy", _("raise the budget, then fill greedily")


class Category(models.TextChoices):
    PARTICIPATORY_BUDGET = "participatory_budget", _("participatory-budget items")
    GOVERNANCE = "governance", _("governance items")
    OTHER = "other", _("other")


class Election(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="elections",
        verbose_name=_("district"),
        help_text=_("Empty for a city-wide vote."),
    )
    policy_key = models.CharField(_("voting policy"), max_length=100)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opens_at", "id"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="election_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at

    def is_closed(self, at=None) -> bool:
        return (at or timezone.now()) >= self.closes_at


class Contest(models.Model):
    """One ballot of an election: its projects, budget, design and counting rule."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="contests", verbose_name=_("vote")
    )
    key = models.SlugField(_("key"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(
        _("category"),
        max_length=24,
        choices=Category.choices,
        default=Category.PARTICIPATORY_BUDGET,
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
        help_text=_("Only residents of this district get this ballot."),
    )
    budget = models.BigIntegerField(_("budget (won)"))
    design = models.CharField(_("ballot design"), max_length=12, choices=Design.choices)
    max_choices = models.PositiveIntegerField(_("at most k choices"), null=True, blank=True)
    min_share_spent = models.CharField(
        _("minimum share of the budget a ballot must use"), max_length=20, blank=True
    )
    points = models.PositiveIntegerField(_("points to spread"), null=True, blank=True)
    rule = models.CharField(_("counting rule"), max_length=24, choices=Rule.choices)
    completion = models.CharField(
        _("completion"), max_length=32, choices=Completion.choices, default=Completion.NONE
    )
    tie_break = models.CharField(_("tie-break"), max_length=20, default="lexicographic")
    position = models.PositiveSmallIntegerField(default=0)
    published_run = models.ForeignKey(
        "CountRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published count"),
    )

    class Meta:
        ordering = ["election_id", "position", "id"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["election", "key"], name="unique_contest_key"),
            models.CheckConstraint(
                condition=models.Q(budget__gt=0), name="contest_budget_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.election} · {self.name}"


class Project(models.Model):
    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="projects", verbose_name=_("ballot")
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cost = models.BigIntegerField(_("cost (won)"))
    area = models.CharField(_("area (dong or district)"), max_length=60, blank=True)

    class Meta:
        ordering = ["contest_id", "code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(fields=["contest", "code"], name="unique_project_code"),
            models.CheckConstraint(condition=models.Q(cost__gt=0), name="project_cost_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Verification(models.TextChoices):
    SELF_DECLARED = "self", _("self-declared")
    STAFF = "staff", _("confirmed by staff")
    ROLL_IMPORT = "import", _("resident-roll import")


class Voter(models.Model):
    """An entry of the voter roll: who may vote, checked against the policy's eligibility."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="voter_entries"
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district of residence"),
    )
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    verification = models.CharField(
        _("verification"),
        max_length=8,
        choices=Verification.choices,
        default=Verification.SELF_DECLARED,
    )
    verified = models.BooleanField(_("residency verified"), default=False)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voter roll")
        constraints = [
            models.UniqueConstraint(fields=["election", "user"], name="one_roll_entry_per_voter")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.election}"


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    CODE = "code", _("one-time code at a booth")
    PAPER = "paper", _("paper ballot")


class Participation(models.Model):
    """The roll's record that a voter took part in a contest — and nothing about how."""

    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="participations")
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="participations")
    voted_on = models.DateField(_("voted on"))

    class Meta:
        constraints = [
            # One ballot per voter and contest, enforced by the database.
            models.UniqueConstraint(fields=["voter", "contest"], name="one_ballot_per_voter")
        ]

    def __str__(self) -> str:
        return f"{self.voter} · {self.contest.key}"


class Ballot(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="ballots")
    # approval designs: list of project codes; cumulative: {code: points}; ranking: ordered list
    choices = models.JSONField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # SHA-256 of the receipt code shown once to the voter; lets them revote, links to nobody.
    receipt_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    superseded = models.BooleanField(default=False)
    paper_batch = models.ForeignKey(
        "PaperBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="ballots"
    )

    class Meta:
        indexes = [models.Index(fields=["contest", "superseded"])]

    def __str__(self) -> str:
        return f"{self.contest.key} · {self.id}"


class CodeBatch(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="code_batches")
    size = models.PositiveIntegerField(_("number of codes"))
    note = models.CharField(_("note (booth, dong)"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("batch of voting codes")
        verbose_name_plural = _("batches of voting codes")

    def __str__(self) -> str:
        return f"{self.election} · {self.size} · {self.note}"


class VotingCode(models.Model):
    """A single-use code for a booth voter; only its hash is stored."""

    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True)
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.code_hash[:8]}"


class PaperBatch(models.Model):
    """Paper ballots keyed in or imported in bulk, with who did it."""

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="paper_batches")
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    count = models.PositiveIntegerField(_("ballots"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("paper-ballot import")
        verbose_name_plural = _("paper-ballot imports")

    def __str__(self) -> str:
        return f"{self.contest} · {self.count}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class CountRun(models.Model):
    """One run of a counting rule over a contest's ballots, done in a background task."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="runs")
    rule = models.CharField(_("counting rule"), max_length=24, choices=Rule.choices)
    completion = models.CharField(
        _("completion"), max_length=32, choices=Completion.choices, default=Completion.NONE
    )
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    ballots_counted = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # winners in order, votes and cost per project, spent, per-round trace, fairness report
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("count")
        verbose_name_plural = _("counts")

    def __str__(self) -> str:
        return f"{self.contest} · {self.get_rule_display()} · {self.get_status_display()}"

    @property
    def audit_district_id(self) -> int | None:
        return self.contest.election.district_id
