"""The public search page over proposals, agendas and forums (mobile first).

Bad input (empty, one character, over 100 characters, an unknown district or kind) is
answered on the page with the form as it was typed; never a server error.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from hyeopchi.core.models import District

from . import search
from .forms_search import SearchForm

KIND_URLS = {
    "proposal": "proposals:detail",
    "agenda": "agendas:detail",
    "forum": "forums:detail",
}


def hit_url(hit: search.Hit) -> str:
    return reverse(KIND_URLS[hit.kind], args=[hit.pk])


def _page_number(raw: str | None, last: int) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), last)


def search_page(request):
    if "q" in request.GET:
        form = SearchForm(request.GET)
    else:  # e.g. from a district page's link: that district chosen, nothing searched yet
        form = SearchForm(initial={"district": request.GET.get("district", "")[:5]})
    results = None
    district = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["district"]:
            district = District.objects.filter(code=data["district"]).first()
        kinds = [data["kind"]] if data["kind"] else None

        def page_of_results(page: int) -> search.Results:
            offset = (page - 1) * search.PER_PAGE
            return search.search(data["q"], kinds=kinds, district=district, offset=offset)

        page = _page_number(request.GET.get("page"), search.MAX_RESULTS // search.PER_PAGE)
        try:
            results = page_of_results(page)
        except ValidationError as exc:  # pragma: no cover - the form checked the same
            form.add_error(None, " ".join(exc.messages))
        else:
            if page > results.pages:  # a page past the end: show the last one
                results = page_of_results(results.pages)
            for hit in results.hits:
                hit.url = hit_url(hit)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participation/search/search.html",
        {
            "form": form,
            "results": results,
            "district": district,
            "query": query.urlencode(),
            "title": (
                _("Search: %(q)s") % {"q": results.query} if results is not None else _("Search")
            ),
        },
    )
