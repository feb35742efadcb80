"""Governance bodies, their members and their meetings.

Rules (quorum, majorities, composition, terms, convening) are pure functions in
``rules.py`` and ``composition.py``; these models hold the facts and call them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hyeopchi.core.models import District
from hyeopchi.directory.models import Person


class BodyKind(models.TextChoices):
    COUNCIL = "council", _("governance council (협치회의)")
    STEERING = "steering", _("steering committee (운영위원회)")
    SUBCOMMITTEE = "subcommittee", _("subcommittee (분과위원회)")
    WORKING_GROUP = "working_group", _("working group (워킹그룹)")
    TFT = "tft", _("public-private task force (민관 TFT)")
    WORKING_UNIT = "working_unit", _("governance working unit (협치실무단)")
    REGIONAL_PLENARY = "regional_plenary", _("regional council plenary (협치서울지역협의회)")
    REGIONAL_MEETING = "regional_meeting", _("regional meeting (권역별회의)")
    CITY_COMMITTEE = "city_committee", _("city committee")


class Scope(models.TextChoices):
    CITY = "city", _("city")
    DISTRICT = "district", _("district")


class Body(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("district"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent body"),
    )
    rulebook_key = models.CharField(_("rulebook"), max_length=100)
    established_on = models.DateField(_("established on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    established_by = models.ForeignKey(
        "Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("established by decision"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["district__code", "parent_id", "name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="city") & Q(district__isnull=True))
                | (Q(scope="district") & Q(district__isnull=False)),
                name="body_scope_matches_district",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "ko").startswith("en"):
            return self.name_en
        return self.name


class RulebookAmendment(models.Model):
    """A rulebook version adopted by a decision; file versions live in policies/."""

    rulebook_key = models.CharField(_("rulebook"), max_length=100, db_index=True)
    effective_from = models.DateField(_("effective from"))
    label = models.CharField(_("label"), max_length=200)
    params = models.JSONField(_("rules"))
    decision = models.OneToOneField(
        "Decision",
        on_delete=models.PROTECT,
        related_name="rulebook_amendment",
        verbose_name=_("adopted by decision"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rulebook_key", "effective_from"]
        verbose_name = _("rulebook amendment")
        verbose_name_plural = _("rulebook amendments")

    def __str__(self) -> str:
        return f"{self.rulebook_key} · {self.effective_from}"


class Sector(models.TextChoices):
    CIVIL = "civil", _("civil society (민간)")
    ADMIN = "admin", _("administration (행정)")
    DISTRICT_COUNCILLOR = "district_councillor", _("district councillor (구의원)")
    CITY_COUNCILLOR = "city_councillor", _("city councillor (시의원)")


class Appointment(models.TextChoices):
    APPOINTED = "appointed", _("appointed (위촉직)")
    EX_OFFICIO = "ex_officio", _("ex officio (당연직)")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("chair (위원장)")
    CO_CHAIR = "co_chair", _("co-chair (공동위원장)")
    VICE_CHAIR = "vice_chair", _("vice-chair (부위원장)")
    STEERING_MEMBER = "steering_member", _("steering member (운영위원)")
    SECRETARY = "secretary", _("secretary (간사)")
    COMMUNICATION_OFFICER = "communication_officer", _("communication officer (소통책임자)")
    MEMBER = "member", _("member (위원)")


class EndReason(models.TextChoices):
    RESIGNED = "resigned", _("resigned (사임)")
    DISMISSED = "dismissed", _("dismissed (해촉)")
    TERM_EXPIRED = "term_expired", _("term expired (임기 만료)")
    REPLACED = "replaced", _("replaced (교체)")
    LEFT_OFFICE = "left_office", _("left the office held ex officio (직위 변경)")


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day: dt.date):
        """Members serving on ``day``: start and last day (end or term end) inclusive."""
        return (
            self.filter(start_date__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
            .filter(Q(term_end__isnull=True) | Q(term_end__gte=day))
        )


class Membership(models.Model):
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("body")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    appointment = models.CharField(_("appointment"), max_length=12, choices=Appointment.choices)
    role = models.CharField(
        _("role"), max_length=24, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    represents = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("represents district"),
    )
    nomination_source = models.CharField(_("nominated by"), max_length=200, blank=True)
    start_date = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=20, choices=EndReason.choices, blank=True
    )
    end_ground = models.TextField(_("ground for ending"), blank=True)
    predecessor = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor",
        verbose_name=_("replaces"),
    )
    renewal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
        verbose_name=_("renews"),
    )
    appointed_by = models.ForeignKey(
        "Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appointed by decision"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["body_id", "start_date", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("start_date")),
                name="membership_term_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("start_date")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.body} ({self.get_role_display()})"

    @property
    def audit_district_id(self) -> int | None:
        return self.body.district_id

    @property
    def last_day(self) -> dt.date | None:
        days = [d for d in (self.ended_on, self.term_end) if d is not None]
        return min(days) if days else None

    def is_active_on(self, day: dt.date) -> bool:
        last = self.last_day
        return self.start_date <= day and (last is None or day <= last)

    @property
    def term_number(self) -> int:
        number, current = 1, self
        while current.renewal_of_id is not None:
            number += 1
            current = current.renewal_of
        return number


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("regular (정기)")
    EXTRAORDINARY = "extraordinary", _("extraordinary (임시)")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class ConvenedBy(models.TextChoices):
    SCHEDULE = "schedule", _("regular schedule")
    CHAIR = "chair", _("the chair")
    RESOLUTION = "resolution", _("a resolution of the steering committee")
    MEMBER_REQUEST = "member_request", _("a request of members")


class MeetingSeries(models.Model):
    """A recurring schedule, e.g. the 4th Thursday of every month at 10:00 (RFC 5545)."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="series", verbose_name=_("body")
    )
    rrule = models.CharField(_("recurrence rule"), max_length=300)
    first_start = models.DateTimeField(_("first meeting"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=120)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=15, choices=MeetingKind.choices, default=MeetingKind.REGULAR
    )

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return f"{self.body} · {self.rrule}"

    @property
    def audit_district_id(self) -> int | None:
        return self.body.district_id


