"""Composition checks of the shipped rulebooks at their boundaries. Each finding must name
the rule, the numbers and the memberships involved."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import translation

from hyeopchi.bodies.composition import MemberFact, composition_findings

from .shipped import GURO_COUNCIL, PLENARY_2016, PLENARY_2017, STEERING_2016, STEERING_2017, shipped

_ids = itertools.count(1)
D = dt.date


def fact(**kw) -> MemberFact:
    """A civilian appointed woman serving a full Guro term, unless told otherwise."""
    number = next(_ids)
    defaults = {
        "membership_id": number,
        "person_id": number + 10_000,
        "name": f"위원{number}",
        "sector": "civil",
        "appointment": "appointed",
        "gender": "F",
        "role": "member",
        "start_date": D(2019, 6, 1),
        "term_end": D(2021, 5, 31),
    }
    defaults.update(kw)
    return MemberFact(**defaults)


def many(count: int, **kw) -> list[MemberFact]:
    return [fact(**kw) for _ in range(count)]


def balanced(count: int, **kw) -> list[MemberFact]:
    """``count`` members, half women and half men."""
    return [fact(gender="FM"[i % 2], **kw) for i in range(count)]


def by_code(findings, code):
    found = [f for f in findings if f.code == code]
    assert len(found) <= 1, found
    return found[0] if found else None


def ids(members) -> tuple[int, ...]:
    return tuple(m.membership_id for m in members)


def test_a_council_following_every_rule_has_no_findings():
    rulebook = shipped(*GURO_COUNCIL)
    members = (
        balanced(26)  # appointed civilians
        + many(2, gender="M", sector="admin", appointment="ex_officio", term_end=None)
        + many(2, gender="F", sector="admin", appointment="ex_officio", term_end=None)
        + [fact(gender="M", sector="district_councillor"), fact(sector="district_councillor")]
        + [fact(gender="M", sector="city_councillor")]
    )
    assert len(members) == 33
    assert composition_findings(rulebook, members) == []


# ---------------------------------------------------------------- civilian share


@pytest.mark.parametrize(
    ("civilians", "code", "severity"),
    [
        (69, "composition.civilian_share", "violation"),
        (70, "composition.civilian_share_at_minimum", "warning"),
        (71, None, None),
    ],
)
def test_civilian_share_boundary(civilians, code, severity):
    rulebook = shipped(*GURO_COUNCIL)
    others = balanced(100 - civilians, sector="admin")
    members = balanced(civilians) + others
    findings = [f for f in composition_findings(rulebook, members) if "civilian" in f.code]
    if code is None:
        assert findings == []
        return
    assert [(f.code, f.severity) for f in findings] == [(code, severity)]
    finding = findings[0]
    assert finding.numbers == {
        "civilian": civilians,
        "total": 100,
        "share": f"{civilians}.0%",
        "minimum": "70.0%",
    }
    assert finding.members == ids(others)
    assert "제9조④" in finding.rule and rulebook.label in finding.rule


def test_elected_councillors_count_with_the_administration():
    rulebook = shipped(*GURO_COUNCIL)
    councillors = [
        *balanced(2, sector="district_councillor"),
        *balanced(2, sector="city_councillor"),
    ]
    admin = balanced(4, sector="admin", appointment="ex_officio", term_end=None)
    members = balanced(18) + councillors + admin  # 22 non-admin, but only 18 civilians
    finding = by_code(composition_findings(rulebook, members), "composition.civilian_share")
    assert finding is not None and finding.severity == "violation"
    assert finding.numbers["civilian"] == 18
    assert finding.numbers["total"] == 26
    assert finding.numbers["share"] == "69.2%"
    assert set(finding.members) == set(ids(councillors + admin))
    with translation.override("en"):
        again = by_code(composition_findings(rulebook, members), "composition.civilian_share")
        assert "Civilians are 69.2% of members (18 of 26); at least 70.0% required" in str(
            again.message
        )


def test_exactly_seventy_percent_is_fine_when_the_rulebook_accepts_it():
    base = shipped(*GURO_COUNCIL)
    composition = base.spec.composition.model_copy(update={"warn_at_civilian_minimum": False})
    spec = base.spec.model_copy(update={"composition": composition})
    rulebook = type(base)(base.key, base.name, spec)
    members = balanced(70) + balanced(30, sector="admin")
    assert not [f for f in composition_findings(rulebook, members) if "civilian" in f.code]


# ---------------------------------------------------------------- gender balance


@pytest.mark.parametrize(("women", "violates"), [(59, False), (60, False), (61, True)])
def test_no_gender_above_sixty_percent_of_appointed_members(women, violates):
    rulebook = shipped(*GURO_COUNCIL)
    majority = many(women, gender="F")
    members = majority + many(100 - women, gender="M")
    finding = by_code(composition_findings(rulebook, members), "composition.gender_cap")
    if not violates:
        assert finding is None
        return
    assert finding.severity == "violation"
    assert finding.numbers == {
        "gender": "F",
        "count": 61,
        "appointed": 100,
        "share": "61.0%",
        "maximum": "60.0%",
    }
    assert finding.members == ids(majority)
    assert "10분의 6" in finding.rule


def test_gender_cap_applies_to_men_too():
    rulebook = shipped(*GURO_COUNCIL)
    men = many(19, gender="M")
    members = men + many(11, gender="F")
    finding = by_code(composition_findings(rulebook, members), "composition.gender_cap")
    assert finding.numbers["gender"] == "M"
    assert finding.numbers["share"] == "63.3%"
    assert finding.members == ids(men)


def test_ex_officio_members_are_not_counted_in_the_gender_cap():
    rulebook = shipped(*GURO_COUNCIL)
    ex_officio = many(5, gender="M", sector="admin", appointment="ex_officio", term_end=None)
    appointed = many(18, gender="M") + many(12, gender="F")  # exactly 60 % men
    findings = composition_findings(rulebook, appointed + ex_officio)
    # 23 of 35 members are men (65.7 %), but only appointed members count.
    assert by_code(findings, "composition.gender_cap") is None
    one_more = composition_findings(
        rulebook, appointed + ex_officio + many(1, gender="M", sector="admin")
    )
    finding = by_code(one_more, "composition.gender_cap")
    assert finding.numbers["appointed"] == 31
    assert finding.numbers["count"] == 19
    assert not set(finding.members) & set(ids(ex_officio))


@pytest.mark.parametrize(("women", "warned"), [(39, True), (40, False), (41, False)])
def test_women_below_forty_percent_is_a_warning(women, warned):
    rulebook = shipped(*GURO_COUNCIL)
    members = many(women, gender="F") + many(100 - women, gender="M")
    finding = by_code(composition_findings(rulebook, members), "composition.women_share")
    if not warned:
        assert finding is None
        return
    assert finding.severity == "warning"
    assert finding.numbers == {"women": 39, "total": 100, "share": "39.0%", "minimum": "40.0%"}


# ---------------------------------------------------------------- size


@pytest.mark.parametrize(
    ("book", "count", "code", "severity", "numbers"),
    [
        # "35명 내외": about 35, a soft band of 30-40
        (GURO_COUNCIL, 29, "size.below_min", "warning", {"count": 29, "min": 30}),
        (GURO_COUNCIL, 30, None, None, None),
        (GURO_COUNCIL, 40, None, None, None),
        (GURO_COUNCIL, 41, "size.above_max", "warning", {"count": 41, "max": 40}),
        # "10인 내외": about ten, 8-12
        (STEERING_2016, 7, "size.below_min", "warning", {"count": 7, "min": 8}),
        (STEERING_2017, 8, None, None, None),
        (STEERING_2017, 12, None, None, None),
        (STEERING_2017, 13, "size.above_max", "warning", {"count": 13, "max": 12}),
        # 2 per district × 25 districts is a hard ceiling
        (PLENARY_2016, 50, None, None, None),
        (PLENARY_2017, 51, "size.above_max", "violation", {"count": 51, "max": 50}),
    ],
)
def test_size_bounds(book, count, code, severity, numbers):
    rulebook = shipped(*book)
    findings = [f for f in composition_findings(rulebook, balanced(count)) if f.code[:4] == "size"]
    if code is None:
        assert findings == []
        return
    assert [(f.code, f.severity) for f in findings] == [(code, severity)]
    assert findings[0].numbers == numbers


def test_size_counts_people_not_memberships():
    rulebook = shipped(*GURO_COUNCIL)
    members = balanced(30)
    twice = fact(person_id=members[0].person_id)  # 30 memberships held by 29 people
    finding = by_code(composition_findings(rulebook, [*members[:29], twice]), "size.below_min")
    assert finding.numbers == {"count": 29, "min": 30}
    assert not by_code(composition_findings(rulebook, members), "size.below_min")


# ---------------------------------------------------------------- seats per district


@pytest.mark.parametrize("book", [PLENARY_2016, PLENARY_2017])
def test_at_most_two_communication_officers_per_district(book):
    rulebook = shipped(*book)
    guro, eunpyeong = 17, 12
    officers = many(3, role="communication_officer", district_id=guro, term_end=None)
    others = many(2, role="communication_officer", district_id=eunpyeong, term_end=None)
    findings = composition_findings(rulebook, officers + others)
    caps = [f for f in findings if f.code == "seats.district_cap"]
    assert len(caps) == 1
    assert caps[0].severity == "violation"
    assert caps[0].numbers == {"district_id": guro, "count": 3, "max": 2}
    assert caps[0].members == ids(officers)
    assert "제6조②" in caps[0].rule
    # two is fine
    assert not by_code(composition_findings(rulebook, officers[:2] + others), "seats.district_cap")


def test_seat_cap_counts_only_the_capped_role():
    rulebook = shipped(*PLENARY_2017)
    officers = many(2, role="communication_officer", district_id=17, term_end=None)
    helper = fact(role="member", district_id=17, term_end=None)
    assert not by_code(composition_findings(rulebook, [*officers, helper]), "seats.district_cap")


# ---------------------------------------------------------------- terms


@pytest.mark.parametrize(
    ("term_end", "violates"),
    [(D(2021, 5, 30), False), (D(2021, 5, 31), False), (D(2021, 6, 1), True), (None, True)],
)
def test_guro_term_lasts_at_most_two_years(term_end, violates):
    rulebook = shipped(*GURO_COUNCIL)
    member = fact(start_date=D(2019, 6, 1), term_end=term_end)
    finding = by_code(composition_findings(rulebook, [member]), "term.too_long")
    if not violates:
        assert finding is None
        return
    assert finding.severity == "violation"
    assert finding.members == (member.membership_id,)
    assert finding.numbers["longest"] == "2021-05-31"
    assert finding.numbers["years"] == 2
    assert finding.numbers["term_end"] == (str(term_end) if term_end else "-")
    assert "제10조" in finding.rule


@pytest.mark.parametrize(
    ("start", "years", "last_day"),
    [
        (D(2019, 6, 1), 2, D(2021, 5, 31)),
        (D(2019, 3, 1), 1, D(2020, 2, 29)),  # the day before the anniversary, in a leap year
        (D(2020, 2, 29), 2, D(2022, 2, 28)),  # no 29 February: the term ends at month's end
        (D(2020, 2, 29), 4, D(2024, 2, 28)),
        (D(2019, 1, 1), 1, D(2019, 12, 31)),
    ],
)
def test_last_day_of_a_term(start, years, last_day):
    base = shipped(*GURO_COUNCIL)
    term = base.spec.term.model_copy(update={"years": years})
    rulebook = type(base)(base.key, base.name, base.spec.model_copy(update={"term": term}))
    at_limit = fact(start_date=start, term_end=last_day)
    beyond = fact(start_date=start, term_end=last_day + dt.timedelta(days=1))
    findings = composition_findings(rulebook, [at_limit, beyond])
    too_long = [f for f in findings if f.code == "term.too_long"]
    assert [f.members for f in too_long] == [(beyond.membership_id,)]
    assert too_long[0].numbers["longest"] == last_day.isoformat()


def test_ex_officio_members_serve_while_in_office():
    rulebook = shipped(*GURO_COUNCIL)
    official = fact(
        sector="admin", appointment="ex_officio", start_date=D(2010, 1, 1), term_end=None
    )
    assert composition_findings(rulebook, [official, *balanced(29)]) == []


@pytest.mark.parametrize(("term_number", "violates"), [(1, False), (2, False), (3, True)])
def test_guro_allows_one_renewal(term_number, violates):
    rulebook = shipped(*GURO_COUNCIL)
    member = fact(term_number=term_number)
    finding = by_code(composition_findings(rulebook, [member]), "term.too_many_renewals")
    if not violates:
        assert finding is None
        return
    assert finding.numbers == {"term_number": 3, "max_renewals": 1}
    assert finding.members == (member.membership_id,)


def test_regional_council_2016_terms_are_one_year_and_renewable_without_limit():
    rulebook = shipped(*PLENARY_2016)
    ok = fact(start_date=D(2017, 1, 1), term_end=D(2017, 12, 31), term_number=5)
    long = fact(start_date=D(2017, 1, 1), term_end=D(2018, 1, 1))
    findings = composition_findings(rulebook, [ok, long])
    assert [(f.code, f.members) for f in findings] == [("term.too_long", (long.membership_id,))]
    # After the 2017 amendment 소통책임자 have no fixed term at all.
    assert composition_findings(shipped(*PLENARY_2017), [ok, long, fact(term_end=None)]) == []


@pytest.mark.parametrize(
    ("term_end", "violates"),
    [(D(2021, 4, 30), False), (D(2021, 5, 31), False), (D(2021, 6, 1), True), (None, True)],
)
def test_replacement_serves_only_the_rest_of_the_predecessors_term(term_end, violates):
    rulebook = shipped(*GURO_COUNCIL)
    replacement = fact(
        start_date=D(2020, 3, 1),
        term_end=term_end,
        is_replacement=True,
        predecessor_term_end=D(2021, 5, 31),
    )
    findings = composition_findings(rulebook, [replacement])
    finding = by_code(findings, "term.replacement_beyond_predecessor")
    if not violates:
        assert not [f for f in findings if f.code.startswith("term.")]
        return
    assert finding.severity == "violation"
    assert finding.numbers == {
        "term_end": str(term_end) if term_end else "-",
        "predecessor_term_end": "2021-05-31",
    }
    assert finding.members == (replacement.membership_id,)
    assert by_code(findings, "term.too_long") is None


def test_replacement_of_a_member_without_a_term_end_is_held_to_a_full_term():
    rulebook = shipped(*GURO_COUNCIL)
    replacement = fact(
        start_date=D(2020, 3, 1),
        term_end=D(2022, 3, 1),
        is_replacement=True,
        predecessor_term_end=None,
    )
    finding = by_code(composition_findings(rulebook, [replacement]), "term.too_long")
    assert finding.numbers["longest"] == "2022-02-28"
    assert finding.members == (replacement.membership_id,)


def test_term_messages_name_the_member_and_the_dates():
    rulebook = shipped(*GURO_COUNCIL)
    long = fact(name="박서연", start_date=D(2019, 6, 1), term_end=D(2021, 6, 1))
    open_ended = fact(name="이도윤", start_date=D(2019, 6, 1), term_end=None)
    with translation.override("en"):
        messages = [
            str(f.message)
            for f in composition_findings(rulebook, [long, open_ended])
            if f.code == "term.too_long"
        ]
    assert messages == [
        "박서연's term runs to 2021-06-01; a term lasts at most 2 year(s), to 2021-05-31.",
        "이도윤's term has no end date; a term lasts at most 2 year(s), to 2021-05-31.",
    ]


def test_replacement_gets_a_full_term_where_the_rules_say_so():
    rulebook = shipped(*PLENARY_2016)
    assert rulebook.spec.term.replacement_serves_remainder is False
    replacement = fact(
        start_date=D(2017, 3, 1),
        term_end=D(2018, 2, 28),
        is_replacement=True,
        predecessor_term_end=D(2017, 9, 29),
    )
    assert composition_findings(rulebook, [replacement]) == []


# ---------------------------------------------------------------- eligibility


def test_steering_members_must_be_communication_officers_after_the_2017_amendment():
    qualified = many(8, role="steering_member", holds_parent_role=True, term_end=None)
    unqualified = many(2, role="steering_member", holds_parent_role=False, term_end=None)
    members = qualified + unqualified
    after = composition_findings(shipped(*STEERING_2017), members)
    finding = by_code(after, "eligibility.parent_role")
    assert finding.severity == "violation"
    assert finding.numbers == {"count": 2, "parent_role": "communication_officer"}
    assert finding.members == ids(unqualified)
    assert "제5조①" in finding.rule
    with translation.override("en"):
        message = str(
            by_code(
                composition_findings(shipped(*STEERING_2017), members), "eligibility.parent_role"
            ).message
        )
    assert all(m.name in message for m in unqualified)
    # Before 2017-06-26 the rules said nothing about it.
    assert composition_findings(shipped(*STEERING_2016), members) == []
    assert composition_findings(shipped(*STEERING_2017), qualified + many(2, term_end=None)) == []
