"""Eligibility from the policy, the voter roll, staff confirmation and roll imports."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from hyeopchi.core.models import AuditEvent, District
from hyeopchi.voting import services
from hyeopchi.voting.models import Verification, Voter
from tests.conftest import make_user
from tests.voting.conftest import DAY, make_vote, make_voter

pytestmark = pytest.mark.django_db


def reasons(election, voter) -> list[str]:
    with override("en"):
        return services.eligibility(election, voter)


@pytest.mark.parametrize(("age", "eligible"), [(13, False), (14, True), (15, True)])
def test_minimum_age_is_reached_in_the_year_the_vote_closes(guro_vote, age, eligible):
    year = timezone.localtime(guro_vote.closes_at).year
    voter = make_voter(guro_vote, birth_year=year - age)
    found = reasons(guro_vote, voter)
    assert (found == []) is eligible
    if not eligible:
        assert found == [
            f"Only residents who turn 14 in {year} or earlier may vote (born in {year - 14} "
            "or before)."
        ]


def test_residents_of_another_district_may_not_vote(guro_vote, eunpyeong):
    voter = make_voter(guro_vote, district=eunpyeong)
    assert reasons(guro_vote, voter) == ["Only residents of Guro-gu may vote."]


def test_unverified_voters_may_not_vote_where_verification_is_required(pb, guro_vote):
    voter = make_voter(guro_vote, verified=False)
    assert reasons(guro_vote, voter)[0].startswith("Your residency has not been verified")
    with pytest.raises(ValidationError):
        services.cast_ballot(pb, voter, ["P1"])


def test_self_declared_voters_may_vote_where_the_policy_trusts_them(eunpyeong_vote):
    voter = make_voter(eunpyeong_vote, verified=False)
    assert reasons(eunpyeong_vote, voter) == []


def test_every_reason_is_given_at_once(guro_vote, eunpyeong):
    year = timezone.localtime(guro_vote.closes_at).year
    voter = make_voter(guro_vote, district=eunpyeong, birth_year=year - 10, verified=False)
    assert len(reasons(guro_vote, voter)) == 3


def test_not_registered(guro_vote):
    assert reasons(guro_vote, None) == [
        "You are not on the voter roll of this vote; register first."
    ]


def test_city_wide_vote_takes_residents_of_every_district(db):
    election = make_vote(None, "seoul-citizen-pb", title="서울시")
    for district in District.objects.all()[:3]:
        assert reasons(election, make_voter(election, district=district)) == []


# ---------------------------------------------------------------- registration


def test_register_then_change_until_verified(guro_vote, guro, eunpyeong):
    user = make_user("resident")
    voter = services.register_voter(guro_vote, user, eunpyeong, 1990)
    assert (voter.verified, voter.verification) == (False, Verification.SELF_DECLARED)
    again = services.register_voter(guro_vote, user, guro, 1991)
    assert again.pk == voter.pk and again.district == guro and again.birth_year == 1991
    services.confirm_voter(again, make_user("clerk"))
    with pytest.raises(ValidationError), override("en"):
        services.register_voter(guro_vote, user, eunpyeong, 1991)
    assert services.register_voter(guro_vote, user, guro, 1991).verified


@pytest.mark.parametrize("year", [1899, timezone.localdate().year + 1, "1990", None, True])
def test_register_refuses_impossible_birth_years(guro_vote, guro, year):
    with pytest.raises(ValidationError) as info:
        services.register_voter(guro_vote, make_user("r"), guro, year)
    assert "birth_year" in info.value.message_dict
    assert not Voter.objects.exists()


def test_no_registration_after_close(guro_vote, guro):
    with pytest.raises(ValidationError):
        services.register_voter(guro_vote, make_user("late"), guro, 1990, now=guro_vote.closes_at)


def test_confirm_voter_is_audited_and_can_correct(guro_vote, guro, staff_user):
    voter = make_voter(guro_vote, verified=False, birth_year=1990)
    services.confirm_voter(voter, staff_user, birth_year=1991, reason="주민등록 확인")
    voter.refresh_from_db()
    assert (voter.verified, voter.verification, voter.birth_year) == (True, "staff", 1991)
    event = AuditEvent.objects.get(model="voting.voter")
    assert event.actor == staff_user and event.changes["verified"] == [False, True]
    assert event.district_id == guro.pk


def test_a_voter_who_voted_keeps_their_district(pb, guro_vote, eunpyeong, staff_user):
    voter = make_voter(guro_vote)
    services.cast_ballot(pb, voter, ["P1"])
    with pytest.raises(ValidationError):
        services.confirm_voter(voter, staff_user, district=eunpyeong)


# ---------------------------------------------------------------- resident-roll import


def test_import_roll_by_user_name_or_email(guro_vote, guro, eunpyeong, staff_user):
    make_user("kim")
    lee = make_user("lee")
    lee.email = "Lee@Example.org"
    lee.save()
    existing = services.register_voter(guro_vote, lee, eunpyeong, 2000)
    data = f"user,district,birth_year\nkim,{guro.code},1980\nlee@example.org,{guro.code},1981\n"
    result = services.import_roll(guro_vote, data.encode(), staff_user, file_name="roll.csv")
    assert (result.created, result.updated) == (1, 1)
    existing.refresh_from_db()
    assert (existing.district, existing.birth_year, existing.verified) == (guro, 1981, True)
    assert existing.verification == Verification.ROLL_IMPORT
    event = AuditEvent.objects.get(model="voting.election", action="changed")
    assert "roll.csv" in event.reason


def test_a_roll_with_bad_lines_is_refused_whole_with_line_numbers(guro_vote, guro, staff_user):
    make_user("kim")
    make_user("park")
    data = (
        f"kim,{guro.code},1980\n"
        "nobody,11530,1980\n"
        f"park,99999,1980\n"
        "\n"
        f"park,{guro.code},19x0\n"
        f"kim,{guro.code},1980\n"
        "only,two\n"
    )
    with pytest.raises(ValidationError) as info, override("en"):
        services.import_roll(guro_vote, data.encode(), staff_user)
    lines = info.value.message_dict["file"]
    assert lines[0] == "Line 2: no account named nobody."
    assert lines[1] == "Line 3: no district with the code 99999."
    assert lines[2].startswith("Line 5: the birth year 19x0")
    assert lines[3] == "Line 6: the same voter is already on line 1."
    assert lines[4].startswith("Line 7: expected 3 columns")
    assert not Voter.objects.exists()
    assert not AuditEvent.objects.filter(model="voting.election", action="changed").exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"\xff\xfe", "not UTF-8"), (b"", "no voters"), (b"user,district,birth_year\n", "no voters")],
)
def test_a_roll_that_is_not_a_roll(guro_vote, staff_user, data, expected):
    with pytest.raises(ValidationError) as info, override("en"):
        services.import_roll(guro_vote, data, staff_user)
    assert expected in info.value.message_dict["file"][0]


def test_a_roll_after_close_is_refused(guro_vote, guro, staff_user):
    make_user("kim")
    with pytest.raises(ValidationError):
        services.import_roll(
            guro_vote, f"kim,{guro.code},1980".encode(), staff_user, now=guro_vote.closes_at + DAY
        )
