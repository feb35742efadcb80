"""The one audit mechanism: record a state change with who, when, what and why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


def _refuse_delete(sender, instance, **kwargs) -> None:
    # AuditEvent.delete() refuses already; this also stops queryset and cascade deletes.
    raise PermissionError("audit events are append-only")


pre_delete.connect(_refuse_delete, sender=AuditEvent, dispatch_uid="hyeopchi.audit.append_only")


# Actions are stored as plain English verbs (stable data); these are their display labels.
ACTION_LABELS = {
    "created": _("created"),
    "changed": _("changed"),
    "ended": _("ended"),
    "scheduled": _("scheduled"),
    "meetings scheduled": _("meetings scheduled"),
    "attendance recorded": _("attendance recorded"),
    "agenda item added": _("agenda item added"),
    "agenda item changed": _("agenda item changed"),
    "action item added": _("action item added"),
    "action item changed": _("action item changed"),
    "proposed": _("proposed"),
    "voted: passed": _("voted: passed"),
    "voted: failed": _("voted: failed"),
    "voted: no_quorum": _("voted: no quorum"),
    "decided": _("decided"),
    "rulebook amended": _("rulebook amended"),
    "drafted": _("drafted"),
    "approved": _("approved"),
    "published": _("published"),
    "account linked": _("sign-in account linked"),
    "account unlinked": _("sign-in account unlinked"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _district_id(obj: models.Model) -> int | None:
    district_id = getattr(obj, "district_id", None)
    if district_id is None and hasattr(obj, "audit_district_id"):
        district_id = obj.audit_district_id
    return district_id


def record(
    obj: models.Model,
    action: str,
    actor=None,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        action=action,
        actor=user,
        reason=reason,
        changes=changes or {},
        district_id=_district_id(obj),
    )


def history(obj: models.Model):
    return AuditEvent.objects.filter(
        model=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The object's stored fields by attribute name (``district_id``), to :func:`diff`."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def save_and_record(
    obj: models.Model,
    validate: Callable[[Any], None] | None = None,
    actor=None,
    reason: str = "",
    *,
    created: str = "created",
    changed: str = "changed",
    values: bool = True,
) -> Any:
    """Validate and save ``obj`` in one transaction, recording ``created`` (a new object)
    or ``changed``, with the field-by-field changes; ``values=False`` records only the
    names of the fields changed (personal data must not be copied into the history)."""
    with transaction.atomic():
        before = None if obj.pk is None else snapshot(type(obj)._base_manager.get(pk=obj.pk))
        if validate is not None:
            validate(obj)
        obj.save()
        changes = diff(before or {}, snapshot(obj))
        if not values:
            changes = {} if before is None else {"fields": sorted(changes)}
        record(obj, created if before is None else changed, actor, reason, changes)
    return obj


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field-by-field changes as {field: [old, new]}, JSON-safe."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
