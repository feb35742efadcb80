"""Pure decision rules of a body: quorum, motion outcomes, convening, meeting counts.

Plain functions over plain numbers and a :class:`Rulebook`; no database access.
"과반수" (a majority) means strictly more than half, so a tie never passes.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from django.utils.translation import gettext_lazy as _

from .rulebook import Rulebook, ThresholdSpec

Severity = Literal["violation", "warning"]


@dataclass(frozen=True)
class Finding:
    """A rule that is broken (violation) or close to it (warning), with its numbers."""

    code: str
    severity: Severity
    rule: str  # article and rulebook it comes from
    message: str
    numbers: dict[str, int | str] = field(default_factory=dict)
    members: tuple[int, ...] = ()  # membership ids involved


# Display labels of the codes rulebooks use (the model choices say the same for forms).
CONVENER_LABELS = {
    "chair": _("the chair"),
    "resolution": _("a resolution of the steering committee"),
    "member_request": _("a request of members"),
}
BODY_KIND_LABELS = {
    "steering": _("steering committee (운영위원회)"),
    "council": _("governance council (협치회의)"),
    "regional_plenary": _("regional council plenary (협치서울지역협의회)"),
}


class VoteCountError(ValueError):
    """Vote counts that cannot be true (e.g. more votes than members present)."""


def required_count(threshold: ThresholdSpec, base_count: int) -> int:
    """The smallest count that meets ``threshold`` over ``base_count``."""
    exact = threshold.fraction * base_count
    return math.floor(exact) + 1 if threshold.strict else math.ceil(exact)


def meets(threshold: ThresholdSpec, count: int, base_count: int) -> bool:
    share = Fraction(count) - threshold.fraction * base_count
    return share > 0 if threshold.strict else share >= 0


@dataclass(frozen=True)
class QuorumResult:
    met: bool
    enrolled: int
    present: int
    required: int


def quorum(rulebook: Rulebook, enrolled: int, present: int) -> QuorumResult:
    if present < 0 or enrolled < 0:
        raise VoteCountError(_("Counts cannot be negative."))
    if present > enrolled:
        raise VoteCountError(
            _("%(present)s members present but only %(enrolled)s enrolled.")
            % {"present": present, "enrolled": enrolled}
        )
    spec = rulebook.spec.quorum
    base = enrolled if spec.base == "enrolled" else present
    return QuorumResult(
        met=enrolled > 0 and meets(spec, present, base),
        enrolled=enrolled,
        present=present,
        required=required_count(spec, base),
    )


@dataclass(frozen=True)
class MotionResult:
    outcome: Literal["passed", "failed", "no_quorum"]
    quorum: QuorumResult
    yes: int
    no: int
    abstain: int
    required_yes: int
    rule: str

    def as_basis(self) -> dict[str, int | str]:
        return {
            "enrolled": self.quorum.enrolled,
            "present": self.quorum.present,
            "quorum_required": self.quorum.required,
            "yes": self.yes,
            "no": self.no,
            "abstain": self.abstain,
            "yes_required": self.required_yes,
            "rule": self.rule,
        }


def motion_outcome(
    rulebook: Rulebook,
    *,
    amendment: bool,
    enrolled: int,
    present: int,
    yes: int,
    no: int = 0,
    abstain: int = 0,
) -> MotionResult:
    """Decide a motion. Abstentions count as present but not in favour."""
    if min(yes, no, abstain) < 0:
        raise VoteCountError(_("Vote counts cannot be negative."))
    if yes + no + abstain > present:
        raise VoteCountError(
            _("%(votes)s votes recorded but only %(present)s members present.")
            % {"votes": yes + no + abstain, "present": present}
        )
    q = quorum(rulebook, enrolled, present)
    spec = rulebook.spec.amendment if amendment else rulebook.spec.decision
    base = enrolled if spec.base == "enrolled" else present
    required_yes = required_count(spec, base)
    rule = f"{spec.article} · {rulebook.citation}".strip(" ·")
    if not q.met:
        outcome: Literal["passed", "failed", "no_quorum"] = "no_quorum"
    else:
        outcome = "passed" if meets(spec, yes, base) else "failed"
    return MotionResult(outcome, q, yes, no, abstain, required_yes, rule)


def convening_findings(
    rulebook: Rulebook,
    *,
    convened_by: str,
    resolution_body_kind: str | None,
    requesters: Collection[int],
    enrolled: Collection[int],
) -> list[Finding]:
    """Is an extraordinary meeting convened the way the rulebook allows?

    ``requesters`` and ``enrolled`` are person ids; requests from non-members do not count.
    """
    spec = rulebook.spec.extraordinary
    if spec is None:
        return []
    rule = f"{spec.article} · {rulebook.citation}".strip(" ·")
    if convened_by not in spec.convened_by:
        allowed = ", ".join(str(CONVENER_LABELS.get(c, c)) for c in spec.convened_by)
        return [
            Finding(
                "convening.not_allowed",
                "violation",
                rule,
                _(
                    "This body's rules do not let an extraordinary meeting be convened by "
                    "%(by)s (allowed: %(allowed)s)."
                )
                % {"by": CONVENER_LABELS.get(convened_by, convened_by), "allowed": allowed},
                {"convened_by": convened_by, "allowed": ", ".join(spec.convened_by)},
            )
        ]
    if convened_by == "resolution":
        if resolution_body_kind is None:
            return [
                Finding(
                    "convening.no_resolution",
                    "violation",
                    rule,
                    str(_("An extraordinary meeting needs a linked resolution.")),
                )
            ]
        if spec.resolution_body_kind and resolution_body_kind != spec.resolution_body_kind:
            return [
                Finding(
                    "convening.wrong_body",
                    "violation",
                    rule,
                    _("The resolution must come from the %(kind)s.")
                    % {
                        "kind": BODY_KIND_LABELS.get(
                            spec.resolution_body_kind, spec.resolution_body_kind
                        )
                    },
                    {
                        "required_body": spec.resolution_body_kind,
                        "resolution_body": resolution_body_kind,
                    },
                )
            ]
    if convened_by == "member_request":
        valid = len(set(requesters) & set(enrolled))
        needed = spec.min_requesting_members or 0
        if spec.min_requesting_share is not None:
            share = spec.min_requesting_share * len(set(enrolled))
            needed = max(needed, math.ceil(share))
        if valid < needed:
            return [
                Finding(
                    "convening.too_few_requests",
                    "violation",
                    rule,
                    _("%(valid)s members requested the meeting; %(needed)s are required.")
                    % {"valid": valid, "needed": needed},
                    {"requesting": valid, "required": needed, "enrolled": len(set(enrolled))},
                )
            ]
    return []


ALL_MONTHS = tuple(range(1, 13))


def meeting_count_findings(
    rulebook: Rulebook,
    year: int,
    regular_meeting_months: Iterable[int],
    *,
    months_expected: Collection[int] | None = None,
) -> list[Finding]:
    """Compare the regular meetings held in ``year`` (their months) with what is required.

    ``months_expected`` are the months that can be judged (the body existed and the month
    is over); by default the whole year. The yearly count is judged on a whole year only.
    """
    spec = rulebook.spec.meetings
    months = list(regular_meeting_months)
    expected = ALL_MONTHS if months_expected is None else tuple(sorted(set(months_expected)))
    rule = f"{spec.article} · {rulebook.citation}".strip(" ·")
    findings: list[Finding] = []
    whole_year = expected == ALL_MONTHS
    if spec.regular_per_year is not None and whole_year and len(months) < spec.regular_per_year:
        findings.append(
            Finding(
                "meetings.too_few_per_year",
                "warning",
                rule,
                _("%(held)s regular meetings in %(year)s; the rules require %(required)s.")
                % {"held": len(months), "year": year, "required": spec.regular_per_year},
                {"year": year, "held": len(months), "required": spec.regular_per_year},
            )
        )
    if spec.regular_per_month:
        short = [m for m in expected if months.count(m) < spec.regular_per_month]
        if short:
            findings.append(
                Finding(
                    "meetings.missing_months",
                    "warning",
                    rule,
                    _("No regular meeting in month(s) %(months)s of %(year)s.")
                    % {"months": ", ".join(map(str, short)), "year": year},
                    {"year": year, "months": ",".join(map(str, short))},
                )
            )
    return findings
