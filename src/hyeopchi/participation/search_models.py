"""The search index of proposals, agendas and forums (see :mod:`.search`).

On PostgreSQL the rows of :class:`SearchEntry` are written by database triggers only
(migration ``0003_search``), so every way of writing a proposal, an agenda, a forum or a
forum idea — services, bulk inserts, COPY, the admin — keeps the index exact. On other
databases (the SQLite demo) the table stays empty and search reads the source tables.
"""

from __future__ import annotations

import json

from django.db import models
from django.utils.translation import gettext_lazy as _

from hyeopchi.core.models import District


class SearchKind(models.TextChoices):
    PROPOSAL = "proposal", _("proposal")
    AGENDA = "agenda", _("agenda")
    FORUM = "forum", _("forum")


class GramsField(models.Field):
    """The distinct two-character sequences (bigrams) of a text as integer codes:
    ``integer[]`` with a GIN index on PostgreSQL, computed there by ``hyeopchi_grams``;
    unused (always NULL) on other databases."""

    description = "bigram codes of a text (PostgreSQL integer[])"

    def __init__(self, *args, **kwargs) -> None:
        kwargs["null"] = True
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("null", None)
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def db_type(self, connection) -> str:
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(value)
        return value

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def get_db_prep_value(self, value, connection, prepared: bool = False):
        if connection.vendor != "postgresql" or value is None:
            return None
        return [int(v) for v in self.to_python(value)]

    def value_to_string(self, obj) -> str:
        return json.dumps(self.value_from_object(obj))


class SearchEntry(models.Model):
    """One searchable record: its title and the rest of its text, with their bigrams."""

    kind = models.CharField(max_length=16, choices=SearchKind.choices)
    object_id = models.BigIntegerField()
    district = models.ForeignKey(
        District, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    day = models.DateField()  # proposed / created (Asia/Seoul), or the forum's date
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    title_grams = GramsField()
    body_grams = GramsField()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_search_entry")
        ]
        indexes = [models.Index(fields=["day", "id"], name="participation_search_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
