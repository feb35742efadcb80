"""Ballot designs and every bad ballot of the issue: a clear message, nothing saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from hyeopchi.voting import services
from hyeopchi.voting.models import Ballot, Participation
from tests.voting.conftest import DAY, contest_of, make_vote, make_voter

pytestmark = pytest.mark.django_db


def nothing_saved():
    return Ballot.objects.count() == 0 and Participation.objects.count() == 0


def messages(exc: ValidationError, field: str = "choices") -> str:
    return " ".join(exc.message_dict[field])


def refused(contest, choices, field="choices") -> str:
    with pytest.raises(ValidationError) as info, override("en"):
        services.validate_ballot(contest, choices)
    return messages(info.value, field)


# ---------------------------------------------------------------- designs


def test_knapsack_ballot_within_the_budget_is_stored_sorted(pb, voter):
    receipt = services.cast_ballot(pb, voter, ["P3", "P1", "P2"])
    ballot = Ballot.objects.get()
    assert ballot.choices == ["P1", "P2", "P3"]  # 4억 + 3억 + 3억 = 10억: exactly the budget
    assert ballot.channel == "online" and not ballot.superseded
    assert ballot.receipt_hash == services.sha256(services.normalize_code(receipt))
    assert Participation.objects.get().voter == voter


def test_knapsack_ballot_over_the_cost_limit(pb, voter):
    with pytest.raises(ValidationError) as info, override("en"):
        services.cast_ballot(pb, voter, ["P1", "P2", "P4"])
    text = messages(info.value)
    assert "more than the budget" in text and "₩1,200,000,000" in text
    assert nothing_saved()


def test_knapsack_minimum_share_of_the_budget(pb, voter):
    services.update_contest(pb, min_share_spent="1/2", now=pb.election.opens_at - DAY)
    pb.refresh_from_db()
    assert "at least ₩500,000,000 (1/2 of the budget)" in refused(pb, ["P2"])
    assert services.validate_ballot(pb, ["P4"]) == ["P4"]
    assert services.validate_ballot(pb, ["P2", "P3"]) == ["P2", "P3"]


def test_k_approval_more_than_k_choices(eunpyeong_vote):
    contest = contest_of(eunpyeong_vote, "pb")
    assert contest.max_choices == 3
    assert services.validate_ballot(contest, ["P4", "P1", "P2"]) == ["P1", "P2", "P4"]
    assert "Choose at most 3 projects; this ballot has 4." in refused(
        contest, ["P1", "P2", "P3", "P4"]
    )
    voter = make_voter(eunpyeong_vote)
    with pytest.raises(ValidationError):
        services.cast_ballot(contest, voter, ["P1", "P2", "P3", "P4"])
    assert nothing_saved()


def test_approval_any_non_empty_subset(guro):
    election = make_vote(guro, "seoul-citizen-pb", title="city-like vote in Guro")
    contest = contest_of(election, "city")
    assert services.validate_ballot(contest, ["P4", "P3", "P2", "P1"]) == ["P1", "P2", "P3", "P4"]
    assert "at least one" in refused(contest, [])


def test_cumulative_points_at_most_the_contest_points(eunpyeong_vote):
    contest = contest_of(eunpyeong_vote, "governance")
    assert contest.points == 5
    assert services.validate_ballot(contest, {"P2": 3, "P1": 2}) == {"P1": 2, "P2": 3}
    assert services.validate_ballot(contest, {"P1": 1, "P2": 0}) == {"P1": 1}  # zeros dropped
    assert "at most 5 points; this ballot gives 6" in refused(contest, {"P1": 4, "P2": 2})
    assert "at least one point" in refused(contest, {"P1": 0})
    assert "whole number of at least 0" in refused(contest, {"P1": -1, "P2": 3})
    assert "whole number of at least 0" in refused(contest, {"P1": 1.5})
    assert "whole number of at least 0" in refused(contest, {"P1": True})
    assert "no project P9" in refused(contest, {"P9": 1})
    assert "object of project codes" in refused(contest, ["P1"])


def test_ranking_keeps_the_order_and_refuses_repeats(guro):
    election = make_vote(guro)
    contest = contest_of(election)
    contest.design, contest.rule = "ranking", "greedy"
    contest.save()
    assert services.validate_ballot(contest, ["P3", "P1"]) == ["P3", "P1"]
    assert "P1 is chosen more than once" in refused(contest, ["P1", "P3", "P1"])


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        (["P1", "P9"], "no project P9"),
        (["P1", "P1"], "P1 is chosen more than once"),
        ([], "Choose at least one project."),
        (None, "as a list of project codes"),
        ("P1", "as a list of project codes"),
        ({"P1": 1}, "as a list of project codes"),
        ([1, 2], "Project codes are text"),
        ([["P1"]], "Project codes are text"),
    ],
)
def test_malformed_ballots(pb, voter, choices, expected):
    assert expected in refused(pb, choices)
    with pytest.raises(ValidationError):
        services.cast_ballot(pb, voter, choices)
    assert nothing_saved()


def test_messages_are_in_korean_by_default(pb):
    with pytest.raises(ValidationError) as info:
        services.validate_ballot(pb, ["P1", "P2", "P4"])
    assert "12억 원" in messages(info.value)


# ---------------------------------------------------------------- window and voters


def test_a_ballot_after_close_is_refused(pb, voter):
    with pytest.raises(ValidationError) as info, override("en"):
        services.cast_ballot(pb, voter, ["P1"], now=pb.election.closes_at)
    assert "closed" in messages(info.value, "__all__")
    assert nothing_saved()


def test_a_ballot_before_the_vote_opens_is_refused(pb, voter):
    with pytest.raises(ValidationError) as info, override("en"):
        services.cast_ballot(pb, voter, ["P1"], now=pb.election.opens_at - DAY)
    assert "opens at" in messages(info.value, "__all__")
    assert nothing_saved()


def test_a_second_ballot_where_revoting_is_off(eunpyeong_vote):
    contest = contest_of(eunpyeong_vote, "pb")
    voter = make_voter(eunpyeong_vote)
    services.cast_ballot(contest, voter, ["P1"])
    with pytest.raises(ValidationError) as info, override("en"):
        services.cast_ballot(contest, voter, ["P2"])
    assert messages(info.value, "__all__") == "You have already voted in this ballot."
    assert Ballot.objects.count() == 1 and Participation.objects.count() == 1
    with pytest.raises(ValidationError) as info, override("en"):
        services.revote(contest, voter, "ABCD-EFGH-JKMN-PQRS", ["P2"])
    assert "does not allow changing" in messages(info.value, "__all__")
    assert list(Ballot.objects.values_list("choices", flat=True)) == [["P1"]]


def test_a_second_ballot_where_revoting_is_on_points_to_the_receipt(pb, voter):
    services.cast_ballot(pb, voter, ["P1"])
    with pytest.raises(ValidationError) as info, override("en"):
        services.cast_ballot(pb, voter, ["P2"])
    assert "use the receipt" in messages(info.value, "__all__")
    assert Ballot.objects.count() == 1


def test_voting_in_another_election_s_contest_or_without_a_roll_entry(pb, guro):
    other = make_vote(guro, title="other vote")
    stranger = make_voter(other)
    with pytest.raises(ValidationError) as info, override("en"):
        services.cast_ballot(pb, stranger, ["P1"])
    assert "another vote" in messages(info.value, "__all__")
    with pytest.raises(ValidationError) as info, override("en"):
        services.cast_ballot(pb, None, ["P1"])
    assert "register first" in messages(info.value, "__all__")
    assert nothing_saved()


def test_a_city_wide_vote_with_a_district_ballot(guro, eunpyeong):
    election = make_vote(None, "seoul-citizen-pb", title="서울시 시민참여예산")
    contest = contest_of(election, "city")
    services.update_contest(contest, district_id=guro.pk, now=election.opens_at - DAY)
    contest = contest_of(election, "city")
    eunpyeong_voter = make_voter(election, district=eunpyeong)
    assert services.eligibility(election, eunpyeong_voter) == []  # a Seoul resident
    with pytest.raises(ValidationError) as info, override("en"):
        services.cast_ballot(contest, eunpyeong_voter, ["P1"])
    assert "for residents of Guro" in messages(info.value, "__all__")
    guro_voter = make_voter(election, district=guro)
    services.cast_ballot(contest, guro_voter, ["P1"])
    assert Ballot.objects.count() == 1


def test_a_vote_with_a_removed_policy_is_refused_cleanly(pb, voter):
    pb.election.policy_key = "gone"
    pb.election.save()
    with pytest.raises(ValidationError) as info, override("en"):
        services.cast_ballot(pb, voter, ["P1"])
    assert "no longer exists" in messages(info.value, "__all__")
    assert timezone.now() < pb.election.closes_at
