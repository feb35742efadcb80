"""Sign-in throttling: after LOGIN_FAILURE_LIMIT failures per username or per client
address inside LOGIN_FAILURE_WINDOW_SECONDS, sign-in is refused, even with the right
password, until the window has passed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from hyeopchi.core.models import LoginFailure
from tests.conftest import make_user

GOOD = "correct-horse-42"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LANGUAGE_CODE = "en"
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 600
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clerk(db):
    return make_user("clerk")


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


@pytest.mark.django_db
def test_login_page_and_successful_sign_in(client, clerk):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert b'<label for="id_username">' in page.content
    response = sign_in(client, "clerk", GOOD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in(client)


@pytest.mark.django_db
def test_wrong_password_is_recorded_and_the_username_kept(client, clerk):
    response = sign_in(client, "clerk", "wrong")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert b'value="clerk"' in response.content
    assert LoginFailure.objects.filter(username="clerk", address="10.0.0.1").count() == 1
    assert not signed_in(client)


@pytest.mark.django_db
def test_username_locked_after_the_limit_even_with_the_right_password(client, clerk):
    for i in range(3):
        sign_in(client, "clerk", "wrong", address=f"10.0.0.{i}")  # spread over addresses
    response = sign_in(client, "clerk", GOOD, address="10.9.9.9")
    assert response.status_code == 200
    assert b"Too many failed sign-in attempts" in response.content
    assert not signed_in(client)
    # the name is throttled case-insensitively
    assert b"Too many failed" in sign_in(client, "CLERK", GOOD, address="10.9.9.8").content


@pytest.mark.django_db
def test_one_below_the_limit_still_signs_in(client, clerk):
    for _ in range(2):
        sign_in(client, "clerk", "wrong")
    response = sign_in(client, "clerk", GOOD)
    assert response.status_code == 302
    # a successful sign-in clears the account's failures
    assert not LoginFailure.objects.filter(username="clerk").exists()


@pytest.mark.django_db
def test_address_locked_after_the_limit_for_every_username(client, clerk):
    for name in ("alice", "bob", "carol"):
        sign_in(client, name, "guess", address="203.0.113.7")
    response = sign_in(client, "clerk", GOOD, address="203.0.113.7")
    assert b"Too many failed sign-in attempts" in response.content
    assert not signed_in(client)
    # the same account from another address is fine
    assert sign_in(client, "clerk", GOOD, address="198.51.100.1").status_code == 302


@pytest.mark.django_db
def test_refused_attempts_do_not_extend_the_lock_and_it_ends_with_the_window(client, clerk):
    for _ in range(3):
        sign_in(client, "clerk", "wrong")
    for _ in range(5):
        sign_in(client, "clerk", "wrong")
    assert LoginFailure.objects.count() == 3  # refused attempts are not tried nor recorded
    message = sign_in(client, "clerk", GOOD).content.decode()
    assert "about 10 more minute(s)" in message
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(seconds=601))
    assert sign_in(client, "clerk", GOOD).status_code == 302
