"""Composition check of a body on a given day: size, civilian share, gender balance,
per-district seat caps, terms and renewals, eligibility. Pure functions over plain facts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

from .rules import Finding, Rulebook


@dataclass(frozen=True)
class MemberFact:
    """What the rules need to know of one membership serving on the day checked."""

    membership_id: int
    person_id: int
    name: str
    sector: str  # civil | admin | district_councillor | city_councillor
    appointment: str  # appointed | ex_officio
    gender: str  # F | M | X
    role: str
    district_id: int | None = None
    start_date: dt.date | None = None
    term_end: dt.date | None = None
    term_number: int = 1
    predecessor_term_end: dt.date | None = None
    is_replacement: bool = False
    holds_parent_role: bool = True


def _pct(share: Fraction) -> str:
    return f"{float(share) * 100:.1f}%"


def _ids(members: Sequence[MemberFact]) -> tuple[int, ...]:
    return tuple(m.membership_id for m in members)


def last_day_of_term(start: dt.date, years: int) -> dt.date:
    """The last day of a term of ``years`` starting on ``start`` (민법 제160조).

    A term ends the day before the anniversary of its start; when the final year has no
    such day (a start on 29 February), it ends on the last day of that month.
    """
    anniversary = start + relativedelta(years=years)
    if anniversary.day != start.day:  # 29 February → 28 February: no such day that year
        return anniversary
    return anniversary - dt.timedelta(days=1)


def _rule(rulebook: Rulebook, article: str) -> str:
    return f"{article} · {rulebook.citation}".strip(" ·")


def composition_findings(rulebook: Rulebook, members: Sequence[MemberFact]) -> list[Finding]:
    spec = rulebook.spec
    findings: list[Finding] = []
    findings += _size(rulebook, members)
    findings += _civilian_share(rulebook, members)
    findings += _gender(rulebook, members)
    for cap in spec.seat_caps:
        counted = [m for m in members if cap.role is None or m.role == cap.role]
        by_district: dict[int | None, list[MemberFact]] = defaultdict(list)
        for m in counted:
            by_district[m.district_id].append(m)
        for district_id, group in sorted(by_district.items(), key=lambda kv: kv[0] or 0):
            if district_id is not None and len(group) > cap.max:
                findings.append(
                    Finding(
                        "seats.district_cap",
                        "violation",
                        _rule(rulebook, cap.article),
                        _("%(count)s seats held for one district; at most %(max)s allowed.")
                        % {"count": len(group), "max": cap.max},
                        {"district_id": district_id, "count": len(group), "max": cap.max},
                        _ids(group),
                    )
                )
    findings += _terms(rulebook, members)
    findings += _eligibility(rulebook, members)
    return findings


def _size(rulebook: Rulebook, members: Sequence[MemberFact]) -> list[Finding]:
    size = rulebook.spec.size
    count = len({m.person_id for m in members})
    severity = "warning" if size.soft else "violation"
    rule = _rule(rulebook, size.article)
    if size.min is not None and count < size.min:
        return [
            Finding(
                "size.below_min",
                severity,
                rule,
                _("%(count)s members; at least %(min)s expected.")
                % {"count": count, "min": size.min},
                {"count": count, "min": size.min},
            )
        ]
    if size.max is not None and count > size.max:
        return [
            Finding(
                "size.above_max",
                severity,
                rule,
                _("%(count)s members; at most %(max)s expected.")
                % {"count": count, "max": size.max},
                {"count": count, "max": size.max},
            )
        ]
    return []


def _civilian_share(rulebook: Rulebook, members: Sequence[MemberFact]) -> list[Finding]:
    spec = rulebook.spec.composition
    if spec.civilian_share_min is None or not members:
        return []
    # Elected officials (구의원, 시의원) count with the administration, not as civilians.
    civil = [m for m in members if m.sector == "civil"]
    others = [m for m in members if m.sector != "civil"]
    share = Fraction(len(civil), len(members))
    numbers = {
        "civilian": len(civil),
        "total": len(members),
        "share": _pct(share),
        "minimum": _pct(spec.civilian_share_min),
    }
    rule = _rule(rulebook, spec.article)
    if share < spec.civilian_share_min:
        return [
            Finding(
                "composition.civilian_share",
                "violation",
                rule,
                _(
                    "Civilians are %(share)s of members (%(civilian)s of %(total)s); "
                    "at least %(minimum)s required."
                )
                % numbers,
                numbers,
                _ids(others),
            )
        ]
    if share == spec.civilian_share_min and spec.warn_at_civilian_minimum:
        return [
            Finding(
                "composition.civilian_share_at_minimum",
                "warning",
                rule,
                _(
                    "Civilians are exactly %(minimum)s of members (%(civilian)s of "
                    "%(total)s); some sources require more than that."
                )
                % numbers,
                numbers,
                _ids(others),
            )
        ]
    return []


def _gender(rulebook: Rulebook, members: Sequence[MemberFact]) -> list[Finding]:
    spec = rulebook.spec.composition
    findings: list[Finding] = []
    rule = _rule(rulebook, spec.article)
    appointed = [m for m in members if m.appointment == "appointed"]
    if spec.gender_share_max_appointed is not None and appointed:
        for gender in ("F", "M"):
            group = [m for m in appointed if m.gender == gender]
            share = Fraction(len(group), len(appointed))
            if share > spec.gender_share_max_appointed:
                numbers = {
                    "gender": gender,
                    "count": len(group),
                    "appointed": len(appointed),
                    "share": _pct(share),
                    "maximum": _pct(spec.gender_share_max_appointed),
                }
                label = _("Women") if gender == "F" else _("Men")
                findings.append(
                    Finding(
                        "composition.gender_cap",
                        "violation",
                        rule,
                        _(
                            "%(label)s are %(share)s of appointed members (%(count)s of "
                            "%(appointed)s); no gender may exceed %(maximum)s."
                        )
                        % {**numbers, "label": label},
                        numbers,
                        _ids(group),
                    )
                )
    if spec.women_share_min_warning is not None and members:
        women = [m for m in members if m.gender == "F"]
        share = Fraction(len(women), len(members))
        if share < spec.women_share_min_warning:
            numbers = {
                "women": len(women),
                "total": len(members),
                "share": _pct(share),
                "minimum": _pct(spec.women_share_min_warning),
            }
            findings.append(
                Finding(
                    "composition.women_share",
                    "warning",
                    rule,
                    _(
                        "Women are %(share)s of members (%(women)s of %(total)s); the checklist "
                        "asks for at least %(minimum)s."
                    )
                    % numbers,
                    numbers,
                    _ids(women),
                )
            )
    return findings


def _terms(rulebook: Rulebook, members: Sequence[MemberFact]) -> list[Finding]:
    term = rulebook.spec.term
    rule = _rule(rulebook, term.article)
    findings: list[Finding] = []
    for m in members:
        if m.appointment == "ex_officio":
            continue  # officials serve while in office
        limit = m.predecessor_term_end
        if m.is_replacement and term.replacement_serves_remainder and limit is not None:
            # The rest of the predecessor's term; without a known end, a full term applies.
            if m.term_end is None or m.term_end > limit:
                findings.append(
                    Finding(
                        "term.replacement_beyond_predecessor",
                        "violation",
                        rule,
                        _("%(name)s replaces a member and may serve only until %(end)s.")
                        % {"name": m.name, "end": limit.isoformat()},
                        {
                            "term_end": str(m.term_end or "-"),
                            "predecessor_term_end": limit.isoformat(),
                        },
                        (m.membership_id,),
                    )
                )
            continue
        if term.years and m.start_date:
            longest = last_day_of_term(m.start_date, term.years)
            if m.term_end is None or m.term_end > longest:
                values = {"name": m.name, "years": term.years, "longest": longest.isoformat()}
                if m.term_end is None:
                    message = (
                        _(
                            "%(name)s's term has no end date; a term lasts at most %(years)s "
                            "year(s), to %(longest)s."
                        )
                        % values
                    )
                else:
                    message = _(
                        "%(name)s's term runs to %(end)s; a term lasts at most %(years)s "
                        "year(s), to %(longest)s."
                    ) % {**values, "end": m.term_end.isoformat()}
                findings.append(
                    Finding(
                        "term.too_long",
                        "violation",
                        rule,
                        message,
                        {
                            "term_end": str(m.term_end or "-"),
                            "longest": longest.isoformat(),
                            "years": term.years,
                        },
                        (m.membership_id,),
                    )
                )
        if term.max_renewals is not None and m.term_number - 1 > term.max_renewals:
            findings.append(
                Finding(
                    "term.too_many_renewals",
                    "violation",
                    rule,
                    _(
                        "%(name)s is serving term %(number)s; at most %(renewals)s renewal(s) "
                        "allowed."
                    )
                    % {"name": m.name, "number": m.term_number, "renewals": term.max_renewals},
                    {"term_number": m.term_number, "max_renewals": term.max_renewals},
                    (m.membership_id,),
                )
            )
    return findings


def _eligibility(rulebook: Rulebook, members: Sequence[MemberFact]) -> list[Finding]:
    spec = rulebook.spec.eligibility
    if spec is None:
        return []
    bad = [
        m for m in members if (not spec.roles or m.role in spec.roles) and not m.holds_parent_role
    ]
    if not bad:
        return []
    return [
        Finding(
            "eligibility.parent_role",
            "violation",
            _rule(rulebook, spec.article),
            _(
                "%(count)s member(s) do not hold the required role (%(role)s) in the parent body: "
                "%(names)s."
            )
            % {
                "count": len(bad),
                "role": spec.parent_role,
                "names": ", ".join(m.name for m in bad),
            },
            {"count": len(bad), "parent_role": spec.parent_role},
            _ids(bad),
        )
    ]
