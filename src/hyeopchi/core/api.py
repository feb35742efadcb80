"""API of core: districts (public) and the audit history of an object (staff only)."""

import datetime as dt
from typing import Any

from django.apps import apps
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from . import audit
from .api_support import READ_ERRORS, ErrorOut, Pagination, require
from .models import AuditEvent, District
from .permissions import Action

router = Router(tags=["districts"])


class DistrictOut(Schema):
    id: int
    code: str
    name_ko: str
    name_en: str
    name: str


@router.get("/districts", response={200: list[DistrictOut], **READ_ERRORS})
@paginate(Pagination)
def list_districts(request):
    """Seoul's 25 autonomous districts (자치구) with their standard administrative codes."""
    return District.objects.all()


@router.get("/districts/{code}", response={200: DistrictOut, **READ_ERRORS})
def get_district(request, code: str):
    """One district by its 5-digit code (e.g. 11530 for 구로구)."""
    return get_object_or_404(District, code=code)


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    action: str
    actor: str | None
    reason: str
    changes: dict[str, Any]
    object_repr: str

    @staticmethod
    def resolve_actor(obj: AuditEvent) -> str | None:
        return obj.actor.get_username() if obj.actor_id else None


class AuditHistoryOut(Schema):
    model: str
    object_id: str
    events: list[AuditEventOut]


@router.get(
    "/audit/{model}/{object_id}",
    response={200: AuditHistoryOut, 403: ErrorOut, **READ_ERRORS},
    tags=["audit"],
)
def get_history(request, model: str, object_id: str):
    """The append-only history of one object, e.g. ``/audit/bodies.membership/12``.

    Only staff of the object's district and city officers may read it.
    """
    try:
        model_class = apps.get_model(model)
    except (LookupError, ValueError):
        raise Http404 from None
    label = model_class._meta.label_lower
    events = list(
        AuditEvent.objects.filter(model=label, object_id=object_id)
        .select_related("actor")
        .order_by("at", "id")
    )
    obj = model_class._default_manager.filter(pk=object_id).first() if _pk_ok(object_id) else None
    if obj is None and not events:
        raise Http404
    district_id = audit._district_id(obj) if obj is not None else events[-1].district_id
    require(request, Action.VIEW_PRIVATE, district_id)
    return {"model": label, "object_id": object_id, "events": events}


def _pk_ok(value: str) -> bool:
    return value.isdecimal() and len(value) < 19
