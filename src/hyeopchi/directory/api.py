"""API of the directory: organisations (public) and people (district staff and city only)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from hyeopchi.core.api_support import (
    READ_ERRORS,
    WRITE_AUTH,
    WRITE_ERRORS,
    ErrorOut,
    Pagination,
    require,
    require_staff,
)
from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action, actor_for

from .models import Gender, Organisation, OrganisationType, Person
from .services import link_account, save_person

router = Router(tags=["directory"])


# ---------------------------------------------------------------- organisations


class OrganisationOut(Schema):
    id: int
    name: str
    type: OrganisationType
    type_label: str
    district_id: int | None
    district_code: str | None
    non_profit: bool
    website: str

    @staticmethod
    def resolve_type_label(obj: Organisation) -> str:
        return str(obj.get_type_display())

    @staticmethod
    def resolve_district_code(obj: Organisation) -> str | None:
        return obj.district.code if obj.district_id else None


@router.get("/organisations", response={200: list[OrganisationOut], **READ_ERRORS})
@paginate(Pagination)
def list_organisations(
    request,
    district: str | None = None,
    district_id: int | None = None,
    type: OrganisationType | None = None,
    non_profit: bool | None = None,
):
    """Organisations (NPOs, corporations, intermediaries, residents' groups, …).

    Filter by ``district`` (5-digit code) or ``district_id``, ``type`` and ``non_profit``.
    """
    qs = Organisation.objects.select_related("district")
    if district:
        qs = qs.filter(district__code=district)
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    if type:
        qs = qs.filter(type=type)
    if non_profit is not None:
        qs = qs.filter(non_profit=non_profit)
    return qs


@router.get("/organisations/{org_id}", response={200: OrganisationOut, **READ_ERRORS})
def get_organisation(request, org_id: int):
    return get_object_or_404(Organisation.objects.select_related("district"), pk=org_id)


# ---------------------------------------------------------------- people


class PersonOut(Schema):
    """A person with personal data: only for staff of the person's district and the city."""

    id: int
    name: str
    public_name: str
    gender: Gender
    birth_year: int | None
    affiliation: str
    email: str
    phone: str
    district_id: int | None
    organisation_id: int | None
    public_name_consent: bool


class PersonIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    gender: Gender
    birth_year: int | None = None
    affiliation: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    district_id: int | None = None
    organisation_id: int | None = None
    public_name_consent: bool = False


def visible_people(request):
    """People the signed-in staff member may see: their districts' residents and members."""
    user = require_staff(request)
    actor = actor_for(user)
    qs = Person.objects.all()
    if not (actor.superuser or actor.city_wide):
        districts = list(actor.districts)
        serving = Person.objects.filter(memberships__body__district_id__in=districts)
        qs = qs.filter(Q(district_id__in=districts) | Q(pk__in=serving.values("pk")))
    return qs


@router.get(
    "/people",
    response={200: list[PersonOut], 403: ErrorOut, **READ_ERRORS},
)
@paginate(Pagination)
def list_people(request, district: str | None = None, q: str | None = None):
    """People with their personal data — not public.

    District staff see the people of their district and the members of its bodies; city
    officers see everyone. Filter by ``district`` (code) and ``q`` (part of the name).
    """
    qs = visible_people(request)
    if district:
        qs = qs.filter(district__code=district)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


@router.get("/people/{person_id}", response={200: PersonOut, 403: ErrorOut, **READ_ERRORS})
def get_person(request, person_id: int):
    person = get_object_or_404(Person, pk=person_id)
    if not visible_people(request).filter(pk=person.pk).exists():
        require(request, Action.VIEW_PRIVATE, person.district_id)
    return person


@router.post("/people", response={201: PersonOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_person(request, payload: PersonIn):
    """Add a person. District staff add people of their own district; the city, anyone."""
    errors: dict[str, list[str]] = {}
    if payload.district_id is not None and not District.objects.filter(pk=payload.district_id):
        errors["district_id"] = [_("No district with id %(id)s.") % {"id": payload.district_id}]
    if (
        payload.organisation_id is not None
        and not Organisation.objects.filter(pk=payload.organisation_id).exists()
    ):
        errors["organisation_id"] = [
            _("No organisation with id %(id)s.") % {"id": payload.organisation_id}
        ]
    if errors:
        raise ValidationError(errors)
    user = require(request, Action.EDIT, payload.district_id)
    return Status(201, save_person(Person(**payload.dict()), actor=user))


class AccountIn(Schema):
    username: str | None = Field(
        None, max_length=150, description="The sign-in account to link; null unlinks."
    )


class AccountOut(Schema):
    person_id: int
    username: str | None


def _account_out(person: Person) -> dict:
    return {"person_id": person.pk, "username": person.user.username if person.user else None}


def _person_for_staff(request, person_id: int):
    """The person, if the caller is staff who may see them (their district's residents
    and the members of its bodies; the city: everyone); else 401 / 403 / 404."""
    user = require_staff(request)
    person = get_object_or_404(Person.objects.select_related("user"), pk=person_id)
    if not visible_people(request).filter(pk=person.pk).exists():
        require(request, Action.EDIT, person.district_id)
    return person, user


@router.get(
    "/people/{person_id}/account",
    response={200: AccountOut, 403: ErrorOut, **READ_ERRORS},
)
def get_account(request, person_id: int):
    """The sign-in account linked to a person — staff of the person's district and the
    city only."""
    person, _user = _person_for_staff(request, person_id)
    return _account_out(person)


@router.put(
    "/people/{person_id}/account", response={200: AccountOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def set_account(request, person_id: int, payload: AccountIn):
    """Link a person to a sign-in account (or unlink with ``"username": null``). A member
    of a working group linked this way may edit the group's plan task. Staff of the
    person's district (residents and members of its bodies) and the city."""
    person, actor = _person_for_staff(request, person_id)
    account = None
    if payload.username:
        account = get_user_model().objects.filter(username=payload.username.strip()).first()
        if account is None:
            raise ValidationError({"username": [_("No account with this username.")]})
    link_account(person, account, actor=actor)
    return _account_out(person)
