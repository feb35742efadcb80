"""Korean search: the rules (pure) and the search function on PostgreSQL, the suite's
database. The SQLite branch is tested in test_search_sqlite.py, pages and API in
test_search_views.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from hyeopchi.participation import search
from hyeopchi.participation.models import ForumIdea, Proposal, SearchEntry
from hyeopchi.participation.search import Ref, Snippet

from .search_helpers import agenda, district, forum, proposal


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def problem_of(raw: str) -> str | None:
    return search.query_problem(search.normalise(raw))


# ---------------------------------------------------------------- pure rules


def test_queries_are_normalised():
    decomposed = "\u1107\u1169\u1112\u1162\u11bc"  # 보행 typed as jamo (NFD)
    assert search.normalise(decomposed) == "보행"
    assert search.normalise("  보행 \n\t 환경\x00 ") == "보행 환경"
    assert search.normalise(None) == ""


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter what to search for."),
        ("   \n ", "Enter what to search for."),
        ("보", "Enter at least 2 characters."),
        (" 보 ", "Enter at least 2 characters."),
        ("가" * 101, "Use at most 100 characters (you entered 101)."),
        ("a b c", "Enter at least 2 letters in a row, e.g. 보행."),
    ],
)
def test_bad_queries_are_explained(raw, message):
    assert problem_of(raw) == message
    with pytest.raises(ValidationError) as exc:
        search.clean_query(raw)
    assert exc.value.message_dict == {"q": [message]}


@pytest.mark.parametrize("raw", ["보행", "가" * 100, "CCTV", "a1", "보행 환경"])
def test_good_queries_pass(raw):
    assert problem_of(raw) is None


def test_ranking_puts_title_matches_first_then_the_newest():
    old, new = dt.date(2019, 1, 1), dt.date(2020, 6, 1)
    refs = [
        Ref("forum", 1, new, False),
        Ref("proposal", 2, old, True),
        Ref("agenda", 3, new, True),
        Ref("proposal", 4, new, True),
        Ref("proposal", 5, new, False),
        Ref("proposal", 2, old, False),  # the same record twice: kept once, as a title hit
    ]
    assert [(r.kind, r.pk) for r in search.rank(refs)] == [
        ("proposal", 4),
        ("agenda", 3),
        ("proposal", 2),
        ("proposal", 5),
        ("forum", 1),
    ]


def test_snippet_cuts_around_the_first_match():
    text = "가" * 200 + " 보행환경 " + "나" * 200
    s = search.snippet(["", "없음", text], "보행", width=40)
    assert s.match == "보행"
    assert s.before.startswith("…") and s.after.endswith("…")
    assert len(str(s)) <= 42
    assert search.snippet(["Road SAFETY"], "safety").match == "SAFETY"
    assert search.snippet(["", "첫 글"], "없는말") == Snippet(before="첫 글")
    assert search.snippet([], "보행") == Snippet()


@given(
    st.text(alphabet="보행환경개선 ab\nC", max_size=30),
    st.text(alphabet="보행환경개선 ab\nC", min_size=2, max_size=6),
)
def test_bigrams_of_a_substring_are_bigrams_of_the_text(text, query):
    if query.lower() in text.lower():
        assert set(search.grams(query)) <= set(search.grams(text))


# ---------------------------------------------------------------- PostgreSQL


pytestmark = pytest.mark.django_db


def kinds_and_titles(results) -> list[tuple[str, str]]:
    return [(h.kind, h.title) for h in results.hits]


def test_a_part_of_a_korean_compound_is_found():
    proposal("◦◦천 보행환경 개선", day=dt.date(2020, 4, 1))
    proposal("주차장 확충")
    results = search.search("보행")
    assert kinds_and_titles(results) == [("proposal", "◦◦천 보행환경 개선")]
    hit = results.hits[0]
    assert hit.title_match and hit.district == "Guro-gu" and hit.day == dt.date(2020, 4, 1)
    assert hit.status == "gathering" and hit.status_label == "gathering supports"
    assert results.total == 1 and not results.more


def test_proposals_agendas_and_forums_are_searched_title_matches_first():
    proposal("골목길 가로등", problem="밤길 보행이 위험합니다.", day=dt.date(2020, 9, 1))
    proposal("안전한 보행로", day=dt.date(2020, 2, 1))
    agenda("보행 친화 마을 만들기")
    forum("1분기 열린 공론장", ideas=("통학로 보행 안전", "공원 정비"), day=dt.date(2020, 3, 1))
    forum("2분기 열린 공론장", summary="보행자 우선 도로", day=dt.date(2020, 6, 1))
    forum("청소년 공론장", ideas=("청소년 공간",))
    results = search.search("보행")
    titles = [h.title for h in results.hits]
    # title matches (newest first), then text matches (newest first)
    agenda_day = results.hits[0].day
    assert agenda_day == dt.date.today() or agenda_day >= dt.date(2020, 9, 1)
    assert titles == [
        "보행 친화 마을 만들기",
        "안전한 보행로",
        "골목길 가로등",
        "2분기 열린 공론장",
        "1분기 열린 공론장",
    ]
    assert [h.title_match for h in results.hits] == [True, True, False, False, False]
    snippets = {h.title: h.snippet for h in results.hits}
    assert snippets["골목길 가로등"].match == "보행"
    assert str(snippets["1분기 열린 공론장"]) == "통학로 보행 안전"
    assert str(snippets["2분기 열린 공론장"]) == "보행자 우선 도로"


def test_kinds_and_district_narrow_the_search():
    eunpyeong = district("은평구")
    proposal("보행 환경", where=eunpyeong)
    proposal("보행 신호")
    agenda("보행 의제")
    assert [h.title for h in search.search("보행", kinds=["agenda"]).hits] == ["보행 의제"]
    only_eunpyeong = search.search("보행", district=eunpyeong)
    assert [h.title for h in only_eunpyeong.hits] == ["보행 환경"]
    with pytest.raises(ValidationError) as exc:
        search.search("보행", kinds=["comment"])
    assert exc.value.message_dict == {"kind": ["Unknown kind: comment."]}


def test_latin_letters_match_in_any_case_and_like_wildcards_are_literal():
    proposal("CCTV 설치 요청")
    proposal("100% 재활용")
    proposal("1000원 재활용")
    assert [h.title for h in search.search("cctv").hits] == ["CCTV 설치 요청"]
    assert [h.title for h in search.search("0%").hits] == ["100% 재활용"]
    assert search.search("_재").hits == []


def test_longer_queries_need_the_whole_string_not_just_its_bigrams():
    proposal("환경 보행 개선")  # has the bigrams of 보행환경 but not the string
    proposal("보행환경 개선")
    assert [h.title for h in search.search("보행환경").hits] == ["보행환경 개선"]


def test_the_index_follows_every_change():
    p = proposal("주차 문제")
    f = forum("공론장", ideas=("자전거 도로",))
    assert search.search("보행").hits == []
    p.title = "보행 문제"
    p.save()
    assert [h.title for h in search.search("보행").hits] == ["보행 문제"]
    Proposal.objects.filter(pk=p.pk).update(problem="자전거 보관소")  # not through save()
    assert {h.title for h in search.search("자전거").hits} == {"보행 문제", "공론장"}
    idea = ForumIdea.objects.create(forum=f, text="보행자 쉼터")
    assert {h.title for h in search.search("쉼터").hits} == {"공론장"}
    idea.text = "버스 쉼터"
    idea.save()
    assert search.search("보행자").hits == []
    idea.delete()
    assert search.search("쉼터").hits == []
    f.delete()
    p.delete()
    assert SearchEntry.objects.count() == 0


XMIN = "SELECT xmin::text FROM participation_searchentry WHERE id = %s"


def test_support_counts_do_not_touch_the_index():
    p = proposal("보행 문제")
    before = SearchEntry.objects.get(object_id=p.pk)
    with connection.cursor() as cursor:
        cursor.execute(XMIN, [before.pk])
        xmin = cursor.fetchone()[0]
        Proposal.objects.filter(pk=p.pk).update(support_count=7)
        p.refresh_from_db()
        p.save()  # every column written, none changed
        cursor.execute(XMIN, [before.pk])
        assert cursor.fetchone()[0] == xmin  # the entry was not rewritten


def test_paging_and_the_cap():
    for i in range(25):
        proposal(f"보행 {i:02d}", day=dt.date(2020, 1, 1) + dt.timedelta(days=i))
    first = search.search("보행", limit=10)
    assert [h.title for h in first.hits][:2] == ["보행 24", "보행 23"]
    assert (first.total, first.pages, first.page, first.has_next) == (25, 3, 1, True)
    last = search.search("보행", offset=20, limit=10)
    assert [h.title for h in last.hits] == [f"보행 {i:02d}" for i in range(4, -1, -1)]
    assert not last.has_next and last.has_previous
    with pytest.raises(ValidationError):
        search.search("보행", offset=search.MAX_RESULTS)


def test_the_postgresql_function_computes_the_same_bigrams_as_python():
    samples = ["◦◦천 보행환경 개선", "CCTV 설치\n요청", "a", "", "보행  환경\t개선 100%", "ÄÖ ß"]
    with connection.cursor() as cursor:
        for text in samples:
            cursor.execute("SELECT hyeopchi_grams(%s)", [text])
            assert sorted(cursor.fetchone()[0]) == search.grams(text), text


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"])))
def test_the_sql_and_python_bigrams_agree_on_any_lower_case_text(text):
    text = text.lower()
    if text.lower() != text or any(c.upper().lower() != c for c in text):
        return  # letters whose case mapping differs between libraries
    with connection.cursor() as cursor:
        cursor.execute("SELECT hyeopchi_grams(%s)", [text])
        assert sorted(cursor.fetchone()[0]) == search.grams(text)


def test_a_two_character_query_is_answered_from_the_bigram_index():
    proposal("◦◦천 보행환경 개선")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        entries = SearchEntry.objects.filter(search._Contains("title_grams", "보행"))
        sql, params = entries.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "participation_search_title_grams" in plan
    assert "Bitmap Index Scan" in plan


def test_why_not_pg_trgm_it_cannot_narrow_a_two_syllable_pattern():
    """The measurement behind the design (see search.py): pg_trgm does index Hangul in
    this UTF-8 / C.UTF-8 database and narrows '%보행환경%' to the one row, but '%보행%'
    yields no trigram: the index hands back every row to recheck, so PostgreSQL cannot
    use it for the commonest Korean search words."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute("SHOW lc_ctype")
        assert cursor.fetchone()[0] == "C.UTF-8"
        cursor.execute("SELECT show_trgm('보행환경')")
        assert len(cursor.fetchone()[0]) >= 3  # Hangul is indexed
        cursor.execute("CREATE TEMPORARY TABLE trgm_probe (title text)")
        cursor.execute("INSERT INTO trgm_probe SELECT '제안 ' || g FROM generate_series(1, 5000) g")
        cursor.execute("INSERT INTO trgm_probe VALUES ('◦◦천 보행환경 개선')")
        cursor.execute("CREATE INDEX ON trgm_probe USING gin (title gin_trgm_ops)")
        cursor.execute("ANALYZE trgm_probe")
        cursor.execute("SET LOCAL enable_seqscan = off")

        def from_index(pattern: str) -> int:
            """Rows the trigram index hands to the recheck for ``pattern``."""
            cursor.execute(
                "EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM trgm_probe WHERE title ILIKE %s",
                [pattern],
            )
            node = cursor.fetchone()[0][0]["Plan"]
            assert node["Node Type"] == "Bitmap Heap Scan"
            assert node["Actual Rows"] == 1
            return node["Actual Rows"] + node.get("Rows Removed by Index Recheck", 0)

        assert from_index("%보행환경%") == 1
        assert from_index("%보행%") == 5001
