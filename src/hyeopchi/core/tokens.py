"""Personal API tokens: create one (the secret is shown once) and authenticate by it.

A token's secret is ``hyc_`` followed by 40 random URL-safe characters; only its SHA-256
hash is stored, so a leaked database does not leak usable tokens.
"""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from .models import ApiToken

PREFIX = "hyc_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(user, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns it with its secret, which is not kept."""
    secret = PREFIX + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_secret(secret), prefix=secret[:8]
    )
    return token, secret


def user_for_secret(secret: str):
    """The active user of a valid, unrevoked token, or None. Records its last use."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_secret(secret), revoked=False)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
