"""Priority rounds against the database: set-up rules, the online window at its edges,
one vote per resident (the database refuses a second), panel scores, on-site tallies,
publication ranking every agenda and selecting the top N; proposers told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hyeopchi.core import audit
from hyeopchi.participation import services_priority as rounds
from hyeopchi.participation.models import (
    AgendaCategory,
    AgendaStatus,
    Notification,
    PriorityRound,
    PriorityVote,
)
from tests.conftest import make_user
from tests.participation.test_agendas_world import (  # noqa: F401 - fixture
    fast_passwords,
    open_round,
    resident,
    shortlisted,
)

pytestmark = pytest.mark.django_db


def errors_of(exc) -> dict:
    return exc.value.message_dict


@pytest.fixture
def ballot(guro, guro_clerk):
    return [shortlisted(guro, guro_clerk, title=f"의제 {n}") for n in range(3)]


def test_the_window_at_its_edges(guro, guro_clerk, ballot):
    opens = timezone.make_aware(dt.datetime(2020, 6, 5))
    closes = timezone.make_aware(dt.datetime(2020, 6, 12))
    r = open_round(guro, ballot, guro_clerk, online_opens_at=opens, online_closes_at=closes)
    voter = resident(guro)
    second = dt.timedelta(seconds=1)
    with pytest.raises(ValidationError) as exc:
        rounds.cast_vote(r, voter, [ballot[0].pk], now=opens - second)
    assert "not opened" in str(exc.value) or "시작되지" in str(exc.value)
    with pytest.raises(ValidationError):
        rounds.cast_vote(r, voter, [ballot[0].pk], now=closes)
    assert not PriorityVote.objects.exists()
    rounds.cast_vote(r, voter, [ballot[0].pk], now=opens)
    rounds.cast_vote(r, resident(guro), [ballot[1].pk], now=closes - second)
    assert PriorityVote.objects.count() == 2


def test_one_vote_per_resident_and_round(guro, guro_clerk, ballot):
    r = open_round(guro, ballot, guro_clerk)
    voter = resident(guro)
    rounds.cast_vote(r, voter, [ballot[0].pk, ballot[1].pk])
    with pytest.raises(ValidationError) as exc:
        rounds.cast_vote(r, voter, [ballot[2].pk])
    assert "__all__" in errors_of(exc)
    # The database refuses it too, whatever the code in front of it does.
    with pytest.raises(IntegrityError), transaction.atomic():
        PriorityVote.objects.create(round=r, user=voter, agendas=[ballot[2].pk])
    assert PriorityVote.objects.get().agendas == [ballot[0].pk, ballot[1].pk]


@pytest.mark.parametrize(
    "choices",
    [[], "all four", [-1], ["x"], [1.5]],
)
def test_bad_choices_are_refused(guro, guro_clerk, ballot, choices):
    r = open_round(guro, ballot, guro_clerk)
    if choices == "all four":
        choices = [a.pk for a in ballot] + [shortlisted(guro, guro_clerk).pk]
    with pytest.raises(ValidationError) as exc:
        rounds.cast_vote(r, resident(guro), choices)
    assert "agendas" in errors_of(exc)
    assert not PriorityVote.objects.exists()


def test_more_choices_than_the_policy_allows(guro, guro_clerk):
    agendas = [shortlisted(guro, guro_clerk) for _ in range(4)]
    r = open_round(guro, agendas, guro_clerk, selected_count=None)
    with pytest.raises(ValidationError) as exc:
        rounds.cast_vote(r, resident(guro), [a.pk for a in agendas])  # 노원: at most 3
    assert "agendas" in errors_of(exc)
    rounds.cast_vote(r, resident(guro), [a.pk for a in agendas[:3]])


def test_only_residents_of_the_district_vote(guro, eunpyeong, guro_clerk, ballot):
    r = open_round(guro, ballot, guro_clerk)
    for outsider in [resident(eunpyeong), make_user("no-residency")]:
        with pytest.raises(ValidationError) as exc:
            rounds.cast_vote(r, outsider, [ballot[0].pk])
        assert "구로구" in str(exc.value) or "Guro" in str(exc.value)
    assert rounds.voter_problem(r, None)


def test_a_policy_may_require_verified_residency(guro, guro_clerk, ballot, monkeypatch):
    r = open_round(guro, ballot, guro_clerk)
    policy = rounds.policy_of(r).model_copy(update={"residency": "verified"})
    monkeypatch.setattr(rounds, "policy_of", lambda _r: policy)
    with pytest.raises(ValidationError):
        rounds.cast_vote(r, resident(guro), [ballot[0].pk])
    rounds.cast_vote(r, resident(guro, verified=True), [ballot[0].pk])


def test_round_set_up_rules(guro, eunpyeong, guro_clerk, ballot):
    now = timezone.now()
    cases = [
        ({"title": " "}, "title"),
        ({"policy_key": "no-such-policy"}, "policy_key"),
        ({"online_closes_at": now - dt.timedelta(days=2)}, "online_closes_at"),
        ({"online_closes_at": None}, "online_closes_at"),
        ({"selected_count": 4}, "selected_count"),
        ({"policy_key": "eunpyeong-criteria"}, "category"),  # separate ballots
        ({"year": 2021}, "agendas"),
    ]
    for change, field in cases:
        with pytest.raises(ValidationError) as exc:
            open_round(guro, ballot, guro_clerk, **change)
        assert field in errors_of(exc), change
    with pytest.raises(ValidationError) as exc:
        open_round(eunpyeong, ballot, guro_clerk)
    assert "agendas" in errors_of(exc)
    assert not PriorityRound.objects.exists()
    r = open_round(guro, ballot, guro_clerk)
    with pytest.raises(ValidationError) as exc:
        open_round(guro, ballot[:1], guro_clerk)  # already on another open ballot
    assert "agendas" in errors_of(exc)
    assert audit.history(r).get().action == "created"


def test_separate_ballots_for_participatory_budget_and_governance_items(guro, guro_clerk):
    gov = [shortlisted(guro, guro_clerk) for _ in range(2)]
    pb = [shortlisted(guro, guro_clerk, category=AgendaCategory.PARTICIPATORY_BUDGET)]
    kw = {"policy_key": "eunpyeong-criteria", "selected_count": 1}
    with pytest.raises(ValidationError) as exc:
        open_round(guro, gov + pb, guro_clerk, category=AgendaCategory.GOVERNANCE, **kw)
    assert "agendas" in errors_of(exc)
    g = open_round(guro, gov, guro_clerk, category=AgendaCategory.GOVERNANCE, **kw)
    p = open_round(guro, pb, guro_clerk, category=AgendaCategory.PARTICIPATORY_BUDGET, **kw)
    voter = resident(guro)
    rounds.cast_vote(g, voter, [gov[0].pk])
    rounds.cast_vote(p, voter, [pb[0].pk])  # one vote in each ballot
    with pytest.raises(ValidationError):
        rounds.cast_vote(g, voter, [pb[0].pk])


def test_scores_and_tallies_are_checked_and_replaceable(guro, guro_clerk):
    agendas = [shortlisted(guro, guro_clerk) for _ in range(2)]
    r = open_round(
        guro,
        agendas,
        guro_clerk,
        policy_key="eunpyeong-criteria",
        category=AgendaCategory.GOVERNANCE,
    )
    sheet = {
        "public_interest": 9,
        "urgency": 8,
        "beneficiaries": 7,
        "achievability": 6,
        "effectiveness": 5,
        "governance": 10,
        "partner_will": 10,
    }
    with pytest.raises(ValidationError) as exc:
        rounds.enter_scores(r, agendas[0], guro_clerk, {**sheet, "urgency": 11}, guro_clerk)
    assert list(errors_of(exc)) == ["urgency"]
    rounds.enter_scores(r, agendas[0], guro_clerk, sheet, guro_clerk)
    rounds.enter_scores(r, agendas[0], guro_clerk, {**sheet, "urgency": 10}, guro_clerk)
    assert r.scores.get().scores["urgency"] == 10
    with pytest.raises(ValidationError) as exc:
        rounds.enter_tallies(
            r,
            [
                (agendas[0].pk, "현장투표", 5),
                (agendas[1].pk, "우편", 1),
                (agendas[1].pk, "모바일", -1),
            ],
            guro_clerk,
        )
    assert len(errors_of(exc)["tallies"]) == 2
    assert not r.tallies.exists()  # nothing half-saved
    rounds.enter_tallies(r, [(agendas[0].pk, "현장투표", 5)], guro_clerk)
    rounds.enter_tallies(r, [(agendas[0].pk, "현장투표", 7)], guro_clerk)
    assert r.tallies.get().votes == 7


def test_publication_ranks_every_agenda_and_selects_the_top_n(
    guro, guro_clerk, django_capture_on_commit_callbacks
):
    agendas = [shortlisted(guro, guro_clerk, title=f"의제 {n}") for n in range(4)]
    r = open_round(guro, agendas, guro_clerk, selected_count=2)
    a, b, c, d = agendas
    for choices in [[a.pk, b.pk], [b.pk], [c.pk, b.pk], [d.pk]]:
        rounds.cast_vote(r, resident(guro), choices)
    rounds.enter_tallies(
        r, [(a.pk, "현장투표", 3), (c.pk, "현장투표", 2), (d.pk, "현장투표", 1)], guro_clerk
    )
    # a: 1+3 = 4, b: 3, c: 1+2 = 3, d: 1+1 = 2 → b and c tie on 3; b has more online votes.
    with pytest.raises(ValidationError) as exc:
        rounds.publish(r, guro_clerk)
    assert "__all__" in errors_of(exc)  # the window is still open
    later = r.online_closes_at
    with django_capture_on_commit_callbacks(execute=True):
        rounds.publish(r, guro_clerk, now=later)
    for agenda in agendas:
        agenda.refresh_from_db()
    assert [(x.rank, x.status) for x in agendas] == [
        (1, AgendaStatus.SELECTED),
        (2, AgendaStatus.SELECTED),
        (3, AgendaStatus.DEFERRED),
        (4, AgendaStatus.DEFERRED),
    ]
    rows = r.result["rows"]
    assert [row["agenda_id"] for row in rows] == [a.pk, b.pk, c.pk, d.pk]
    assert rows[1]["tie_broken_by"] == "online_votes" and rows[1]["online"] == 3
    assert rows[0]["onsite"] == {"현장투표": 3} and rows[0]["total"] == "4"
    assert r.result["online_voters"] == 4 and r.result["tie_break_note"]
    # Every agenda went ranked → selected/deferred, audited; proposers were told.
    actions = [e.action for e in audit.history(c)][-2:]
    assert actions == ["ranked", "deferred"]
    told = Notification.objects.filter(message__contains="4개 중")
    assert told.count() == 4 and len(mail.outbox) >= 4
    # Closed: no more votes, tallies, scores or a second publication.
    with pytest.raises(ValidationError):
        rounds.publish(r, guro_clerk, now=later)
    with pytest.raises(ValidationError):
        rounds.enter_tallies(r, [(a.pk, "현장투표", 9)], guro_clerk)
    with pytest.raises(ValidationError):
        rounds.cast_vote(r, resident(guro), [a.pk], now=later - dt.timedelta(seconds=1))


def test_publication_needs_n(guro, guro_clerk, ballot):
    r = open_round(guro, ballot, guro_clerk, selected_count=None)
    with pytest.raises(ValidationError) as exc:
        rounds.publish(r, guro_clerk, now=r.online_closes_at)
    assert "selected_count" in errors_of(exc)


def test_the_ballot_cannot_change_once_votes_came_in(guro, guro_clerk, ballot):
    r = open_round(guro, ballot, guro_clerk)
    rounds.cast_vote(r, resident(guro), [ballot[0].pk])
    with pytest.raises(ValidationError) as exc:
        rounds.save_round(r, [a.pk for a in ballot[:2]], guro_clerk)
    assert "agendas" in errors_of(exc)
    r.title = "2020 의제 우선순위 투표 (연장)"
    r.online_closes_at += dt.timedelta(days=1)
    rounds.save_round(r, None, guro_clerk)
    assert audit.history(r).last().changes["title"][1] == "2020 의제 우선순위 투표 (연장)"
