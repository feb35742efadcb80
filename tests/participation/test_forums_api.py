"""The forums API: public reads, staff writes with the count rules, the statistics and
the quarterly sheet as a staff download."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from hyeopchi.core.models import AuditEvent, Role
from hyeopchi.participation.models import Forum
from tests.conftest import make_body, make_user

from .forum_helpers import record_forum

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def payload(district, **overrides) -> dict:
    data = {
        "district_id": district.pk,
        "title": "동 단위 공론장",
        "type": "dong",
        "stage": "agenda_discovery",
        "held_on": "2020-05-16",
        "place": "개봉2동 주민센터",
        "materials_in_advance": True,
        "participants": {
            "total": 30,
            "sector": {"residents": 25, "administration": 5},
            "gender": {"female": 18, "male": 12},
        },
        "ideas": ["골목 쓰레기 문제", "어린이 통학로"],
    }
    data.update(overrides)
    return data


def test_public_list_and_detail(client, guro, eunpyeong):
    council = make_body(guro)
    forum = record_forum(
        guro,
        title="구로 원탁회의",
        organiser=council,
        stage="priority_decision",
        held_on=dt.date(2020, 6, 13),
        breakdowns={"gender": {"female": 6, "male": 4}},
        ideas="보행환경 개선",
    )
    record_forum(eunpyeong, title="은평 공론장", type="generation")
    body = client.get(f"{API}/forums", {"district": guro.code}).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["title"] == "구로 원탁회의" and item["quarter"] == "2020-Q2"
    assert item["organiser_name"] == "구로구협치회의"
    assert item["participants"] == {
        "total": 10,
        "sector": None,
        "gender": {"female": 6, "male": 4, "unknown": 0},
        "age": None,
    }
    assert item["stage_label"] == "priority decision"
    assert item["url"] == f"/forums/{forum.pk}/"
    detail = client.get(f"{API}/forums/{forum.pk}").json()
    assert detail["ideas"][0]["text"] == "보행환경 개선"
    assert detail["agendas"] == []
    assert client.get(f"{API}/forums", {"type": "generation"}).json()["count"] == 1
    assert client.get(f"{API}/forums", {"quarter": "2020-Q2"}).json()["count"] == 1
    found = client.get(f"{API}/forums", {"q": "보행"}).json()
    assert [i["title"] for i in found["items"]] == ["구로 원탁회의"]
    assert client.get(f"{API}/forums", {"q": "원탁", "district": guro.code}).json()["count"] == 1
    bad = client.get(f"{API}/forums", {"quarter": "2020-Q9"})
    assert bad.status_code == 422 and "quarter" in bad.json()["errors"]
    assert client.get(f"{API}/forums/999999").status_code == 404


def test_record_policy_lists_stages_and_bands(client):
    body = client.get(f"{API}/forums/record-policy").json()
    assert len([s for s in body["stages"] if s["phase"] == "planning"]) == 11
    assert [g["name"] for g in body["genders"]] == ["여", "남", "미상"]
    assert body["submission_months"] == [3, 6, 9, 12]
    types = {t["key"]: (t["name"], t["name_en"]) for t in body["forum_types"]}
    assert types["open"] == ("열린 공론장", "open forum (열린 공론장)")


def test_staff_create_and_patch(client, guro):
    clerk = make_user("clerk", Role.DISTRICT_STAFF, guro)
    client.force_login(clerk)
    response = client.post(f"{API}/forums", payload(guro), content_type="application/json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["participants"]["sector"]["residents"] == 25
    assert [i["text"] for i in created["ideas"]] == ["골목 쓰레기 문제", "어린이 통학로"]
    forum_id = created["id"]
    response = client.patch(
        f"{API}/forums/{forum_id}",
        {"title": "고친 제목", "participants": {"total": 12}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["title"] == "고친 제목"
    assert body["participants"] == {"total": 12, "sector": None, "gender": None, "age": None}
    assert len(body["ideas"]) == 2  # left out: unchanged
    assert AuditEvent.objects.filter(model="participation.forum", actor=clerk).count() == 2


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        (
            {"participants": {"total": 30, "sector": {"residents": 20}}},
            "participants.sector",
            "add up to 20",
        ),
        ({"participants": {"total": -1}}, "participants.total", "at least 0"),
        ({"participants": {"gender": {"female": -2}}}, "participants.gender", "negative"),
        ({"participants": {"age": {"toddlers": 3}}}, "participants.age", "toddlers"),
        ({"participants": {}}, "participants.total", "number of participants"),
        ({"title": ""}, "title", "blank"),
        ({"type": "party"}, "type", "Choose one of"),
        ({"stage": "lunch"}, "stage", "plan stages"),
        ({"held_on": "2020-02-30"}, "held_on", "valid date"),
        ({"organiser_id": 999999}, "organiser_id", "No body"),
        ({"ideas": ["가" * 301]}, "ideas", "longer than 300"),
    ],
)
def test_bad_payloads_get_422_with_the_field(client, guro, overrides, field, words):
    client.force_login(make_user("clerk", Role.DISTRICT_STAFF, guro))
    response = client.post(
        f"{API}/forums", payload(guro, **overrides), content_type="application/json"
    )
    assert response.status_code == 422, response.json()
    errors = response.json()["errors"]
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert not Forum.objects.exists()


def test_write_permissions(client, guro, eunpyeong):
    forum = record_forum(guro)
    url = f"{API}/forums/{forum.pk}"
    assert (
        client.post(f"{API}/forums", payload(guro), content_type="application/json").status_code
        == 401
    )
    client.force_login(make_user("resident"))
    assert client.patch(url, {"title": "x"}, content_type="application/json").status_code == 403
    client.force_login(make_user("other", Role.DISTRICT_STAFF, eunpyeong))
    assert client.patch(url, {"title": "x"}, content_type="application/json").status_code == 403
    response = client.post(f"{API}/forums", payload(guro), content_type="application/json")
    assert response.status_code == 403
    client.force_login(make_user("city", Role.CITY_OFFICER))
    assert (
        client.patch(url, {"title": "시 수정"}, content_type="application/json").status_code == 200
    )
    forum.refresh_from_db()
    assert forum.title == "시 수정"


def test_statistics_endpoints(client, guro, eunpyeong):
    record_forum(guro, held_on=dt.date(2020, 2, 1), materials_in_advance=True, total=30)
    record_forum(guro, held_on=dt.date(2020, 8, 1), type="workshop", total=10)
    record_forum(eunpyeong, held_on=dt.date(2020, 8, 1), total=7)
    body = client.get(f"{API}/forums/statistics", {"district": guro.code, "year": 2020}).json()
    assert body["forums"] == 2 and body["participants"] == 40
    assert body["materials_share"] == 0.5
    assert [q["forums"] for q in body["quarters"]] == [1, 0, 1, 0]
    assert body["by_type"] == {"open": 1, "workshop": 1}
    rows = client.get(f"{API}/forums/statistics/districts", {"year": 2020}).json()
    assert len(rows) == 25
    assert {r["district"]: r["forums"] for r in rows}[eunpyeong.code] == 1
    missing = client.get(f"{API}/forums/statistics")
    assert missing.status_code == 422
    assert client.get(f"{API}/forums/statistics", {"district": "00000"}).status_code == 404


def test_sheet_download_is_for_staff_and_recorded(client, guro, eunpyeong):
    record_forum(guro, title="1분기 공론장", held_on=dt.date(2020, 3, 2))
    url = f"{API}/forums/process-db/export"
    query = {"district": guro.code, "quarter": "2020-Q1"}
    assert client.get(url, query).status_code == 401
    client.force_login(make_user("other", Role.DISTRICT_STAFF, eunpyeong))
    assert client.get(url, query).status_code == 403
    assert not AuditEvent.objects.filter(action="process DB exported").exists()
    city = make_user("city", Role.CITY_OFFICER)
    client.force_login(city)
    response = client.get(url, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.cell(10, 3).value == "1분기 공론장"
    assert AuditEvent.objects.get(action="process DB exported").actor == city
    assert client.get(url, {**query, "quarter": "Q1"}).status_code == 422
    status = client.get(f"{API}/forums/process-db", {"district": guro.code, "year": 2020}).json()
    assert status[0]["quarter"] == "2020-Q1" and status[0]["last_generated_at"] is not None
    assert status[0]["due"] == "2020-03-31"


@pytest.mark.parametrize("year", ["1999", "100000"])
def test_a_list_year_out_of_range_gets_422(client, year):
    response = client.get(f"{API}/forums", {"year": year})
    assert response.status_code == 422
    assert "year" in str(response.json())
