from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hyeopchi.core.models import District

from .masking import mask_name


class Gender(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")
    OTHER = "X", _("other / not stated")


class Person(models.Model):
    """A person who takes part in governance. Contact data is never shown publicly."""

    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    organisation = models.ForeignKey(
        "Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    public_name_consent = models.BooleanField(
        _("consents to showing the full name publicly"), default=False
    )
    # The sign-in account of this person, if any: lets a member of a body act on the work
    # given to that body (e.g. a working group's plan task). Never shown publicly.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("user account"),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def public_name(self) -> str:
        return self.name if self.public_name_consent else mask_name(self.name)

    def clean(self) -> None:
        year = timezone.localdate().year
        if self.birth_year is not None and not 1900 <= self.birth_year <= year:
            raise ValidationError(
                {"birth_year": _("Birth year must be between 1900 and %(year)s.") % {"year": year}}
            )


class OrganisationType(models.TextChoices):
    NONPROFIT = "nonprofit", _("non-profit organisation (비영리단체)")
    CORPORATION = "corporation", _("incorporated body (법인)")
    INTERMEDIARY = "intermediary", _("intermediary support organisation (중간지원조직)")
    SOCIAL_ECONOMY = "social_economy", _("social-economy organisation (사회적경제조직)")
    RESIDENT_GROUP = "resident_group", _("residents' group (주민모임)")
    ADMIN_UNIT = "admin_unit", _("administrative unit (행정부서)")
    COUNCIL = "council", _("local council (의회)")
    RESEARCH = "research", _("research institute or university (연구기관·대학)")
    CONSORTIUM = "consortium", _("consortium (컨소시엄)")
    OTHER = "other", _("other")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    non_profit = models.BooleanField(_("non-profit"), default=False)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name", "district"], name="unique_organisation_name")
        ]

    def __str__(self) -> str:
        return self.name
