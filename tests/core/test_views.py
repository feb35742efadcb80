"""Core pages: home, language switch, header, audit history, CSRF, error pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from hyeopchi.bodies import services
from hyeopchi.bodies.models import Decision
from hyeopchi.core.models import Role
from tests.conftest import add_member, make_body, make_person, make_user


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_korean_is_the_default_language(client):
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="ko">' in page
    assert "구로구" in page
    assert 'href="#main"' in page and 'id="main"' in page


@pytest.mark.django_db
def test_language_switcher_sets_english(client):
    page = client.get(reverse("home")).content.decode()
    assert 'action="/i18n/setlang/"' in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page
    assert "Guro-gu" in page


@pytest.mark.django_db
def test_header_shows_the_signed_in_user_and_role(client, guro):
    client.force_login(make_user("clerk-guro", Role.DISTRICT_STAFF, guro))
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "clerk-guro" in page
    assert "district secretariat staff · Guro-gu" in page
    assert 'action="/logout/"' in page


@pytest.mark.django_db
def test_logout_is_a_post(client, guro):
    client.force_login(make_user("resident"))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.fixture
def decided(guro):
    body = make_body(guro)
    member = add_member(body, make_person("F", "감사인"))
    decision = Decision.objects.create(
        body=body, title="공개 결정", decided_on=dt.date(2019, 7, 1), published=True
    )
    from hyeopchi.core import audit

    clerk = make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    audit.record(decision, "decided", clerk, reason="제3차 회의")
    services.end_membership(member, dt.date(2020, 1, 1), "resigned", actor=clerk)
    return body, member, decision, clerk


@pytest.mark.django_db
def test_public_history_of_a_published_decision_hides_who(client, decided):
    _body, _member, decision, _clerk = decided
    response = client.get(reverse("history", args=["bodies.decision", decision.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "의결" in page and "제3차 회의" in page  # the action, shown in Korean
    assert "clerk-guro" not in page


@pytest.mark.django_db
def test_history_of_private_records_is_for_district_staff(client, decided, eunpyeong):
    body, member, _decision, clerk = decided
    membership_url = reverse("history", args=["bodies.membership", member.pk])
    body_url = reverse("history", args=["bodies.body", body.pk])
    response = client.get(membership_url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    client.force_login(make_user("resident"))
    assert client.get(membership_url).status_code == 403
    client.force_login(make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong))
    assert client.get(body_url).status_code == 403
    client.force_login(clerk)
    page = client.get(membership_url).content.decode()
    assert "ended" in page and "clerk-guro" in page and "감사인" in page
    client.force_login(make_user("city", Role.CITY_OFFICER))
    assert client.get(membership_url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "label", ["core.auditevent", "auth.user", "nonsense", "bodies.nosuchmodel", "x.y.z"]
)
def test_history_of_other_models_is_not_found(client, label):
    client.force_login(make_user("root"))
    assert client.get(reverse("history", args=[label, 1])).status_code == 404


@pytest.mark.django_db
def test_history_with_a_bad_id_is_not_found(client):
    assert client.get(reverse("history", args=["bodies.body", "abc"])).status_code == 404


@pytest.mark.django_db
def test_history_with_a_superscript_digit_id_is_not_found(client):
    # "²".isdigit() is true but int("²") fails: such an id must not reach the query.
    assert client.get(reverse("history", args=["bodies.body", "²"])).status_code == 404


@pytest.mark.django_db
def test_csrf_is_enforced_on_staff_forms_and_sign_in(guro):
    body = make_body(guro)
    clerk = make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("login"), {"username": "x", "password": "y"}).status_code == 403
    strict.force_login(clerk)
    url = reverse("bodies:meeting_create", args=[body.pk])
    data = {
        "kind": "regular",
        "starts_at": "2019-09-26T10:00",
        "status": "scheduled",
        "convened_by": "schedule",
    }
    assert strict.post(url, data).status_code == 403
    assert not body.meetings.exists()
    # with the token from the form, the same post is accepted
    strict.get(url)
    token = strict.cookies["csrftoken"].value
    response = strict.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert body.meetings.count() == 1


@pytest.mark.django_db
def test_not_found_page_uses_the_site_template(client):
    response = client.get("/bodies/999999/")
    assert response.status_code == 404
    assert b"skip-link" in response.content


@pytest.mark.django_db
def test_stylesheet_is_served_from_the_project(client):
    from django.contrib.staticfiles import finders

    assert finders.find("hyeopchi/site.css")
