"""What the UI, the API and the demo loader do to the directory: saving people, linking
a person to a sign-in account.

Like the other apps' services: validate (a ValidationError keyed by model field), save
inside a transaction and record one event in the audit history.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hyeopchi.core import audit

from .models import Person


def save_person(person: Person, actor=None, reason: str = "") -> Person:
    """Add or change a person. The append-only history names the fields that changed but
    never copies their values: names and contact data must stay erasable."""
    return audit.save_and_record(person, Person.full_clean, actor, reason, values=False)


def link_account(person: Person, user, actor=None) -> Person:
    """Link ``person`` to the sign-in account ``user`` (None: unlink). One account, one
    person: an account already linked to someone else is refused. The history records
    that the link changed, not which account."""
    if user is not None:
        other = Person.objects.filter(user=user).exclude(pk=person.pk).first()
        if other is not None:
            raise ValidationError({"user": _("This account is already linked to another person.")})
    person.user = user
    return audit.save_and_record(
        person, actor=actor, changed="account linked" if user else "account unlinked", values=False
    )
