"""What the UI, the API and the demo loader do to the directory: saving people.

Like the other apps' services: validate (a ValidationError keyed by model field), save
inside a transaction and record one event in the audit history.
"""

from __future__ import annotations

from hyeopchi.core import audit

from .models import Person


def save_person(person: Person, actor=None, reason: str = "") -> Person:
    """Add or change a person. The append-only history names the fields that changed but
    never copies their values: names and contact data must stay erasable."""
    return audit.save_and_record(person, Person.full_clean, actor, reason, values=False)
