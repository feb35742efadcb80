"""The voting API: public reads, the voter's flow, the booth, staff writes, permissions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hyeopchi.core.models import AuditEvent, District, Role
from hyeopchi.core.tokens import create_token
from hyeopchi.voting import services
from hyeopchi.voting.models import (
    Ballot,
    CodeBatch,
    CountRun,
    Election,
    PaperBatch,
    Participation,
    Project,
    Voter,
)
from tests.conftest import make_user
from tests.test_api_helpers import Api, api_as, dump
from tests.voting.conftest import DAY, contest_of, make_vote, make_voter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def en(api: Api) -> Api:
    api.headers["HTTP_ACCEPT_LANGUAGE"] = "en"
    return api


def upload(api: Api, path: str, content: bytes, name: str = "file.csv", **fields):
    return api.client.post(
        api._url(path),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **fields},
        **api.headers,
    )


# ---------------------------------------------------------------- public reads


def test_public_reads(guro_vote, pb):
    api = en(api_as())
    listing = api.get("/voting/elections", {"status": "open", "district": "11530"})
    assert listing.status_code == 200, listing.json()
    assert [e["id"] for e in listing.json()["items"]] == [guro_vote.pk]
    item = listing.json()["items"][0]
    assert item["status"] == "open" and item["revote_allowed"] is True
    assert item["eligibility"]["min_age"] == 14 and item["district_code"] == "11530"
    assert api.get("/voting/elections", {"status": "closed"}).json()["count"] == 0
    assert api.get("/voting/elections", {"status": "soon"}).status_code == 422

    detail = api.get(f"/voting/elections/{guro_vote.pk}").json()
    assert [c["key"] for c in detail["contests"]] == ["pb"]
    contest = detail["contests"][0]
    assert contest["design"] == "knapsack" and contest["budget"] == 1_000_000_000
    assert contest["budget_label"] == "₩1,000,000,000"
    assert [p["code"] for p in contest["projects"]] == ["P1", "P2", "P3", "P4"]
    assert api_as().get(f"/voting/contests/{pb.pk}").json()["budget_label"] == "10억 원"
    assert len(api.get(f"/voting/contests/{pb.pk}/projects").json()) == 4
    assert api.get("/voting/elections/999999").status_code == 404
    policies = api.get("/voting/policies").json()
    assert {p["key"] for p in policies} >= {"district-pb", "seoul-citizen-pb"}


def test_results_are_shown_once_published(pb):
    api = en(api_as())
    response = api.get(f"/voting/contests/{pb.pk}/results")
    assert response.status_code == 404
    assert response.json()["detail"] == "The results of this ballot are not published yet."
    run = CountRun.objects.create(
        contest=pb, rule="greedy", status="done", ballots_counted=3, result={"winners": ["P1"]}
    )
    pb.published_run = run
    pb.save()
    body = api.get(f"/voting/contests/{pb.pk}/results").json()
    assert body["result"] == {"winners": ["P1"]} and body["run"]["ballots_counted"] == 3
    assert api.get(f"/voting/contests/{pb.pk}").json()["results_published"] is True


def test_check_a_ballot_without_casting(pb):
    api = en(api_as())
    ok = api.post(f"/voting/contests/{pb.pk}/check", {"choices": ["P2", "P1"]})
    assert ok.json() == {
        "contest_id": pb.pk,
        "choices": ["P1", "P2"],
        "cost": 700_000_000,
        "cost_label": "₩700,000,000",
    }
    over = api.post(f"/voting/contests/{pb.pk}/check", {"choices": ["P1", "P2", "P4"]})
    assert over.status_code == 422 and "more than the budget" in over.json()["errors"]["choices"][0]
    assert not Ballot.objects.exists()


# ---------------------------------------------------------------- the voter


def test_a_resident_registers_votes_and_changes_the_ballot(guro_vote, pb, guro, staff_user):
    user = make_user("resident")
    api = en(api_as(user))
    status = api.get(f"/voting/elections/{guro_vote.pk}/me").json()
    assert status["registered"] is False and status["eligible"] is False

    registered = api.post(
        f"/voting/elections/{guro_vote.pk}/register", {"district_id": guro.pk, "birth_year": 1990}
    )
    assert registered.status_code == 200, registered.json()
    assert registered.json()["reasons"][0].startswith("Your residency has not been verified")
    refused = api.post(f"/voting/contests/{pb.pk}/ballots", {"choices": ["P1"]})
    assert refused.status_code == 422 and not Ballot.objects.exists()

    services.confirm_voter(Voter.objects.get(user=user), staff_user)
    cast = api.post(f"/voting/contests/{pb.pk}/ballots", {"choices": ["P1", "P2"]})
    assert cast.status_code == 201, cast.json()
    receipt = cast.json()["receipt"]
    again = api.post(f"/voting/contests/{pb.pk}/ballots", {"choices": ["P3"]})
    assert again.status_code == 422
    assert "already voted" in again.json()["errors"]["__all__"][0]

    wrong = api.post(f"/voting/contests/{pb.pk}/revote", {"receipt": "X", "choices": ["P3"]})
    assert wrong.status_code == 422 and "receipt" in wrong.json()["errors"]
    changed = api.post(f"/voting/contests/{pb.pk}/revote", {"receipt": receipt, "choices": ["P3"]})
    assert changed.status_code == 200 and changed.json()["receipt"] == receipt
    status = api.get(f"/voting/elections/{guro_vote.pk}/me").json()
    assert status["voted"] == [pb.pk] and status["eligible"] is True
    assert [b.choices for b in Ballot.objects.filter(superseded=False)] == [["P3"]]


def test_voter_actions_need_a_sign_in(guro_vote, pb, guro):
    api = api_as()
    assert api.post(f"/voting/contests/{pb.pk}/ballots", {"choices": ["P1"]}).status_code == 401
    assert api.get(f"/voting/elections/{guro_vote.pk}/me").status_code == 401
    body = {"district_id": guro.pk, "birth_year": 1990}
    assert api.post(f"/voting/elections/{guro_vote.pk}/register", body).status_code == 401
    bad = api_as(token="hyc_not-a-token")
    assert bad.post(f"/voting/contests/{pb.pk}/ballots", {"choices": ["P1"]}).status_code == 401


def test_api_tokens_vote_too(pb, voter):
    _token, secret = create_token(voter.user, "phone")
    response = api_as(token=secret).post(f"/voting/contests/{pb.pk}/ballots", {"choices": ["P4"]})
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"choices": ["P1", "P2", "P4"]}, "choices"),
        ({"choices": ["P9"]}, "choices"),
        ({"choices": []}, "choices"),
        ({"choices": "P1"}, "choices"),
        ({"choices": {"P1": 1}}, "choices"),
        ({}, "choices"),
    ],
)
def test_bad_ballots_over_http(pb, voter, payload, field):
    response = api_as(voter.user).post(f"/voting/contests/{pb.pk}/ballots", payload)
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_a_ballot_after_close_over_http(guro):
    past = timezone.now() - 10 * DAY
    election = make_vote(guro, opens_at=past, closes_at=past + DAY)
    voter = make_voter(election)
    contest = contest_of(election)
    response = en(api_as(voter.user)).post(
        f"/voting/contests/{contest.pk}/ballots", {"choices": ["P1"]}
    )
    assert response.status_code == 422
    assert "no more ballots are accepted" in response.json()["errors"]["__all__"][0]


# ---------------------------------------------------------------- the booth


def test_a_booth_casts_with_a_code_without_signing_in(eunpyeong_vote, staff_user):
    code = services.generate_codes(eunpyeong_vote, 1, actor=staff_user)[0]
    booth = en(api_as())
    paper = booth.post(f"/voting/elections/{eunpyeong_vote.pk}/code", {"code": code})
    assert paper.status_code == 200
    assert [c["key"] for c in paper.json()["contests"]] == ["pb", "governance"]
    ballots = {"pb": ["P1", "P2"], "governance": {"P1": 3, "P2": 2}}
    cast = booth.post(
        f"/voting/elections/{eunpyeong_vote.pk}/code-ballots", {"code": code, "ballots": ballots}
    )
    assert cast.status_code == 201, cast.json()
    assert len(cast.json()["contest_ids"]) == 2
    again = booth.post(
        f"/voting/elections/{eunpyeong_vote.pk}/code-ballots", {"code": code, "ballots": ballots}
    )
    assert again.status_code == 422
    assert again.json()["errors"]["code"] == ["This voting code has already been used."]
    unknown = booth.post(
        f"/voting/elections/{eunpyeong_vote.pk}/code-ballots",
        {"code": "2345-6789-ABCD", "ballots": ballots},
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"]["code"][0].startswith("This voting code is not known")
    assert Ballot.objects.count() == 2


def test_wrong_codes_are_throttled_per_address(guro_vote, settings, staff_user):
    settings.VOTING_CODE_FAILURE_LIMIT = 3
    code = services.generate_codes(guro_vote, 1, actor=staff_user)[0]
    booth = en(api_as())
    path = f"/voting/elections/{guro_vote.pk}/code-ballots"
    for _attempt in range(3):
        wrong = booth.post(path, {"code": "2345-6789-ABCD", "ballots": {"pb": ["P1"]}})
        assert wrong.status_code == 422
    blocked = booth.post(path, {"code": code, "ballots": {"pb": ["P1"]}})
    assert blocked.status_code == 429
    assert "Too many wrong voting codes" in blocked.json()["detail"]
    assert not Ballot.objects.exists()
    elsewhere = booth.post(path, {"code": code, "ballots": {"pb": ["P1"]}}, REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 201
    # bad ballots with a good code are not guesses: they do not count against the limit
    cache.clear()
    code2 = services.generate_codes(guro_vote, 1, actor=staff_user)[0]
    for _attempt in range(5):
        bad = booth.post(path, {"code": code2, "ballots": {"pb": ["P9"]}})
        assert bad.status_code == 422
    assert booth.post(path, {"code": code2, "ballots": {"pb": ["P1"]}}).status_code == 201


# ---------------------------------------------------------------- staff writes


def test_staff_set_up_a_vote_end_to_end(guro, staff_user):
    clerk = en(api_as(staff_user))
    opens = timezone.localtime() + DAY
    created = clerk.post(
        "/voting/elections",
        {
            "title": "2021 구로구 주민참여예산",
            "district_id": guro.pk,
            "policy_key": "district-pb",
            "opens_at": opens.isoformat(),
            "closes_at": (opens + 7 * DAY).isoformat(),
            "budgets": {"pb": 2_000_000_000},
        },
    )
    assert created.status_code == 201, created.json()
    election = created.json()
    contest_id = election["contests"][0]["id"]
    assert election["status"] == "upcoming"
    project = clerk.post(
        f"/voting/contests/{contest_id}/projects",
        {"code": "A1", "title": "마을 도서관", "cost": 150_000_000, "area": "구로1동"},
    )
    assert project.status_code == 201, project.json()
    assert project.json()["cost_label"] == "₩150,000,000"
    patched = clerk.patch(f"/voting/projects/{project.json()['id']}", {"cost": 160_000_000})
    assert patched.json()["cost"] == 160_000_000
    contest = clerk.patch(f"/voting/contests/{contest_id}", {"min_share_spent": "1/4"})
    assert contest.status_code == 200 and contest.json()["min_share_spent"] == "1/4"
    bad = clerk.patch(f"/voting/contests/{contest_id}", {"budget": None})
    assert bad.status_code == 422 and "budget" in bad.json()["errors"]
    extra = clerk.post(
        f"/voting/contests/{contest_id}/projects", {"code": "A2", "title": "x", "cost": 5}
    )
    assert clerk.client.delete(f"/api/v1/voting/projects/{extra.json()['id']}").status_code == 204
    assert list(Project.objects.values_list("code", flat=True)) == ["A1"]
    later = clerk.patch(f"/voting/elections/{election['id']}", {"title": "2021 구로구 투표"})
    assert later.json()["title"] == "2021 구로구 투표"
    assert AuditEvent.objects.filter(actor=staff_user).count() == 7


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"budgets": {"pb": -1}}, "budgets.pb"),
        ({"budgets": {"zz": 1}}, "budgets.pb"),
        ({"policy_key": "nope"}, "policy_key"),
        ({"opens_at": "2020-02-30T10:00:00"}, "opens_at"),
        ({"closes_at": "2019-01-01T10:00:00+09:00"}, "closes_at"),
        ({"district_id": 999999}, "district_id"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_elections(guro, staff_user, city_officer, payload, field):
    body = {
        "title": "투표",
        "district_id": guro.pk,
        "policy_key": "district-pb",
        "opens_at": "2030-05-01T09:00:00+09:00",
        "closes_at": "2030-05-08T18:00:00+09:00",
        "budgets": {"pb": 1_000_000},
        **payload,
    }
    response = api_as(city_officer).post("/voting/elections", body)
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not Election.objects.exists()


def test_roll_import_codes_and_paper_over_http(guro_vote, pb, guro, staff_user):
    clerk = en(api_as(staff_user))
    make_user("kim")
    roll = upload(
        clerk, f"/voting/elections/{guro_vote.pk}/roll", f"kim,{guro.code},1980\n".encode()
    )
    assert roll.status_code == 200, roll.json()
    assert roll.json() == {"created": 1, "updated": 0, "total": 1}
    bad_roll = upload(clerk, f"/voting/elections/{guro_vote.pk}/roll", b"ghost,11530,1980\n")
    assert bad_roll.status_code == 422
    assert bad_roll.json()["errors"]["file"] == ["Line 1: no account named ghost."]

    codes = clerk.post(f"/voting/elections/{guro_vote.pk}/codes", {"n": 5, "note": "구로1동"})
    assert codes.status_code == 201 and len(codes.json()["codes"]) == 5
    batches = clerk.get(f"/voting/elections/{guro_vote.pk}/code-batches").json()
    assert [(b["size"], b["used"]) for b in batches] == [(5, 0)]
    assert clerk.post(f"/voting/elections/{guro_vote.pk}/codes", {"n": 0}).status_code == 422

    paper = upload(clerk, f"/voting/contests/{pb.pk}/paper", b"P1;P2\nP3\n", "box1.csv", note="1")
    assert paper.status_code == 201, paper.json()
    assert paper.json()["count"] == 2 and paper.json()["file_name"] == "box1.csv"
    twice = upload(clerk, f"/voting/contests/{pb.pk}/paper", b"P1;P2\nP3\n", "again.csv")
    assert twice.status_code == 422 and "already imported" in twice.json()["errors"]["file"][0]
    bad = upload(clerk, f"/voting/contests/{pb.pk}/paper", b"P1\nP1;P2;P4\n")
    assert bad.status_code == 422 and bad.json()["errors"]["file"][0].startswith("Line 2:")
    missing = clerk.client.post(f"/api/v1/voting/contests/{pb.pk}/paper", {}, **clerk.headers)
    assert missing.status_code == 422 and "file" in missing.json()["errors"]
    public = api_as().get(f"/voting/contests/{pb.pk}/paper-batches").json()
    assert [(b["file_name"], b["count"]) for b in public] == [("box1.csv", 2)]
    turnout = api_as().get(f"/voting/contests/{pb.pk}/turnout").json()
    assert (turnout["paper"], turnout["online"], turnout["roll"]) == (2, 0, 1)


def test_the_roll_shows_who_voted_never_how(guro_vote, pb, staff_user):
    voter = make_voter(guro_vote)
    receipt = services.cast_ballot(pb, voter, ["P1"])
    make_voter(guro_vote, verified=False)
    response = api_as(staff_user).get(f"/voting/elections/{guro_vote.pk}/voters")
    rows = response.json()["items"]
    assert [(r["username"], r["voted"]) for r in rows] == [
        (voter.user.username, [pb.pk]),
        (rows[1]["username"], []),
    ]
    unverified = api_as(staff_user).get(
        f"/voting/elections/{guro_vote.pk}/voters", {"verified": "false"}
    )
    assert unverified.json()["count"] == 1
    confirm = api_as(staff_user).post(f"/voting/voters/{rows[1]['id']}/confirm", {})
    assert confirm.status_code == 200 and confirm.json()["verified"] is True
    ballot = Ballot.objects.get()
    for path in [
        f"/voting/elections/{guro_vote.pk}/voters",
        f"/voting/elections/{guro_vote.pk}",
        f"/voting/contests/{pb.pk}/turnout",
    ]:
        text = dump(api_as(staff_user).get(path))
        assert str(ballot.id) not in text and ballot.receipt_hash not in text
        assert receipt not in text and 'P1"]' not in text.replace(" ", "")
    assert api_as().get(f"/voting/elections/{guro_vote.pk}/voters").status_code == 401
    assert (
        api_as(make_user("nosy")).get(f"/voting/elections/{guro_vote.pk}/voters").status_code == 403
    )


# ---------------------------------------------------------------- permission matrix

OK = "ok"
ACTORS = ["anonymous", "resident", "guro_staff", "eunpyeong_staff", "city_officer",
          "guro_token", "revoked_token"]  # fmt: skip
MATRIX: dict[str, tuple[int | str, int | str, int | str]] = {
    "anonymous": (401, 401, 401),
    "resident": (403, 403, 403),
    "guro_staff": (OK, 403, 403),
    "eunpyeong_staff": (403, OK, 403),
    "city_officer": (OK, OK, OK),
    "guro_token": (OK, 403, 403),
    "revoked_token": (401, 401, 401),
}
TARGETS = ["guro", "eunpyeong", "city"]


@dataclass
class Place:
    district: District | None
    upcoming: Election
    open: Election
    project: Project
    voter: Voter


@dataclass
class World:
    places: dict[str, Place] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def world(guro, eunpyeong) -> World:
    w = World()
    soon = timezone.now() + DAY
    for name, district in [("guro", guro), ("eunpyeong", eunpyeong), ("city", None)]:
        policy = "district-pb" if district else "seoul-citizen-pb"
        upcoming = make_vote(district, policy, opens_at=soon, closes_at=soon + DAY)
        open_vote = make_vote(district, policy)
        key = "pb" if district else "city"
        w.places[name] = Place(
            district,
            upcoming,
            open_vote,
            Project.objects.filter(contest__election=upcoming, code="P4").get(),
            make_voter(open_vote, district=district or guro, verified=False),
        )
        assert contest_of(open_vote, key)
    w.users = {
        "resident": make_user("resident"),
        "guro_staff": make_user("staff-guro", Role.DISTRICT_STAFF, guro),
        "eunpyeong_staff": make_user("staff-eunpyeong", Role.DISTRICT_STAFF, eunpyeong),
        "city_officer": make_user("city-officer", Role.CITY_OFFICER),
    }
    _t, w.tokens["guro_token"] = create_token(w.users["guro_staff"], "laptop")
    revoked, w.tokens["revoked_token"] = create_token(w.users["guro_staff"], "old")
    revoked.revoked = True
    revoked.save()
    return w


def client(world: World, actor: str) -> Api:
    if actor == "anonymous":
        return api_as()
    if actor in world.tokens:
        return api_as(token=world.tokens[actor])
    return api_as(world.users[actor])


def _contest(election: Election):
    return election.contests.get()


def create_election(api: Api, place: Place, n: int):
    return api.post(
        "/voting/elections",
        {
            "title": f"새 투표 {n}",
            "district_id": place.district.pk if place.district else None,
            "policy_key": "district-pb",
            "opens_at": "2030-05-01T09:00:00+09:00",
            "closes_at": "2030-05-08T18:00:00+09:00",
            "budgets": {"pb": 1_000_000},
        },
    )


def patch_election(api, place, n):
    return api.patch(f"/voting/elections/{place.upcoming.pk}", {"description": f"설명 {n}"})


def patch_contest(api, place, n):
    return api.patch(f"/voting/contests/{_contest(place.upcoming).pk}", {"budget": 10**9 + n})


def add_project(api, place, n):
    return api.post(
        f"/voting/contests/{_contest(place.upcoming).pk}/projects",
        {"code": f"N{n}", "title": "새 사업", "cost": 1000},
    )


def patch_project(api, place, n):
    return api.patch(f"/voting/projects/{place.project.pk}", {"title": f"사업 {n}"})


def delete_project(api, place, n):
    return api.client.delete(f"/api/v1/voting/projects/{place.project.pk}", **api.headers)


def confirm_voter(api, place, n):
    return api.post(f"/voting/voters/{place.voter.pk}/confirm", {"reason": "확인"})


def import_roll(api, place, n):
    return upload(
        api, f"/voting/elections/{place.open.pk}/roll", f"resident,11530,{1980 + n}\n".encode()
    )


def generate_codes(api, place, n):
    return api.post(f"/voting/elections/{place.open.pk}/codes", {"n": 2})


def import_paper(api, place, n):
    return upload(
        api, f"/voting/contests/{_contest(place.open).pk}/paper", f"P{1 + n % 4}\n# {n}\n".encode()
    )


def list_voters(api, place, n):
    return api.get(f"/voting/elections/{place.open.pk}/voters")


def list_code_batches(api, place, n):
    return api.get(f"/voting/elections/{place.open.pk}/code-batches")


WRITES: list[Callable] = [
    create_election, patch_election, patch_contest, add_project, patch_project,
    delete_project, confirm_voter, import_roll, generate_codes, import_paper, list_voters,
    list_code_batches,
]  # fmt: skip


def _counts() -> dict[str, int]:
    return {
        "elections": Election.objects.count(),
        "projects": Project.objects.count(),
        "verified": Voter.objects.filter(verified=True).count(),
        "voters": Voter.objects.count(),
        "codes": CodeBatch.objects.count(),
        "paper": PaperBatch.objects.count(),
        "ballots": Ballot.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.parametrize("write", WRITES, ids=lambda f: f.__name__)
def test_permission_matrix_of_staff_writes(world, write):
    failures = []
    for n, (actor, target) in enumerate((a, t) for a in ACTORS for t in TARGETS):
        expected = MATRIX[actor][TARGETS.index(target)]
        before = _counts()
        place = world.places[target]
        if write is create_election and target == "city":
            place = Place(None, place.upcoming, place.open, place.project, place.voter)
        response = write(client(world, actor), place, n)
        status = response.status_code
        ok = status in (200, 201, 204)
        if (expected == OK and not ok) or (expected != OK and status != expected):
            failures.append((actor, target, expected, status, response.content[:200]))
        if expected != OK:
            assert _counts() == before, (actor, target)
        if write is delete_project and ok:  # put it back for the next actor
            place.project = Project.objects.create(
                contest=_contest(place.upcoming), code="P4", title="사업 P4", cost=500_000_000
            )
            world.places[target].project = place.project
    assert failures == []


# ---------------------------------------------------------------- nothing causes a 500

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=20),
    st.sampled_from(["P1", "P2", "P9", "2345-6789-ABCD", "11530", "1/2", "2030-05-01T09:00"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = ["choices", "receipt", "code", "ballots", "title", "district_id", "policy_key",
          "opens_at", "closes_at", "budgets", "budget", "cost", "n", "note", "birth_year",
          "max_choices", "points", "min_share_spent", "rule", "completion", "reason"]  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    payload=st.one_of(st.dictionaries(st.sampled_from(FIELDS), values, max_size=6), values),
    which=st.integers(min_value=0, max_value=10),
)
def test_random_payloads_never_cause_a_server_error(
    guro_vote, pb, voter, city_officer, payload, which
):
    project = pb.projects.first()
    writes = [
        (voter.user, "post", f"/voting/contests/{pb.pk}/ballots"),
        (voter.user, "post", f"/voting/contests/{pb.pk}/revote"),
        (voter.user, "post", f"/voting/elections/{guro_vote.pk}/register"),
        (None, "post", f"/voting/elections/{guro_vote.pk}/code-ballots"),
        (None, "post", f"/voting/elections/{guro_vote.pk}/code"),
        (None, "post", f"/voting/contests/{pb.pk}/check"),
        (city_officer, "post", "/voting/elections"),
        (city_officer, "patch", f"/voting/elections/{guro_vote.pk}"),
        (city_officer, "patch", f"/voting/contests/{pb.pk}"),
        (city_officer, "patch", f"/voting/projects/{project.pk}"),
        (city_officer, "post", f"/voting/elections/{guro_vote.pk}/codes"),
    ]
    user, method, path = writes[which]
    response = getattr(api_as(user), method)(path, payload)
    assert response.status_code in {200, 201, 404, 422, 429}, (path, payload, response.content)
    if response.status_code == 422:
        assert json.loads(response.content)["errors"]


def test_random_query_strings_never_cause_a_server_error(guro_vote, pb):
    api = api_as()
    for params in [{"status": "x"}, {"district_id": "a"}, {"limit": "0"}, {"city_wide": "maybe"}]:
        assert api.get("/voting/elections", params).status_code == 422
    assert api.get("/voting/elections", {"city_wide": "true"}).json()["count"] == 0
    assert api.get(f"/voting/contests/{pb.pk}/results", {"x": "1"}).status_code == 404
    assert dt.date.today()  # keep dt used


def test_ballot_intake_costs_a_handful_of_queries(guro_vote, pb, django_assert_max_num_queries):
    """Token check (2), the voter with the vote (1), the ballot with its roll entry in one
    statement (1, plus a savepoint here because the test runs in a transaction)."""
    first, second = make_voter(guro_vote), make_voter(guro_vote)
    _t, first_secret = create_token(first.user, "phone")
    _t, second_secret = create_token(second.user, "phone")
    path = f"/voting/contests/{pb.pk}/ballots"
    assert api_as(token=first_secret).post(path, {"choices": ["P1"]}).status_code == 201
    with django_assert_max_num_queries(6):
        assert api_as(token=second_secret).post(path, {"choices": ["P2"]}).status_code == 201
    assert Ballot.objects.count() == 2


# ---------------------------------------------------------------- ballot passes


def test_a_ballot_pass_casts_without_a_session(guro_vote, pb, guro):
    voter = make_voter(guro_vote)
    response = api_as(voter.user).post(f"/voting/elections/{guro_vote.pk}/pass")
    assert response.status_code == 200, response.json()
    ballot_pass = response.json()["ballot_pass"]
    device = api_as()
    device.headers["HTTP_X_BALLOT_PASS"] = ballot_pass
    cast = device.post(f"/voting/contests/{pb.pk}/ballots", {"choices": ["P1"]})
    assert cast.status_code == 201, cast.json()
    again = en(device).post(f"/voting/contests/{pb.pk}/ballots", {"choices": ["P2"]})
    assert again.status_code == 422 and "already voted" in again.json()["errors"]["__all__"][0]
    changed = device.post(
        f"/voting/contests/{pb.pk}/revote", {"receipt": cast.json()["receipt"], "choices": ["P2"]}
    )
    assert changed.status_code == 200
    assert Participation.objects.get().voter == voter
    assert [b.choices for b in Ballot.objects.filter(superseded=False)] == [["P2"]]


def test_bad_ballot_passes(guro_vote, pb, guro):
    from django.core import signing

    voter = make_voter(guro_vote)
    good, _expires = services.ballot_pass(voter)
    expired = signing.dumps(
        {"v": voter.pk, "e": guro_vote.pk, "x": int(timezone.now().timestamp()) - 1},
        salt=services.PASS_SALT,
    )
    forged = signing.dumps({"v": voter.pk, "e": guro_vote.pk, "x": 2**40}, salt="other")
    for text in [good[:-2] + "xx", expired, forged, "", "x" * 400]:
        device = api_as()
        device.headers["HTTP_X_BALLOT_PASS"] = text
        assert (
            device.post(f"/voting/contests/{pb.pk}/ballots", {"choices": ["P1"]}).status_code == 401
        )
    other_vote = make_vote(guro, title="다른 투표")
    device = en(api_as())
    device.headers["HTTP_X_BALLOT_PASS"] = good
    other = device.post(
        f"/voting/contests/{contest_of(other_vote).pk}/ballots", {"choices": ["P1"]}
    )
    assert other.status_code == 422 and "register first" in other.json()["errors"]["__all__"][0]
    voter.user.is_active = False
    voter.user.save()
    inactive = device.post(f"/voting/contests/{pb.pk}/ballots", {"choices": ["P1"]})
    assert inactive.status_code == 422
    assert not Ballot.objects.exists()
    stranger = en(api_as(make_user("stranger"))).post(f"/voting/elections/{guro_vote.pk}/pass")
    assert (
        stranger.status_code == 422 and "register first" in stranger.json()["errors"]["__all__"][0]
    )
    assert api_as().post(f"/voting/elections/{guro_vote.pk}/pass").status_code == 401


def test_intake_with_a_pass_costs_two_queries(guro_vote, pb, django_assert_max_num_queries):
    first, second = make_voter(guro_vote), make_voter(guro_vote)
    path = f"/voting/contests/{pb.pk}/ballots"
    for voter, limit in ((first, 6), (second, 4)):  # second: the contest is cached
        device = api_as()
        device.headers["HTTP_X_BALLOT_PASS"] = services.ballot_pass(voter)[0]
        with django_assert_max_num_queries(limit):  # voter, ballot (+ savepoint pair in tests)
            assert device.post(path, {"choices": ["P1"]}).status_code == 201


def test_ballots_for_an_unknown_contest_are_404(voter):
    api = api_as(voter.user)
    assert api.post("/voting/contests/999999/ballots", {"choices": ["P1"]}).status_code == 404
    revote = api.post("/voting/contests/999999/revote", {"receipt": "X", "choices": ["P1"]})
    assert revote.status_code == 404
