"""Forum pages: the public list and forum page, process statistics per district and
across the 25 districts, the staff's record form with its bad paths, the quarterly
sheets page, the permission matrix of the staff pages, and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hyeopchi.core.models import AuditEvent, Role
from hyeopchi.participation import forum_services as services
from hyeopchi.participation.models import Agenda, AgendaSource, Forum
from tests.conftest import make_body, make_user

from .forum_helpers import record_forum

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read the English messages; Korean is the site default."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def text(response) -> str:
    return response.content.decode()


def valid_post(**overrides) -> dict:
    data = {
        "title": "2020 구로 열린 공론장",
        "type": "open",
        "organiser": "",
        "stage": "agenda_discovery",
        "held_on": "2020-05-16",
        "place": "구로구청",
        "facilitation": "원탁토론",
        "materials_in_advance": "on",
        "summary": "주민 60명이 의제를 제안했다.",
        "total": "60",
        "sector_residents": "40",
        "sector_civic": "10",
        "sector_administration": "10",
        "gender_female": "",
        "gender_male": "",
        "ideas": "◦◦천 보행환경 개선\n마을 도서관 야간 개방",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- public pages


def test_public_list_filters_by_district_type_and_year(client, guro, eunpyeong):
    record_forum(guro, title="구로 열린 공론장", type="open", held_on=dt.date(2020, 5, 1))
    record_forum(guro, title="구로 워크숍", type="workshop", held_on=dt.date(2019, 5, 1))
    record_forum(eunpyeong, title="은평 세대별 공론장", type="generation")
    page = text(client.get(reverse("forums:list")))
    assert "구로 열린 공론장" in page and "은평 세대별 공론장" in page
    page = text(client.get(reverse("forums:list"), {"district": guro.code}))
    assert "구로 워크숍" in page and "은평 세대별 공론장" not in page
    page = text(client.get(reverse("forums:list"), {"district": guro.code, "year": "2020"}))
    assert "구로 열린 공론장" in page and "구로 워크숍" not in page
    page = text(client.get(reverse("forums:list"), {"type": "workshop"}))
    assert "구로 워크숍" in page and "구로 열린 공론장" not in page


def test_search_finds_part_of_a_korean_compound(client, guro):
    record_forum(guro, title="하천 공론장", ideas="◦◦천 보행환경 개선")
    record_forum(guro, title="도서관 공론장")
    page = text(client.get(reverse("forums:list"), {"q": "보행"}))
    assert "하천 공론장" in page and "도서관 공론장" not in page


def test_bad_filters_are_reported_not_a_server_error(client, guro):
    record_forum(guro, title="구로 열린 공론장")
    response = client.get(
        reverse("forums:list"),
        {"district": "99999", "type": "<script>", "year": "abc", "page": "zz"},
    )
    assert response.status_code == 200
    page = text(response)
    assert "were not understood" in page
    assert "구로 열린 공론장" in page  # the bad filters are left out
    assert "<script>" not in page


def test_forum_page_shows_the_record_without_personal_data(client, guro, guro_clerk):
    council = make_body(guro)
    forum = record_forum(
        guro,
        title="100인 원탁회의",
        organiser=council,
        stage="priority_decision",
        place="구로구청 강당",
        summary="첫 줄\n<b>굵게</b>",
        total=10,
        breakdowns={"gender": {"female": 6, "male": 4}},
        ideas="보행환경 개선",
        actor=guro_clerk,
    )
    agenda = Agenda.objects.create(district=guro, year=2020, title="보행 안전 의제")
    AgendaSource.objects.create(agenda=agenda, kind="forum_idea", forum_idea=forum.ideas.get())
    page = text(client.get(reverse("forums:detail", args=[forum.pk])))
    assert "100인 원탁회의" in page and "구로구협치회의" in page
    assert "priority decision" in page
    assert "&lt;b&gt;굵게&lt;/b&gt;" in page and "<b>굵게</b>" not in page  # escaped
    assert "첫 줄<br>" in page  # line breaks kept
    assert "60%" in page  # women's share
    assert "보행 안전 의제" in page
    assert guro_clerk.username not in page
    assert "Edit the record" not in page  # the public cannot edit


def test_district_statistics_page(client, guro):
    record_forum(guro, held_on=dt.date(2020, 2, 1), materials_in_advance=True, total=30)
    record_forum(guro, held_on=dt.date(2020, 8, 1), type="workshop", total=10)
    response = client.get(reverse("forums:district_stats", args=[guro.code]), {"year": "2020"})
    page = text(response)
    assert response.status_code == 200
    assert "50%" in page  # one forum of two had materials in advance
    assert "workshop" in page
    bad = client.get(reverse("forums:district_stats", args=[guro.code]), {"year": "99999"})
    assert bad.status_code == 200 and "is not a year" in text(bad)


def test_city_comparison_sorts_by_any_column(client, guro, eunpyeong):
    for _ in range(3):
        record_forum(eunpyeong, held_on=dt.date(2020, 4, 1), total=5)
    record_forum(guro, held_on=dt.date(2020, 4, 1), total=100)
    url = reverse("forums:city_stats")
    page = text(client.get(url, {"year": "2020", "sort": "forums", "dir": "desc"}))
    assert page.index("Eunpyeong") < page.index("Guro")
    assert 'aria-sort="descending"' in page
    page = text(client.get(url, {"year": "2020", "sort": "participants", "dir": "desc"}))
    assert page.index("Guro") < page.index("Eunpyeong")
    page = text(client.get(url, {"year": "2020", "sort": "nonsense", "dir": "sideways"}))
    assert 'aria-sort="ascending"' in page  # falls back to the district name
    assert page.count('<th scope="row">') == 25


# ---------------------------------------------------------------- the record form


def test_staff_record_a_forum(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    response = client.post(reverse("forums:create", args=[guro.code]), valid_post())
    forum = Forum.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("forums:detail", args=[forum.pk])
    assert forum.district == guro and forum.participants_total == 60
    assert forum.participants == {
        "sector": {
            "residents": 40,
            "agencies": 0,
            "civic": 10,
            "council": 0,
            "administration": 10,
            "other": 0,
        }
    }
    assert forum.materials_in_advance and forum.stage == "agenda_discovery"
    assert forum.ideas.count() == 2
    assert AuditEvent.objects.filter(model="participation.forum", actor=guro_clerk).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sector_residents": "30"}, "add up to 50, but the total is 60"),
        ({"gender_female": "10", "gender_male": "10"}, "add up to 20, but the total is 60"),
        ({"total": "-5"}, "greater than or equal to 0"),
        ({"sector_civic": "열"}, "Enter a whole number"),
        ({"title": ""}, "This field is required"),
        ({"held_on": "2020-13-45"}, "Enter a valid date"),
        ({"held_on": "1850-01-01"}, "Enter a date between"),
        ({"type": "party"}, "Select a valid choice"),
        ({"stage": "lunch"}, "Select a valid choice"),
        ({"ideas": "가" * 301}, "longer than 300 characters"),
        (
            {"total": "", "sector_residents": "", "sector_civic": "", "sector_administration": ""},
            "Enter the number of participants",
        ),
    ],
)
def test_bad_input_is_answered_with_the_form_and_kept(client, guro, guro_clerk, overrides, message):
    client.force_login(guro_clerk)
    data = valid_post(**overrides)
    response = client.post(reverse("forums:create", args=[guro.code]), data)
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert 'role="alert"' in page
    assert "주민 60명이 의제를 제안했다." in page  # what was typed is still there
    assert not Forum.objects.exists()


def test_breakdown_error_marks_its_fieldset(client, guro, guro_clerk):
    client.force_login(guro_clerk)
    response = client.post(
        reverse("forums:create", args=[guro.code]), valid_post(sector_residents="1")
    )
    page = text(response)
    assert 'aria-describedby="group-sector-errors"' in page
    assert 'id="group-sector-errors"' in page
    assert 'name="sector_residents" value="1"' in page or 'value="1"' in page
    assert 'aria-invalid="true"' in page


def test_organiser_must_be_a_body_of_the_district(client, guro, eunpyeong, guro_clerk):
    other = make_body(eunpyeong, name="은평구협치회의")
    client.force_login(guro_clerk)
    response = client.post(
        reverse("forums:create", args=[guro.code]), valid_post(organiser=str(other.pk))
    )
    assert response.status_code == 200 and not Forum.objects.exists()
    assert "Select a valid choice" in text(response)


def test_edit_prefills_and_saves(client, guro, guro_clerk):
    forum = record_forum(
        guro, total=10, breakdowns={"gender": {"female": 4, "male": 6}}, ideas="하나\n둘"
    )
    client.force_login(guro_clerk)
    url = reverse("forums:edit", args=[forum.pk])
    page = text(client.get(url))
    assert 'name="gender_female"' in page and 'value="4"' in page
    assert "하나\n둘" in page
    response = client.post(
        url,
        valid_post(
            title="고친 제목",
            total="10",
            sector_residents="",
            sector_civic="",
            sector_administration="",
            gender_female="5",
            gender_male="5",
            ideas="하나",
        ),
    )
    assert response.status_code == 302
    forum.refresh_from_db()
    assert forum.title == "고친 제목"
    assert forum.participants == {"gender": {"female": 5, "male": 5, "unknown": 0}}
    assert list(forum.ideas.values_list("text", flat=True)) == ["하나"]


def test_posts_need_the_csrf_token(guro, guro_clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(guro_clerk)
    response = client.post(reverse("forums:create", args=[guro.code]), valid_post())
    assert response.status_code == 403
    assert not Forum.objects.exists()


# ---------------------------------------------------------------- the quarterly sheets


def test_sheets_page_shows_due_dates_and_what_was_generated(client, guro, guro_clerk):
    today = timezone.localdate()
    record_forum(guro, held_on=today)
    client.force_login(guro_clerk)
    url = reverse("forums:process_db", args=[guro.code])
    page = text(client.get(url))
    assert "Not generated yet." in page
    assert f"{today.year} Q{(today.month - 1) // 3 + 1}" in page
    quarter = (today.month - 1) // 3 + 1
    client.get(reverse("forums:export", args=[guro.code, today.year, quarter]))
    page = text(client.get(url))
    assert "Last generated on" in page
    assert guro_clerk.username in page  # staff see who generated it
    last_year = text(client.get(url, {"year": str(today.year - 1)}))
    assert "overdue" in last_year


def test_staff_download_through_the_page(client, guro, guro_clerk):
    from io import BytesIO

    from openpyxl import load_workbook

    record_forum(guro, title="구로 100인 원탁회의", held_on=dt.date(2020, 3, 20))
    client.force_login(guro_clerk)
    response = client.get(reverse("forums:export", args=[guro.code, 2020, 1]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "process-db-" in response["Content-Disposition"]
    ws = load_workbook(BytesIO(response.content)).active
    assert ws.cell(10, 3).value == "구로 100인 원탁회의"
    assert AuditEvent.objects.filter(action=services.EXPORT_ACTION, actor=guro_clerk).count() == 1
    assert client.get(reverse("forums:export", args=[guro.code, 2020, 5])).status_code == 404


# ---------------------------------------------------------------- permission matrix


STAFF_PAGES = [
    ("forums:create", "district", "get"),
    ("forums:create", "district", "post"),
    ("forums:edit", "forum", "get"),
    ("forums:edit", "forum", "post"),
    ("forums:process_db", "district", "get"),
    ("forums:export", "quarter", "get"),
]


def _url(name: str, kind: str, district, forum) -> str:
    if kind == "district":
        return reverse(name, args=[district.code])
    if kind == "forum":
        return reverse(name, args=[forum.pk])
    return reverse(name, args=[district.code, 2020, 1])


@pytest.mark.parametrize(("name", "kind", "method"), STAFF_PAGES)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("resident", 403),
        ("other_staff", 403),
        ("own_staff", "ok"),
        ("city", "ok"),
    ],
)
def test_permission_matrix(client, guro, eunpyeong, name, kind, method, who, expected):
    forum = record_forum(guro, title="원래 제목")
    users = {
        "resident": make_user("resident"),
        "other_staff": make_user("eunpyeong-clerk", Role.DISTRICT_STAFF, eunpyeong),
        "own_staff": make_user("guro-clerk", Role.DISTRICT_STAFF, guro),
        "city": make_user("city", Role.CITY_OFFICER),
    }
    if who in users:
        client.force_login(users[who])
    url = _url(name, kind, guro, forum)
    events = AuditEvent.objects.count()
    if method == "post":
        response = client.post(url, valid_post(title="바뀐 제목", held_on="2020-02-15"))
    else:
        response = client.get(url)
    if expected == "login":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    elif expected == 403:
        assert response.status_code == 403
    else:
        assert response.status_code in (200, 302)
    if expected != "ok":
        assert AuditEvent.objects.count() == events  # nothing changed, nothing exported
        assert Forum.objects.filter(title="바뀐 제목").count() == 0


def test_public_pages_link_staff_actions_only_for_staff(client, guro, eunpyeong):
    forum = record_forum(guro)
    url = reverse("forums:detail", args=[forum.pk])
    client.force_login(make_user("eunpyeong-clerk", Role.DISTRICT_STAFF, eunpyeong))
    assert "Edit the record" not in text(client.get(url))
    client.force_login(make_user("guro-clerk", Role.DISTRICT_STAFF, guro))
    page = text(client.get(url))
    assert "Edit the record" in page and reverse("forums:edit", args=[forum.pk]) in page


# ---------------------------------------------------------------- query counts


def _many(district, n: int, start: dt.date) -> None:
    council = make_body(district, name=f"{district.name_ko}협치회의 {n}")
    for i in range(n):
        record_forum(
            district,
            title=f"공론장 {i}",
            organiser=council,
            held_on=start + dt.timedelta(days=i),
            breakdowns={"gender": {"female": 5, "male": 5}},
            ideas=f"아이디어 {i}",
        )


@pytest.mark.parametrize("rows", [2, 10])
def test_list_page_queries_do_not_grow_with_rows(
    client, guro, eunpyeong, rows, django_assert_max_num_queries
):
    _many(guro, rows, dt.date(2020, 1, 1))
    _many(eunpyeong, rows, dt.date(2020, 6, 1))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("forums:list"))
    assert text(response).count('<td class="num">') == 2 * 2 * rows
    with django_assert_max_num_queries(8):
        client.get(reverse("forums:list"), {"district": guro.code, "year": "2020"})


@pytest.mark.parametrize("rows", [2, 10])
def test_statistics_pages_queries_do_not_grow_with_rows(
    client, guro, eunpyeong, rows, django_assert_max_num_queries
):
    _many(guro, rows, dt.date(2020, 1, 1))
    _many(eunpyeong, rows, dt.date(2020, 6, 1))
    with django_assert_max_num_queries(5):
        client.get(reverse("forums:city_stats"), {"year": "2020"})
    with django_assert_max_num_queries(5):
        client.get(reverse("forums:district_stats", args=[guro.code]), {"year": "2020"})


@pytest.mark.parametrize("rows", [2, 10])
def test_sheet_queries_do_not_grow_with_rows(guro, rows, django_assert_max_num_queries):
    _many(guro, rows, dt.date(2020, 1, 1))
    from hyeopchi.participation.forum_rules import Quarter

    with django_assert_max_num_queries(6):
        services.export_quarter(guro, Quarter(2020, 1))
