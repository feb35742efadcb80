"""Agenda services: sources, merging, review, screening, the subcommittee's decision,
re-opening; every step audited with who and why, proposers told at each step."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from hyeopchi.core import audit
from hyeopchi.directory.models import OrganisationType
from hyeopchi.participation import services_agendas as agendas
from hyeopchi.participation.models import (
    AgendaSource,
    AgendaStatus,
    DepartmentReview,
    Notification,
    Screening,
    SourceKind,
)
from hyeopchi.participation.services_agendas import SourceSpec
from tests.participation.test_agendas_world import (  # noqa: F401 - fixture
    PASS,
    decision_of,
    department,
    fast_passwords,
    make_idea,
    make_proposal,
    new_agenda,
)

pytestmark = pytest.mark.django_db(transaction=False)


def errors_of(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


def test_an_agenda_from_every_kind_of_source(guro, guro_clerk, django_capture_on_commit_callbacks):
    proposal = make_proposal(guro)
    idea = make_idea(guro)
    dept = department(guro, "녹색환경과")
    with django_capture_on_commit_callbacks(execute=True):
        agenda = agendas.create_agenda(
            guro,
            2020,
            "  시민과 함께하는 ◦◦천 환경개선 ",
            [
                SourceSpec(kind=SourceKind.PROPOSAL, proposal_id=proposal.pk),
                SourceSpec(kind=SourceKind.FORUM_IDEA, forum_idea_id=idea.pk),
                SourceSpec(kind=SourceKind.DEPARTMENT, department_id=dept.pk),
                SourceSpec(
                    kind=SourceKind.TRANSFERRED_PB,
                    transfer_reference="2020-시민참여예산-0412",
                    transfer_amount=331_690_000,
                    note="시 참여예산 홈페이지에서 이관",
                ),
            ],
            description="<b>굵게</b>\r\n둘째 줄",
            actor=guro_clerk,
        )
    assert agenda.title == "시민과 함께하는 ◦◦천 환경개선"
    assert agenda.description == "<b>굵게</b>\n둘째 줄"  # stored as plain text, escaped when shown
    assert agenda.status == AgendaStatus.PROPOSED
    assert sorted(agenda.sources.values_list("kind", flat=True)) == sorted(SourceKind.values)
    transfer = agenda.sources.get(kind=SourceKind.TRANSFERRED_PB)
    assert transfer.transfer_amount == 331_690_000
    event = audit.history(agenda).get()
    assert event.action == "created" and event.actor == guro_clerk
    assert event.changes["proposals"] == [proposal.pk]
    # The proposer hears of it, in the inbox and by e-mail.
    note = Notification.objects.get(user=proposal.author)
    assert proposal.title in note.message and agenda.title in note.message
    assert note.url == f"/agendas/{agenda.pk}/"
    assert [m.to for m in mail.outbox] == [[proposal.author.email]]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (SourceSpec(kind=SourceKind.PROPOSAL), "choose the proposal"),
        (SourceSpec(kind=SourceKind.PROPOSAL, proposal_id=10**9), "no proposal with id"),
        (SourceSpec(kind=SourceKind.FORUM_IDEA, forum_idea_id=-4), "no forum idea"),
        (SourceSpec(kind=SourceKind.DEPARTMENT), "choose the department"),
        (SourceSpec(kind=SourceKind.TRANSFERRED_PB), "reference"),
        (SourceSpec(kind=SourceKind.TRANSFERRED_PB, transfer_reference="x" * 101), "100"),
        (
            SourceSpec(kind=SourceKind.TRANSFERRED_PB, transfer_reference="a", transfer_amount=-1),
            "between 0",
        ),
        (
            SourceSpec(kind=SourceKind.TRANSFERRED_PB, transfer_reference="a", transfer_amount=1.5),
            "whole number",
        ),
        (SourceSpec(kind="rumour"), "kind of source"),
    ],
)
def test_bad_sources_are_named_and_nothing_is_saved(guro, spec, message, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        agendas.create_agenda(guro, 2020, "의제", [spec])
    assert message in " ".join(errors_of(exc)["sources"])
    assert not AgendaSource.objects.exists()


def test_sources_must_be_of_the_agendas_district(guro, eunpyeong):
    from django.utils import translation

    foreign = [
        SourceSpec(kind=SourceKind.PROPOSAL, proposal_id=make_proposal(eunpyeong).pk),
        SourceSpec(kind=SourceKind.FORUM_IDEA, forum_idea_id=make_idea(eunpyeong).pk),
        SourceSpec(kind=SourceKind.DEPARTMENT, department_id=department(eunpyeong).pk),
        SourceSpec(kind=SourceKind.DEPARTMENT, department_id=department(None, "서울협치담당관").pk),
        SourceSpec(
            kind=SourceKind.DEPARTMENT,
            department_id=department(guro, "구로시민연대", type=OrganisationType.NONPROFIT).pk,
        ),
    ]
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        agendas.create_agenda(guro, 2020, "의제", foreign)
    problems = errors_of(exc)["sources"]
    assert len(problems) == 5
    assert problems[0].startswith("Source 1: the proposal is one of another district")
    assert "not an administrative unit" in problems[4]


def test_an_agenda_needs_a_title_a_year_and_a_source(guro):
    with pytest.raises(ValidationError) as exc:
        agendas.create_agenda(guro, 1999, "  ", [], category="wish")
    assert set(errors_of(exc)) == {"title", "year", "sources", "category"}
    with pytest.raises(ValidationError) as exc:
        agendas.create_agenda(
            guro,
            2020,
            "가" * 201,
            [SourceSpec(kind="proposal", proposal_id=make_proposal(guro).pk)],
        )
    assert "201" in errors_of(exc)["title"][0]


def test_the_same_source_twice_is_refused(guro):
    proposal = make_proposal(guro)
    spec = SourceSpec(kind=SourceKind.PROPOSAL, proposal_id=proposal.pk)
    with pytest.raises(ValidationError):
        agendas.create_agenda(guro, 2020, "의제", [spec, spec])
    agenda = agendas.create_agenda(guro, 2020, "의제", [spec])
    with pytest.raises(ValidationError):
        agendas.add_sources(agenda, [spec])
    idea = make_idea(guro)
    agendas.add_sources(agenda, [SourceSpec(kind=SourceKind.FORUM_IDEA, forum_idea_id=idea.pk)])
    assert agenda.sources.count() == 2


def test_merging_keeps_every_source_reachable_from_the_survivor(
    guro, guro_clerk, django_capture_on_commit_callbacks
):
    a, b, c = (new_agenda(guro, guro_clerk) for _ in range(3))
    proposers = {x.sources.get().proposal.author for x in (a, b, c)}
    with django_capture_on_commit_callbacks(execute=True):
        survivor = agendas.merge_agendas(
            [b, c], into=a, actor=guro_clerk, reason="같은 하천의 과제로 융합"
        )
    assert survivor == a
    for merged in (b, c):
        merged.refresh_from_db()
        assert merged.status == AgendaStatus.MERGED and merged.merged_into == a
        assert merged.sources.count() == 1  # the link stays where it was made
        assert audit.history(merged).last().reason == "같은 하천의 과제로 융합"
    everything = agendas.sources_by_agenda([a, b, c])
    assert len(everything[a.pk]) == 3
    assert len(agendas.linked_proposals(a)) == 3
    # Merged again into a new agenda: the chain is followed through both merges.
    d = new_agenda(guro, guro_clerk)
    top = agendas.merge_agendas([a, d], title="시민과 함께하는 ◦◦천 환경개선", actor=guro_clerk)
    assert top.pk not in (a.pk, d.pk) and top.sources.count() == 0
    assert len(agendas.linked_proposals(top)) == 4
    assert agendas.survivor_of(b) == top
    assert len(agendas.sources_by_agenda([a, b, c, d, top])[top.pk]) == 4
    # Proposers of the merged agendas were told (the survivor's own proposer was not).
    told = {n.user for n in Notification.objects.filter(message__contains="merged")}
    assert told <= proposers | {d.sources.get().proposal.author}


def test_merge_refusals(guro, eunpyeong, guro_clerk):
    a, b = new_agenda(guro), new_agenda(guro)
    other = new_agenda(eunpyeong)
    with pytest.raises(ValidationError) as exc:
        agendas.merge_agendas([a], title="하나")
    assert "agendas" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        agendas.merge_agendas([a, other], title="둘")
    assert "agendas" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        agendas.merge_agendas([a, b], title="")
    assert "title" in errors_of(exc)
    agendas.review(a, department(guro), True, "가능", guro_clerk)
    agendas.screen(a, PASS, guro_clerk)  # screened agendas are no longer merged
    with pytest.raises(ValidationError) as exc:
        agendas.merge_agendas([a], into=b)
    assert "agendas" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        agendas.merge_agendas([b], into=a)
    assert "into" in errors_of(exc)
    b.refresh_from_db()
    assert b.status == AgendaStatus.PROPOSED


def test_review_screen_and_decide_shortlist_an_agenda(guro, guro_clerk):
    agenda = new_agenda(guro, guro_clerk)
    dept = department(guro, "녹색환경과")
    agendas.review(agenda, dept, True, "하천 정비 계획과 연계 가능", guro_clerk)
    agendas.review(agenda, department(guro, "건설과"), True, "보행로 확장 가능", guro_clerk)
    assert agenda.status == AgendaStatus.DEPT_REVIEWED
    assert DepartmentReview.objects.filter(agenda=agenda).count() == 2
    agendas.screen(agenda, PASS, guro_clerk)
    assert agenda.status == AgendaStatus.SCREENED
    decision = decision_of(guro)
    agendas.decide_suitability(agenda, decision, True, guro_clerk)
    agenda.refresh_from_db()
    assert agenda.status == AgendaStatus.SHORTLISTED
    assert agenda.suitability_decision == decision and agenda.subcommittee == decision.body
    steps = [(e.action, e.actor, e.changes.get("status")) for e in audit.history(agenda)]
    assert steps == [
        ("created", guro_clerk, None),
        ("reviewed: feasible", guro_clerk, ["proposed", "dept_reviewed"]),
        ("reviewed: feasible", guro_clerk, None),
        ("screened: suitable", guro_clerk, ["dept_reviewed", "screened"]),
        ("decided: shortlisted", guro_clerk, ["screened", "shortlisted"]),
    ]
    assert audit.history(agenda)[1].reason == "하천 정비 계획과 연계 가능"


def test_infeasible_and_unsuitable_agendas_stop_but_stay(guro, guro_clerk):
    infeasible = new_agenda(guro)
    agendas.review(infeasible, department(guro), False, "예산 사업으로 추진 중", guro_clerk)
    assert infeasible.status == AgendaStatus.INFEASIBLE
    unsuitable = new_agenda(guro)
    agendas.review(unsuitable, department(guro, "건설과"), True, "가능", guro_clerk)
    findings = {**PASS, "public_interest": False, "public_interest_reason": "특정 단체의 요구"}
    screening = agendas.screen(unsuitable, findings, guro_clerk)
    assert not screening.passed and unsuitable.status == AgendaStatus.UNSUITABLE
    assert "공익성" in audit.history(unsuitable).last().reason
    rejected = new_agenda(guro)
    agendas.review(rejected, department(guro, "자치행정과"), True, "가능", guro_clerk)
    agendas.screen(rejected, PASS, guro_clerk)
    agendas.decide_suitability(rejected, decision_of(guro), False, guro_clerk)
    assert rejected.status == AgendaStatus.UNSUITABLE
    # Re-opening (재심의) needs a reason.
    with pytest.raises(ValidationError) as exc:
        agendas.reopen(infeasible, guro_clerk, "  ")
    assert "reason" in errors_of(exc)
    agendas.reopen(infeasible, guro_clerk, "사업 범위를 조정하여 재심의")
    assert infeasible.status == AgendaStatus.PROPOSED


def test_steps_out_of_order_are_refused_with_what_is_possible(guro, guro_clerk):
    from django.utils import translation

    agenda = new_agenda(guro)
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            agendas.screen(agenda, PASS, guro_clerk)
        message = errors_of(exc)["status"][0]
        assert "“proposed”" in message and "department review" in message
        with pytest.raises(ValidationError) as exc:
            agendas.decide_suitability(agenda, decision_of(guro), True, guro_clerk)
        assert "status" in errors_of(exc)
    assert not Screening.objects.exists()
    assert [e.action for e in audit.history(agenda)] == ["created"]


def test_screening_needs_every_property_with_a_reason(guro, guro_clerk):
    agenda = new_agenda(guro)
    agendas.review(agenda, department(guro), True, "가능", guro_clerk)
    findings = {**PASS, "cooperation": None, "openness_reason": " "}
    with pytest.raises(ValidationError) as exc:
        agendas.screen(agenda, findings, guro_clerk)
    assert set(errors_of(exc)) == {"cooperation", "openness_reason"}
    assert agenda.status == AgendaStatus.DEPT_REVIEWED


def test_the_decision_must_be_of_a_body_of_the_district(guro, eunpyeong, guro_clerk):
    agenda = new_agenda(guro)
    agendas.review(agenda, department(guro), True, "가능", guro_clerk)
    agendas.screen(agenda, PASS, guro_clerk)
    with pytest.raises(ValidationError) as exc:
        agendas.decide_suitability(agenda, decision_of(eunpyeong), True, guro_clerk)
    assert "decision" in errors_of(exc)
    with pytest.raises(ValidationError):
        agendas.decide_suitability(agenda, None, True, guro_clerk)
    agenda.refresh_from_db()
    assert agenda.status == AgendaStatus.SCREENED


def test_review_needs_an_opinion_and_a_department_of_the_district(guro, eunpyeong, guro_clerk):
    agenda = new_agenda(guro)
    with pytest.raises(ValidationError) as exc:
        agendas.review(agenda, department(eunpyeong), True, "", guro_clerk)
    assert set(errors_of(exc)) == {"department", "opinion"}
    with pytest.raises(ValidationError) as exc:
        agendas.review(agenda, None, True, "가능", guro_clerk)
    assert set(errors_of(exc)) == {"department"}
    assert agenda.status == AgendaStatus.PROPOSED


def test_proposers_are_told_at_every_step(guro, guro_clerk, django_capture_on_commit_callbacks):
    proposal = make_proposal(guro)
    with django_capture_on_commit_callbacks(execute=True):
        agenda = new_agenda(guro, guro_clerk, proposal=proposal)
        agendas.review(agenda, department(guro, "녹색환경과"), True, "가능", guro_clerk)
        agendas.screen(agenda, PASS, guro_clerk)
        agendas.decide_suitability(agenda, decision_of(guro), True, guro_clerk)
    inbox = list(Notification.objects.filter(user=proposal.author).order_by("id"))
    assert len(inbox) == 4
    assert "녹색환경과" in inbox[1].message
    assert len(mail.outbox) == 4 and all(m.to == [proposal.author.email] for m in mail.outbox)