class Meeting(models.Model):
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("body")
    )
    number = models.PositiveIntegerField(_("number (차)"), null=True, blank=True)
    kind = models.CharField(
        _("kind"), max_length=15, choices=MeetingKind.choices, default=MeetingKind.REGULAR
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    presiding = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presiding"),
    )
    convened_by = models.CharField(
        _("convened by"), max_length=20, choices=ConvenedBy.choices, default=ConvenedBy.SCHEDULE
    )
    convening_decision = models.ForeignKey(
        "Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("convening resolution"),
    )
    requested_by = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name=_("requested by members")
    )
    convening_check = models.JSONField(_("convening check"), default=dict, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["body", "starts_at"])]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.number:
            return _("%(body)s meeting no. %(n)s") % {
                "body": self.body.display_name,
                "n": self.number,
            }
        return _("%(body)s meeting") % {"body": self.body.display_name}

    @property
    def audit_district_id(self) -> int | None:
        return self.body.district_id

    @property
    def date(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()


class AgendaSection(models.TextChoices):
    REPORT = "report", _("report (공유·보고)")
    DECISION = "decision", _("for decision (안건·토론)")
    OTHER = "other", _("other business (기타)")


def attachment_path(instance: AgendaItem, filename: str) -> str:
    return f"meetings/{instance.meeting_id}/{filename}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    section = models.CharField(_("section"), max_length=10, choices=AgendaSection.choices)
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=attachment_path, blank=True, max_length=300
    )
    attachment_label = models.CharField(_("attachment label (붙임)"), max_length=40, blank=True)

    class Meta:
        ordering = ["meeting_id", "section", "number"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "section", "number"], name="unique_agenda_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Capacity(models.TextChoices):
    MEMBER = "member", _("member")
    OBSERVER = "observer", _("observer (참관)")
    STAFF = "staff", _("attending staff (배석)")


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("person")
    )
    capacity = models.CharField(_("capacity"), max_length=10, choices=Capacity.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["meeting_id", "capacity", "person__name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="unique_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.meeting}"


class MotionKind(models.TextChoices):
    ORDINARY = "ordinary", _("ordinary decision")
    AMENDMENT = "amendment", _("amendment of the rules")


class Outcome(models.TextChoices):
    PENDING = "pending", _("not yet voted")
    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")
    NO_QUORUM = "no_quorum", _("no quorum")


class Motion(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="motions", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="motions",
        verbose_name=_("agenda item"),
    )
    title = models.CharField(_("motion"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=10, choices=MotionKind.choices, default=MotionKind.ORDINARY
    )
    roll_call = models.BooleanField(_("roll-call vote"), default=False)
    yes = models.PositiveIntegerField(_("yes"), null=True, blank=True)
    no = models.PositiveIntegerField(_("no"), null=True, blank=True)
    abstain = models.PositiveIntegerField(_("abstain"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    # Figures the outcome was computed from (enrolled, present, required, rulebook version).
    outcome_basis = models.JSONField(_("basis of the outcome"), default=dict, blank=True)

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("motion")
        verbose_name_plural = _("motions")

    def __str__(self) -> str:
        return self.title

    @property
    def audit_district_id(self) -> int | None:
        return self.meeting.body.district_id


class Choice(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    ABSTAIN = "abstain", _("abstain")


class Vote(models.Model):
    """One member's roll-call vote on a motion."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("vote"), max_length=7, choices=Choice.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["motion", "person"], name="one_vote")]

    def __str__(self) -> str:
        return f"{self.person}: {self.choice}"


class Decision(models.Model):
    """A decision (결정사항) of a body, usually the result of a passed motion."""

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("body")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("meeting"),
    )
    motion = models.OneToOneField(
        Motion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
        verbose_name=_("motion"),
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    decided_on = models.DateField(_("decided on"))
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.title

    @property
    def audit_district_id(self) -> int | None:
        return self.body.district_id


class ActionItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("meeting")
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("decision"),
    )
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    owner_text = models.CharField(_("owner (office)"), max_length=100, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return self.description


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    PUBLISHED = "published", _("published")


class Minutes(models.Model):
    """회의록: 개요, 참석자, 보고사항, 논의, 결정사항, 향후 일정.

    Attendance and decisions come from their records; the text sections are written here.
    """

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("meeting")
    )
    overview = models.TextField(_("overview (개요)"), blank=True)
    reports = models.TextField(_("reports (보고사항)"), blank=True)
    discussion = models.TextField(_("discussion (논의)"), blank=True)
    decisions_text = models.TextField(_("decisions (결정사항)"), blank=True)
    next_steps = models.TextField(_("next schedule (향후 일정)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    approved_at = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_minutes",
        verbose_name=_("approved at meeting"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return _("Minutes of %(meeting)s") % {"meeting": self.meeting}

    @property
    def audit_district_id(self) -> int | None:
        return self.meeting.body.district_id
