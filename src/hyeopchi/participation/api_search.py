"""API of the Korean search over proposals, agendas and forums: GET /api/v1/search.

Public: everything searched is published, and no answer names a person.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hyeopchi.core.api_support import READ_ERRORS
from hyeopchi.core.models import District

from . import search as service
from .views_search import hit_url

router = Router(tags=["search"])


KIND_QUERY = Query(None, description="Only these kinds (repeat the parameter for several).")


class SnippetOut(Schema):
    before: str = Field(description="Plain text before the match.")
    match: str = Field(description="The matched text, as written in the record.")
    after: str = Field(description="Plain text after the match.")


class HitOut(Schema):
    kind: Literal["proposal", "agenda", "forum"]
    kind_label: str
    id: int
    title: str
    district: str
    district_code: str
    date: dt.date = Field(description="Proposed or created (Asia/Seoul), or the forum's date.")
    status: str = Field(description="Status of a proposal or agenda; type of a forum.")
    status_label: str
    title_match: bool
    snippet: SnippetOut
    url: str = Field(description="The record's public page.")


class SearchOut(Schema):
    query: str = Field(description="The query as searched (normalised).")
    count: int = Field(description=f"Results found, at most {service.MAX_RESULTS}.")
    more: bool = Field(description=f"More than {service.MAX_RESULTS} results exist.")
    limit: int
    offset: int
    items: list[HitOut]


@router.get("/search", response={200: SearchOut, **READ_ERRORS})
def search(
    request,
    q: str = Query(
        ...,
        description=(
            f"{service.MIN_LENGTH}–{service.MAX_LENGTH} characters; finds parts of words "
            "(보행 finds 보행환경)."
        ),
    ),
    kind: list[Literal["proposal", "agenda", "forum"]] | None = KIND_QUERY,
    district: str | None = Query(None, max_length=5, description="District code, e.g. 11530."),
    limit: int = Query(service.PER_PAGE, ge=1, le=50, description="Results per page (1–50)."),
    offset: int = Query(0, ge=0, lt=service.MAX_RESULTS, description="Results to skip."),
):
    """Search proposals, agendas and forums: title matches first, then the newest first.

    A query that is empty, shorter than 2 or longer than 100 characters is answered with
    422 and a message under ``q``."""
    where = None
    if district:
        where = District.objects.filter(code=district).first()
        if where is None:
            message = _("No district with code %(code)s.") % {"code": district}
            raise ValidationError({"district": [message]})
    results = service.search(q, kinds=kind, district=where, offset=offset, limit=limit)
    return {
        "query": results.query,
        "count": results.total,
        "more": results.more,
        "limit": results.limit,
        "offset": results.offset,
        "items": [
            {
                "kind": h.kind,
                "kind_label": h.kind_label,
                "id": h.pk,
                "title": h.title,
                "district": h.district,
                "district_code": h.district_code,
                "date": h.day,
                "status": h.status,
                "status_label": h.status_label,
                "title_match": h.title_match,
                "snippet": {
                    "before": h.snippet.before,
                    "match": h.snippet.match,
                    "after": h.snippet.after,
                },
                "url": hit_url(h),
            }
            for h in results.hits
        ],
    }
