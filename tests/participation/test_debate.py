"""The online debate: stances, replies one level deep, reports once per person,
moderation by the responsible staff (hidden with a published reason, never deleted),
per-user rate limits, and bad text refused with the text kept."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from hyeopchi.core.models import AuditEvent, Role
from hyeopchi.participation import debate
from hyeopchi.participation import proposal_services as ps
from hyeopchi.participation.models import Comment, CommentReport
from tests.conftest import make_user

from .proposal_helpers import (  # noqa: F401  (immediate_mail is a fixture)
    at,
    immediate_mail,
    propose,
    resident,
    to_debate,
    to_review,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_mail")]
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


@pytest.fixture
def guro_staff(guro):
    return make_user("guro-staff", Role.DISTRICT_STAFF, guro)


@pytest.fixture
def debated(guro, guro_staff):
    return to_debate(propose(resident(guro)), guro_staff, TODAY)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_comments_with_stance_and_replies_one_level_deep(guro, debated):
    pro, con = resident(guro), resident(guro)
    top = debate.add_comment(debated, pro, text="좋은 제안입니다.", stance="pro")
    reply = debate.add_comment(debated, con, text="예산이 걱정됩니다.", stance="con", parent=top)
    deeper = debate.add_comment(debated, pro, text="재원은 구비로.", parent=reply)
    assert reply.parent_id == top.pk
    assert deeper.parent_id == top.pk  # a reply to a reply joins the same thread
    assert debate.stance_counts(debated) == {"pro": 1, "con": 1, "neutral": 1}
    thread = debate.thread(debated)
    assert [c.pk for c in thread] == [top.pk]
    assert [r.pk for r in thread[0].replies.all()] == [reply.pk, deeper.pk]


def test_the_debate_is_only_open_in_its_window(guro, guro_staff):
    proposal = propose(resident(guro))
    with pytest.raises(ValidationError, match="opens once"):
        debate.add_comment(proposal, resident(guro), text="벌써?")
    proposal = to_debate(proposal, guro_staff, dt.date(2020, 6, 1))
    fan = resident(guro)
    assert debate.add_comment(proposal, fan, text="30일째", now=at(dt.date(2020, 6, 30)))
    with pytest.raises(ValidationError, match="closed"):
        debate.add_comment(proposal, fan, text="31일째", now=at(dt.date(2020, 7, 1)))


def test_residents_of_other_districts_may_not_debate_but_staff_may(guro, eunpyeong, debated):
    with pytest.raises(ValidationError, match="Guro-gu"):
        debate.add_comment(debated, resident(eunpyeong), text="의견")
    staff = make_user("guro-staff-2", Role.DISTRICT_STAFF, guro)
    assert debate.add_comment(debated, staff, text="부서 설명입니다.")


@pytest.mark.parametrize("bad", ["", "   \n ", "\x00", "가" * 2001])
def test_empty_or_oversized_text_is_refused(guro, debated, bad):
    with pytest.raises(ValidationError) as exc:
        debate.add_comment(debated, resident(guro), text=bad)
    assert "text" in exc.value.message_dict
    assert not Comment.objects.exists()


def test_exactly_2000_characters_are_accepted(guro, debated):
    assert len(debate.add_comment(debated, resident(guro), text="가" * 2000).text) == 2000


def test_a_reply_to_another_debate_is_refused(guro, guro_staff, debated):
    other = to_debate(propose(resident(guro)), guro_staff, TODAY)
    elsewhere = debate.add_comment(other, resident(guro), text="다른 토론")
    with pytest.raises(ValidationError) as exc:
        debate.add_comment(debated, resident(guro), text="답글", parent=elsewhere)
    assert "parent" in exc.value.message_dict


def test_comments_are_rate_limited_per_user(guro, debated):
    author = resident(guro)
    for i in range(5):
        debate.add_comment(debated, author, text=f"의견 {i}")
    with pytest.raises(ps.RateLimited, match="5 comments in 10 minutes"):
        debate.add_comment(debated, author, text="여섯 번째")
    # Ten minutes later the limit has passed.
    later = debate.add_comment(
        debated, author, text="다음 날", now=at(TODAY + dt.timedelta(days=1), 12)
    )
    assert later.pk
    assert debate.add_comment(debated, resident(guro), text="다른 사람은 됩니다")


def test_reports_once_per_person(guro, debated):
    author, reader = resident(guro), resident(guro)
    comment = debate.add_comment(debated, author, text="욕설")
    debate.report(comment, reader, "욕설이 있습니다")
    with pytest.raises(ValidationError, match="already reported"):
        debate.report(comment, reader, "다시")
    with pytest.raises(ValidationError, match="own comment"):
        debate.report(comment, author, "자기 신고")
    with pytest.raises(ValidationError):
        debate.report(comment, resident(guro), "  ")
    debate.report(comment, resident(guro), "광고")
    assert CommentReport.objects.filter(comment=comment).count() == 2


def test_moderators_hide_with_a_published_reason_and_nothing_is_deleted(
    guro, eunpyeong, guro_staff, city_officer, debated
):
    comment = debate.add_comment(debated, resident(guro), text="비방하는 글")
    debate.report(comment, resident(guro), "비방")
    other = make_user("ep-staff", Role.DISTRICT_STAFF, eunpyeong)
    with pytest.raises(PermissionError):
        debate.hide(comment, other, "권한 없음")
    with pytest.raises(PermissionError):
        debate.hide(comment, resident(guro), "주민")
    with pytest.raises(ValidationError):
        debate.hide(comment, guro_staff, "")
    assert list(debate.moderation_queue(guro_staff)) == [comment]
    assert list(debate.moderation_queue(other)) == []
    assert list(debate.moderation_queue(city_officer)) == [comment]
    hidden = debate.hide(comment, guro_staff, "타인 비방(운영원칙 3조)")
    assert hidden.text == "비방하는 글"  # kept
    assert hidden.hidden_reason == "타인 비방(운영원칙 3조)"
    assert list(debate.moderation_queue(guro_staff)) == []
    assert AuditEvent.objects.filter(action="comment hidden", reason__contains="비방").exists()
    with pytest.raises(ValidationError, match="already hidden"):
        debate.hide(comment, guro_staff, "또")


def test_hidden_comments_show_the_reason_not_the_text(client, guro, guro_staff, debated):
    comment = debate.add_comment(debated, resident(guro), text="숨길 내용 XYZ")
    debate.hide(comment, guro_staff, "개인정보 노출")
    with translation.override("ko"):
        page = text(client.get(reverse("proposals:detail", args=[debated.pk])))
    assert "숨길 내용 XYZ" not in page
    assert "운영자가 숨김: 개인정보 노출" in page
    api = client.get(f"/api/v1/proposals/{debated.pk}/comments").json()
    assert api[0]["text"] is None and api[0]["hidden_reason"] == "개인정보 노출"


def test_comment_form_keeps_the_text_on_error(client, guro, debated, settings):
    settings.PARTICIPATION_RATE_LIMITS = {"comment": (1, 600)}
    client.force_login(resident(guro))
    url = reverse("proposals:comment", args=[debated.pk])
    assert client.post(url, {"stance": "pro", "text": "첫 댓글"}).status_code == 302
    response = client.post(url, {"stance": "con", "text": "두 번째 댓글 남겨 주세요"})
    assert response.status_code == 200
    page = text(response)
    assert "두 번째 댓글 남겨 주세요" in page  # kept in the form
    assert "1" in page and 'role="alert"' in page
    too_long = "나" * 2001
    settings.PARTICIPATION_RATE_LIMITS = {"comment": (10, 600)}
    response = client.post(url, {"stance": "pro", "text": too_long})
    assert too_long in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert Comment.objects.count() == 1


def test_reply_errors_open_the_reply_with_its_text(client, guro, debated):
    top = debate.add_comment(debated, resident(guro), text="원글")
    client.force_login(resident(guro))
    response = client.post(
        reverse("proposals:comment", args=[debated.pk]),
        {"stance": "neutral", "text": "다" * 2001, "parent": top.pk},
    )
    page = response.content.decode()
    assert '<details class="reply" open>' in page
    assert "다" * 2001 in page


def test_a_parent_that_is_not_a_number_is_refused_with_the_text_kept(client, guro, debated):
    client.force_login(resident(guro))
    response = client.post(
        reverse("proposals:comment", args=[debated.pk]),
        {"stance": "neutral", "text": "숫자가 아닌 답글 대상", "parent": "²"},
    )
    assert response.status_code == 200
    assert "숫자가 아닌 답글 대상" in text(response)
    assert not Comment.objects.exists()


def test_report_and_hide_pages(client, guro, guro_staff, debated):
    comment = debate.add_comment(debated, resident(guro), text="문제 댓글")
    client.force_login(resident(guro))
    url = reverse("proposals:report", args=[comment.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "광고"}).status_code == 302
    assert client.post(url, {"reason": "광고"}).status_code == 302  # told "already"
    assert CommentReport.objects.count() == 1
    hide = reverse("proposals:hide", args=[comment.pk])
    assert client.get(hide).status_code == 403
    client.force_login(guro_staff)
    assert "문제 댓글" in text(client.get(reverse("proposals:moderation")))
    response = client.post(hide, {"reason": "상업 광고"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.hidden_reason == "상업 광고" and comment.hidden_by == guro_staff


def test_review_to_debate_for_a_proposal_in_review(guro, guro_staff):
    proposal = to_review(propose(resident(guro)), TODAY)
    assert not debate.debate_open(proposal)
    proposal = ps.review(proposal, guro_staff, feasible=True, opinion="가능")
    assert debate.debate_open(proposal)
