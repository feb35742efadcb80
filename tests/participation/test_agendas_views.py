"""Agenda pages: the public list and page, and the staff steps from creation to the
subcommittee's decision; permissions, bad input kept on the form, constant queries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hyeopchi.core.models import Role
from hyeopchi.participation import services_agendas as agendas
from hyeopchi.participation.models import Agenda, AgendaSource, AgendaStatus, SourceKind
from hyeopchi.participation.services_agendas import SourceSpec
from tests.conftest import make_user
from tests.participation.test_agendas_world import (  # noqa: F401 - fixture
    PASS,
    decision_of,
    department,
    fast_passwords,
    make_idea,
    make_proposal,
    new_agenda,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def clerk_client(client, guro_clerk):
    client.force_login(guro_clerk)
    return client


def test_a_clerk_takes_an_agenda_from_sources_to_the_shortlist(clerk_client, guro, guro_clerk):
    proposal = make_proposal(guro, title="◦◦천 보행환경 개선")
    proposal.status = "in_debate"
    proposal.save()
    idea = make_idea(guro)
    dept = department(guro, "녹색환경과")
    page = clerk_client.get(reverse("agendas:create", args=[guro.code]))
    assert page.status_code == 200 and "◦◦천 보행환경 개선" in text(page)
    response = clerk_client.post(
        reverse("agendas:create", args=[guro.code]),
        {
            "title": "시민과 함께하는 ◦◦천 환경개선",
            "description": "하천 주변 환경을\n함께 개선합니다.",
            "category": "governance",
            "year": "2020",
            "proposals": [proposal.pk],
            "forum_ideas": [idea.pk],
            "departments": [dept.pk],
            "transfers": "2020-시민참여예산-0412; 331,690,000; 보행환경 개선",
        },
    )
    agenda = Agenda.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/agendas/{agenda.pk}/"
    assert agenda.sources.count() == 4
    assert agenda.sources.get(kind=SourceKind.TRANSFERRED_PB).transfer_amount == 331_690_000

    response = clerk_client.post(
        reverse("agendas:review", args=[agenda.pk]),
        {"department": dept.pk, "feasible": "yes", "opinion": "하천 정비 계획과 연계"},
    )
    assert response.status_code == 302
    response = clerk_client.post(
        reverse("agendas:screen", args=[agenda.pk]),
        {k: ("yes" if v is True else v) for k, v in PASS.items()},
    )
    assert response.status_code == 302
    decision = decision_of(guro)
    response = clerk_client.post(
        reverse("agendas:decide", args=[agenda.pk]),
        {"decision": decision.pk, "suitable": "yes"},
    )
    assert response.status_code == 302
    agenda.refresh_from_db()
    assert agenda.status == AgendaStatus.SHORTLISTED

    page = text(clerk_client.get(reverse("agendas:detail", args=[agenda.pk])))
    assert "하천 주변 환경을<br>함께 개선합니다." in page
    assert reverse("bodies:decision", args=[decision.pk]) in page
    assert "녹색환경과" in page and "3억 3,169만 원" in page


def test_the_public_list_shows_every_agenda_with_its_sources(client, guro, guro_clerk):
    proposal = make_proposal(guro, title="◦◦천 화장실 개보수")
    kept = new_agenda(guro, guro_clerk, title="하천 환경개선", proposal=proposal)
    agendas.add_sources(
        kept,
        [
            SourceSpec(
                kind=SourceKind.TRANSFERRED_PB,
                transfer_reference="이관-0412",
                transfer_amount=1_050_000_000,
            )
        ],
    )
    infeasible = new_agenda(guro, guro_clerk, title="구청 신청사 건립")
    agendas.review(infeasible, department(guro), False, "예산 규모가 큼", guro_clerk)
    merged = new_agenda(guro, guro_clerk, title="◦◦천 시민 관리단")
    agendas.merge_agendas([merged], into=kept, reason="같은 하천", actor=guro_clerk)
    other_year = new_agenda(guro, guro_clerk, title="다른 해")
    Agenda.objects.filter(pk=other_year.pk).update(year=2021)

    page = text(client.get(reverse("agendas:list", args=[guro.code]) + "?year=2020"))
    assert "하천 환경개선" in page and "구청 신청사 건립" in page  # infeasible stays listed
    assert "다른 해" not in page
    assert "10억 5,000만 원" in page
    assert "◦◦천 화장실 개보수" in page
    assert "◦◦천 시민 관리단" in page  # merged in, shown under the survivor
    assert proposal.author.username not in page
    url = reverse("agendas:list", args=[guro.code])
    page = text(client.get(url + "?year=2020&status=infeasible"))
    assert "구청 신청사 건립" in page and "하천 환경개선" not in page
    # Bad filters never fail.
    for query in ["?year=abcd", "?year=99999", "?status=<b>", "?category=x"]:
        assert client.get(reverse("agendas:list", args=[guro.code]) + query).status_code == 200


@pytest.mark.parametrize("rows", [2, 10])
def test_the_list_page_issues_constant_queries(
    client, guro, guro_clerk, rows, django_assert_max_num_queries
):
    for n in range(rows):
        a = new_agenda(guro, guro_clerk, title=f"의제 {n}")
        agendas.add_sources(
            a, [SourceSpec(kind=SourceKind.FORUM_IDEA, forum_idea_id=make_idea(guro).pk)]
        )
        agendas.add_sources(
            a,
            [SourceSpec(kind=SourceKind.DEPARTMENT, department_id=department(guro, f"부서{n}").pk)],
        )
    url = reverse("agendas:list", args=[guro.code]) + "?year=2020"
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert text(response).count('class="vote-card"') == rows


def test_staff_pages_need_the_districts_staff(client, guro, eunpyeong):
    agenda = new_agenda(guro)
    urls = [
        reverse("agendas:create", args=[guro.code]),
        reverse("agendas:merge", args=[guro.code]),
        reverse("agendas:edit", args=[agenda.pk]),
        reverse("agendas:sources", args=[agenda.pk]),
        reverse("agendas:review", args=[agenda.pk]),
        reverse("agendas:screen", args=[agenda.pk]),
        reverse("agendas:decide", args=[agenda.pk]),
        reverse("agendas:reopen", args=[agenda.pk]),
        reverse("agendas:round_create", args=[guro.code]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to sign in
    client.force_login(make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong))
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "x"}).status_code == 403, url
    client.force_login(make_user("resident-x"))
    assert client.post(urls[4], {"opinion": "x"}).status_code == 403
    client.force_login(make_user("city-x", Role.CITY_OFFICER))
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert agenda.reviews.count() == 0


def test_bad_input_keeps_what_was_typed(clerk_client, guro):
    response = clerk_client.post(
        reverse("agendas:create", args=[guro.code]),
        {
            "title": "내 의제",
            "category": "governance",
            "year": "2020",
            "proposal_numbers": "12, abc",
            "transfers": "이관-1; 백만원",
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "“abc”" in page and "1행" in page  # both bad fields are named
    assert 'value="내 의제"' in page
    assert not Agenda.objects.exists()
    # A source of another district: refused with its message, the title kept.
    response = clerk_client.post(
        reverse("agendas:create", args=[guro.code]),
        {
            "title": "내 의제",
            "category": "governance",
            "year": "2020",
            "proposal_numbers": "999999",
        },
    )
    assert response.status_code == 200 and 'value="내 의제"' in text(response)
    assert not AgendaSource.objects.exists()


def test_a_step_out_of_order_is_refused_with_a_message(clerk_client, guro):
    agenda = new_agenda(guro)
    data = {k: ("yes" if v is True else v) for k, v in PASS.items()}
    response = clerk_client.post(reverse("agendas:screen", args=[agenda.pk]), data)
    assert response.status_code == 200
    assert 'role="alert"' in text(response)
    agenda.refresh_from_db()
    assert agenda.status == AgendaStatus.PROPOSED


def test_merging_on_the_page(clerk_client, guro, guro_clerk):
    a, b = new_agenda(guro, guro_clerk, title="가"), new_agenda(guro, guro_clerk, title="나")
    url = reverse("agendas:merge", args=[guro.code]) + "?year=2020"
    response = clerk_client.post(url, {"agendas": [a.pk, b.pk], "title": "", "reason": "같은 주제"})
    assert response.status_code == 200  # a new agenda needs a title
    response = clerk_client.post(
        url, {"agendas": [a.pk, b.pk], "title": "가나 통합", "reason": "같은 주제"}
    )
    survivor = Agenda.objects.get(title="가나 통합")
    assert response["Location"] == reverse("agendas:detail", args=[survivor.pk])
    page = text(clerk_client.get(response["Location"]))
    assert "가" in page and "나" in page
    assert set(Agenda.objects.filter(status="merged").values_list("merged_into", flat=True)) == {
        survivor.pk
    }


def test_the_public_page_escapes_text_and_hides_unpublished_decisions(client, guro, guro_clerk):
    agenda = new_agenda(guro, guro_clerk, title="<script>alert(1)</script>")
    agendas.edit_agenda(agenda, title=agenda.title, description="<b>x</b>", category="governance")
    agendas.review(agenda, department(guro), True, "<i>ok</i>", guro_clerk)
    agendas.screen(agenda, PASS, guro_clerk)
    decision = decision_of(guro)
    decision.published = False
    decision.save()
    agendas.decide_suitability(agenda, decision, True, guro_clerk)
    page = text(client.get(reverse("agendas:detail", args=[agenda.pk])))
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "<b>x</b>" not in page and "<i>ok</i>" not in page
    assert reverse("bodies:decision", args=[decision.pk]) not in page


JUNK = [
    {},
    {"title": "x" * 5000, "year": "²⁰²⁰", "category": "<script>"},
    {"proposals": ["abc"], "forum_ideas": ["-1"], "departments": ["99999999999999999999"]},
    {"transfers": "a;b;c\n;;\n" + "9" * 40, "proposal_numbers": "1" * 30},
    {"agendas": ["x", "1"], "into": "0", "reason": "", "feasible": "maybe"},
    {"decision": "1e9", "suitable": "yes", "openness": "yes", "openness_reason": "\x00"},
    {"agenda": "abc", "t-1-0": "-3", "online_opens_at": "2020-02-30T25:00", "selected_count": "-1"},
]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_to_every_staff_form_is_answered_with_the_form(clerk_client, guro, guro_clerk, junk):
    from tests.participation.test_agendas_world import open_round, shortlisted

    agenda = new_agenda(guro, guro_clerk)
    r = open_round(guro, [shortlisted(guro, guro_clerk)], guro_clerk, selected_count=1)
    urls = [
        reverse("agendas:create", args=[guro.code]),
        reverse("agendas:merge", args=[guro.code]),
        reverse("agendas:edit", args=[agenda.pk]),
        reverse("agendas:sources", args=[agenda.pk]),
        reverse("agendas:review", args=[agenda.pk]),
        reverse("agendas:screen", args=[agenda.pk]),
        reverse("agendas:decide", args=[agenda.pk]),
        reverse("agendas:reopen", args=[agenda.pk]),
        reverse("agendas:round_create", args=[guro.code]),
        reverse("agendas:round_edit", args=[r.pk]),
        reverse("agendas:round_tallies", args=[r.pk]),
        reverse("agendas:round", args=[r.pk]),
    ]
    for url in urls:
        response = clerk_client.post(url, junk)
        assert response.status_code in (200, 302), (url, response.status_code)
