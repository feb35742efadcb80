"""API of agendas and priority rounds: reads (public, no personal data, constant
queries), the steps by staff with 422 messages by field, the permission matrix, a
resident's vote, publication and results."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from hyeopchi.core.models import AuditEvent, Role
from hyeopchi.core.tokens import create_token
from hyeopchi.participation import services_agendas as agendas
from hyeopchi.participation import services_priority as rounds
from hyeopchi.participation.models import Agenda, AgendaStatus, PriorityRound, PriorityVote
from tests.conftest import make_user
from tests.participation.test_agendas_world import (  # noqa: F401 - fixture
    PASS,
    decision_of,
    department,
    fast_passwords,
    make_idea,
    make_proposal,
    new_agenda,
    open_round,
    resident,
    shortlisted,
)
from tests.test_api_helpers import api_as, dump

pytestmark = pytest.mark.django_db


def test_a_clerk_takes_an_agenda_through_every_step(guro, guro_clerk):
    api = api_as(guro_clerk)
    proposal = make_proposal(guro, title="◦◦천 보행환경 개선")
    idea = make_idea(guro)
    dept = department(guro, "녹색환경과")
    response = api.post(
        "/agendas",
        {
            "district_id": guro.pk,
            "year": 2020,
            "title": "시민과 함께하는 ◦◦천 환경개선",
            "sources": [
                {"kind": "proposal", "proposal_id": proposal.pk},
                {"kind": "forum_idea", "forum_idea_id": idea.pk},
                {"kind": "department", "department_id": dept.pk},
                {
                    "kind": "transferred_pb",
                    "transfer_reference": "2020-0412",
                    "transfer_amount": 331_690_000,
                },
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    agenda_id = body["id"]
    assert body["status"] == "proposed" and len(body["sources"]) == 4
    assert body["sources"][0]["proposal_title"] == "◦◦천 보행환경 개선"
    assert proposal.author.username not in dump(response)
    steps = [
        ("reviews", {"department_id": dept.pk, "feasible": True, "opinion": "가능"}, 201),
        ("screenings", PASS, 201),
        ("suitability", {"decision_id": decision_of(guro).pk, "suitable": True}, 200),
    ]
    for path, payload, status in steps:
        response = api.post(f"/agendas/{agenda_id}/{path}", payload)
        assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == "shortlisted" and body["allowed_steps"] == ["rank"]
    assert [s["action"] for s in body["steps"]] == [
        "created",
        "reviewed: feasible",
        "screened: suitable",
        "decided: shortlisted",
    ]
    # A step out of order: 422 on status, with what is possible.
    response = api.post(f"/agendas/{agenda_id}/screenings", PASS)
    assert response.status_code == 422 and response.json()["errors"]["status"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"sources": []}, "sources"),
        ({"sources": [{"kind": "rumour"}]}, "sources.0.kind"),
        ({"sources": [{"kind": "proposal"}]}, "sources"),
        (
            {"sources": [{"kind": "transferred_pb", "transfer_amount": -5}]},
            "sources.0.transfer_amount",
        ),
        ({"year": 1999}, "year"),
        ({"title": ""}, "title"),
        ({"category": "wish"}, "category"),
    ],
)
def test_bad_agendas_are_422_by_field(guro, guro_clerk, payload, field):
    data = {
        "district_id": guro.pk,
        "year": 2020,
        "title": "의제",
        "sources": [{"kind": "proposal", "proposal_id": make_proposal(guro).pk}],
        **payload,
    }
    response = api_as(guro_clerk).post("/agendas", data)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()
    assert not Agenda.objects.exists()


def test_merging_by_api(guro, guro_clerk):
    a, b = new_agenda(guro, guro_clerk), new_agenda(guro, guro_clerk)
    api = api_as(guro_clerk)
    response = api.post("/agendas/merge", {"agenda_ids": [a.pk, b.pk], "reason": "같은 하천"})
    assert response.status_code == 422 and "title" in response.json()["errors"]
    response = api.post(
        "/agendas/merge", {"agenda_ids": [b.pk], "into_id": a.pk, "reason": "같은 하천"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["merged_from_ids"] == [b.pk] and len(body["sources"]) == 2
    listed = api.get("/agendas", {"district": guro.code, "year": 2020}).json()["items"]
    by_id = {x["id"]: x for x in listed}
    assert by_id[b.pk]["status"] == "merged" and by_id[b.pk]["merged_into_id"] == a.pk
    assert len(by_id[a.pk]["sources"]) == 2
    response = api.post("/agendas/merge", {"agenda_ids": [10**9], "reason": "x", "title": "t"})
    assert response.status_code == 422


ACTORS = ["anonymous", "resident", "guro_staff", "eunpyeong_staff", "city_officer", "guro_token"]
EXPECTED = {
    "anonymous": 401,
    "resident": 403,
    "guro_staff": "ok",
    "eunpyeong_staff": 403,
    "city_officer": "ok",
    "guro_token": "ok",
}


@pytest.mark.parametrize("actor", ACTORS)
def test_write_permission_matrix(guro, eunpyeong, actor):
    users = {
        "resident": resident(guro),
        "guro_staff": make_user("clerk-g", Role.DISTRICT_STAFF, guro),
        "eunpyeong_staff": make_user("clerk-e", Role.DISTRICT_STAFF, eunpyeong),
        "city_officer": make_user("city-o", Role.CITY_OFFICER),
    }
    if actor == "anonymous":
        api = api_as()
    elif actor == "guro_token":
        _token, secret = create_token(users["guro_staff"], "laptop")
        api = api_as(token=secret)
    else:
        api = api_as(users[actor])
    agenda = new_agenda(guro)
    short = [shortlisted(guro) for _ in range(2)]
    r = open_round(guro, short)
    events = AuditEvent.objects.count()
    writes = [
        (
            "post",
            "/agendas",
            {
                "district_id": guro.pk,
                "year": 2020,
                "title": "새 의제",
                "sources": [{"kind": "transferred_pb", "transfer_reference": "T-1"}],
            },
        ),
        ("patch", f"/agendas/{agenda.pk}", {"title": "바뀐 제목"}),
        (
            "post",
            f"/agendas/{agenda.pk}/reviews",
            {"department_id": department(guro, "건설과").pk, "feasible": False, "opinion": "불가"},
        ),
        (
            "put",
            f"/priority/rounds/{r.pk}/tallies",
            {"tallies": [{"agenda_id": short[0].pk, "channel": "현장투표", "votes": 4}]},
        ),
        ("patch", f"/priority/rounds/{r.pk}", {"title": "바뀐 라운드"}),
    ]
    expected = EXPECTED[actor]
    for method, path, payload in writes:
        if method == "put":
            response = api.client.put(
                "/api/v1" + path,
                json.dumps(payload),
                content_type="application/json",
                **api.headers,
            )
        else:
            response = getattr(api, method)(path, payload)
        if expected == "ok":
            assert response.status_code in (200, 201), (path, response.content)
        else:
            assert response.status_code == expected, (path, response.content)
            assert response.json()["detail"]
    if expected != "ok":
        assert AuditEvent.objects.count() == events
        agenda.refresh_from_db()
        assert agenda.title != "바뀐 제목" and agenda.status == AgendaStatus.PROPOSED


def test_a_resident_votes_once_by_api(guro, eunpyeong):
    short = [shortlisted(guro) for _ in range(3)]
    r = open_round(guro, short)
    voter = resident(guro)
    api = api_as(voter)
    mine = api.get(f"/priority/rounds/{r.pk}/my-vote").json()
    assert mine == {"voted": False, "can_vote": True, "reason": ""}
    response = api.post(f"/priority/rounds/{r.pk}/votes", {"agenda_ids": [short[0].pk] * 2})
    assert response.status_code == 422 and "agenda_ids" in response.json()["errors"]
    response = api.post(f"/priority/rounds/{r.pk}/votes", {"agenda_ids": [short[0].pk]})
    assert response.status_code == 201
    response = api.post(f"/priority/rounds/{r.pk}/votes", {"agenda_ids": [short[1].pk]})
    assert response.status_code == 422
    assert api.get(f"/priority/rounds/{r.pk}/my-vote").json()["voted"] is True
    outsider = api_as(resident(eunpyeong))
    response = outsider.post(f"/priority/rounds/{r.pk}/votes", {"agenda_ids": [short[1].pk]})
    assert response.status_code == 422
    assert api_as().post(f"/priority/rounds/{r.pk}/votes", {"agenda_ids": [1]}).status_code == 401
    assert PriorityVote.objects.count() == 1


def test_results_are_public_only_once_published(guro, guro_clerk):
    short = [shortlisted(guro, guro_clerk) for _ in range(3)]
    r = open_round(guro, short, guro_clerk, selected_count=1)
    voter = resident(guro)
    rounds.cast_vote(r, voter, [short[2].pk])
    assert api_as().get(f"/priority/rounds/{r.pk}/results").status_code == 401
    staff = api_as(guro_clerk)
    preview = staff.get(f"/priority/rounds/{r.pk}/results").json()
    assert preview["published"] is False and preview["rows"][0]["agenda_id"] == short[2].pk
    assert staff.post(f"/priority/rounds/{r.pk}/publish").status_code == 422  # still open
    PriorityRound.objects.filter(pk=r.pk).update(
        online_closes_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = staff.post(f"/priority/rounds/{r.pk}/publish")
    assert response.status_code == 200 and response.json()["published"] is True
    public = api_as().get(f"/priority/rounds/{r.pk}/results")
    assert public.status_code == 200
    rows = public.json()["rows"]
    assert [row["rank"] for row in rows] == [1, 2, 3]
    assert [row["selected"] for row in rows] == [True, False, False]
    assert voter.username not in dump(public)
    listed = api_as().get("/agendas", {"district": guro.code, "status": "deferred"}).json()
    assert listed["count"] == 2


@pytest.mark.parametrize("rows", [2, 10])
def test_list_queries_do_not_grow(guro, guro_clerk, rows, django_assert_max_num_queries):
    for n in range(rows):
        a = new_agenda(guro, guro_clerk, title=f"의제 {n}")
        if n % 2:
            b = new_agenda(guro, guro_clerk)
            agendas.merge_agendas([b], into=a, reason="융합")
    api = api_as()
    with django_assert_max_num_queries(6):
        response = api.get("/agendas", {"district": guro.code})
    assert response.status_code == 200
    with django_assert_max_num_queries(5):
        assert api.get("/priority/rounds", {"district": guro.code}).status_code == 200


def test_policies_and_junk_queries(guro):
    api = api_as()
    keys = {p["key"] for p in api.get("/priority/policies").json()}
    assert {"eunpyeong-criteria", "nowon-vote"} <= keys
    for params in [{"year": "x"}, {"status": "nope"}, {"district": "zzz"}, {"limit": "0"}]:
        assert api.get("/agendas", params).status_code in (200, 422)
    assert api.get("/agendas/999999").status_code == 404
    assert api.get("/priority/rounds/999999/results").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/agendas", "/api/v1/priority/rounds"])
@pytest.mark.parametrize("year", ["100000", str(2**70)])
def test_list_years_the_database_cannot_hold_are_no_server_error(client, guro, path, year):
    response = client.get(path, {"year": year})
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert response.json()["items"] == []
