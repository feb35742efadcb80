"""Downloads for subscribers and readers: a body's calendar, meeting packages and minutes.

- ``/bodies/<id>/calendar.ics``: public (all bodies are public); no personal data.
- ``/meetings/<id>/package.pdf``: public; the agenda only.
- ``/meetings/<id>/minutes.pdf``: public once the minutes are published; before that only
  for those who may see the body's drafts (its district's staff, city officers,
  superusers). Anyone else gets 404, as for an unknown id, so drafts are not revealed.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hyeopchi.core.permissions import Action, user_can

from . import documents, ical
from .models import Body, Meeting, Minutes, MinutesStatus

logger = logging.getLogger(__name__)


def _inline(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _pdf(render, filename: str, *, private: bool = False) -> HttpResponse:
    try:
        data = render()
    except documents.FontMissing as exc:
        logger.error("PDF not rendered: %s", exc)
        return HttpResponse(
            _("The document cannot be produced right now: %(error)s") % {"error": exc},
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = _inline(HttpResponse(data, content_type="application/pdf"), filename)
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    response["Content-Language"] = documents.document_language()
    return response


@require_GET
def body_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_object_or_404(Body, pk=pk)

    def url_for(meeting: Meeting) -> str:
        return request.build_absolute_uri(reverse("feeds:meeting-package", args=[meeting.pk]))

    data = ical.body_calendar(body, url_for=url_for)
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return _inline(response, f"body-{body.pk}.ics")


@require_GET
def meeting_package(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("body", "series"), pk=pk)
    return _pdf(lambda: documents.meeting_package_pdf(meeting), f"meeting-{meeting.pk}-package.pdf")


@require_GET
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = get_object_or_404(Minutes.objects.select_related("meeting__body"), meeting_id=pk)
    published = minutes.status == MinutesStatus.PUBLISHED
    insider = user_can(request.user, Action.VIEW_PRIVATE, minutes.meeting.body.district_id)
    if not published and not insider:
        raise Http404(_("No published minutes for this meeting."))
    return _pdf(
        lambda: documents.minutes_pdf(minutes, public=not insider),
        f"meeting-{pk}-minutes.pdf",
        private=not published,
    )
