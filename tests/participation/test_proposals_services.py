"""Proposals, supports, review, answer and the clocks, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from hyeopchi.core.models import AuditEvent, District, Role
from hyeopchi.participation import proposal_services as ps
from hyeopchi.participation.models import (
    Notification,
    Proposal,
    ProposalAttachment,
    ProposalStatus,
    Support,
)
from tests.conftest import make_user

from .proposal_helpers import (  # noqa: F401  (immediate_mail is a fixture)
    JPG,
    PDF,
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
def english():
    """Messages are checked in English (the catalogue's Korean is tested elsewhere)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def guro_staff(guro):
    user = make_user("guro-staff", Role.DISTRICT_STAFF, guro)
    user.email = "staff@guro.example"
    user.save()
    return user


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


# ---------------------------------------------------------------- proposing


def test_a_resident_proposes_in_their_district_under_its_policy(guro):
    author = resident(guro, email="me@example.com")
    proposal = propose(author, files=[png(), pdf()])
    assert proposal.district == guro
    assert proposal.policy_key == "guro-1st-street"
    assert proposal.status == ProposalStatus.GATHERING
    assert proposal.dong == "신도림동"  # from the residency when left out
    kinds = sorted(proposal.attachments.values_list("content_type", flat=True))
    assert kinds == ["application/pdf", "image/png"]
    assert AuditEvent.objects.filter(object_id=str(proposal.pk), action="proposed").exists()
    assert Notification.objects.filter(user=author).count() == 1
    assert mail.outbox and "50" in mail.outbox[0].subject


def test_city_wide_proposals_follow_democracy_seoul(guro):
    proposal = propose(resident(guro), scope="city", category="교통")
    assert proposal.policy_key == "democracy-seoul"
    assert ps.office_district_id(proposal) is None


def test_a_proposal_for_another_district_is_refused(guro, eunpyeong):
    author = resident(eunpyeong)
    with pytest.raises(ValidationError) as exc:
        ps.create_proposal(
            author,
            district=guro,
            title="제목",
            problem="문제",
            solution="해결",
            category="복지",
        )
    assert "Guro-gu" in " ".join(errors_of(exc)["__all__"])
    assert not Proposal.objects.exists()


def test_a_district_without_a_platform_is_told_to_propose_city_wide(eunpyeong):
    author = resident(eunpyeong)
    with pytest.raises(ValidationError) as exc:
        propose(author, category="복지")
    assert "city-wide" in errors_of(exc)["district"][0]


def test_without_residency_or_sign_in_nobody_proposes(guro):
    user = make_user("newcomer")
    with pytest.raises(ValidationError) as exc:
        ps.create_proposal(
            user, district=guro, title="t", problem="p", solution="s", category="복지"
        )
    assert "Declare" in " ".join(errors_of(exc)["__all__"])


def test_verified_residency_required_when_the_policy_says_so(guro, monkeypatch):
    policy = ps.policy_by_key("guro-1st-street")
    strict = policy.model_copy(update={"residency": "verified"})
    monkeypatch.setattr(ps, "policy_for", lambda district, scope="district": strict)
    with pytest.raises(ValidationError):
        propose(resident(guro))
    assert propose(resident(guro, verified=True)).pk


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "   "),
        ("problem", ""),
        ("solution", "\x00\x00"),
        ("title", "가" * 151),
        ("problem", "가" * 5001),
        ("category", "없는 분야"),
        ("dong", "동" * 41),
    ],
)
def test_bad_text_is_refused_by_field(guro, field, value):
    with pytest.raises(ValidationError) as exc:
        propose(resident(guro), **{field: value})
    assert field in errors_of(exc)
    assert not Proposal.objects.exists()


def test_text_is_stored_plain_with_control_characters_removed(guro):
    proposal = propose(resident(guro), problem="<b>굵게</b>\r\n다음 줄\x00", title=" 제목 ")
    assert proposal.problem == "<b>굵게</b>\n다음 줄"
    assert proposal.title == "제목"


@pytest.mark.parametrize(
    "upload",
    [
        png("script.exe", b"MZ" + b"\x00" * 20),
        png("fake.png", b"GIF89a" + b"\x00" * 20),  # a GIF named .png
        pdf("fake.pdf", b"<html>not a pdf</html>"),
        png("huge.jpg", b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024)),
        png("empty.png", b""),
        png("page.svg", b"<svg/>"),
    ],
)
def test_wrong_files_are_refused_by_content_type_and_size(guro, upload):
    with pytest.raises(ValidationError) as exc:
        propose(resident(guro), files=[upload])
    assert "files" in errors_of(exc)
    assert not Proposal.objects.exists() and not ProposalAttachment.objects.exists()


def test_at_most_five_files_of_five_megabytes(guro):
    exactly = png("big.jpg", JPG + b"\x00" * (5 * 1024 * 1024 - len(JPG)))
    proposal = propose(resident(guro), files=[exactly, pdf(), pdf(), png(), png()])
    assert proposal.attachments.count() == 5
    with pytest.raises(ValidationError) as exc:
        propose(resident(guro), files=[pdf("x.pdf", PDF) for _ in range(6)])
    assert "5" in errors_of(exc)["files"][0]


