"""The proposal pages: list, proposal page, proposing, supporting, staff pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hyeopchi.core.models import Role
from hyeopchi.participation import proposal_services as ps
from hyeopchi.participation.models import (
    Notification,
    Proposal,
    ProposalAttachment,
    ProposalStatus,
    Residency,
    Support,
)
from tests.conftest import make_user

from .proposal_helpers import (  # noqa: F401  (immediate_mail is a fixture)
    PNG,
    at,
    immediate_mail,
    pdf,
    png,
    propose,
    resident,
    set_supports,
    to_debate,
    to_review,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_mail")]
D = dt.date


@pytest.fixture(autouse=True)
def setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def guro_staff(guro):
    return make_user("guro-staff", Role.DISTRICT_STAFF, guro)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# ---------------------------------------------------------------- public pages


def test_list_filters_and_shows_count_and_deadline(client, guro, eunpyeong):
    a = propose(resident(guro), title="보행환경 개선")
    propose(resident(guro), scope="city", category="교통", title="시 전체 제안")
    propose(resident(eunpyeong), scope="city", category="복지", title="은평 시민 제안")
    page = text(client.get(reverse("proposals:list")))
    assert "보행환경 개선" in page and "은평 시민 제안" in page
    assert "0 / 50" in page or "50" in page
    page = text(client.get(reverse("proposals:list") + f"?district={guro.code}&scope=district"))
    assert "보행환경 개선" in page and "시 전체 제안" not in page
    page = text(client.get(reverse("proposals:list") + "?category=교통"))
    assert "시 전체 제안" in page and "보행환경 개선" not in page
    page = text(client.get(reverse("proposals:list") + "?status=answered"))
    assert "보행환경 개선" not in page
    # Junk filters are ignored with a message, never a server error.
    response = client.get(reverse("proposals:list") + "?district=<x>&status=nope&page=abc")
    assert response.status_code == 200
    assert a.title in text(response)


@pytest.mark.parametrize("as_staff", [False, True])
def test_list_queries_do_not_grow_with_rows(client, guro, guro_staff, as_staff):
    if as_staff:
        client.force_login(guro_staff)
    author = resident(guro)
    for i in range(2):
        propose(author, title=f"제안 {i}")
    url = reverse("proposals:list")
    small = count_queries(client, url)
    for i in range(2, 10):
        Proposal.objects.create(
            district=guro,
            author=author,
            policy_key="guro-1st-street",
            title=f"제안 {i}",
            problem="p",
            solution="s",
            category="복지",
        )
    assert count_queries(client, url) == small
    assert "제안 9" in text(client.get(url))


def test_proposal_page_queries_do_not_grow_with_comments(client, guro, guro_staff, settings):
    settings.PARTICIPATION_RATE_LIMITS = {"comment": (100, 600)}
    proposal = to_debate(propose(resident(guro)), guro_staff, timezone.localdate())
    from hyeopchi.participation import debate

    fans = [resident(guro) for _ in range(10)]
    top = debate.add_comment(proposal, fans[0], text="첫 의견", stance="pro")
    debate.add_comment(proposal, fans[1], text="답글", stance="con", parent=top)
    url = reverse("proposals:detail", args=[proposal.pk])
    small = count_queries(client, url)
    for i, fan in enumerate(fans[2:]):
        c = debate.add_comment(proposal, fan, text=f"의견 {i}", stance="neutral")
        debate.add_comment(proposal, fans[0], text=f"답 {i}", parent=c)
    assert count_queries(client, url) == small


def test_proposal_page_shows_count_deadlines_and_escapes_text(client, guro, guro_staff):
    proposal = propose(
        resident(guro),
        problem="<script>alert(1)</script>\n둘째 줄",
        files=[png(), pdf()],
    )
    proposal = to_debate(proposal, guro_staff, timezone.localdate())
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>둘째 줄" in page
    assert "50 / 50" in page or "50" in page
    assert "온라인 토론" in page  # the debate deadline (Korean by default)
    closes = proposal.debate_closes
    assert f'datetime="{closes.isoformat()}"' in page
    assert "29" in page  # days left of the 30-day debate
    # Images and PDFs are served with their checked type and nosniff.
    image = ProposalAttachment.objects.get(proposal=proposal, content_type="image/png")
    response = client.get(reverse("proposals:attachment", args=[image.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(PNG[:8])


def test_proposer_names_are_masked_on_public_pages(client, guro):
    author = resident(guro, name="honggildong", email="hong@example.com")
    author.first_name, author.last_name = "길동", "홍"
    author.save()
    proposal = propose(author)
    page = text(client.get(reverse("proposals:detail", args=[proposal.pk])))
    assert "홍길동" not in page and "길동 홍" not in page
    assert "hong@example.com" not in page and "honggildong" not in page
    api = client.get(f"/api/v1/proposals/{proposal.pk}").json()
    assert "hong@example.com" not in str(api) and "honggildong" not in str(api)


# ---------------------------------------------------------------- proposing


def test_resident_signs_up_and_proposes_with_files(client, guro):
    response = client.post(
        reverse("proposals:signup"),
        {
            "username": "newresident",
            "email": "new@example.com",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
            "district": guro.pk,
            "dong": "구로동",
            "birth_year": 1990,
            "next": reverse("proposals:create"),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("proposals:create")
    home = Residency.objects.get(user__username="newresident")
    assert (home.district, home.dong, home.verified) == (guro, "구로동", False)
    form = client.get(reverse("proposals:create"))
    assert "구로1번가" in text(form)
    response = client.post(
        reverse("proposals:create"),
        {
            "scope": "district",
            "title": "공원 조명",
            "problem": "밤에 어둡습니다.",
            "solution": "조명 설치",
            "category": "안전",
            "files": [png(), pdf()],
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("proposals:detail", args=[proposal.pk])
    assert proposal.attachments.count() == 2 and proposal.dong == "구로동"


def test_bad_proposal_keeps_the_text_and_says_what_is_wrong(client, guro):
    client.force_login(resident(guro))
    response = client.post(
        reverse("proposals:create"),
        {
            "scope": "district",
            "title": "남길 제목",
            "problem": "남길 문제 설명",
            "solution": "",
            "category": "안전",
            "files": [png("virus.exe", b"MZ...")],
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "남길 제목" in page and "남길 문제 설명" in page
    assert 'aria-invalid="true"' in page
    assert "virus.exe" in page  # the file's error names it
    assert not Proposal.objects.exists()


def test_signup_errors_keep_the_input(client, guro):
    response = client.post(
        reverse("proposals:signup"),
        {"username": "x", "password1": "a", "password2": "b", "district": "", "birth_year": "1800"},
    )
    assert response.status_code == 200
    assert 'value="x"' in response.content.decode()
    assert not Residency.objects.exists()


def test_without_residency_proposing_starts_with_the_residency(client, guro):
    client.force_login(make_user("nohome"))
    response = client.get(reverse("proposals:create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("proposals:residency"))
    response = client.post(
        reverse("proposals:residency") + "?next=/proposals/new/",
        {"district": guro.pk, "dong": "개봉동", "birth_year": "1975", "next": "/proposals/new/"},
    )
    assert response.status_code == 302 and response["Location"] == "/proposals/new/"


def test_outside_resident_is_refused_with_a_message(client, guro, eunpyeong):
    proposal = propose(resident(guro))
    client.force_login(resident(eunpyeong))
    response = client.post(reverse("proposals:support", args=[proposal.pk]), follow=True)
    assert "구로구" in text(response)
    assert Support.objects.count() == 0


# ---------------------------------------------------------------- supports


def test_support_button_counts_once_and_says_so(client, guro):
    proposal = propose(resident(guro))
    client.force_login(resident(guro))
    url = reverse("proposals:support", args=[proposal.pk])
    page = text(client.post(url, follow=True))
    assert "1 / 50" in page or "1" in page
    page = text(client.post(url, follow=True))
    assert Support.objects.count() == 1
    assert "이미" in page or "already" in page  # "you already support this"


def test_anonymous_support_goes_to_sign_in_and_get_is_refused(client, guro):
    proposal = propose(resident(guro))
    url = reverse("proposals:support", args=[proposal.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_csrf_is_required(guro):
    proposal = propose(resident(guro))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(resident(guro))
    assert strict.post(reverse("proposals:support", args=[proposal.pk])).status_code == 403
    assert Support.objects.count() == 0


# ---------------------------------------------------------------- staff pages


def test_staff_review_and_answer_pages(client, guro, guro_staff):
    author = resident(guro, email="author@example.com")
    proposal = to_review(propose(author), timezone.localdate())
    client.force_login(guro_staff)
    review = reverse("proposals:review", args=[proposal.pk])
    response = client.post(review, {"feasible": "yes", "opinion": ""})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    response = client.post(review, {"feasible": "yes", "opinion": "가능합니다"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.IN_DEBATE
    answer = reverse("proposals:answer", args=[proposal.pk])
    assert "토론" in text(client.get(answer))  # blocked while the debate is open
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.AWAITING_ANSWER)
    mail.outbox.clear()
    response = client.post(answer, {"answer": "2021년 예산에 반영합니다."})
    assert response.status_code == 302
    page = text(client.get(reverse("proposals:detail", args=[proposal.pk])))
    assert "2021년 예산에 반영합니다." in page
    assert [m.to for m in mail.outbox] == [["author@example.com"]]


@pytest.mark.parametrize("name", ["review", "answer"])
def test_staff_pages_refuse_others(client, guro, eunpyeong, name):
    proposal = to_review(propose(resident(guro)), timezone.localdate())
    url = reverse(f"proposals:{name}", args=[proposal.pk])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(make_user("ep", Role.DISTRICT_STAFF, eunpyeong))
    assert client.get(url).status_code == 403
    assert client.post(url, {"feasible": "yes", "opinion": "x", "answer": "x"}).status_code == 403
    client.force_login(resident(guro))
    assert client.get(url).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.IN_REVIEW


def test_overdue_list_per_district_and_for_the_city(client, guro, guro_staff, city_officer):
    late = to_debate(propose(resident(guro), title="늦은 답변"), guro_staff, D(2020, 6, 1))
    ps.tick(at(D(2020, 7, 1)))
    on_time = propose(resident(guro), title="제때")
    assert on_time
    client.force_login(guro_staff)
    page = text(client.get(reverse("proposals:overdue")))
    assert "늦은 답변" in page and "제때" not in page
    client.force_login(city_officer)
    page = text(client.get(reverse("proposals:overdue")))
    assert "늦은 답변" in page
    assert late.pk
    client.force_login(resident(guro))
    assert client.get(reverse("proposals:overdue")).status_code == 403


def test_notifications_inbox_and_header_count(client, guro, guro_staff):
    author = resident(guro)
    proposal = set_supports(propose(author), 49)
    ps.support(proposal, resident(guro))
    client.force_login(guro_staff)
    page = text(client.get(reverse("proposals:list")))
    assert '<span class="count">1</span>' in page
    page = text(client.get(reverse("proposals:notifications")))
    assert proposal.title in page
    item = Notification.objects.get(user=guro_staff)
    response = client.post(reverse("proposals:notification_open", args=[item.pk]))
    assert response["Location"] == reverse("proposals:detail", args=[proposal.pk])
    item.refresh_from_db()
    assert item.read_at is not None
    # Another user's notification is not theirs to open.
    other = Notification.objects.filter(user=author).first()
    assert client.post(reverse("proposals:notification_open", args=[other.pk])).status_code == 404
