"""What every API router shares: authentication, permission checks, pagination, errors.

Authentication is either a Django session (with CSRF on writes) or a personal API token
sent as ``Authorization: Bearer <secret>``. Reads are public; the permission system of
:mod:`hyeopchi.core.permissions` decides what a signed-in user may see and change.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.pagination import LimitOffsetPagination
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from .permissions import Action, actor_for, user_can
from .tokens import user_for_secret

# ---------------------------------------------------------------- authentication


class TokenAuth(HttpBearer):
    """``Authorization: Bearer hyc_…``: a personal API token (see ``create_api_token``)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_secret(token.strip())
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The Django session of a signed-in user; writes must carry the CSRF token.

    Without a signed-in user the CSRF check is skipped, so that an anonymous write gets
    401 (authentication required) rather than 403.
    """

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(
                403,
                _(
                    "CSRF check failed: send the csrftoken cookie's value in the "
                    "X-CSRFToken header, or use an API token."
                ),
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


WRITE_AUTH = [TokenAuth(), SessionAuth()]


class PublicRead:
    """The default of every endpoint: anyone may call it, but a token that is sent must be
    valid (401 otherwise), and the caller's user is known to the endpoint."""

    def __call__(self, request: HttpRequest) -> Any:
        return current_user(request)


def current_user(request: HttpRequest):
    """The user behind a request: API token, else session, else anonymous.

    On public read endpoints no authentication is required, but a token that is sent must
    be valid: a wrong or revoked token gets 401 rather than silently reading as the public.
    """
    cached = getattr(request, "_hyeopchi_api_user", None)
    if cached is not None:
        return cached
    user = getattr(request, "auth", None)
    if user is None:
        header = request.headers.get("Authorization", "")
        scheme, _sep, secret = header.partition(" ")
        if scheme.lower() == "bearer":
            user = user_for_secret(secret.strip())
            if user is None:
                raise AuthenticationError(message=_("The API token is not valid or was revoked."))
        else:
            user = request.user
    request._hyeopchi_api_user = user
    return user


def can(
    request: HttpRequest, action: Action, district_id: int | None, body_id: int | None = None
) -> bool:
    return user_can(current_user(request), action, district_id, body_id)


def can_see_private(request: HttpRequest, district_id: int | None) -> bool:
    """Personal data (full names, contact data) of ``district_id``: its staff, city officers."""
    return can(request, Action.VIEW_PRIVATE, district_id)


def require(
    request: HttpRequest, action: Action, district_id: int | None, body_id: int | None = None
):
    """The user, if they may do ``action`` on data of ``district_id`` (given to body
    ``body_id``, for the actions a body's members may do); else 401 or 403."""
    user = current_user(request)
    if not user.is_authenticated:
        raise AuthenticationError(message=authentication_message())
    if not user_can(user, action, district_id, body_id):
        if action is Action.EDIT_BODY_WORK:
            message = _(
                "You may only change the work of a body you serve on, or data of the "
                "district(s) you work for."
            )
        elif action is Action.EDIT:
            if district_id is None:
                message = _("Only city officers may change city-wide data.")
            else:
                message = _("You may only change data of the district(s) you work for.")
        elif district_id is None:
            message = _("Only city officers may see this.")
        else:
            message = _("Only the district's staff and city officers may see this.")
        raise HttpError(403, message)
    return user


def require_staff(request: HttpRequest):
    """Signed in and staff of some district or the city (401 / 403 otherwise)."""
    user = current_user(request)
    if not user.is_authenticated:
        raise AuthenticationError(message=authentication_message())
    if not actor_for(user).is_staff_anywhere:
        raise HttpError(403, _("Only district staff and city officers may see this."))
    return user


def authentication_message() -> str:
    return _(
        "Authentication required: sign in, or send a personal API token as "
        "'Authorization: Bearer <token>'."
    )


# ---------------------------------------------------------------- pagination


class Pagination(LimitOffsetPagination):
    """``?limit=`` (1–200, default 50) and ``?offset=``; the answer says the total count."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=200, description="Rows per page (1–200).")
        offset: int = Field(0, ge=0, description="Rows to skip.")

    class Output(Schema):
        count: int
        limit: int
        offset: int
        items: list[Any]

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        offset, limit = pagination.offset, pagination.limit
        return {
            "count": self._items_count(queryset),
            "limit": limit,
            "offset": offset,
            "items": queryset[offset : offset + limit],
        }


# ---------------------------------------------------------------- error bodies


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        description="Messages by field ('__all__' for the request as a whole)."
    )


READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}