def test_proposals_are_rate_limited_per_user(guro, settings):
    settings.PARTICIPATION_RATE_LIMITS = {"proposal": (2, 3600)}
    author = resident(guro)
    propose(author)
    propose(author)
    with pytest.raises(ps.RateLimited, match="2 proposals in 60 minutes"):
        propose(author)


# ---------------------------------------------------------------- supports


def test_one_support_per_person_and_not_for_ones_own(guro):
    author = resident(guro)
    proposal = propose(author)
    with pytest.raises(ValidationError, match="own"):
        ps.support(proposal, author)
    fan = resident(guro)
    proposal = ps.support(proposal, fan)
    assert proposal.support_count == 1
    with pytest.raises(ps.AlreadySupported):
        ps.support(proposal, fan)
    proposal.refresh_from_db()
    assert proposal.support_count == 1 == Support.objects.count()


def test_supports_from_outside_the_district_are_refused(guro, eunpyeong):
    proposal = propose(resident(guro))
    with pytest.raises(ValidationError, match="Guro-gu"):
        ps.support(proposal, resident(eunpyeong))
    # City-wide proposals take supports from residents of every district.
    city = propose(resident(guro), scope="city", category="교통")
    assert ps.support(city, resident(eunpyeong)).support_count == 1


def test_supports_are_rate_limited(guro, settings):
    settings.PARTICIPATION_RATE_LIMITS = {"support": (2, 60)}
    fan = resident(guro)
    proposals = [propose(resident(guro)) for _ in range(3)]
    ps.support(proposals[0], fan)
    ps.support(proposals[1], fan)
    with pytest.raises(ValidationError, match="2"):
        ps.support(proposals[2], fan)


def test_the_50th_support_starts_the_review_and_notifies(guro, guro_staff):
    author = resident(guro, email="author@example.com")
    proposal = set_supports(propose(author), 48)
    mail.outbox.clear()
    proposal = ps.support(proposal, resident(guro))
    assert proposal.support_count == 49 and proposal.status == ProposalStatus.GATHERING
    assert not mail.outbox
    proposal = ps.support(proposal, resident(guro))
    assert proposal.support_count == 50
    assert proposal.status == ProposalStatus.IN_REVIEW
    assert proposal.threshold_reached_at is not None
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["author@example.com", "staff@guro.example"]
    assert Notification.objects.filter(user=guro_staff, message__contains="50").exists()
    assert (
        AuditEvent.objects.filter(object_id=str(proposal.pk), action="threshold reached").count()
        == 1
    )
    # More supports are still welcome; the review is not restarted.
    proposal = ps.support(proposal, resident(guro))
    assert proposal.support_count == 51 and proposal.status == ProposalStatus.IN_REVIEW


def test_supports_after_the_window_are_refused_and_the_tick_expires(guro):
    proposal = propose(resident(guro), scope="city", category="교통", created=D(2020, 6, 1))
    fan = resident(guro)
    with pytest.raises(ValidationError, match="over"):
        ps.support(proposal, fan, now=at(D(2020, 7, 1)))
    assert ps.support(proposal, fan, now=at(D(2020, 6, 30))).support_count == 1
    assert ps.tick(at(D(2020, 6, 30))).events == {}
    result = ps.tick(at(D(2020, 7, 1)))
    assert result.events == {"expired": 1}
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.EXPIRED


# ---------------------------------------------------------------- review, debate, answer


def test_guro_flow_review_debate_answer(guro, guro_staff):
    author = resident(guro, email="author@example.com")
    fans = [resident(guro, email=f"fan{i}@example.com") for i in range(2)]
    proposal = propose(author, created=D(2020, 6, 1))
    for fan in fans:
        ps.support(proposal, fan, now=at(D(2020, 6, 2)))
    proposal = to_review(proposal, D(2020, 6, 3))
    assert proposal.status == ProposalStatus.IN_REVIEW
    with pytest.raises(ValidationError):
        ps.answer(proposal, guro_staff, text="답변", now=at(D(2020, 6, 4)))
    proposal = ps.review(proposal, guro_staff, feasible=True, opinion="가능", now=at(D(2020, 6, 5)))
    assert proposal.status == ProposalStatus.IN_DEBATE
    assert (proposal.debate_opens, proposal.debate_closes, proposal.answer_due) == (
        D(2020, 6, 5),
        D(2020, 7, 4),
        D(2020, 8, 3),
    )
    with pytest.raises(ValidationError, match="debate"):
        ps.answer(proposal, guro_staff, text="답변", now=at(D(2020, 6, 10)))
    assert ps.tick(at(D(2020, 7, 4))).events == {}
    assert ps.tick(at(D(2020, 7, 5))).events == {"debate_closed": 1}
    assert ps.tick(at(D(2020, 7, 5))).events == {}  # idempotent
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.AWAITING_ANSWER
    mail.outbox.clear()
    proposal = ps.answer(proposal, guro_staff, text="반영하겠습니다.", now=at(D(2020, 7, 20)))
    assert proposal.status == ProposalStatus.ANSWERED and proposal.answer == "반영하겠습니다."
    answered_to = sorted(m.to[0] for m in mail.outbox)
    assert answered_to == ["author@example.com", "fan0@example.com", "fan1@example.com"]


