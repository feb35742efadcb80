"""Voting codes for booths and paper-ballot imports."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from hyeopchi.core.models import AuditEvent
from hyeopchi.voting import services
from hyeopchi.voting.models import (
    Ballot,
    CodeBatch,
    Contest,
    CountRun,
    PaperBatch,
    Project,
    VotingCode,
)
from tests.voting.conftest import DAY, HOUR, contest_of, make_vote, make_voter

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- codes


def test_codes_are_returned_once_and_stored_hashed(guro_vote, guro, staff_user):
    codes = services.generate_codes(guro_vote, 25, note="구로1동 주민센터", actor=staff_user)
    assert len(codes) == len(set(codes)) == 25
    for code in codes:
        plain = code.replace("-", "")
        assert len(plain) == 12 and set(plain) <= set(services.ALPHABET)
        assert not set(plain) & set("01OIL")
    stored = set(VotingCode.objects.values_list("code_hash", flat=True))
    assert stored == {services.sha256(c.replace("-", "")) for c in codes}
    assert not any(c.replace("-", "") in h for c in codes for h in stored)
    assert codes.batch.size == 25 and codes.batch.note == "구로1동 주민센터"
    assert set(VotingCode.objects.values_list("district", flat=True)) == {guro.pk}
    event = AuditEvent.objects.get(model="voting.codebatch")
    assert event.district_id == guro.pk and event.changes["codes"] == [None, 25]


@pytest.mark.parametrize("n", [0, -1, services.MAX_CODES_PER_BATCH + 1, "5", None])
def test_bad_numbers_of_codes(guro_vote, staff_user, n):
    with pytest.raises(ValidationError) as info:
        services.generate_codes(guro_vote, n, actor=staff_user)
    assert "n" in info.value.message_dict
    assert not CodeBatch.objects.exists()


def test_a_code_casts_the_whole_ballot_paper_once(eunpyeong_vote, staff_user):
    code = services.generate_codes(eunpyeong_vote, 1, actor=staff_user)[0]
    contests = services.code_paper(eunpyeong_vote, code)
    assert [c.key for c in contests] == ["pb", "governance"]
    cast = services.cast_with_code(
        eunpyeong_vote, code.lower(), {"pb": ["P1", "P2"], "governance": {"P3": 5}}
    )
    assert [c.key for c in cast] == ["pb", "governance"]
    assert sorted(Ballot.objects.values_list("channel", flat=True)) == ["code", "code"]
    assert not Ballot.objects.filter(receipt_hash__isnull=False).exists()
    assert VotingCode.objects.get().used
    with pytest.raises(ValidationError) as info, override("en"):
        services.cast_with_code(eunpyeong_vote, code, {"pb": ["P3"]})
    assert info.value.message_dict["code"] == ["This voting code has already been used."]
    with pytest.raises(ValidationError):
        services.code_paper(eunpyeong_vote, code)
    assert Ballot.objects.count() == 2


@pytest.mark.parametrize("code", ["", "ABCD-EFGH-JKMN", "1234", None, 42, "A" * 100])
def test_unknown_codes(guro_vote, staff_user, code):
    services.generate_codes(guro_vote, 3, actor=staff_user)
    with pytest.raises(ValidationError) as info, override("en"):
        services.cast_with_code(guro_vote, code, {"pb": ["P1"]})
    assert info.value.message_dict["code"][0].startswith("This voting code is not known")
    assert not Ballot.objects.exists() and not VotingCode.objects.filter(used=True).exists()


def test_a_code_of_another_vote_is_unknown(guro_vote, guro, staff_user):
    other = make_vote(guro, title="다른 투표")
    code = services.generate_codes(other, 1, actor=staff_user)[0]
    with pytest.raises(ValidationError) as info:
        services.cast_with_code(guro_vote, code, {"pb": ["P1"]})
    assert "code" in info.value.message_dict
    assert not VotingCode.objects.get().used


def test_a_bad_ballot_does_not_use_the_code_up(eunpyeong_vote, staff_user):
    code = services.generate_codes(eunpyeong_vote, 1, actor=staff_user)[0]
    for ballots, field in [
        ({"pb": ["P1", "P2", "P3", "P4"]}, "ballots.pb"),
        ({"pb": ["P1"], "governance": {"P1": 6}}, "ballots.governance"),
        ({"nope": ["P1"]}, "ballots.nope"),
        ({}, "ballots"),
        (["P1"], "ballots"),
    ]:
        with pytest.raises(ValidationError) as info:
            services.cast_with_code(eunpyeong_vote, code, ballots)
        assert field in info.value.message_dict, ballots
    assert not Ballot.objects.exists() and not VotingCode.objects.get().used
    services.cast_with_code(eunpyeong_vote, code, {"governance": {"P1": 5}})  # pb abstained
    assert Ballot.objects.count() == 1


def test_codes_after_close_and_outside_the_district(guro_vote, eunpyeong, staff_user):
    code = services.generate_codes(guro_vote, 1, actor=staff_user)[0]
    with pytest.raises(ValidationError) as info, override("en"):
        services.cast_with_code(guro_vote, code, {"pb": ["P1"]}, now=guro_vote.closes_at)
    assert "closed" in info.value.message_dict["__all__"][0]
    with pytest.raises(ValidationError) as info:
        services.generate_codes(guro_vote, 1, district=eunpyeong, actor=staff_user)
    assert "district_id" in info.value.message_dict
    assert not VotingCode.objects.get().used


def test_city_wide_codes_open_their_district_s_ballots(guro, eunpyeong, staff_user):
    election = make_vote(None, "seoul-citizen-pb", title="서울시")
    city = contest_of(election, "city")
    guro_ballot = Contest.objects.create(
        election=election, key="guro", name="구로구 사업", district=guro, budget=10**9,
        design="approval", rule="greedy", position=1,
    )  # fmt: skip
    Project.objects.create(contest=guro_ballot, code="G1", title="g", cost=10)
    guro_code = services.generate_codes(election, 1, district=guro, actor=staff_user)[0]
    plain_code = services.generate_codes(election, 1, actor=staff_user)[0]
    assert [c.key for c in services.code_paper(election, guro_code)] == ["city", "guro"]
    assert [c.key for c in services.code_paper(election, plain_code)] == ["city"]
    with pytest.raises(ValidationError) as info:
        services.cast_with_code(election, plain_code, {"guro": ["G1"]})
    assert "ballots.guro" in info.value.message_dict
    services.cast_with_code(election, guro_code, {"city": ["P1"], "guro": ["G1"]})
    assert Ballot.objects.filter(contest=city).count() == 1


# ---------------------------------------------------------------- paper


def test_paper_import_with_audit_record(pb, staff_user):
    data = b"P1;P2\n\n# box 3\nP3\nP4,P1\n  P2 ; P3  \n"
    batch = services.import_paper_ballots(pb, data, staff_user, file_name="box3.csv", note="3")
    assert (batch.count, batch.file_name, batch.imported_by) == (4, "box3.csv", staff_user)
    assert len(batch.sha256) == 64
    choices = sorted(tuple(b.choices) for b in Ballot.objects.filter(paper_batch=batch))
    assert choices == [("P1", "P2"), ("P1", "P4"), ("P2", "P3"), ("P3",)]
    assert set(Ballot.objects.values_list("channel", flat=True)) == {"paper"}
    event = AuditEvent.objects.get(model="voting.paperbatch")
    assert event.changes["count"] == [None, 4] and event.actor == staff_user
    assert event.district_id == pb.election.district_id


def test_the_same_file_twice_is_refused(pb, staff_user):
    services.import_paper_ballots(pb, b"P1\n", staff_user, file_name="a.csv")
    with pytest.raises(ValidationError) as info, override("en"):
        services.import_paper_ballots(pb, b"P1\n", staff_user, file_name="copy.csv")
    assert "already imported" in info.value.message_dict["file"][0]
    assert "a.csv" in info.value.message_dict["file"][0]
    assert Ballot.objects.count() == 1 and PaperBatch.objects.count() == 1


def test_a_file_with_bad_rows_is_refused_whole(pb, staff_user):
    data = b"P1\nP1;P2;P4\nP9\n\nP2;P2\nP3\n"
    with pytest.raises(ValidationError) as info, override("en"):
        services.import_paper_ballots(pb, data, staff_user)
    lines = info.value.message_dict["file"]
    assert [line.split(":")[0] for line in lines] == ["Line 2", "Line 3", "Line 5"]
    assert "more than the budget" in lines[0] and "no project P9" in lines[1]
    assert "more than once" in lines[2]
    assert not Ballot.objects.exists() and not PaperBatch.objects.exists()
    assert not AuditEvent.objects.filter(model="voting.paperbatch").exists()


def test_cumulative_paper_ballots(eunpyeong_vote, staff_user):
    contest = contest_of(eunpyeong_vote, "governance")
    services.import_paper_ballots(contest, b"P1:2;P2:3\nP3\nP4=5\n", staff_user)
    assert sorted(str(b.choices) for b in Ballot.objects.all()) == sorted(
        [str({"P1": 2, "P2": 3}), str({"P3": 1}), str({"P4": 5})]
    )
    with pytest.raises(ValidationError) as info:
        services.import_paper_ballots(contest, b"P1:9\nP1:x\nP1:1;P1:2\n", staff_user)
    assert len(info.value.message_dict["file"]) == 3


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"", "no ballots"), (b"\n# only a comment\n", "no ballots"), (b"\xff\xfe\x00", "UTF-8")],
)
def test_empty_or_binary_files(pb, staff_user, data, expected):
    with pytest.raises(ValidationError) as info, override("en"):
        services.import_paper_ballots(pb, data, staff_user)
    assert expected in info.value.message_dict["file"][0]


def test_paper_before_opening_or_after_publication(pb, staff_user):
    with pytest.raises(ValidationError):
        services.import_paper_ballots(pb, b"P1\n", staff_user, now=pb.election.opens_at - HOUR)
    # after close, before a count is published: still accepted (paper is counted late)
    services.import_paper_ballots(pb, b"P1\n", staff_user, now=pb.election.closes_at + DAY)
    run = CountRun.objects.create(contest=pb, rule="greedy", status="done")
    pb.published_run = run
    pb.save()
    with pytest.raises(ValidationError) as info, override("en"):
        services.import_paper_ballots(pb, b"P2\n", staff_user)
    assert "published" in info.value.message_dict["file"][0]


def test_many_bad_rows_are_summarised(pb, staff_user):
    data = b"P9\n" * 120
    with pytest.raises(ValidationError) as info, override("en"):
        services.import_paper_ballots(pb, data, staff_user)
    lines = info.value.message_dict["file"]
    assert len(lines) == services.MAX_PAPER_ERRORS_SHOWN + 1
    assert lines[-1] == "… and 70 more lines with errors."


# ---------------------------------------------------------------- counting input


def test_ballots_for_count_groups_identical_ballots_across_channels(pb, guro_vote, staff_user):
    for choices in (["P1", "P2"], ["P2", "P1"], ["P4"]):
        services.cast_ballot(pb, make_voter(guro_vote), choices)
    code = services.generate_codes(guro_vote, 1, actor=staff_user)[0]
    services.cast_with_code(guro_vote, code, {"pb": ["P4"]})
    services.import_paper_ballots(pb, b"P2;P1\nP3\n", staff_user)
    data = services.ballots_for_count(pb)
    assert data.ballots == [(("P1", "P2"), 3), (("P4",), 2), (("P3",), 1)]
    assert data.voters == 6
    assert data.projects == {"P1": 400_000_000, "P2": 300_000_000, "P3": 300_000_000,
                             "P4": 500_000_000}  # fmt: skip
    assert (data.budget, data.design, data.rule) == (1_000_000_000, "knapsack", "greedy")
    t = data.turnout
    assert (t.online, t.code, t.paper, t.ballots, t.participations, t.roll) == (3, 1, 2, 6, 3, 3)


def test_cumulative_count_input(eunpyeong_vote):
    contest = contest_of(eunpyeong_vote, "governance")
    for spread in ({"P1": 2, "P2": 3}, {"P2": 3, "P1": 2}, {"P3": 1}):
        services.cast_ballot(contest, make_voter(eunpyeong_vote), spread)
    data = services.ballots_for_count(contest)
    assert data.ballots == [((("P1", 2), ("P2", 3)), 2), ((("P3", 1),), 1)]
    assert data.points == 5
