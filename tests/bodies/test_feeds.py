"""Calendar feed and PDF downloads through the Django test client, with their permissions."""

from __future__ import annotations

import datetime as dt
import io

import icalendar
import pytest
from django.contrib.auth import get_user_model
from pypdf import PdfReader

from hyeopchi.core.models import District, Role
from tests.conftest import make_user

from .meeting_scenario import build, publish


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


@pytest.fixture
def scenario(guro):
    return build(guro)


def test_calendar_feed_is_public(client, scenario):
    response = client.get(f"/bodies/{scenario.body.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'inline; filename="body-{scenario.body.pk}.ics"'
    cal = icalendar.Calendar.from_ical(response.content)
    vevents = cal.walk("VEVENT")
    assert len(vevents) == 2
    urls = {str(e["url"]) for e in vevents}
    assert f"http://testserver/meetings/{scenario.meeting.pk}/package.pdf" in urls


def test_package_is_public(client, scenario):
    response = client.get(f"/meetings/{scenario.meeting.pk}/package.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    text = pdf_text(response)
    assert "구로구협치회의 제1차 회의 자료" in text
    assert "김*수" not in text and "김영수" not in text


def test_documents_follow_the_request_language(client, scenario):
    response = client.get(f"/meetings/{scenario.meeting.pk}/package.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    assert "meeting papers" in pdf_text(response)
    response = client.get(f"/meetings/{scenario.meeting.pk}/package.pdf")
    assert response["Content-Language"] == "ko"  # the default
    assert "회의 자료" in pdf_text(response)


def test_published_minutes_are_public(client, scenario):
    publish(scenario.minutes, scenario.next_meeting)
    response = client.get(f"/meetings/{scenario.meeting.pk}/minutes.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "회의록" in text and "김*수" in text and "김영수" not in text
    assert "찬성 2, 반대 1, 기권 0" in text
    assert "초안" not in text


@pytest.mark.parametrize("status", ["draft", "approved"])
def test_unpublished_minutes_are_hidden_from_the_public(client, scenario, status):
    if status == "approved":
        from hyeopchi.bodies import services

        services.approve_minutes(scenario.minutes, scenario.next_meeting)
    assert client.get(f"/meetings/{scenario.meeting.pk}/minutes.pdf").status_code == 404


def _other_district_clerk():
    other = District.objects.get(name_ko="은평구")
    return make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, other)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("signed-in, no role", 404),
        ("other district's clerk", 404),
        ("this district's clerk", 200),
        ("city officer", 200),
        ("superuser", 200),
    ],
)
def test_draft_minutes_permission_matrix(client, scenario, guro_clerk, city_officer, who, status):
    users = {
        "signed-in, no role": lambda: make_user("resident"),
        "other district's clerk": _other_district_clerk,
        "this district's clerk": lambda: guro_clerk,
        "city officer": lambda: city_officer,
        "superuser": lambda: get_user_model().objects.create_superuser("root", password="x" * 12),
    }
    if who in users:
        client.force_login(users[who]())
    response = client.get(f"/meetings/{scenario.meeting.pk}/minutes.pdf")
    assert response.status_code == status
    if status == 200:
        text = pdf_text(response)
        assert "초안 (DRAFT)" in text
        assert "김*수" in text and "김영수" not in text
        assert response["Cache-Control"] == "private, no-store"


def test_city_body_drafts_are_for_city_officers_only(client, city_officer, guro_clerk):
    from tests.conftest import make_body

    body = make_body(
        None,
        rulebook="regional-council-plenary",
        name="협치서울지역협의회",
        kind="regional_plenary",
        established_on=dt.date(2016, 9, 30),
    )
    scenario = build(None, body=body)
    url = f"/meetings/{scenario.meeting.pk}/minutes.pdf"
    client.force_login(guro_clerk)
    assert client.get(url).status_code == 404
    client.force_login(city_officer)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/bodies/999999/calendar.ics",
        "/meetings/999999/package.pdf",
        "/meetings/999999/minutes.pdf",
        "/bodies/99999999999999999999999/calendar.ics",
        "/meetings/99999999999999999999999/package.pdf",
        "/meetings/99999999999999999999999/minutes.pdf",
    ],
)
def test_unknown_ids_are_404(client, db, url):
    assert client.get(url).status_code == 404


def test_meeting_without_minutes_is_404(client, scenario):
    scenario.minutes.delete()
    assert client.get(f"/meetings/{scenario.meeting.pk}/minutes.pdf").status_code == 404


def test_only_get(client, scenario):
    response = client.post(f"/bodies/{scenario.body.pk}/calendar.ics")
    assert response.status_code == 405


def test_missing_font_is_a_clear_503_not_a_500(client, scenario, settings, tmp_path):
    settings.HYEOPCHI_FONT_DIR = str(tmp_path)
    response = client.get(f"/meetings/{scenario.meeting.pk}/package.pdf")
    assert response.status_code == 503
    assert "fonts-nanum" in response.content.decode()
