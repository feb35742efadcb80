"""The search page and GET /api/v1/search: what a resident sees, bad input, escaping,
no personal data, constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .search_helpers import agenda, author, district, forum, proposal

pytestmark = pytest.mark.django_db

URL = "/search/"
API = "/api/v1/search"


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_search_page_finds_part_of_a_compound_and_links_each_record(english):
    p = proposal("◦◦천 보행환경 개선", problem="하천변 보행로가 좁습니다.")
    a = agenda("보행 안전 의제")
    f = forum("열린 공론장", ideas=("통학로 보행 안전",))
    page = english.get(URL, {"q": "보행"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "3 results for “보행”" in html
    for url in (
        reverse("proposals:detail", args=[p.pk]),
        reverse("agendas:detail", args=[a.pk]),
        reverse("forums:detail", args=[f.pk]),
    ):
        assert f'href="{url}"' in html
    assert "통학로 <mark>보행</mark> 안전" in html
    assert 'aria-live="polite"' in html and 'role="search"' in html
    assert 'value="보행"' in html  # the words stay in the box


def test_the_page_without_a_query_explains_itself(english):
    page = english.get(URL)
    assert page.status_code == 200
    assert "보행 finds" in page.content.decode()
    assert "could not be done" not in page.content.decode()


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Enter what to search for."),
        ("보", "Enter at least 2 characters."),
        ("가" * 101, "Use at most 100 characters (you entered 101)."),
        ("\x00\x01", "Null characters are not allowed."),
        ("\x01\x02", "Enter what to search for."),
    ],
)
def test_bad_queries_get_a_message_and_keep_the_input(english, q, message):
    page = english.get(URL, {"q": q})
    assert page.status_code == 200
    html = page.content.decode()
    assert message in html and 'role="alert"' in html
    if q.isprintable() and q:
        assert f'value="{q}"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "보행", "district": "99999"},
        {"q": "보행", "kind": "comment"},
        {"q": "보행", "page": "abc"},
        {"q": "보행", "page": "-5"},
        {"q": "보행", "page": "999999999999999999999"},
        {"q": "보행' OR 1=1 --", "district": "' OR 1=1"},
    ],
)
def test_junk_parameters_never_break_the_page(english, params):
    proposal("보행 안전")
    page = english.get(URL, params)
    assert page.status_code == 200


def test_a_page_past_the_end_shows_the_last_page(english):
    for i in range(25):
        proposal(f"보행 {i:02d}", day=dt.date(2020, 1, 1) + dt.timedelta(days=i))
    html = english.get(URL, {"q": "보행", "page": "9"}).content.decode()
    assert "Page 2 of 2" in html and "보행 04" in html and "보행 05" not in html


def test_district_and_kind_narrow_the_page(english):
    proposal("보행 구로")
    proposal("보행 은평", where=district("은평구"))
    agenda("보행 의제")
    html = english.get(URL, {"q": "보행", "district": "11380"}).content.decode()
    eunpyeong = district("은평구")
    html = english.get(URL, {"q": "보행", "district": eunpyeong.code}).content.decode()
    assert "보행 은평" in html and "보행 구로" not in html and "보행 의제" not in html
    html = english.get(URL, {"q": "보행", "kind": "agenda"}).content.decode()
    assert "보행 의제" in html and "보행 구로" not in html


def test_user_text_is_escaped_and_no_author_is_shown(english):
    someone = author()
    someone.first_name, someone.last_name = "길동", "홍"
    someone.save()
    proposal("<script>alert(1)</script> 보행", problem="<b>보행</b> & 차도", by=someone)
    html = english.get(URL, {"q": "보행"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 보행" in html
    assert "홍길동" not in html and someone.username not in html


def test_the_page_issues_the_same_queries_for_2_or_10_results(english):
    english.get(URL, {"q": "보행"})  # warm caches (sessions, language)
    counts = []
    for n in (2, 10):
        for i in range(n):
            proposal(f"보행 제안 {n}-{i}")
        agenda(f"보행 의제 {n}")
        forum(f"보행 공론장 {n}", ideas=("보행 아이디어",))
        with CaptureQueriesContext(connection) as ctx:
            page = english.get(URL, {"q": "보행"})
        assert page.status_code == 200
        expected = {2: 4, 10: 16}[n]  # all so far: proposals, an agenda and a forum a round
        assert f"{expected} results for" in page.content.decode()
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- API


def test_the_api_answers_with_ranked_hits(client):
    proposal("◦◦천 보행환경 개선", problem="보행로")
    forum("1분기 공론장", summary="보행 환경")
    answer = client.get(API, {"q": "보행"}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200
    data = answer.json()
    assert data["query"] == "보행" and data["count"] == 2 and data["more"] is False
    first, second = data["items"]
    assert first["kind"] == "proposal" and first["title"] == "◦◦천 보행환경 개선"
    assert first["title_match"] is True and first["url"].startswith("/proposals/")
    assert second["kind"] == "forum" and second["snippet"]["match"] == "보행"
    assert "author" not in first


def test_the_api_filters_by_kind_and_district(client):
    proposal("보행 구로")
    agenda("보행 의제", where=district("은평구"))
    data = client.get(API, {"q": "보행", "kind": "agenda"}).json()
    assert [i["title"] for i in data["items"]] == ["보행 의제"]
    data = client.get(API, {"q": "보행", "district": district().code}).json()
    assert [i["title"] for i in data["items"]] == ["보행 구로"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "q", "This field is required."),
        ({"q": ""}, "q", "Enter what to search for."),
        ({"q": "보"}, "q", "Enter at least 2 characters."),
        ({"q": "가" * 101}, "q", "Use at most 100 characters (you entered 101)."),
        ({"q": "보행", "district": "99999"}, "district", "No district with code 99999."),
        ({"q": "보행", "limit": "0"}, "limit", "Enter a value of at least 1."),
        ({"q": "보행", "offset": "5000"}, "offset", None),
        ({"q": "보행", "kind": "comment"}, "kind", None),
    ],
)
def test_the_api_explains_bad_input(client, params, field, message):
    answer = client.get(API, params, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert any(key.split(".")[0] == field for key in errors), errors
    if message:
        assert errors[field] == [message]


def test_the_api_issues_the_same_queries_for_2_or_10_results(client):
    counts = []
    for n in (2, 8):
        for i in range(n):
            proposal(f"보행 {n}-{i}")
            forum(f"보행 공론장 {n}-{i}")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(API, {"q": "보행", "limit": 50}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_district_page_has_a_search_box_for_its_district(english):
    guro = district()
    proposal("보행 구로")
    proposal("보행 은평", where=district("은평구"))
    page = english.get(reverse("bodies:district", args=[guro.code]))
    html = page.content.decode()
    assert 'role="search"' in html and f'name="district" value="{guro.code}"' in html
    assert f'action="{URL}"' in html
    found = english.get(URL, {"q": "보행", "district": guro.code}).content.decode()
    assert "보행 구로" in found and "보행 은평" not in found
    empty = english.get(URL, {"district": guro.code}).content.decode()
    assert f'<option value="{guro.code}" selected>' in empty
    assert "could not be done" not in empty
