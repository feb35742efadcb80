"""Quorum, motion outcomes, convening and meeting counts of every shipped rulebook, at the
boundaries: one below, at and one above each threshold."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from hyeopchi.bodies.rulebook import ThresholdSpec
from hyeopchi.bodies.rules import (
    VoteCountError,
    convening_findings,
    meeting_count_findings,
    meets,
    motion_outcome,
    quorum,
    required_count,
)

from .shipped import (
    GURO_COUNCIL,
    GURO_SUBCOMMITTEE,
    PLENARY_2016,
    PLENARY_2017,
    STEERING_2016,
    STEERING_2017,
    WORKING_GROUP,
    shipped,
)

ALL = [
    PLENARY_2016,
    PLENARY_2017,
    STEERING_2016,
    STEERING_2017,
    GURO_COUNCIL,
    GURO_SUBCOMMITTEE,
    WORKING_GROUP,
]
IDS = [f"{key}@{on}" for key, on in ALL]

# How each shipped rulebook amends its rules: 2/3 of those present (inclusive) for the
# regional council (제7조②), an ordinary majority of those present elsewhere.
AMENDMENT = {
    PLENARY_2016: "two_thirds",
    PLENARY_2017: "two_thirds",
    STEERING_2016: "two_thirds",
    STEERING_2017: "two_thirds",
    GURO_COUNCIL: "majority",
    GURO_SUBCOMMITTEE: "majority",
    WORKING_GROUP: "majority",
}


def test_versions_switch_on_their_effective_dates():
    key = "regional-council-plenary"
    assert shipped(key, dt.date(2016, 9, 30)).label.startswith("2016-09-30")
    assert shipped(key, dt.date(2017, 6, 25)).label.startswith("2016-09-30")
    assert shipped(key, dt.date(2017, 6, 26)).label.startswith("2017-06-26")
    assert shipped(key, dt.date(2017, 6, 26)).spec.term.years is None  # 제4조③ deleted
    assert shipped(key, dt.date(2017, 6, 25)).spec.term.years == 1


# ---------------------------------------------------------------- quorum


# (enrolled, least number present for a quorum): more than half of those enrolled.
QUORUM_TABLE = [(50, 26), (49, 25), (35, 18), (11, 6), (10, 6), (2, 2), (1, 1)]


@pytest.mark.parametrize("book", ALL, ids=IDS)
@pytest.mark.parametrize(("enrolled", "needed"), QUORUM_TABLE)
def test_quorum_is_more_than_half_of_enrolled(book, enrolled, needed):
    rulebook = shipped(*book)
    below = quorum(rulebook, enrolled, needed - 1)
    at = quorum(rulebook, enrolled, needed)
    assert (below.met, at.met) == (False, True)
    assert at.required == below.required == needed
    assert (at.enrolled, at.present) == (enrolled, needed)
    if needed + 1 <= enrolled:
        assert quorum(rulebook, enrolled, needed + 1).met


@pytest.mark.parametrize("book", ALL, ids=IDS)
def test_half_present_is_no_quorum(book):
    rulebook = shipped(*book)
    assert not quorum(rulebook, 50, 25).met
    assert not quorum(rulebook, 2, 1).met


@pytest.mark.parametrize("book", ALL, ids=IDS)
def test_no_members_enrolled_is_never_a_quorum(book):
    rulebook = shipped(*book)
    result = quorum(rulebook, 0, 0)
    assert not result.met
    assert result.required == 1
    motion = motion_outcome(rulebook, amendment=False, enrolled=0, present=0, yes=0)
    assert motion.outcome == "no_quorum"


@pytest.mark.parametrize("book", ALL, ids=IDS)
def test_more_present_than_enrolled_is_refused(book):
    rulebook = shipped(*book)
    with translation.override("en"), pytest.raises(VoteCountError) as err:
        quorum(rulebook, 10, 11)
    assert "11 members present but only 10 enrolled" in str(err.value)
    with pytest.raises(VoteCountError):
        motion_outcome(rulebook, amendment=False, enrolled=10, present=11, yes=6)
    with pytest.raises(VoteCountError):
        quorum(rulebook, 10, -1)


# ---------------------------------------------------------------- ordinary decisions


# (present, least yes votes): strictly more than half of those present; a tie fails.
MAJORITY_TABLE = [(26, 14), (27, 14), (30, 16), (18, 10), (1, 1), (2, 2), (3, 2)]


@pytest.mark.parametrize("book", ALL, ids=IDS)
@pytest.mark.parametrize(("present", "needed"), MAJORITY_TABLE)
def test_decision_needs_a_strict_majority_of_those_present(book, present, needed):
    rulebook = shipped(*book)
    enrolled = present  # everyone came: the quorum is met

    def outcome(yes: int) -> str:
        result = motion_outcome(
            rulebook, amendment=False, enrolled=enrolled, present=present, yes=yes, no=present - yes
        )
        assert result.required_yes == needed
        return result.outcome

    assert outcome(needed - 1) == "failed"
    assert outcome(needed) == "passed"
    if needed + 1 <= present:
        assert outcome(needed + 1) == "passed"


@pytest.mark.parametrize("book", ALL, ids=IDS)
def test_a_tie_fails(book):
    rulebook = shipped(*book)
    result = motion_outcome(rulebook, amendment=False, enrolled=20, present=20, yes=10, no=10)
    assert result.outcome == "failed"
    assert result.required_yes == 11


@pytest.mark.parametrize("book", ALL, ids=IDS)
def test_abstentions_count_as_present_but_not_in_favour(book):
    rulebook = shipped(*book)
    # 30 present: 15 yes and 15 abstentions is a tie of yes against the rest.
    tie = motion_outcome(rulebook, amendment=False, enrolled=50, present=30, yes=15, abstain=15)
    assert tie.outcome == "failed"
    passed = motion_outcome(rulebook, amendment=False, enrolled=50, present=30, yes=16, abstain=14)
    assert passed.outcome == "passed"
    # Abstainers make the quorum: 26 present, 20 of them abstaining.
    abstaining = motion_outcome(
        rulebook, amendment=False, enrolled=50, present=26, yes=6, abstain=20
    )
    assert abstaining.quorum.met
    assert abstaining.outcome == "failed"
    assert abstaining.as_basis()["abstain"] == 20


@pytest.mark.parametrize("book", ALL, ids=IDS)
def test_more_votes_than_present_is_refused(book):
    rulebook = shipped(*book)
    with translation.override("en"), pytest.raises(VoteCountError) as err:
        motion_outcome(rulebook, amendment=False, enrolled=50, present=26, yes=20, no=5, abstain=2)
    assert "27 votes recorded but only 26 members present" in str(err.value)
    # exactly as many votes as members present is fine
    ok = motion_outcome(rulebook, amendment=False, enrolled=50, present=26, yes=20, no=4, abstain=2)
    assert ok.outcome == "passed"
    with pytest.raises(VoteCountError):
        motion_outcome(rulebook, amendment=False, enrolled=50, present=26, yes=-1)


@pytest.mark.parametrize("book", ALL, ids=IDS)
def test_without_quorum_a_unanimous_vote_does_not_pass(book):
    rulebook = shipped(*book)
    result = motion_outcome(rulebook, amendment=False, enrolled=50, present=25, yes=25)
    assert result.outcome == "no_quorum"
    assert result.quorum.required == 26


# ---------------------------------------------------------------- amendments


# (present, least yes votes) for an amendment, per reading.
AMENDMENT_TABLE = {
    # at least 2/3 of those present (3·Y ≥ 2·P)
    "two_thirds": [(30, 20), (26, 18), (27, 18), (28, 19), (3, 2), (4, 3), (1, 1)],
    # more than half of those present
    "majority": [(30, 16), (26, 14), (27, 14), (3, 2), (4, 3), (1, 1)],
}


@pytest.mark.parametrize("book", ALL, ids=IDS)
def test_amendment_threshold_at_its_boundary(book):
    rulebook = shipped(*book)
    for present, needed in AMENDMENT_TABLE[AMENDMENT[book]]:
        for yes, expected in [(needed - 1, "failed"), (needed, "passed"), (needed + 1, "passed")]:
            if yes > present:
                continue
            result = motion_outcome(
                rulebook, amendment=True, enrolled=present, present=present, yes=yes
            )
            assert result.outcome == expected, (present, yes)
            assert result.required_yes == needed


@pytest.mark.parametrize("book", [PLENARY_2016, PLENARY_2017, STEERING_2017])
def test_amendment_supermajority_is_inclusive_and_cites_its_article(book):
    rulebook = shipped(*book)
    exactly = motion_outcome(rulebook, amendment=True, enrolled=50, present=30, yes=20, no=10)
    assert exactly.outcome == "passed"  # 20 of 30 is exactly 2/3
    ordinary = motion_outcome(rulebook, amendment=False, enrolled=50, present=30, yes=19, no=11)
    amendment = motion_outcome(rulebook, amendment=True, enrolled=50, present=30, yes=19, no=11)
    assert (ordinary.outcome, amendment.outcome) == ("passed", "failed")
    assert "제7조②" in amendment.rule
    assert rulebook.label in amendment.rule
    assert "제7조①" in ordinary.rule


# The worked examples of regional-council-rules.md §1.2 (N = 50).
WORKED = [
    # (present, yes, ordinary, amendment)
    (26, 14, "passed", "failed"),
    (26, 13, "failed", "failed"),
    (26, 18, "passed", "passed"),
    (26, 17, "passed", "failed"),
    (30, 20, "passed", "passed"),
    (30, 19, "passed", "failed"),
]


@pytest.mark.parametrize("book", [PLENARY_2016, PLENARY_2017])
@pytest.mark.parametrize(("present", "yes", "ordinary", "amendment"), WORKED)
def test_worked_examples_of_the_regional_council_rules(book, present, yes, ordinary, amendment):
    rulebook = shipped(*book)
    got = motion_outcome(rulebook, amendment=False, enrolled=50, present=present, yes=yes)
    assert got.outcome == ordinary
    got = motion_outcome(rulebook, amendment=True, enrolled=50, present=present, yes=yes)
    assert got.outcome == amendment


@pytest.mark.parametrize("book", [PLENARY_2016, PLENARY_2017])
@pytest.mark.parametrize("yes", range(26))
def test_worked_example_25_of_50_present_never_passes(book, yes):
    rulebook = shipped(*book)
    for amendment in (False, True):
        result = motion_outcome(rulebook, amendment=amendment, enrolled=50, present=25, yes=yes)
        assert result.outcome == "no_quorum"


@given(
    enrolled=st.integers(0, 60),
    data=st.data(),
)
def test_plenary_outcome_matches_the_formal_rule(enrolled, data):
    """quorum_ok := 2P > N; ordinary := 2Y > P; amendment := 3Y ≥ 2P (§1.2)."""
    present = data.draw(st.integers(0, enrolled))
    yes = data.draw(st.integers(0, present))
    no = data.draw(st.integers(0, present - yes))
    abstain = data.draw(st.integers(0, present - yes - no))
    rulebook = shipped(*PLENARY_2017)
    quorum_ok = 2 * present > enrolled
    for amendment, passes in ((False, 2 * yes > present), (True, 3 * yes >= 2 * present)):
        result = motion_outcome(
            rulebook,
            amendment=amendment,
            enrolled=enrolled,
            present=present,
            yes=yes,
            no=no,
            abstain=abstain,
        )
        expected = "no_quorum" if not quorum_ok else ("passed" if passes else "failed")
        assert result.outcome == expected


@given(
    present=st.integers(0, 60),
    extra=st.integers(1, 10),
    data=st.data(),
)
def test_any_count_beyond_those_present_is_refused(present, extra, data):
    total = present + extra
    yes = data.draw(st.integers(0, total))
    no = data.draw(st.integers(0, total - yes))
    abstain = total - yes - no
    with pytest.raises(VoteCountError):
        motion_outcome(
            shipped(*GURO_COUNCIL),
            amendment=False,
            enrolled=60 + extra,
            present=present,
            yes=yes,
            no=no,
            abstain=abstain,
        )


thresholds = st.builds(
    ThresholdSpec,
    base=st.sampled_from(["enrolled", "present"]),
    fraction=st.fractions(min_value=Fraction(1, 100), max_value=1, max_denominator=100),
    strict=st.booleans(),
)


@given(threshold=thresholds, base=st.integers(0, 500))
def test_required_count_is_the_least_count_that_meets(threshold, base):
    needed = required_count(threshold, base)
    assert meets(threshold, needed, base)
    assert not meets(threshold, needed - 1, base)
    # and meeting is monotonic: any larger count meets too
    assert meets(threshold, needed + 1, base)
    assert needed <= base + 1


@given(threshold=thresholds, base=st.integers(1, 200), count=st.integers(0, 200))
def test_meets_agrees_with_exact_arithmetic(threshold, base, count):
    share = Fraction(count, base)
    expected = share > threshold.fraction if threshold.strict else share >= threshold.fraction
    assert meets(threshold, count, base) is expected


# ---------------------------------------------------------------- convening


def codes(findings) -> list[str]:
    return [f.code for f in findings]


@pytest.mark.parametrize("book", [PLENARY_2016, PLENARY_2017])
def test_extraordinary_plenary_needs_a_steering_resolution(book):
    rulebook = shipped(*book)
    members = set(range(1, 41))
    ok = convening_findings(
        rulebook,
        convened_by="resolution",
        resolution_body_kind="steering",
        requesters=set(),
        enrolled=members,
    )
    assert ok == []
    missing = convening_findings(
        rulebook,
        convened_by="resolution",
        resolution_body_kind=None,
        requesters=set(),
        enrolled=members,
    )
    assert codes(missing) == ["convening.no_resolution"]
    assert missing[0].severity == "violation"
    assert "제4조④" in missing[0].rule
    wrong = convening_findings(
        rulebook,
        convened_by="resolution",
        resolution_body_kind="council",
        requesters=set(),
        enrolled=members,
    )
    assert codes(wrong) == ["convening.wrong_body"]
    assert wrong[0].numbers == {"required_body": "steering", "resolution_body": "council"}
    # Neither the chair nor a members' request can convene the plenary.
    for by in ("chair", "member_request"):
        refused = convening_findings(
            rulebook,
            convened_by=by,
            resolution_body_kind=None,
            requesters=members,
            enrolled=members,
        )
        assert codes(refused) == ["convening.not_allowed"]
        assert refused[0].numbers == {"convened_by": by, "allowed": "resolution"}


@pytest.mark.parametrize("book", [STEERING_2016, STEERING_2017])
def test_extraordinary_steering_meeting_needs_two_requesting_members(book):
    rulebook = shipped(*book)
    members = set(range(1, 11))  # ten 운영위원

    def check(requesters):
        return convening_findings(
            rulebook,
            convened_by="member_request",
            resolution_body_kind=None,
            requesters=requesters,
            enrolled=members,
        )

    one = check({1})
    assert codes(one) == ["convening.too_few_requests"]
    assert one[0].numbers == {"requesting": 1, "required": 2, "enrolled": 10}
    assert check({1, 2}) == []
    assert check({1, 2, 3}) == []
    # a non-member's request does not count
    with_stranger = check({1, 99})
    assert codes(with_stranger) == ["convening.too_few_requests"]
    assert with_stranger[0].numbers["requesting"] == 1
    assert codes(check({98, 99})) == ["convening.too_few_requests"]
    # the steering committee has no chair's or resolution route
    chair = convening_findings(
        rulebook,
        convened_by="chair",
        resolution_body_kind=None,
        requesters=set(),
        enrolled=members,
    )
    assert codes(chair) == ["convening.not_allowed"]


@pytest.mark.parametrize("book", [GURO_COUNCIL, GURO_SUBCOMMITTEE])
def test_extraordinary_guro_meeting_needs_a_third_of_enrolled_members(book):
    rulebook = shipped(*book)
    members = set(range(1, 36))  # 35 enrolled: a third is 11.67, so 12 are needed

    def check(count, extra=()):
        requesters = set(range(1, count + 1)) | set(extra)
        return convening_findings(
            rulebook,
            convened_by="member_request",
            resolution_body_kind=None,
            requesters=requesters,
            enrolled=members,
        )

    eleven = check(11)
    assert codes(eleven) == ["convening.too_few_requests"]
    assert eleven[0].numbers == {"requesting": 11, "required": 12, "enrolled": 35}
    with translation.override("en"):
        assert "11 members requested the meeting; 12 are required" in str(check(11)[0].message)
    assert check(12) == []
    assert check(13) == []
    assert codes(check(11, extra={100, 101})) == ["convening.too_few_requests"]
    # 30 enrolled: exactly 10 is a third, and "3분의 1 이상" includes it
    thirty = set(range(1, 31))
    for count, ok in ((9, False), (10, True), (11, True)):
        found = convening_findings(
            rulebook,
            convened_by="member_request",
            resolution_body_kind=None,
            requesters=set(range(1, count + 1)),
            enrolled=thirty,
        )
        assert (found == []) is ok, count
    # the chair may always convene
    chair = convening_findings(
        rulebook, convened_by="chair", resolution_body_kind=None, requesters=set(), enrolled=members
    )
    assert chair == []
    resolution = convening_findings(
        rulebook,
        convened_by="resolution",
        resolution_body_kind="steering",
        requesters=set(),
        enrolled=members,
    )
    assert codes(resolution) == ["convening.not_allowed"]


def test_body_without_extraordinary_rules_reports_nothing():
    rulebook = shipped(*WORKING_GROUP)
    assert rulebook.spec.extraordinary is None
    assert (
        convening_findings(
            rulebook,
            convened_by="member_request",
            resolution_body_kind=None,
            requesters=set(),
            enrolled={1, 2, 3},
        )
        == []
    )


# ---------------------------------------------------------------- regular meetings held


@pytest.mark.parametrize("book", [PLENARY_2016, PLENARY_2017, GURO_COUNCIL])
def test_four_regular_meetings_a_year(book):
    rulebook = shipped(*book)
    three = meeting_count_findings(rulebook, 2017, [3, 6, 9])
    assert codes(three) == ["meetings.too_few_per_year"]
    assert three[0].severity == "warning"
    assert three[0].numbers == {"year": 2017, "held": 3, "required": 4}
    assert meeting_count_findings(rulebook, 2017, [3, 6, 9, 12]) == []
    assert meeting_count_findings(rulebook, 2017, [2, 3, 6, 9, 12]) == []
    assert codes(meeting_count_findings(rulebook, 2017, [])) == ["meetings.too_few_per_year"]


@pytest.mark.parametrize("book", [STEERING_2016, STEERING_2017, GURO_SUBCOMMITTEE])
def test_monthly_regular_meetings(book):
    rulebook = shipped(*book)
    every_month = list(range(1, 13))
    assert meeting_count_findings(rulebook, 2017, every_month) == []
    assert meeting_count_findings(rulebook, 2017, [*every_month, 5]) == []
    missing = meeting_count_findings(rulebook, 2017, [m for m in every_month if m != 8])
    assert codes(missing) == ["meetings.missing_months"]
    assert missing[0].numbers == {"year": 2017, "months": "8"}
    # two meetings in July do not make up for August
    doubled = meeting_count_findings(rulebook, 2017, [1, 2, 3, 4, 5, 6, 7, 7, 9, 10, 11, 12])
    assert doubled[0].numbers["months"] == "8"


def test_no_meeting_requirement_reports_nothing():
    assert meeting_count_findings(shipped(*WORKING_GROUP), 2020, []) == []


def test_city_council_default_amends_by_two_thirds_of_enrolled_members():
    rulebook = shipped("seoul-governance-council", dt.date(2017, 6, 9))
    # 30 enrolled: 20 yes are needed however many attend.
    for present, yes, expected in [
        (30, 19, "failed"),
        (30, 20, "passed"),
        (21, 20, "passed"),
        (20, 19, "failed"),
        (20, 20, "passed"),
        (15, 15, "no_quorum"),
    ]:
        result = motion_outcome(rulebook, amendment=True, enrolled=30, present=present, yes=yes)
        assert result.outcome == expected, (present, yes)
        assert result.required_yes == 20
