"""Pages of forums (공론장): the public list and forum page, process statistics per
district and across the 25 districts, and the staff pages (record a forum, edit it, the
quarterly process-management sheet).

Forum records hold no personal data, so every published forum is public; a draft is
seen by the district's staff and city officers only, until the secretariat publishes
it. Staff pages check ``user_can(user, Action.EDIT, district)``: district staff act on
their own district, city officers on all. The rules live in ``forum_rules`` and ``forum_services``.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hyeopchi.core.models import District
from hyeopchi.core.permissions import Action, actor_for, user_can

from . import forum_services as services
from .forum_forms import ForumFilterForm, ForumForm
from .forum_policy import ForumRecordPolicy
from .forum_rules import ProcessStats, Quarter, sort_rows
from .models import Forum, ForumType

PAGE_SIZE = 50

# ---------------------------------------------------------------- helpers


def _require_edit(request, district_id: int) -> None:
    if not user_can(request.user, Action.EDIT, district_id):
        raise PermissionDenied


def _posted(request):
    return request.POST if request.method == "POST" else None


def _year(request, default: int) -> int:
    """``?year=``: a bad or unlikely one gives ``default`` and a message."""
    raw = request.GET.get("year", "").strip()
    if not raw:
        return default
    try:
        year = int(raw)
    except ValueError:
        year = None
    if year is None or not 2000 <= year <= 2100:
        messages.warning(
            request,
            _("“%(value)s” is not a year between 2000 and 2100; showing %(year)s.")
            % {"value": raw[:20], "year": default},
        )
        return default
    return year


def _percent(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _mean(stats: ProcessStats) -> float | None:
    mean = stats.mean_participants
    return None if mean is None else round(float(mean), 1)


def present_stats(stats: ProcessStats, policy: ForumRecordPolicy, year: int) -> dict:
    """Statistics as the templates show them: labels, counts and shares (0..1)."""
    type_labels = dict(ForumType.choices)
    stage_rows = [
        (s.label, stats.by_stage.get(s.key, 0)) for s in policy.stages if stats.by_stage.get(s.key)
    ]
    if stats.by_stage.get(""):
        stage_rows.append((_("not tied to a stage"), stats.by_stage[""]))
    breakdowns = []
    for name, choices in policy.breakdowns().items():
        breakdown = stats.breakdowns[name]
        breakdowns.append(
            {
                "name": name,
                "legend": services.BREAKDOWN_LABELS[name],
                "forums": breakdown.forums,
                "participants": breakdown.participants,
                "rows": [
                    (c.label, breakdown.counts.get(c.key, 0), _percent(breakdown.share(c.key)))
                    for c in choices
                ],
            }
        )
    return {
        "forums": stats.forums,
        "participants": stats.participants,
        "with_materials": stats.with_materials,
        "materials_share": _percent(stats.materials_share),
        "mean": _mean(stats),
        "quarters": [
            {
                "quarter": Quarter(year, n),
                "forums": stats.by_quarter[n],
                "participants": stats.participants_by_quarter[n],
            }
            for n in range(1, 5)
        ],
        "types": [(type_labels[t], n) for t, n in stats.by_type.items() if n and t in type_labels],
        "stages": stage_rows,
        "breakdowns": breakdowns,
    }


def _current_export(district: District, today: dt.date):
    """This quarter's sheet: due date, forums so far, whether it was generated."""
    statuses = services.export_statuses(district, today.year, today)
    return next((e for e in statuses if e.status.current), None)


# ---------------------------------------------------------------- public pages


def forum_list(request):
    years = services.forum_years()
    form = ForumFilterForm(request.GET or None, years=years)
    qs = services.forums_for_list(request.user).order_by("-held_on", "-id")
    data: dict = {}
    if form.is_bound:
        if not form.is_valid():
            messages.warning(
                request, _("Some filters were not understood and are left out; see below.")
            )
        data = form.cleaned_data
    district = data.get("district")
    qs = services.filter_forums(
        qs, district=district, type=data.get("type") or None, year=data.get("year")
    )
    qs = services.search_forums(qs, data.get("q") or "")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    services.with_idea_counts(page.object_list)
    policy = services.record_policy()
    stage_labels = {s.key: s.label for s in policy.stages}
    for forum in page.object_list:
        forum.stage_label = stage_labels.get(forum.stage, forum.stage)
    query = request.GET.copy()
    query.pop("page", None)
    can_record = district is not None and user_can(request.user, Action.EDIT, district.pk)
    return render(
        request,
        "participation/forums/forum_list.html",
        {
            "form": form,
            "page": page,
            "district": district,
            "query": query.urlencode(),
            "can_record": can_record,
        },
    )


