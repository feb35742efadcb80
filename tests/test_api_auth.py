"""Authentication: personal API tokens (hashed, revocable) and sessions with CSRF."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from hyeopchi.core.models import ApiToken, Role
from hyeopchi.core.tokens import create_token
from tests.conftest import make_body, make_user
from tests.test_api_helpers import Api, api_as, fast_passwords  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _patch(api: Api, body) -> int:
    return api.patch(f"/bodies/{body.pk}", {"description": "토큰으로 변경"}).status_code


def test_create_api_token_command_prints_the_secret_once_and_stores_its_hash(guro):
    user = make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "clerk-guro", "laptop", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert secret.startswith("hyc_") and len(secret) > 40
    token = ApiToken.objects.get(user=user)
    assert token.name == "laptop"
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.key_hash, token.prefix, token.name}
    assert "cannot be shown again" in err.getvalue()
    assert token.last_used_at is None

    body = make_body(guro)
    assert _patch(api_as(token=secret), body) == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_create_api_token_for_unknown_user(db):
    with pytest.raises(CommandError, match="No user named"):
        call_command("create_api_token", "nobody", "x", stdout=StringIO(), stderr=StringIO())


def test_revoked_wrong_and_inactive_tokens_are_refused(guro):
    user = make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    body = make_body(guro)
    token, secret = create_token(user, "phone")
    assert _patch(api_as(token=secret), body) == 200
    token.revoked = True
    token.save()
    assert _patch(api_as(token=secret), body) == 401
    assert _patch(api_as(token="hyc_" + "x" * 40), body) == 401
    assert _patch(api_as(token="not-even-a-token"), body) == 401

    _token, fresh = create_token(user, "new phone")
    user.is_active = False
    user.save()
    assert _patch(api_as(token=fresh), body) == 401


def test_a_wrong_token_on_a_public_read_is_401_not_anonymous(guro):
    make_body(guro)
    response = api_as(token="hyc_wrong").get("/bodies")
    assert response.status_code == 401
    assert api_as().get("/bodies").status_code == 200


def test_a_token_reads_as_its_user(guro):
    user = make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    _token, secret = create_token(user, "laptop")
    assert api_as(token=secret).get("/people").status_code == 200
    assert api_as().get("/people").status_code == 401


def test_anonymous_write_is_401_with_a_clear_message(guro):
    body = make_body(guro)
    response = api_as().patch(f"/bodies/{body.pk}", {"description": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert "Authentication required" in response.json()["detail"]


def test_session_writes_need_the_csrf_token(guro):
    user = make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    body = make_body(guro)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    api = Api(client)
    refused = api.patch(f"/bodies/{body.pk}", {"description": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    body.refresh_from_db()
    assert body.description == ""

    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    accepted = api.patch(f"/bodies/{body.pk}", {"description": "x"}, HTTP_X_CSRFTOKEN=secret)
    assert accepted.status_code == 200


def test_a_token_needs_no_csrf_token(guro):
    user = make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    body = make_body(guro)
    _token, secret = create_token(user, "script")
    api = Api(Client(enforce_csrf_checks=True), token=secret)
    assert _patch(api, body) == 200


def test_anonymous_session_with_csrf_enforced_is_still_401(guro):
    body = make_body(guro)
    api = Api(Client(enforce_csrf_checks=True))
    assert _patch(api, body) == 401
