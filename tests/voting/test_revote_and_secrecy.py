"""Revoting with a receipt, and ballot secrecy in the data model."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from hyeopchi.core.models import AuditEvent
from hyeopchi.voting import services
from hyeopchi.voting.models import Ballot, Participation, Voter
from tests.voting.conftest import make_voter

pytestmark = pytest.mark.django_db


def test_revote_leaves_exactly_one_counted_ballot(pb, voter):
    receipt = services.cast_ballot(pb, voter, ["P1"])
    assert len(services.normalize_code(receipt)) == 16 and receipt.count("-") == 3
    assert services.revote(pb, voter, receipt, ["P2", "P3"]) == receipt
    assert services.revote(pb, voter, receipt.lower().replace("-", " "), ["P4"]) == receipt
    counted = Ballot.objects.filter(contest=pb, superseded=False)
    assert [b.choices for b in counted] == [["P4"]]
    assert Ballot.objects.filter(superseded=True).count() == 2  # kept, never counted
    assert not Ballot.objects.filter(superseded=True, receipt_hash__isnull=False).exists()
    assert Participation.objects.count() == 1
    assert services.ballots_for_count(pb).ballots == [(("P4",), 1)]


def test_revote_with_a_wrong_receipt(pb, voter):
    receipt = services.cast_ballot(pb, voter, ["P1"])
    # one character off (never the receipt's own last character: 1 in 31 receipts ends in 2)
    off_by_one = receipt[:-1] + ("3" if receipt.endswith("2") else "2")
    for wrong in ["", "ABCD", "ABCD-EFGH-JKMN-PQRS", off_by_one, None, 5, "ö" * 16]:
        with pytest.raises(ValidationError) as info, override("en"):
            services.revote(pb, voter, wrong, ["P2"])
        assert info.value.message_dict["receipt"] == [
            "This receipt does not belong to your ballot."
        ]
    assert [b.choices for b in Ballot.objects.all()] == [["P1"]]


def test_another_voter_s_receipt_does_not_work(pb, guro_vote):
    alice, bob = make_voter(guro_vote), make_voter(guro_vote)
    alice_receipt = services.cast_ballot(pb, alice, ["P1"])
    services.cast_ballot(pb, bob, ["P2"])
    with pytest.raises(ValidationError):
        services.revote(pb, bob, alice_receipt, ["P3"])
    assert sorted(b.choices[0] for b in Ballot.objects.filter(superseded=False)) == ["P1", "P2"]


def test_revote_is_validated_and_needs_a_ballot_first(pb, voter):
    with pytest.raises(ValidationError) as info, override("en"):
        services.revote(pb, voter, "ABCD-EFGH-JKMN-PQRS", ["P1"])
    assert "receipt" in info.value.message_dict  # the receipt cannot be this voter's
    receipt = services.cast_ballot(pb, voter, ["P1"])
    with pytest.raises(ValidationError) as info:
        services.revote(pb, voter, receipt, ["P1", "P2", "P4"])  # over the budget
    assert "choices" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.revote(pb, voter, receipt, ["P2"], now=pb.election.closes_at)
    assert [b.choices for b in Ballot.objects.all()] == [["P1"]]


def test_a_ballot_has_no_column_linking_it_to_a_voter_or_a_time():
    columns = {f.name: f for f in Ballot._meta.get_fields()}
    assert set(columns) == {
        "id",
        "contest",
        "choices",
        "channel",
        "receipt_hash",
        "superseded",
        "paper_batch",
    }
    for f in Ballot._meta.concrete_fields:
        assert f.get_internal_type() not in {"DateTimeField", "DateField", "TimeField"}, f.name
        if f.is_relation:
            assert f.related_model._meta.label in {"voting.Contest", "voting.PaperBatch"}
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"  # random, not a sequence


def test_the_roll_carries_no_ballot():
    fields = {f.name for f in Participation._meta.get_fields()}
    assert fields == {"id", "voter", "contest", "voted_on"}
    assert Participation._meta.get_field("voted_on").get_internal_type() == "DateField"
    for model in (Participation, Voter):
        for f in model._meta.get_fields():
            assert getattr(f, "related_model", None) is not Ballot, (model, f.name)


def test_casting_leaves_no_audit_trail(pb, voter):
    before = AuditEvent.objects.count()
    receipt = services.cast_ballot(pb, voter, ["P1"])
    services.revote(pb, voter, receipt, ["P2"])
    assert AuditEvent.objects.count() == before


def test_the_receipt_is_not_stored(pb, voter):
    receipt = services.cast_ballot(pb, voter, ["P1"])
    plain = services.normalize_code(receipt)
    ballot = Ballot.objects.get()
    assert plain not in str(ballot.__dict__) and receipt not in str(ballot.__dict__)
    assert ballot.receipt_hash == services.sha256(plain)