def forum_detail(request, pk: int):
    forum = get_object_or_404(Forum.objects.select_related("district", "organiser"), pk=pk)
    if not services.can_see(request.user, forum):
        raise Http404
    policy = services.record_policy(forum.held_on)
    breakdowns = []
    for name, choices in policy.breakdowns().items():
        counts = (forum.participants or {}).get(name)
        rows = []
        if counts:
            for choice in choices:
                n = counts.get(choice.key, 0)
                share = n / forum.participants_total if forum.participants_total else None
                rows.append((choice.label, n, share))
        breakdowns.append({"legend": services.BREAKDOWN_LABELS[name], "rows": rows})
    agendas = list(services.linked_agendas(forum))
    for agenda in agendas:
        agenda.url = reverse("agendas:detail", args=[agenda.pk])
    can_edit = user_can(request.user, Action.EDIT, forum.district_id)
    stage = policy.stage(forum.stage) if forum.stage else None
    return render(
        request,
        "participation/forums/forum_detail.html",
        {
            "forum": forum,
            "district": forum.district,
            "stage": stage,
            "ideas": forum.ideas.order_by("id"),
            "breakdowns": breakdowns,
            "agendas": agendas,
            "can_edit": can_edit,
            "quarter": Quarter.of(forum.held_on),
        },
    )


def district_statistics(request, code: str):
    district = get_object_or_404(District, code=code)
    today = timezone.localdate()
    year = _year(request, today.year)
    stats, policy = services.district_stats(district, year)
    can_edit = user_can(request.user, Action.EDIT, district.pk)
    return render(
        request,
        "participation/forums/district_stats.html",
        {
            "district": district,
            "year": year,
            "years": services.forum_years(),
            "stats": present_stats(stats, policy, year),
            "can_edit": can_edit,
            "current": _current_export(district, today) if can_edit else None,
        },
    )


SORT_KEYS = {
    "name": gettext_lazy("district"),
    "forums": gettext_lazy("forums"),
    "participants": gettext_lazy("participants"),
    "mean": gettext_lazy("participants per forum"),
    "materials": gettext_lazy("materials in advance"),
    "q1": gettext_lazy("Q1"),
    "q2": gettext_lazy("Q2"),
    "q3": gettext_lazy("Q3"),
    "q4": gettext_lazy("Q4"),
    "residents": gettext_lazy("residents' share"),
    "women": gettext_lazy("women's share"),
}
NUMERIC_DEFAULT_DESC = set(SORT_KEYS) - {"name"}