def test_infeasible_proposals_are_closed_with_the_opinion(guro, guro_staff):
    proposal = to_review(propose(resident(guro)), D(2020, 6, 3))
    proposal = ps.review(proposal, guro_staff, feasible=False, opinion="예산 부족")
    assert proposal.status == ProposalStatus.INFEASIBLE
    assert proposal.review_opinion == "예산 부족"
    assert ps.answer(proposal, guro_staff, text="재심의 예정").status == ProposalStatus.ANSWERED


def test_review_needs_an_opinion_and_the_right_staff(guro, eunpyeong, guro_staff, city_officer):
    proposal = to_review(propose(resident(guro)), D(2020, 6, 3))
    with pytest.raises(ValidationError) as exc:
        ps.review(proposal, guro_staff, feasible=True, opinion="  ")
    assert "opinion" in errors_of(exc)
    other = make_user("eunpyeong-staff", Role.DISTRICT_STAFF, eunpyeong)
    with pytest.raises(PermissionError):
        ps.review(proposal, other, feasible=True, opinion="가능")
    with pytest.raises(PermissionError):
        ps.review(proposal, resident(guro), feasible=True, opinion="가능")
    assert ps.review(proposal, city_officer, feasible=True, opinion="가능").feasible is True


def test_city_wide_proposals_are_handled_by_city_officers(guro, guro_staff, city_officer):
    proposal = propose(resident(guro), scope="city", category="교통")
    proposal = to_review(proposal, timezone.localdate())
    with pytest.raises(PermissionError):
        ps.review(proposal, guro_staff, feasible=True, opinion="가능")
    proposal = ps.review(proposal, city_officer, feasible=False, opinion="어렵습니다")
    # No debate step: the mayor's answer is due 30 days after the review.
    assert proposal.status == ProposalStatus.AWAITING_ANSWER
    assert proposal.answer_due == proposal.debate_opens or proposal.answer_due is not None


def test_overdue_answers_are_flagged_once(guro, guro_staff):
    proposal = to_debate(propose(resident(guro)), guro_staff, D(2020, 6, 1))
    assert proposal.answer_due == D(2020, 7, 30)
    ps.tick(at(D(2020, 7, 1)))
    assert list(ps.overdue_proposals(D(2020, 7, 30))) == []
    assert list(ps.overdue_proposals(D(2020, 7, 31))) == [proposal]
    mail.outbox.clear()
    assert ps.tick(at(D(2020, 7, 31))).overdue_flagged == 1
    assert ps.tick(at(D(2020, 8, 1))).overdue_flagged == 0
    assert [m.to for m in mail.outbox] == [["staff@guro.example"]]
    assert AuditEvent.objects.filter(action="overdue: answer").count() == 1


def test_deadlines_are_shown_with_days_left(guro, guro_staff):
    proposal = to_debate(propose(resident(guro)), guro_staff, D(2020, 6, 1))
    shown = {d.kind: d for d in ps.deadlines(proposal, D(2020, 6, 20))}
    assert shown["debate"].due == D(2020, 6, 30) and shown["debate"].days_left == 10
    assert shown["answer"].due == D(2020, 7, 30)


def test_policy_version_in_force_on_the_creation_day(guro):
    proposal = propose(resident(guro), scope="city", category="교통", created=D(2018, 3, 1))
    assert ps.steps_of(proposal).supports_required == 5000
    proposal = propose(resident(guro), scope="city", category="교통", created=D(2020, 3, 1))
    assert ps.steps_of(proposal).supports_required == 1000


def test_district_mapping_is_policy_data():
    guro = District.objects.get(code="11530")
    assert ps.policy_for(guro).key == "guro-1st-street"
    assert ps.policy_for(District.objects.get(name_ko="은평구")) is None
    assert ps.policy_for(None, "city").key == "democracy-seoul"


def test_managed_by_is_the_queryset_form_of_can_manage(guro, eunpyeong, guro_staff, city_officer):
    local = propose(resident(guro))
    city_wide = propose(resident(guro), scope="city")
    elsewhere = propose(resident(guro))  # moved: only Guro takes district proposals here
    Proposal.objects.filter(pk=elsewhere.pk).update(district=eunpyeong)
    elsewhere.refresh_from_db()
    everything = Proposal.objects.all()
    assert set(ps.in_scope(everything, "city")) == {city_wide}
    assert set(ps.in_scope(everything, "district")) == {local, elsewhere}
    assert set(ps.managed_by(guro_staff, everything)) == {local}
    assert set(ps.managed_by(city_officer, everything)) == {local, city_wide, elsewhere}
    for proposal in (local, city_wide, elsewhere):
        for user in (guro_staff, city_officer):
            managed = ps.managed_by(user, everything).filter(pk=proposal.pk).exists()
            assert managed == ps.can_manage(user, proposal)
