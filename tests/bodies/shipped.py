"""The shipped rulebooks as the pure rule functions see them (no database needed)."""

from __future__ import annotations

import datetime as dt

from hyeopchi.bodies.rulebook import Rulebook, pick_version
from hyeopchi.core.policy import policies


def shipped(key: str, on: dt.date) -> Rulebook:
    """The version of the shipped rulebook file ``key`` in force on ``on``."""
    registry = policies()
    document = registry.get("rulebook", key)
    versions = [
        Rulebook(key, document.name, spec, source_file=registry.source_of("rulebook", key))
        for spec in document.versions  # type: ignore[attr-defined]
    ]
    version = pick_version(versions, on)
    assert version is not None, f"{key} has no version on {on}"
    return version


PLENARY_2016 = ("regional-council-plenary", dt.date(2017, 3, 1))
PLENARY_2017 = ("regional-council-plenary", dt.date(2017, 6, 26))
STEERING_2016 = ("regional-council-steering", dt.date(2017, 3, 1))
STEERING_2017 = ("regional-council-steering", dt.date(2017, 6, 26))
GURO_COUNCIL = ("guro-council", dt.date(2020, 1, 1))
GURO_SUBCOMMITTEE = ("guro-subcommittee", dt.date(2020, 1, 1))
WORKING_GROUP = ("working-group", dt.date(2020, 1, 1))