def city_statistics(request):
    today = timezone.localdate()
    year = _year(request, today.year)
    sort = request.GET.get("sort", "name")
    if sort not in SORT_KEYS:
        sort = "name"
    direction = request.GET.get("dir", "desc" if sort in NUMERIC_DEFAULT_DESC else "asc")
    if direction not in ("asc", "desc"):
        direction = "asc"
    districts, by_district, policy = services.city_comparison(year)
    first_sector = policy.sectors[0].key
    first_gender = policy.genders[0].key
    rows = []
    for district in districts:
        stats = by_district[district.pk]
        rows.append(
            {
                "district": district,
                "name": district.name,
                "forums": stats.forums,
                "participants": stats.participants,
                "mean": _mean(stats),
                "materials": _percent(stats.materials_share),
                "q1": stats.by_quarter[1],
                "q2": stats.by_quarter[2],
                "q3": stats.by_quarter[3],
                "q4": stats.by_quarter[4],
                "residents": _percent(stats.breakdowns["sector"].share(first_sector)),
                "women": _percent(stats.breakdowns["gender"].share(first_gender)),
            }
        )
    rows = sort_rows(rows, sort, direction == "desc")
    totals = {
        "forums": sum(r["forums"] for r in rows),
        "participants": sum(r["participants"] for r in rows),
        "active": sum(1 for r in rows if r["forums"]),
    }
    headers = []
    for key, label in SORT_KEYS.items():
        active = key == sort
        next_dir = (
            ("asc" if direction == "desc" else "desc")
            if active
            else ("desc" if key in NUMERIC_DEFAULT_DESC else "asc")
        )
        headers.append(
            {
                "key": key,
                "label": label,
                "active": active,
                "aria_sort": ("descending" if direction == "desc" else "ascending")
                if active
                else None,
                "url": "?" + urlencode({"year": year, "sort": key, "dir": next_dir}),
                "numeric": key != "name",
            }
        )
    return render(
        request,
        "participation/forums/city_stats.html",
        {
            "year": year,
            "years": services.forum_years(),
            "rows": rows,
            "headers": headers,
            "sort": sort,
            "direction": direction,
            "sort_label": SORT_KEYS[sort],
            "keep": [("sort", sort), ("dir", direction)],
            "totals": totals,
            "sector_label": policy.sectors[0].label,
            "gender_label": policy.genders[0].label,
        },
    )


# ---------------------------------------------------------------- staff pages


def _save(request, form: ForumForm, forum: Forum, success: str):
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_forum(
                form.instance,
                total=data.get("total"),
                breakdowns=form.breakdowns(),
                ideas=data.get("ideas", ""),
                actor=request.user,
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, success)
            return redirect("forums:detail", pk=form.instance.pk)
    return None


@login_required
def forum_create(request, code: str):
    district = get_object_or_404(District, code=code)
    _require_edit(request, district.pk)
    forum = Forum(district=district)
    policy = services.record_policy()
    form = ForumForm(_posted(request), instance=forum, district=district, policy=policy)
    response = _save(
        request,
        form,
        forum,
        _("The forum was recorded as a draft: only staff see it until you publish it."),
    )
    if response is not None:
        return response
    return render(
        request,
        "participation/forums/forum_form.html",
        {"form": form, "district": district, "forum": None},
    )


@login_required
def forum_edit(request, pk: int):
    forum = get_object_or_404(Forum.objects.select_related("district"), pk=pk)
    _require_edit(request, forum.district_id)
    policy = services.record_policy(forum.held_on)
    form = ForumForm(_posted(request), instance=forum, district=forum.district, policy=policy)
    response = _save(request, form, forum, _("The forum record was saved."))
    if response is not None:
        return response
    return render(
        request,
        "participation/forums/forum_form.html",
        {"form": form, "district": forum.district, "forum": forum},
    )


@login_required
@require_POST
def forum_publish(request, pk: int):
    forum = get_object_or_404(Forum.objects.select_related("district"), pk=pk)
    _require_edit(request, forum.district_id)
    try:
        services.publish_forum(forum, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.warning(request, message)
    else:
        messages.success(request, _("The forum record is published: everyone can see it now."))
    return redirect("forums:detail", pk=forum.pk)


@login_required
@never_cache
def process_db(request, code: str):
    """The district's quarterly sheets: due dates, forums recorded, last generated."""
    district = get_object_or_404(District, code=code)
    _require_edit(request, district.pk)
    today = timezone.localdate()
    year = _year(request, today.year)
    quarters = services.export_statuses(district, year, today)
    return render(
        request,
        "participation/forums/process_db.html",
        {
            "district": district,
            "year": year,
            "years": services.forum_years(),
            "quarters": quarters,
            "drafts_in_sheet": services.record_policy(dt.date(year, 12, 31)).sheet_includes_drafts,
            "current": _current_export(district, today),
            "city_wide": actor_for(request.user).city_wide or request.user.is_superuser,
        },
    )


@login_required
@never_cache
def export_xlsx(request, code: str, year: int, quarter: int):
    district = get_object_or_404(District, code=code)
    _require_edit(request, district.pk)
    if not (1 <= quarter <= 4 and 2000 <= year <= 2100):
        raise Http404
    content, filename = services.export_quarter(district, Quarter(year, quarter), request.user)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
