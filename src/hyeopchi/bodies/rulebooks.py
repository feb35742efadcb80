"""Finding the rulebook version in force for a body on a day (files + amendments)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from hyeopchi.core.policy import policies

from .models import Body, RulebookAmendment
from .rulebook import Rulebook, RulebookFile, pick_version, version_from_params


class NoRulebook(LookupError):
    pass


def lineage(body: Body) -> list[int]:
    """The ids of ``body`` and the bodies above it, nearest first (a loop ends the walk)."""
    ids: list[int] = []
    current: Body | None = body
    while current is not None and current.pk not in ids:
        ids.append(current.pk)
        current = current.parent
    return ids


def rulebook_versions(key: str, body: Body | None = None) -> list[Rulebook]:
    """The file versions of rulebook ``key`` and the amendments adopted to it.

    Many bodies share a rulebook file (every working group, every subcommittee), so with
    ``body`` only the amendments adopted by that body or a body above it count; without
    it, every amendment to the key is listed.
    """
    registry = policies()
    try:
        document = registry.get("rulebook", key)
    except LookupError:
        raise NoRulebook(_("No rulebook named %(key)s.") % {"key": key}) from None
    assert isinstance(document, RulebookFile)
    source = registry.source_of("rulebook", key)
    versions = [
        Rulebook(key, document.name, spec, source_file=source) for spec in document.versions
    ]
    amendments = RulebookAmendment.objects.filter(rulebook_key=key)
    if body is not None:
        amendments = amendments.filter(decision__body_id__in=lineage(body))
    for amendment in amendments.order_by("effective_from", "pk"):
        versions.append(
            Rulebook(
                key,
                document.name,
                version_from_params(amendment.params),
                amendment_id=amendment.pk,
            )
        )
    return versions


def rulebook_for(body: Body, on: dt.date) -> Rulebook:
    version = pick_version(rulebook_versions(body.rulebook_key, body), on)
    if version is None:
        raise NoRulebook(
            _("The rulebook %(key)s has no version in force on %(day)s.")
            % {"key": body.rulebook_key, "day": on.isoformat()}
        )
    return version


def rulebook_choices() -> list[tuple[str, str]]:
    return [(f.key, f.document.name) for f in policies().of_kind("rulebook")]
