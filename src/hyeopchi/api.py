"""The HTTP API: /api/v1/…, OpenAPI documentation at /api/docs.

Errors have one shape: ``{"detail": "…"}``, and for 422 also ``{"errors": {field: [msg]}}``.
Messages follow the request's Accept-Language (Korean by default).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from hyeopchi.bodies.api import router as bodies_router
from hyeopchi.bodies.rulebooks import NoRulebook
from hyeopchi.bodies.rules import VoteCountError
from hyeopchi.core.api import router as core_router
from hyeopchi.core.api_support import PublicRead, authentication_message
from hyeopchi.directory.api import router as directory_router
from hyeopchi.participation.api_agendas import router as agendas_router
from hyeopchi.participation.api_forums import router as forums_router
from hyeopchi.participation.api_proposals import router as proposals_router
from hyeopchi.participation.api_search import router as search_router
from hyeopchi.plans.api import router as plans_router
from hyeopchi.voting.api import router as voting_router


class KoreanJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Hangul as it is, not as \\uXXXX escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Hyeopchi API",
    version="1",
    description=(
        "Seoul-style collaborative local governance (협치): districts, organisations, "
        "governance bodies, memberships, composition checks, meetings, quorum, motions and "
        "decisions. Reads are public and never show personal data; writes need a signed-in "
        "session (with the CSRF token) or a personal API token "
        "(`Authorization: Bearer <token>`, created with `manage.py create_api_token`) of "
        "staff of the district concerned, or of a city officer."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=KoreanJSONRenderer(),
    auth=PublicRead(),
)

V1 = "v1/"
api.add_router(V1, core_router)
api.add_router(V1, directory_router)
api.add_router(V1, bodies_router)
api.add_router(V1, voting_router)
api.add_router(V1, proposals_router)
api.add_router(V1, forums_router)
api.add_router(V1, agendas_router)
api.add_router(V1, search_router)
api.add_router(V1, plans_router)


# ---------------------------------------------------------------- errors

_LOCATIONS = {"body", "query", "path", "form", "header", "cookie", "file"}


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = list(loc)
    if parts and parts[0] in _LOCATIONS:
        where = parts.pop(0)
        if where == "body" and parts and parts[0] == "payload":
            parts.pop(0)
    return ".".join(str(p) for p in parts) or "__all__"


def _message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("date_") and not kind.startswith("datetime"):
        return _("Enter a valid date as YYYY-MM-DD.")
    if kind.startswith("datetime") or kind.startswith("timezone"):
        return _("Enter a valid date and time, e.g. 2024-03-28T10:00:00+09:00.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind == "greater_than_equal":
        return _("Enter a value of at least %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "greater_than":
        return _("Enter a value greater than %(limit)s.") % {"limit": ctx.get("gt")}
    if kind == "less_than_equal":
        return _("Enter a value of at most %(limit)s.") % {"limit": ctx.get("le")}
    if kind == "string_too_long":
        return _("Use at most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("This field cannot be blank.")
    if kind in {"enum", "literal_error"}:
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind in {"string_type"}:
        return _("Enter text.")
    if kind == "list_type":
        return _("Enter a list.")
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return _("Enter an object.")
    if kind == "value_error":
        message = str(error.get("msg", ""))
        return message.removeprefix("Value error, ")
    return str(error.get("msg", _("Invalid value.")))


def _invalid(request: HttpRequest, errors: dict[str, list[str]]) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("The request is not valid."), "errors": errors},
        status=422,
    )


@api.exception_handler(NinjaValidationError)
def _ninja_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field(error.get("loc", ())), []).append(_message(error))
    return _invalid(request, errors)


@api.exception_handler(DjangoValidationError)
def _django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {
            ("__all__" if field in (None, "") else field): [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    return _invalid(request, errors)


@api.exception_handler(VoteCountError)
def _vote_count_error(request: HttpRequest, exc: VoteCountError) -> HttpResponse:
    return _invalid(request, {"__all__": [str(exc)]})


@api.exception_handler(NoRulebook)
def _no_rulebook(request: HttpRequest, exc: NoRulebook) -> HttpResponse:
    return _invalid(request, {"__all__": [str(exc)]})


@api.exception_handler(IntegrityError)
def _integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    return _invalid(request, {"__all__": [_("The change conflicts with data already saved.")]})


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    return _invalid(request, {"__all__": [_("A value is out of the range that can be stored.")]})


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(ObjectDoesNotExist)
def _does_not_exist(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _not_found(request, exc)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # ninja: a body that is not JSON
        return _invalid(request, {"__all__": [_("The request body is not valid JSON.")]})
    message = str(exc)
    if isinstance(exc, AuthenticationError) and message == "Unauthorized":
        message = authentication_message()
    return api.create_response(request, {"detail": message}, status=exc.status_code)
