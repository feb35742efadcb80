"""The Community Innovation Plan (지역사회혁신계획): cycle, plans, tasks, budget, versions,
review, change requests, progress reports and settlement.

Rules (budget caps, stage order, change routing, settlement) are pure functions in their
own modules (``cycle.py``, ``budget_rules.py``, ``change_routes.py`` …); these models hold
the facts. Money is integer KRW (원); forms show 천원 where the manual's forms do.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hyeopchi.bodies.models import Body, Decision
from hyeopchi.core.models import District
from hyeopchi.participation.models import Agenda, Forum

_USER = settings.AUTH_USER_MODEL


class _InPlan:
    """Children of a plan are audited under the plan's district."""

    @property
    def audit_district_id(self) -> int:
        return self.plan.district_id  # type: ignore[attr-defined]


# ---------------------------------------------------------------- cycle and stages


class PlanCycle(models.Model):
    """One district's yearly formulation cycle (e.g. 2020, writing the plan for 2021)."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="plan_cycles", verbose_name=_("district")
    )
    year = models.PositiveSmallIntegerField(
        _("cycle year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    policy_key = models.CharField(_("cycle policy"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "district__code"]
        verbose_name = _("plan cycle")
        verbose_name_plural = _("plan cycles")
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="plan_cycle_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year}"


class StageStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    SKIPPED = "skipped", _("skipped")


class CycleStage(models.Model):
    """A stage of a district's cycle; starts from the policy, the district may adapt it."""

    cycle = models.ForeignKey(
        PlanCycle, on_delete=models.CASCADE, related_name="stages", verbose_name=_("cycle")
    )
    code = models.CharField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    from_policy = models.BooleanField(_("from the policy"), default=True)
    required = models.BooleanField(_("required"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=StageStatus.choices, default=StageStatus.NOT_STARTED
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    responsible_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_stages",
        verbose_name=_("responsible body"),
    )
    forums = models.ManyToManyField(
        Forum, blank=True, related_name="plan_stages", verbose_name=_("forums")
    )
    decisions = models.ManyToManyField(
        Decision, blank=True, related_name="plan_stages", verbose_name=_("decisions")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["cycle_id", "order", "id"]
        verbose_name = _("cycle stage")
        verbose_name_plural = _("cycle stages")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="cycle_stage_code_once"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="cycle_stage_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_district_id(self) -> int:
        return self.cycle.district_id

    @property
    def display_title(self) -> str:
        from django.utils.translation import get_language

        if self.title_en and (get_language() or "ko").startswith("en"):
            return self.title_en
        return self.title


# ---------------------------------------------------------------- plans


class PlanKind(models.TextChoices):
    BASIC = "basic", _("basic plan (3-year)")
    EXECUTION = "execution", _("execution plan (1-year)")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved by the council")
    SUBMITTED = "submitted", _("submitted to the city")
    IN_REVIEW = "in_review", _("in review")
    REVISING = "revising", _("being revised")
    SELECTED = "selected", _("selected")
    AGREED = "agreed", _("agreement signed")
    IN_EXECUTION = "in_execution", _("in execution")
    CLOSED = "closed", _("closed")
    TERMINATED = "terminated", _("terminated")


# Statuses the public may see: approved by the council or later.
PUBLIC_PLAN_STATUSES = tuple(s for s in PlanStatus.values if s != PlanStatus.DRAFT)


class Plan(models.Model):
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="plans", verbose_name=_("district")
    )
    cycle = models.ForeignKey(
        PlanCycle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("cycle"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PlanKind.choices)
    basic_plan = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="execution_plans",
        verbose_name=_("basic plan it follows"),
    )
    start_year = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("last year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)
    vision = models.TextField(_("vision"), blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    # The city's allocation for the district (e.g. 9.5–10.5억), when known.
    envelope = models.PositiveBigIntegerField(_("city allocation (원)"), null=True, blank=True)
    approved_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_plans",
        verbose_name=_("approved by decision"),
    )
    selected_on = models.DateField(_("selected on"), null=True, blank=True)
    pb_approved_on = models.DateField(
        _("approved by the participatory-budget committee on"), null=True, blank=True
    )
    agreed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    disbursed_on = models.DateField(_("subsidy disbursed on"), null=True, blank=True)
    disbursed_amount = models.PositiveBigIntegerField(
        _("subsidy disbursed (원)"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["district__code", "-start_year", "kind", "id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="plan_years_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_PLAN_STATUSES


class PlanSection(_InPlan, models.Model):
    """A chapter of the plan document (부록4 / 부록5 tables of contents)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("plan")
    )
    code = models.CharField(_("number"), max_length=12)
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["plan_id", "order", "id"]
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plan_section_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Goal(_InPlan, models.Model):
    """A goal of the plan: for the whole period (year empty) or for one year."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    text = models.CharField(_("goal"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["plan_id", "year", "order", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.text


class TaskKind(models.TextChoices):
    FOUNDATION = "foundation", _("governance foundation (협치기반 구축)")
    SECTOR = "sector", _("sector governance task (분야별 협치과제)")


class Task(_InPlan, models.Model):
    """추진과제 / 의제별 세부계획: one task of the plan with its detailed plan."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=TaskKind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    sub_project = models.CharField(_("sub-project code"), max_length=40, blank=True)
    period = models.CharField(_("period"), max_length=100, blank=True)
    working_group = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_tasks",
        verbose_name=_("working group"),
    )
    agendas = models.ManyToManyField(
        Agenda, blank=True, related_name="plan_tasks", verbose_name=_("agendas")
    )
    background = models.TextField(_("background and necessity"), blank=True)
    goals = models.TextField(_("goals and direction"), blank=True)
    content = models.TextField(_("detailed plan"), blank=True)
    governance = models.TextField(_("public-private structure and roles"), blank=True)
    publicity = models.TextField(_("publicity and monitoring"), blank=True)
    expected_effects = models.TextField(_("expected effects"), blank=True)
    # The manual's conditions on capital and private-transfer spending (spec 4.3, 4.6).
    joint_operation = models.BooleanField(
        _("planned and run jointly by public and private partners"), default=False
    )
    private_transfer_reason = models.TextField(_("why a private transfer is needed"), blank=True)

    class Meta:
        ordering = ["plan_id", "kind", "order", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("task")
    )
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    actual = models.DecimalField(
        _("actual"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    method = models.CharField(_("how it is measured"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["task_id", "order", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_district_id(self) -> int:
        return self.task.plan.district_id


class Nature(models.TextChoices):
    CURRENT = "current", _("current subsidy (경상보조)")
    CAPITAL = "capital", _("capital subsidy (자본보조)")


class Source(models.TextChoices):
    CITY = "city", _("city subsidy (시비)")
    DISTRICT = "district", _("district funds (구비)")
    OTHER = "other", _("other funds (국비·기타)")


class BudgetLine(models.Model):
    """One line of a task's budget. Category and subtype codes come from the budget-rule
    policy (budget-rules.toml); they are validated against it in the services."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("task")
    )
    category = models.CharField(_("budget item"), max_length=40)
    subtype = models.CharField(_("expense type"), max_length=40, blank=True)
    nature = models.CharField(_("nature"), max_length=8, choices=Nature.choices)
    source = models.CharField(_("funding source"), max_length=8, choices=Source.choices)
    amount = models.PositiveBigIntegerField(_("amount (원)"), validators=[MinValueValidator(1)])
    description = models.CharField(_("calculation basis"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["task_id", "order", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.amount}"

    @property
    def audit_district_id(self) -> int:
        return self.task.plan.district_id


class Declaration(_InPlan, models.Model):
    """A declaration the district makes for a rule the engine cannot check by itself
    (e.g. "no project mainly sells a product"), confirmed by a named person."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="declarations", verbose_name=_("plan")
    )
    rule = models.CharField(_("rule"), max_length=60)
    confirmed_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("confirmed by")
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["plan_id", "rule"]
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        constraints = [
            models.UniqueConstraint(fields=["plan", "rule"], name="declaration_once_per_rule")
        ]

    def __str__(self) -> str:
        return self.rule


# ---------------------------------------------------------------- versions and review


class VersionReason(models.TextChoices):
    SUBMISSION = "submission", _("submission")
    REVISION = "revision", _("revision")
    FINAL = "final", _("final version")


class PlanVersion(_InPlan, models.Model):
    """A frozen copy of the plan (``snapshot.plan_snapshot``) as submitted or revised."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="versions", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    reason = models.CharField(_("reason"), max_length=12, choices=VersionReason.choices)
    snapshot = models.JSONField(_("snapshot"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    late_exception_reason = models.TextField(_("reason for accepting it late"), blank=True)
    exception_approved_by = models.ForeignKey(
        _USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exception approved by"),
    )

    class Meta:
        ordering = ["plan_id", "number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class Recommendation(models.TextChoices):
    ACCEPT = "accept", _("accept")
    REVISE = "revise", _("revise")
    REJECT = "reject", _("reject")


class ReviewOpinion(models.Model):
    """검토의견: a reviewer's opinion on one version in one round of negotiation."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("version")
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    reviewer = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    text = models.TextField(_("opinion"))
    recommendation = models.CharField(
        _("recommendation"), max_length=8, choices=Recommendation.choices
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["version_id", "round", "created_at", "id"]
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")

    def __str__(self) -> str:
        return f"{self.version} #{self.round}"

    @property
    def audit_district_id(self) -> int:
        return self.version.plan.district_id


# ---------------------------------------------------------------- progress reports


class ProgressReport(_InPlan, models.Model):
    """A quarterly execution report of a plan."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="progress_reports", verbose_name=_("plan")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["plan_id", "year", "quarter"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "quarter"], name="progress_report_once_a_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="progress_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.year} Q{self.quarter}"


class TaskProgress(models.Model):
    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="task_progress"
    )
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="progress")
    narrative = models.TextField(_("progress"), blank=True)

    class Meta:
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")
        constraints = [
            models.UniqueConstraint(fields=["report", "task"], name="task_progress_once")
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.task}"


class LineSpending(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="spending")
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="spending")
    spent = models.PositiveBigIntegerField(_("spent to date (원)"))
    # Of the amount spent, expenses that national or other public money also paid
    # (협약 제11조③④): the subsidy charged for them goes back to the city.
    duplicated = models.PositiveBigIntegerField(
        _("also paid by other public funds (원)"), default=0
    )

    class Meta:
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        constraints = [
            models.UniqueConstraint(fields=["report", "line"], name="line_spending_once")
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.line}"


class IndicatorActual(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="actuals")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="actuals")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="indicator_actual_once")
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.indicator}"


# ---------------------------------------------------------------- change requests


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ChangeKind(models.TextChoices):
    CHANGE = "change", _("change within an item (변경)")
    TRANSFER = "transfer", _("transfer between items (전용)")
    CONTENT = "content", _("change of content (내용 변경)")


class ChangeRequest(_InPlan, models.Model):
    """A request to change the budget of a plan in execution (운영지침 3.3, 협약 제10조)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("plan")
    )
    requested_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.DRAFT
    )
    route = models.CharField(_("route"), max_length=40, blank=True)
    # An important change of what the project does (not only of money): the city is
    # consulted first, then approves (운영지침 3.3.2).
    content_change = models.TextField(_("change of content"), blank=True)
    # The subsidy project total the share was measured against when the request was routed.
    subsidy_total = models.PositiveBigIntegerField(_("subsidy project total (원)"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["plan_id", "-created_at", "-id"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")

    def __str__(self) -> str:
        return f"{self.plan} #{self.pk}"


class ChangeItem(models.Model):
    request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="items", verbose_name=_("request")
    )
    from_line = models.ForeignKey(
        BudgetLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes_out",
        verbose_name=_("from line"),
    )
    to_line = models.ForeignKey(
        BudgetLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes_in",
        verbose_name=_("to line"),
    )
    amount = models.PositiveBigIntegerField(_("amount (원)"), validators=[MinValueValidator(1)])
    kind = models.CharField(_("kind"), max_length=10, choices=ChangeKind.choices)

    class Meta:
        ordering = ["request_id", "id"]
        verbose_name = _("change item")
        verbose_name_plural = _("change items")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="change_item_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.kind} {self.amount}"


class ChangeOutcome(models.TextChoices):
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ChangeStep(models.TextChoices):
    CONSULTATION = "consultation", _("prior consultation with the city")
    DECISION = "decision", _("decision")


class Approver(models.TextChoices):
    CITY = "city", _("city (서울시)")
    COUNCIL = "council", _("district council (협치회의)")
    DELEGATED = "delegated", _("delegated unit (운영위원회·분과)")


class ChangeDecision(models.Model):
    """One step of a change request's trail: the city's prior consultation, then the
    decision of whoever the route names."""

    request = models.ForeignKey(
        ChangeRequest, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("request")
    )
    step = models.CharField(
        _("step"), max_length=12, choices=ChangeStep.choices, default=ChangeStep.DECISION
    )
    approver = models.CharField(_("decided by"), max_length=10, choices=Approver.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ChangeOutcome.choices)
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    body_decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_changes",
        verbose_name=_("decision of the body"),
    )
    delegated_unit = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_change_decisions",
        verbose_name=_("delegated unit"),
    )
    note = models.TextField(_("note"), blank=True)
    # Council decisions are notified to the city quarterly, in a progress report.
    reported_in = models.ForeignKey(
        ProgressReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_decisions",
        verbose_name=_("reported in"),
    )

    class Meta:
        ordering = ["request_id", "decided_at", "id"]
        verbose_name = _("change decision")
        verbose_name_plural = _("change decisions")
        constraints = [
            models.UniqueConstraint(fields=["request", "step"], name="change_decision_one_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.outcome}"

    @property
    def audit_district_id(self) -> int:
        return self.request.plan.district_id


# ---------------------------------------------------------------- settlement


class Settlement(_InPlan, models.Model):
    """정산: the final results and settlement report of a plan's year."""

    plan = models.OneToOneField(
        Plan, on_delete=models.PROTECT, related_name="settlement", verbose_name=_("plan")
    )
    due_date = models.DateField(_("due date"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    unspent = models.PositiveBigIntegerField(_("unspent (원)"), default=0)
    interest = models.PositiveBigIntegerField(_("interest earned (원)"), default=0)
    returned = models.PositiveBigIntegerField(_("returned (원)"), default=0)
    returned_at = models.DateField(_("returned on"), null=True, blank=True)
    national_duplicate = models.BooleanField(_("also funded by other subsidies"), default=False)
    national_duplicate_note = models.TextField(_("note on other funding"), blank=True)
    terminated = models.BooleanField(_("terminated"), default=False)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    # The figures of the settlement (computed by settlement_rules.settle when submitted).
    period_end = models.DateField(_("settled as of"), null=True, blank=True)
    subsidy_received = models.PositiveBigIntegerField(_("subsidy received (원)"), default=0)
    subsidy_spent = models.PositiveBigIntegerField(_("subsidy spent (원)"), default=0)
    duplicated = models.PositiveBigIntegerField(
        _("subsidy also paid by other public funds (원)"), default=0
    )
    to_return = models.PositiveBigIntegerField(_("to return (원)"), default=0)
    return_method = models.CharField(_("return method"), max_length=40, blank=True)
    # Termination (협약 제12조): the ground (a key of the policy), the council heard and
    # the correction period given first where the ground requires it.
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_ground = models.CharField(_("ground of termination"), max_length=40, blank=True)
    council_heard_on = models.DateField(_("council heard on"), null=True, blank=True)
    correction_deadline = models.DateField(_("end of the correction period"), null=True, blank=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self) -> str:
        return f"{self.plan}"


# ---------------------------------------------------------------- submission (P3)


class DeadlineException(_InPlan, models.Model):
    """A city officer's permission to submit a plan after the policy's deadline.

    It is granted before the submission and used by the one version that goes in late
    (that version keeps the reason and who approved it)."""

    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        related_name="deadline_exceptions",
        verbose_name=_("plan"),
    )
    reason = models.TextField(_("reason"))
    until = models.DateField(_("last day allowed"), null=True, blank=True)
    granted_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    used_by = models.OneToOneField(
        PlanVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadline_exception",
        verbose_name=_("used by version"),
    )

    class Meta:
        ordering = ["plan_id", "granted_at", "id"]
        verbose_name = _("deadline exception")
        verbose_name_plural = _("deadline exceptions")

    def __str__(self) -> str:
        return f"{self.plan}: {self.reason[:60]}"


class Agreement(_InPlan, models.Model):
    """협약 (부록8): the city and the district's council agree on the plan's subsidy."""

    plan = models.OneToOneField(
        Plan, on_delete=models.PROTECT, related_name="agreement", verbose_name=_("plan")
    )
    signed_on = models.DateField(_("signed on"))
    period_start = models.DateField(_("project period from"))
    period_end = models.DateField(_("project period until"))
    amount = models.PositiveBigIntegerField(
        _("subsidy agreed (원)"), validators=[MinValueValidator(1)]
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="agreement_amount_positive"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="agreement_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} ({self.signed_on})"
