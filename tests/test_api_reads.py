"""Public read endpoints: OpenAPI, districts, organisations, bodies, rulebooks, memberships,
composition, meetings, quorum, motions, decisions, calendars; masking of personal data."""

from __future__ import annotations

import datetime as dt

import pytest

from hyeopchi.bodies import services
from hyeopchi.bodies.models import (
    Appointment,
    Attendance,
    BodyKind,
    Capacity,
    Decision,
    Motion,
    Sector,
)
from hyeopchi.core.models import Role
from hyeopchi.directory.models import Organisation, OrganisationType
from tests.conftest import add_member, make_body, make_person, make_user
from tests.test_api_helpers import (  # noqa: F401 - fixture
    MEETING_DAY,
    api_as,
    dump,
    fast_passwords,
    make_meeting,
)

pytestmark = pytest.mark.django_db


def test_openapi_schema_loads_and_lists_every_endpoint():
    response = api_as().get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/districts",
        "/api/v1/organisations",
        "/api/v1/people",
        "/api/v1/bodies",
        "/api/v1/bodies/{body_id}",
        "/api/v1/bodies/{body_id}/rulebook",
        "/api/v1/bodies/{body_id}/composition",
        "/api/v1/bodies/{body_id}/calendar",
        "/api/v1/memberships",
        "/api/v1/memberships/{membership_id}/end",
        "/api/v1/meetings",
        "/api/v1/meetings/{meeting_id}/attendance",
        "/api/v1/meetings/{meeting_id}/quorum",
        "/api/v1/meetings/{meeting_id}/motions",
        "/api/v1/motions/{motion_id}/votes",
        "/api/v1/motions/{motion_id}/decision",
        "/api/v1/decisions",
        "/api/v1/audit/{model}/{object_id}",
    ]:
        assert path in paths, path
    assert set(paths["/api/v1/bodies"]) == {"get", "post"}
    schemes = response.json()["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}


def test_docs_page_loads():
    response = api_as().get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_districts_are_the_25_autonomous_districts():
    data = api_as().get("/districts", {"limit": 100}).json()
    assert data["count"] == 25
    guro = next(d for d in data["items"] if d["name_ko"] == "구로구")
    assert guro["code"] == "11530"
    one = api_as().get("/districts/11530").json()
    assert one["name_en"] == "Guro-gu"
    assert api_as().get("/districts/99999").status_code == 404


def test_pagination_limit_and_offset():
    first = api_as().get("/districts", {"limit": 10, "offset": 0}).json()
    second = api_as().get("/districts", {"limit": 10, "offset": 10}).json()
    assert (first["count"], first["limit"], first["offset"]) == (25, 10, 0)
    assert len(first["items"]) == 10
    assert {d["code"] for d in first["items"]}.isdisjoint({d["code"] for d in second["items"]})
    too_many = api_as().get("/districts", {"limit": 1000})
    assert too_many.status_code == 422
    assert "limit" in too_many.json()["errors"]


def test_organisations_filter_by_district_and_type(guro, eunpyeong):
    Organisation.objects.create(
        name="구로마을공동체", type=OrganisationType.RESIDENT_GROUP, district=guro
    )
    Organisation.objects.create(
        name="구로NPO", type=OrganisationType.NONPROFIT, district=guro, non_profit=True
    )
    Organisation.objects.create(name="은평NPO", type=OrganisationType.NONPROFIT, district=eunpyeong)
    api = api_as()
    names = lambda r: sorted(o["name"] for o in r.json()["items"])  # noqa: E731
    assert names(api.get("/organisations", {"district": "11530"})) == ["구로NPO", "구로마을공동체"]
    assert names(api.get("/organisations", {"district": "11530", "type": "nonprofit"})) == [
        "구로NPO"
    ]
    assert names(api.get("/organisations", {"type": "nonprofit"})) == ["구로NPO", "은평NPO"]
    assert names(api.get("/organisations", {"district_id": eunpyeong.pk})) == ["은평NPO"]
    bad = api.get("/organisations", {"type": "cult"})
    assert bad.status_code == 422 and "type" in bad.json()["errors"]


def test_bodies_filter_and_detail_with_rulebook_in_force(guro, eunpyeong):
    council = make_body(guro)
    sub = make_body(
        guro,
        name="마을분과",
        kind=BodyKind.SUBCOMMITTEE,
        parent=council,
        rulebook="guro-subcommittee",
    )
    other = make_body(eunpyeong, name="은평구협치회의")
    city = make_body(None, name="협치서울지역협의회", kind=BodyKind.REGIONAL_PLENARY)
    api = api_as()

    def ids(params):
        return sorted(b["id"] for b in api.get("/bodies", params).json()["items"])

    assert ids({"district": "11530"}) == sorted([council.pk, sub.pk])
    assert ids({"kind": "subcommittee"}) == [sub.pk]
    assert ids({"scope": "city"}) == [city.pk]
    assert ids({"parent": council.pk}) == [sub.pk]
    assert ids({"district_id": eunpyeong.pk}) == [other.pk]
    assert ids({"top_level": "true", "district": "11530"}) == [council.pk]

    detail = api.get(f"/bodies/{council.pk}").json()
    assert detail["children"] == [{"id": sub.pk, "name": "마을분과", "kind": "subcommittee"}]
    assert detail["district_code"] == "11530"
    rulebook = detail["rulebook"]
    assert rulebook["key"] == "guro-council"
    assert rulebook["quorum"]["fraction"] == "1/2" and rulebook["quorum"]["strict"] is True
    assert rulebook["source_file"].endswith("guro-council.toml")
    assert rulebook["source"]
    assert detail["ical_url"].endswith(f"/bodies/{council.pk}/calendar.ics")
    assert api.get("/bodies/999999").status_code == 404


def test_rulebook_on_a_date(guro):
    council = make_body(guro)
    api = api_as()
    data = api.get(f"/bodies/{council.pk}/rulebook", {"date": "2020-01-01"}).json()
    assert data["effective_from"] == "2019-05-02"
    assert data["rules"]["term"]["years"] == 2
    assert data["composition"]["civilian_share_min"] == "7/10"
    early = api.get(f"/bodies/{council.pk}/rulebook", {"date": "2001-01-01"})
    assert early.status_code == 422
    assert "2001-01-01" in early.json()["errors"]["__all__"][0]
    bad = api.get(f"/bodies/{council.pk}/rulebook", {"date": "2020-02-30"})
    assert bad.status_code == 422
    assert bad.json()["errors"]["date"]


def test_memberships_are_public_with_masked_names_and_no_contact_data(guro):
    council = make_body(guro)
    person = make_person(
        "F",
        name="박서연",
        email="seoyeon@example.org",
        phone="010-1234-5678",
        birth_year=1980,
        district=guro,
    )
    consenting = make_person("M", name="이도윤", public_name_consent=True)
    m1 = add_member(council, person)
    m2 = add_member(council, consenting)
    add_member(council, start_date=dt.date(2019, 6, 1), term_end=dt.date(2019, 12, 31))

    response = api_as().get("/memberships", {"body": council.pk, "date": "2020-03-01"})
    assert response.status_code == 200
    text = dump(response)
    for secret in ["박서연", "seoyeon@example.org", "010-1234-5678", "1980", "birth_year"]:
        assert secret not in text
    items = {m["id"]: m for m in response.json()["items"]}
    assert set(items) == {m1.pk, m2.pk}  # the third one's term ended in 2019
    assert items[m1.pk]["person_name"] == "박*연"
    assert items[m2.pk]["person_name"] == "이도윤"  # consented to the full name

    clerk = make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    staff_view = api_as(clerk).get("/memberships", {"body": council.pk}).json()
    assert "박서연" in {m["person_name"] for m in staff_view["items"]}
    assert api_as().get(f"/memberships/{m1.pk}").json()["person_name"] == "박*연"


def test_people_are_not_public(guro, eunpyeong):
    person = make_person("F", name="박서연", email="a@example.org", district=guro)
    make_person("M", name="최은평", district=eunpyeong)
    assert api_as().get("/people").status_code == 401
    assert api_as(make_user("resident")).get("/people").status_code == 403
    assert api_as().get(f"/people/{person.pk}").status_code == 401

    clerk = make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    data = api_as(clerk).get("/people").json()
    assert [p["name"] for p in data["items"]] == ["박서연"]
    assert data["items"][0]["email"] == "a@example.org"
    other = make_user("clerk-ep", Role.DISTRICT_STAFF, eunpyeong)
    assert api_as(other).get(f"/people/{person.pk}").status_code == 403
    city = make_user("city", Role.CITY_OFFICER)
    assert api_as(city).get("/people").json()["count"] == 2
    assert api_as(city).get("/people", {"q": "은평"}).json()["count"] == 1


def test_district_staff_also_see_members_of_their_bodies(guro, eunpyeong):
    council = make_body(guro)
    outsider = make_person("F", name="최은평", district=eunpyeong)
    add_member(council, outsider)
    clerk = make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    names = [p["name"] for p in api_as(clerk).get("/people").json()["items"]]
    assert names == ["최은평"]
    assert api_as(clerk).get(f"/people/{outsider.pk}").status_code == 200


def test_composition_counts_findings_and_masks_names(guro):
    council = make_body(guro)
    long_term = make_person("F", name="박서연")
    add_member(council, long_term, term_end=None)  # no term end: longer than the 2 years
    for _ in range(3):
        add_member(council, make_person("F"))
    add_member(council, make_person("M"), sector=Sector.ADMIN, appointment=Appointment.EX_OFFICIO)

    response = api_as().get(f"/bodies/{council.pk}/composition", {"date": "2020-03-01"})
    assert response.status_code == 200
    data = response.json()
    assert data["rulebook"]["key"] == "guro-council"
    assert data["counts"]["total"] == 5
    assert data["counts"]["by_sector"]["civil"] == 4
    assert data["counts"]["by_sector"]["admin"] == 1
    assert data["counts"]["by_gender"] == {"F": 4, "M": 1, "X": 0}
    codes = {f["code"]: f for f in data["findings"]}
    assert "size.below_min" in codes
    assert codes["size.below_min"]["numbers"] == {"count": 5, "min": 30}
    assert "composition.gender_cap" in codes  # 4 of 4 appointed are women
    too_long = codes["term.too_long"]
    assert too_long["severity"] == "violation"
    assert too_long["rule"].startswith("제10조")
    assert "박*연" in too_long["message"]
    assert "박서연" not in dump(response)
    assert data["violations"] == sum(f["severity"] == "violation" for f in data["findings"])

    clerk = make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    staff = api_as(clerk).get(f"/bodies/{council.pk}/composition", {"date": "2020-03-01"})
    assert "박서연" in dump(staff)


@pytest.mark.parametrize("bad", ["2020-13-01", "yesterday", "2020/03/01", "20200301x"])
def test_composition_bad_date_is_422_with_a_clear_message(guro, bad):
    council = make_body(guro)
    response = api_as().get(
        f"/bodies/{council.pk}/composition", {"date": bad}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"date": ["Enter a valid date as YYYY-MM-DD."]}


def test_composition_without_a_rulebook_version_is_422(guro):
    council = make_body(guro)
    response = api_as().get(f"/bodies/{council.pk}/composition", {"date": "1999-01-01"})
    assert response.status_code == 422
    assert "guro-council" in response.json()["errors"]["__all__"][0]


def test_meetings_filter_by_body_dates_and_kind(guro):
    council = make_body(guro)
    other = make_body(guro, name="운영위원회", kind=BodyKind.STEERING)
    m1 = make_meeting(council, dt.date(2020, 3, 26))
    m2 = make_meeting(council, dt.date(2020, 4, 23))
    m3 = make_meeting(council, dt.date(2020, 5, 7), kind="extraordinary")
    make_meeting(other, dt.date(2020, 4, 1))
    api = api_as()

    def ids(params):
        return [m["id"] for m in api.get("/meetings", params).json()["items"]]

    assert ids({"body": council.pk}) == [m1.pk, m2.pk, m3.pk]
    assert ids({"body": council.pk, "from": "2020-04-01", "to": "2020-04-30"}) == [m2.pk]
    assert ids({"body": council.pk, "kind": "extraordinary"}) == [m3.pk]
    item = api.get("/meetings", {"body": council.pk}).json()["items"][0]
    assert item["starts_at"].startswith("2020-03-26T10:00:00+09:00")
    assert item["number"] == 1
    bad = api.get("/meetings", {"from": "March"})
    assert bad.status_code == 422 and "from" in bad.json()["errors"]
    detail = api.get(f"/meetings/{m3.pk}").json()
    assert detail["convening_check"]["ok"] is False  # convened by the schedule: not allowed
    assert detail["quorum_url"].endswith(f"/api/v1/meetings/{m3.pk}/quorum")


def test_quorum_says_who_counted_and_why_not(guro):
    council = make_body(guro)
    members = [add_member(council, make_person("F", name=f"한지{c}")) for c in "ABCDE"]
    observer = make_person("M", name="오참관")
    stranger = make_person("M", name="유외부")
    meeting = make_meeting(council)
    for m in members[:3]:
        Attendance.objects.create(meeting=meeting, person=m.person, capacity=Capacity.MEMBER)
    Attendance.objects.create(meeting=meeting, person=observer, capacity=Capacity.OBSERVER)
    Attendance.objects.create(meeting=meeting, person=stranger, capacity=Capacity.MEMBER)

    response = api_as().get(f"/meetings/{meeting.pk}/quorum", HTTP_ACCEPT_LANGUAGE="en")
    data = response.json()
    assert (data["enrolled"], data["present"], data["required"], data["met"]) == (5, 3, 3, True)
    assert data["rulebook"]["key"] == "guro-council"
    assert "제13조" in data["rule"]
    assert sorted(a["name"] for a in data["counted"]) == ["한*A", "한*B", "한*C"]
    reasons = {a["name"]: a["reason"] for a in data["not_counted"]}
    assert reasons == {
        "오*관": "Observers (참관) do not count toward the quorum.",
        "유*부": "Not a member of this body on the meeting date.",
    }
    assert sorted(a["name"] for a in data["absent"]) == ["한*D", "한*E"]
    assert "오참관" not in dump(response)


def test_motions_decisions_and_visibility(guro):
    council = make_body(guro)
    members = [add_member(council, make_person()) for _ in range(3)]
    meeting = make_meeting(council)
    services.set_attendance(meeting, [(m.person_id, "member") for m in members])
    motion = Motion.objects.create(meeting=meeting, title="예산안")
    services.record_vote(motion, roll_call={m.person_id: "yes" for m in members})
    draft = services.decide(motion, "예산안 의결")
    published_motion = Motion.objects.create(meeting=meeting, title="공개 안건")
    services.record_vote(published_motion, yes=3)
    published = services.decide(published_motion, "공개 결정", publish=True)

    api = api_as()
    motions = api.get(f"/meetings/{meeting.pk}/motions").json()
    assert [m["outcome"] for m in motions["items"]] == ["passed", "passed"]
    assert motions["items"][0]["decision_id"] == draft.pk
    detail = api.get(f"/motions/{motion.pk}").json()
    assert detail["roll_call"] is True
    assert len(detail["votes"]) == 3 and all("*" in v["name"] for v in detail["votes"])
    assert detail["outcome_basis"]["yes_required"] == 2

    public = api.get("/decisions", {"body": council.pk}).json()
    assert [d["id"] for d in public["items"]] == [published.pk]
    assert api.get(f"/decisions/{draft.pk}").status_code == 404
    clerk = make_user("clerk-guro", Role.DISTRICT_STAFF, guro)
    staff = api_as(clerk).get("/decisions", {"body": council.pk}).json()
    assert {d["id"] for d in staff["items"]} == {draft.pk, published.pk}
    assert api_as(clerk).get(f"/decisions/{draft.pk}").status_code == 200
    assert api_as(clerk).get("/decisions", {"published": "false"}).json()["count"] == 1
    assert Decision.objects.count() == 2


def test_calendar_lists_meetings_and_the_ical_feed(guro):
    council = make_body(guro)
    m1 = make_meeting(council, dt.date(2020, 3, 26))
    m2 = make_meeting(council, dt.date(2020, 6, 25))
    api = api_as()
    data = api.get(f"/bodies/{council.pk}/calendar").json()
    assert [m["id"] for m in data["meetings"]] == [m1.pk, m2.pk]
    assert data["ical_url"].endswith(f"/bodies/{council.pk}/calendar.ics")
    later = api.get(f"/bodies/{council.pk}/calendar", {"from": "2020-04-01"}).json()
    assert [m["id"] for m in later["meetings"]] == [m2.pk]
    assert api.get("/bodies/424242/calendar").status_code == 404


def test_unknown_ids_are_404_everywhere():
    api = api_as()
    for path in [
        "/bodies/9999",
        "/bodies/9999/composition",
        "/bodies/9999/rulebook",
        "/memberships/9999",
        "/meetings/9999",
        "/meetings/9999/quorum",
        "/meetings/9999/motions",
        "/motions/9999",
        "/decisions/9999",
        "/organisations/9999",
    ]:
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["detail"]


def test_messages_follow_accept_language_default_korean(guro):
    en = api_as().get("/bodies/9999", HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["detail"] == "Not found."
    assert en["Content-Language"] == "en"
    default = api_as().get("/bodies/9999")
    assert default["Content-Language"] == "ko"


def test_meeting_date_of_first_meeting_uses_seoul_time(guro):
    council = make_body(guro)
    meeting = make_meeting(council, MEETING_DAY)
    data = api_as().get(f"/meetings/{meeting.pk}").json()
    assert data["starts_at"][:10] == MEETING_DAY.isoformat()
