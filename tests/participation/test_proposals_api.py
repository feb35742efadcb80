"""The proposals API: public reads, resident writes, staff writes, limits and errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hyeopchi.core.models import Role
from hyeopchi.core.tokens import create_token
from hyeopchi.participation import debate
from hyeopchi.participation.models import Proposal, Residency, Support
from tests.conftest import make_user

from .proposal_helpers import (  # noqa: F401  (immediate_mail is a fixture)
    PDF,
    PNG,
    immediate_mail,
    propose,
    resident,
    to_debate,
    to_review,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_mail")]
API = "/api/v1/proposals"


@pytest.fixture(autouse=True)
def setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def guro_staff(guro):
    return make_user("guro-staff", Role.DISTRICT_STAFF, guro)


def bearer(user) -> dict[str, str]:
    _token, secret = create_token(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, data=None, user=None, **extra):
    headers = bearer(user) if user else {}
    return client.post(url, data or {}, content_type="application/json", **headers, **extra)


BODY = {
    "title": "버스정류장 그늘막",
    "problem": "여름에 정류장이 뜨겁습니다.",
    "solution": "그늘막을 설치합니다.",
    "category": "안전",
}


def test_public_reads(client, guro):
    proposal = propose(resident(guro))
    listing = client.get(API).json()
    assert listing["count"] == 1
    row = listing["items"][0]
    assert row["supports_required"] == 50 and row["district"] == "11530"
    assert row["proposer"].count("*") >= 1
    detail = client.get(f"{API}/{proposal.pk}").json()
    assert detail["problem"] == proposal.problem and detail["chain"] == []
    assert detail["support_problem"]  # anonymous: sign in
    policies = {p["key"]: p for p in client.get(f"{API}/policies").json()}
    assert policies["guro-1st-street"]["districts"] == ["11530"]
    assert policies["democracy-seoul"]["versions"][0]["supports_required"] == 5000
    assert client.get(f"{API}/999999").status_code == 404
    assert client.get(f"{API}?status=nonsense").status_code == 422


def test_list_queries_are_constant(client, guro):
    author = resident(guro)
    propose(author)
    propose(author, title="둘")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(API).status_code == 200
        return len(ctx.captured_queries)

    small = queries()
    for i in range(8):
        Proposal.objects.create(
            district=guro,
            author=author,
            policy_key="guro-1st-street",
            title=f"제안 {i}",
            problem="p",
            solution="s",
            category="복지",
        )
    assert queries() == small


def test_resident_proposes_attaches_and_supports(client, guro):
    author = resident(guro)
    response = post(client, API, BODY, user=author)
    assert response.status_code == 201, response.json()
    proposal_id = response.json()["id"]
    files = [
        SimpleUploadedFile("a.png", PNG, content_type="image/png"),
        SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf"),
    ]
    response = client.post(f"{API}/{proposal_id}/attachments", {"files": files}, **bearer(author))
    assert response.status_code == 201, response.json()
    assert [a["content_type"] for a in response.json()] == ["image/png", "application/pdf"]
    bad = SimpleUploadedFile("x.png", b"GIF89a....", content_type="image/png")
    response = client.post(f"{API}/{proposal_id}/attachments", {"files": [bad]}, **bearer(author))
    assert response.status_code == 422 and "files" in response.json()["errors"]
    fan = resident(guro)
    response = post(client, f"{API}/{proposal_id}/support", user=fan)
    assert response.status_code == 201 and response.json()["support_count"] == 1
    response = post(client, f"{API}/{proposal_id}/support", user=fan)
    assert response.status_code == 409
    assert Support.objects.count() == 1
    response = post(client, f"{API}/{proposal_id}/support", user=author)
    assert response.status_code == 422


def test_write_errors(client, guro, eunpyeong):
    assert post(client, API, BODY).status_code == 401
    response = post(client, API, {**BODY, "title": ""}, user=resident(guro))
    assert response.status_code == 422 and "title" in response.json()["errors"]
    response = post(client, API, {**BODY, "category": "없음"}, user=resident(guro))
    assert "category" in response.json()["errors"]
    response = post(client, API, BODY, user=make_user("nohome"))
    assert response.status_code == 422
    response = post(client, API, BODY, user=resident(eunpyeong))
    assert response.status_code == 422 and "district" in response.json()["errors"]
    response = post(
        client, API, {**BODY, "scope": "city", "category": "교통"}, user=resident(eunpyeong)
    )
    assert response.status_code == 201


def test_session_writes_need_csrf(guro):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident(guro))
    response = client.post(API, BODY, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_rate_limits_answer_429(client, guro, settings):
    settings.PARTICIPATION_RATE_LIMITS = {"support": (1, 60)}
    fan = resident(guro)
    first, second = propose(resident(guro)), propose(resident(guro))
    assert post(client, f"{API}/{first.pk}/support", user=fan).status_code == 201
    response = post(client, f"{API}/{second.pk}/support", user=fan)
    assert response.status_code == 429 and response.json()["detail"]


def test_debate_through_the_api(client, guro, guro_staff):
    proposal = to_debate(propose(resident(guro)), guro_staff, timezone.localdate())
    fan = resident(guro)
    response = post(
        client, f"{API}/{proposal.pk}/comments", {"stance": "pro", "text": "찬성"}, user=fan
    )
    assert response.status_code == 201
    top = response.json()["id"]
    response = post(
        client,
        f"{API}/{proposal.pk}/comments",
        {"stance": "con", "text": "반대", "parent_id": top},
        user=resident(guro),
    )
    assert response.status_code == 201 and response.json()["parent_id"] == top
    response = post(client, f"{API}/{proposal.pk}/comments", {"text": "가" * 2001}, user=fan)
    assert response.status_code == 422 and "text" in response.json()["errors"]
    reader = resident(guro)
    url = f"{API}/comments/{top}/report"
    assert post(client, url, {"reason": "욕설"}, user=reader).status_code == 201
    assert post(client, url, {"reason": "욕설"}, user=reader).status_code == 409
    moderation = client.get(f"{API}/moderation", **bearer(guro_staff)).json()
    assert [row["id"] for row in moderation["items"]] == [top]
    assert client.get(f"{API}/moderation", **bearer(fan)).status_code == 403
    hide = f"{API}/comments/{top}/hide"
    assert post(client, hide, {"reason": "x"}, user=fan).status_code == 403
    response = post(client, hide, {"reason": "운영원칙 위반"}, user=guro_staff)
    assert response.status_code == 200 and response.json()["text"] is None
    thread = client.get(f"{API}/{proposal.pk}/comments").json()
    assert thread[0]["hidden_reason"] == "운영원칙 위반" and len(thread[0]["replies"]) == 1


def test_staff_review_answer_and_overdue(client, guro, eunpyeong, guro_staff, city_officer):
    proposal = to_review(propose(resident(guro)), timezone.localdate())
    url = f"{API}/{proposal.pk}/review"
    other = make_user("ep", Role.DISTRICT_STAFF, eunpyeong)
    assert post(client, url, {"feasible": False, "opinion": "x"}, user=other).status_code == 403
    assert post(client, url, {"feasible": False, "opinion": ""}, user=guro_staff).status_code == 422
    response = post(client, url, {"feasible": False, "opinion": "예산 부족"}, user=guro_staff)
    assert response.status_code == 200 and response.json()["status"] == "infeasible"
    assert (
        post(client, url, {"feasible": True, "opinion": "다시"}, user=guro_staff).status_code == 422
    )
    response = post(
        client, f"{API}/{proposal.pk}/answer", {"answer": "재심의합니다"}, user=guro_staff
    )
    assert response.status_code == 200 and response.json()["answer"] == "재심의합니다"
    assert client.get(f"{API}/overdue", **bearer(city_officer)).json()["count"] == 0
    assert client.get(f"{API}/overdue?district=11380", **bearer(guro_staff)).status_code == 403
    assert client.get(f"{API}/overdue", **bearer(resident(guro))).status_code == 403
    assert client.get(f"{API}/overdue").status_code == 401


def test_notifications_and_residency(client, guro, guro_staff):
    user = make_user("newbie")
    headers = bearer(user)
    assert client.get(f"{API}/me/residency", **headers).status_code == 404
    response = client.put(
        f"{API}/me/residency",
        {"district": "11530", "dong": "오류동", "birth_year": 1999},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200 and response.json()["verified"] is False
    response = client.put(
        f"{API}/me/residency", {"district": "00000"}, content_type="application/json", **headers
    )
    assert response.status_code == 422
    home = Residency.objects.get(user=user)
    response = post(client, f"{API}/residencies/{home.pk}/confirm", user=guro_staff)
    assert response.status_code == 200 and response.json()["verified"] is True
    assert post(client, f"{API}/residencies/{home.pk}/confirm", user=user).status_code == 403
    propose(user)
    inbox = client.get(f"{API}/me/notifications?unread=true", **headers).json()
    assert inbox["count"] == 1
    response = post(client, f"{API}/me/notifications/read", {}, user=user)
    assert response.json() == {"marked": 1, "unread": 0}
    roll = SimpleUploadedFile("roll.csv", "김,nobody@example.com,11530,구로동,1980\n".encode())
    response = client.post(f"{API}/residencies/import", {"file": roll}, **bearer(guro_staff))
    assert response.status_code == 422 and "nobody@example.com" in str(response.json())
    listing = client.get(f"{API}/residencies?verified=true", **bearer(guro_staff)).json()
    assert [r["username"] for r in listing["items"]] == ["newbie"]


def test_no_personal_data_in_public_reads(client, guro, guro_staff):
    author = resident(guro, name="secretname", email="secret@example.com")
    proposal = to_debate(propose(author), guro_staff, timezone.localdate())
    debate.add_comment(proposal, author, text="제 의견")
    for url in (API, f"{API}/{proposal.pk}", f"{API}/{proposal.pk}/comments"):
        body = client.get(url).content.decode()
        assert "secretname" not in body and "secret@example.com" not in body
