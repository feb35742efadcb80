"""Helpers of the proposal tests: residents, proposals at a given stage, tiny files."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hyeopchi.core.models import District
from hyeopchi.participation import notifications, residency
from hyeopchi.participation import proposal_services as ps
from hyeopchi.participation.models import Proposal
from tests.conftest import make_user

SEOUL = ZoneInfo("Asia/Seoul")
_users = itertools.count(1)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


def png(name="photo.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


def pdf(name="plan.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def resident(
    district: District | None = None,
    dong: str = "신도림동",
    verified: bool = False,
    name: str | None = None,
    email: str | None = None,
):
    district = district or District.objects.get(name_ko="구로구")
    n = next(_users)
    user = make_user(name or f"resident{n}")
    if email is not None:
        user.email = email
        user.save(update_fields=["email"])
    home = residency.declare(user, district, dong, 1980)
    if verified:
        home.verified = True
        home.save(update_fields=["verified"])
    return user


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SEOUL)


def propose(author=None, scope: str = "district", created: dt.date | None = None, **kw) -> Proposal:
    author = author or resident()
    home = residency.residency_of(author)
    policy = ps.policy_for(home.district, scope)
    fields = {
        "district": home.district,
        "scope": scope,
        "title": "신도림역 보행환경 개선",
        "problem": "출근길 보도가 좁아 위험합니다.",
        "solution": "보도를 넓히고 횡단보도를 옮깁니다.",
        "expected_effect": "보행 안전",
        "category": policy.categories[0] if policy else "복지",
    }
    fields.update(kw)
    proposal = ps.create_proposal(author, **fields)
    if created is not None:
        Proposal.objects.filter(pk=proposal.pk).update(created_at=at(created))
        proposal.refresh_from_db()
    return proposal


def set_supports(proposal: Proposal, count: int) -> Proposal:
    """Pretend ``count`` supports were given (the count only; for clock tests)."""
    Proposal.objects.filter(pk=proposal.pk).update(support_count=count)
    proposal.refresh_from_db()
    return proposal


def to_review(proposal: Proposal, day: dt.date) -> Proposal:
    set_supports(proposal, ps.steps_of(proposal).supports_required)
    ps.tick(at(day))
    proposal.refresh_from_db()
    return proposal


def to_debate(proposal: Proposal, staff, day: dt.date) -> Proposal:
    to_review(proposal, day)
    return ps.review(proposal, staff, feasible=True, opinion="실행 가능합니다.", now=at(day))


def now() -> dt.datetime:
    return timezone.now()


@pytest.fixture
def immediate_mail(monkeypatch):
    """E-mails leave when the transaction commits; tests run inside one, so send at once."""
    monkeypatch.setattr(notifications, "after_commit", lambda send: send())
