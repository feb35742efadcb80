"""Draft and published forum records: the secretariat records a forum as a draft, which
only its district's staff and city officers see; once published the public sees it, it
counts in the statistics and goes into the quarterly sheet (the shipped policy leaves
drafts out of the sheet). Also: the list counts ideas for the page's rows only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from hyeopchi.core.models import AuditEvent, Role
from hyeopchi.participation import forum_services as services
from hyeopchi.participation import forum_views, search
from hyeopchi.participation.forum_rules import Quarter
from hyeopchi.participation.models import Forum
from tests.conftest import make_user

from .forum_helpers import record_forum

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def forums(guro):
    """One published and one draft forum of 구로구, both in 2020 Q1."""
    published = record_forum(
        guro, title="공개된 원탁회의", held_on=dt.date(2020, 2, 1), ideas="보행환경 개선"
    )
    draft = record_forum(
        guro,
        title="초안 공론장",
        held_on=dt.date(2020, 3, 2),
        ideas="보행 야간 조명",
        published=False,
    )
    return published, draft


def titles(response) -> str:
    return response.content.decode()


def test_a_new_record_is_a_draft_until_published(guro, guro_clerk):
    forum = record_forum(guro, actor=guro_clerk, published=False)
    assert forum.published_at is None and not forum.is_published
    services.publish_forum(forum, guro_clerk)
    forum.refresh_from_db()
    assert forum.is_published
    event = AuditEvent.objects.get(model="participation.forum", action="published")
    assert event.actor == guro_clerk and event.district_id == guro.pk
    with pytest.raises(services.ValidationError) as err:
        services.publish_forum(forum, guro_clerk)
    assert "already published" in err.value.message_dict["published_at"][0]
    assert AuditEvent.objects.filter(action="published").count() == 1


def test_the_public_sees_published_records_only(client, guro, forums):
    published, draft = forums
    page = titles(client.get(reverse("forums:list")))
    assert "공개된 원탁회의" in page and "초안 공론장" not in page
    assert client.get(reverse("forums:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("forums:detail", args=[published.pk])).status_code == 200
    body = client.get(f"{API}/forums").json()
    assert [i["title"] for i in body["items"]] == ["공개된 원탁회의"]
    assert body["items"][0]["published"] is True
    assert client.get(f"{API}/forums/{draft.pk}").status_code == 404


@pytest.mark.parametrize(
    ("who", "sees"), [("resident", False), ("other", False), ("own", True), ("city", True)]
)
def test_drafts_are_seen_by_their_staff_and_city_officers(
    client, guro, eunpyeong, forums, who, sees
):
    _published, draft = forums
    users = {
        "resident": lambda: make_user("resident"),
        "other": lambda: make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong),
        "own": lambda: make_user("clerk-guro", Role.DISTRICT_STAFF, guro),
        "city": lambda: make_user("city", Role.CITY_OFFICER),
    }
    client.force_login(users[who]())
    page = titles(client.get(reverse("forums:list")))
    assert ("초안 공론장" in page) is sees
    detail = client.get(reverse("forums:detail", args=[draft.pk]))
    assert detail.status_code == (200 if sees else 404)
    if sees:
        assert "Publish the record" in titles(detail)
    api = client.get(f"{API}/forums").json()
    assert ("초안 공론장" in [i["title"] for i in api["items"]]) is sees
    assert client.get(f"{API}/forums/{draft.pk}").status_code == (200 if sees else 404)


def test_staff_publish_through_the_page(client, guro, guro_clerk, forums):
    _published, draft = forums
    client.force_login(guro_clerk)
    url = reverse("forums:publish", args=[draft.pk])
    assert client.get(url).status_code == 405  # a change is a POST (with its CSRF token)
    response = client.post(url, follow=True)
    assert "everyone can see it now" in titles(response)
    draft.refresh_from_db()
    assert draft.is_published
    again = client.post(url, follow=True)
    assert "already published" in titles(again)
    client.logout()
    assert client.get(reverse("forums:detail", args=[draft.pk])).status_code == 200


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("resident", 403), ("other", 403)])
def test_only_the_district_staff_publish(client, guro, eunpyeong, forums, who, status):
    _published, draft = forums
    if who == "resident":
        client.force_login(make_user("resident"))
    elif who == "other":
        client.force_login(make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong))
    response = client.post(reverse("forums:publish", args=[draft.pk]))
    assert response.status_code == status
    draft.refresh_from_db()
    assert not draft.is_published
    assert not AuditEvent.objects.filter(action="published", object_id=str(draft.pk)).exists()


def test_publish_through_the_api(client, guro, eunpyeong, forums):
    _published, draft = forums
    url = f"{API}/forums/{draft.pk}/publish"
    assert client.post(url).status_code == 401
    client.force_login(make_user("clerk-eunpyeong", Role.DISTRICT_STAFF, eunpyeong))
    assert client.post(url).status_code == 403
    client.force_login(make_user("clerk-guro", Role.DISTRICT_STAFF, guro))
    response = client.post(url)
    assert response.status_code == 200
    assert response.json()["published"] is True and response.json()["published_at"]
    again = client.post(url)
    assert again.status_code == 422
    assert "already published" in again.json()["errors"]["published_at"][0]


def test_api_records_a_draft(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    payload = {
        "district_id": guro.pk,
        "title": "API 공론장",
        "type": "open",
        "held_on": "2020-05-02",
        "participants": {"total": 5},
    }
    created = client.post(f"{API}/forums", payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["published"] is False


def test_statistics_and_search_count_published_records_only(guro, forums):
    stats, _policy = services.district_stats(guro, 2020)
    assert stats.forums == 1
    _districts, by_district, _policy = services.city_comparison(2020)
    assert by_district[guro.pk].forums == 1
    found = search.search("보행")
    assert [h.title for h in found.hits] == ["공개된 원탁회의"] and found.total == 1


def test_the_sheet_holds_published_records_and_names_the_drafts_left_out(guro, forums):
    content, _name = services.export_quarter(guro, Quarter(2020, 1))
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "공개된 원탁회의" in cells and "초안 공론장" not in cells
    assert sheet["C6"].value == 1  # forums in the sheet
    (q1, *_rest) = services.export_statuses(guro, 2020, dt.date(2020, 3, 10))
    assert q1.status.forums == 1 and q1.drafts == 1


def test_a_policy_may_put_drafts_in_the_sheet(guro, forums):
    policy = services.record_policy(dt.date(2020, 3, 31))
    assert policy.sheet_includes_drafts is False  # the shipped policy
    wider = policy.model_copy(update={"sheet_includes_drafts": True})
    titles_in = [f.title for f in services.quarter_forums(guro, Quarter(2020, 1), wider)]
    assert titles_in == ["공개된 원탁회의", "초안 공론장"]


def test_process_db_page_warns_of_drafts(client, guro, guro_clerk, forums):
    client.force_login(guro_clerk)
    page = titles(client.get(reverse("forums:process_db", args=[guro.code]), {"year": "2020"}))
    assert "1 draft not in the sheet" in page
    body = client.get(f"{API}/forums/process-db", {"district": guro.code, "year": 2020}).json()
    assert body[0]["forums"] == 1 and body[0]["drafts"] == 1


def test_export_is_audited_with_its_label(client, guro, guro_clerk, forums, settings):
    services.export_quarter(guro, Quarter(2020, 1), guro_clerk)
    event = AuditEvent.objects.get(action=services.EXPORT_ACTION)
    assert event.model == "core.district" and event.district_id == guro.pk
    assert event.actor == guro_clerk
    from django.utils import translation

    from hyeopchi.core.audit import action_label

    with translation.override("ko"):
        assert action_label(event.action) == "과정관리DB 내보냄"
    with translation.override("en"):
        assert action_label(event.action) == "process DB exported"


def test_list_counts_ideas_of_the_page_rows_only(client, guro, monkeypatch):
    monkeypatch.setattr(forum_views, "PAGE_SIZE", 3)
    for i in range(7):
        record_forum(
            guro,
            title=f"공론장 {i}",
            held_on=dt.date(2020, 1, 1) + dt.timedelta(days=i),
            ideas="\n".join(f"아이디어 {i}-{k}" for k in range(i)),
        )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("forums:list"))
    on_page = list(Forum.objects.order_by("-held_on", "-id").values_list("pk", flat=True)[:3])
    idea_queries = [q["sql"] for q in queries if "participation_forumidea" in q["sql"]]
    assert len(idea_queries) == 1
    (sql,) = idea_queries
    for pk in on_page:
        assert str(pk) in sql
    assert "IN (" in sql.upper() and "COUNT" in sql.upper()
    # The newest three have 6, 5 and 4 ideas.
    cells = titles(response)
    for n in (6, 5, 4):
        assert f'<td class="num">{n}</td>' in cells
