"""The plan's official documents read back: the plan PDF (pypdf), the budget tables XLSX
(openpyxl: values and sums), the forms 서식 2-1, 2-2, 3-1, 3-2, who may download them,
and bad input on the forms."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from hyeopchi.bodies.models import BodyKind, MemberRole, Sector
from hyeopchi.core.models import Role
from hyeopchi.plans import budget_tables as tables
from hyeopchi.plans.models import PlanSection, PlanStatus, TaskKind
from tests.conftest import add_member, make_body, make_person, make_user

from .plan_helpers import make_indicator, make_line, make_plan, make_task

ON = dt.date(2020, 7, 1)


def pdf_text(data: bytes) -> tuple[str, PdfReader]:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    return re.sub(" +", " ", text), reader


def pdf_of(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(response.content)[0]


@pytest.fixture(autouse=True)
def korean():
    with translation.override("ko"):
        yield


@pytest.fixture
def plan(guro):
    plan = make_plan(guro, status=PlanStatus.APPROVED)
    PlanSection.objects.create(
        plan=plan, code="1.1", order=1, title="수립배경", body="구로구의 협치"
    )
    plan.goals.create(text="주민이 직접 결정하는 구로", order=1)
    plan.goals.create(year=2021, text="공론장 10회 개최", order=1)
    foundation = make_task(
        plan, TaskKind.FOUNDATION, title="협치 기반 구축", sub_project="F-1", order=1
    )
    make_line(
        foundation,
        30_000_000,
        category="personnel",
        subtype="coordinator",
        description="협치지원관 1명",
    )
    make_line(foundation, 12_345_678, category="operating", subtype="office", source="district")
    sector = make_task(
        plan,
        TaskKind.SECTOR,
        title="마을 돌봄 네트워크",
        period="2021.3~12",
        background="돌봄 공백이 크다",
        order=1,
    )
    make_line(
        sector,
        40_000_000,
        category="facilities",
        subtype="construction",
        nature="capital",
        description="공유공간 조성",
    )
    make_line(sector, 17_654_322, category="project", subtype="materials")
    make_line(sector, 5_000_500, category="project", subtype="publicity", source="other")
    make_indicator(sector, name="참여 주민 수", unit="명", method="참여자 명부")
    return plan


CITY = 30_000_000 + 40_000_000 + 17_654_322
DISTRICT = 12_345_678
OTHER = 5_000_500
TOTAL = CITY + DISTRICT + OTHER


@pytest.fixture
def council_members(guro):
    council = make_body(guro)
    wg = make_body(
        guro, name="돌봄 워킹그룹", kind=BodyKind.WORKING_GROUP, rulebook="working-group"
    )
    term = {"start_date": dt.date(2019, 6, 1), "term_end": dt.date(2021, 5, 31)}
    chair = make_person(
        "F",
        name="박민지",
        affiliation="구로시민센터 대표",
        phone="010-1234-5678",
        email="min@example.org",
    )
    add_member(council, chair, role=MemberRole.CO_CHAIR, **term)
    mayor = make_person("M", name="이구청", affiliation="구로구청장", email="mayor@guro.go.kr")
    add_member(
        council,
        mayor,
        sector=Sector.ADMIN,
        role=MemberRole.CO_CHAIR,
        appointment="ex_officio",
        **term,
    )
    councillor = make_person("M", name="최의원", affiliation="구로구의회")
    add_member(council, councillor, sector=Sector.DISTRICT_COUNCILLOR, **term)
    both = make_person("F", name="정양쪽", affiliation="마을활동가")
    add_member(council, both, **term)
    add_member(wg, both, **term)
    add_member(wg, make_person("F", name="한워크", affiliation="돌봄센터"), **term)
    gone = make_person("M", name="오지난", affiliation="전 위원")
    add_member(council, gone, start_date=dt.date(2019, 6, 1), term_end=dt.date(2020, 1, 31))
    return council


def login(client, user):
    client.force_login(user)
    return client


# ---------------------------------------------------------------- pure tables


@pytest.mark.parametrize(
    ("won", "thousand"), [(0, 0), (499, 0), (500, 1), (1_499, 1), (1_500, 2), (-500, -1)]
)
def test_thousands_round_half_up(won, thousand):
    assert tables.thousands(won) == thousand


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [
        (1, 3, "33.3%"),
        (2, 3, "66.7%"),
        (1, 8, "12.5%"),
        (0, 5, "0.0%"),
        (5, 5, "100.0%"),
        (1, 0, "–"),
    ],
)
def test_percent_is_exact_and_rounds_half_up(part, whole, text):
    assert tables.percent_text(part, whole) == text


# ---------------------------------------------------------------- plan document


def test_plan_pdf_has_chapters_tasks_and_budget_tables(client, plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("plan_documents:plan_pdf", args=[plan.pk]))
    text = pdf_of(response)
    assert response["Content-Disposition"].endswith(f'plan-{plan.pk}-11530-2021-plan.pdf"')
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == f"구로구 {plan.title}"
    for part in (
        "비전 및 목표",
        "함께 만드는 마을",
        "[전체 기간] 주민이 직접 결정하는 구로",
        "[2021] 공론장 10회 개최",
        "1.1 수립배경",
        "추진과제별 계획",
        "추진과제 1. 협치 기반 구축",
        "추진과제 2. 마을 돌봄 네트워크",
        "추진 배경과 필요성",
        "돌봄 공백이 크다",
        "참여 주민 수",
        "참여자 명부",
        "예산계획",
        "4.1 예산의 내용에 따른 구분",
        "4.2 재원 조달 구분에 따른 예산 편성",
        "4.3 추진과제별 예산계획",
    ):
        assert part in text, part
    # Task order: foundation first, then sector; tables in order.
    assert text.index("추진과제 1. 협치") < text.index("추진과제 2. 마을") < text.index("4.1 예산")
    # Amounts in 천원, rounded half up: 12,345,678 → 12,346; 5,000,500 → 5,001.
    assert "12,346" in text and "5,001" in text and "17,654" in text
    assert "인건비성 경비 · 민·관 협력 촉진·관리·조정·자문 인력 보수" in text
    # 4.1: city subsidy 87,654,322 = current 47,654 + capital 40,000 (천원).
    assert "경상 보조 47,654 54.4%" in text
    assert "자본 보조 40,000 45.6%" in text
    assert "시 보조금 계 87,654 100%" in text
    assert f"총사업비 {tables.thousands(CITY):,} {tables.thousands(DISTRICT):,}" in text
    assert "초안" not in text  # approved: no draft mark


def test_draft_plan_pdf_is_for_staff_only_and_marked(client, guro, eunpyeong):
    draft = make_plan(guro)
    url = reverse("plan_documents:plan_pdf", args=[draft.pk])
    assert client.get(url).status_code == 403
    login(client, make_user("clerk-ep", Role.DISTRICT_STAFF, eunpyeong))
    assert client.get(url).status_code == 403
    login(client, make_user("clerk-g", Role.DISTRICT_STAFF, guro))
    text = pdf_of(client.get(url))
    assert "초안: 아직 협치회의의 승인을 받지 않았습니다." in text


def test_plan_pdf_in_english(client, plan):
    with translation.override("en"):
        response = client.get(
            reverse("plan_documents:plan_pdf", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
    text = pdf_of(response)
    assert "Plans by task" in text and "4.1 City subsidy by nature" in text
    # Wrapped cells lose the space at a line break: compare without spaces.
    assert "Personnel-typecosts·Payofstaffpromoting" in text.replace(" ", "")


# ---------------------------------------------------------------- budget tables XLSX


def test_budget_xlsx_values_and_sums(client, plan):
    response = client.get(reverse("plan_documents:budget_xlsx", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["4.1", "4.2", "4.3", "예산 내역"]

    nature = book["4.1"]
    assert [nature.cell(r, 1).value for r in (5, 6, 7)] == [
        "경상 보조",
        "자본 보조",
        "시 보조금 계",
    ]
    assert [nature.cell(r, 2).value for r in (5, 6, 7)] == [47_654, 40_000, 87_654]
    assert nature["C5"].value + nature["C6"].value == pytest.approx(1)
    assert nature["B5"].number_format == "#,##0"

    items = book["4.2"]
    rows = {
        items.cell(r, 1).value: [items.cell(r, c).value for c in range(2, 7)]
        for r in range(5, items.max_row + 1)
    }
    assert list(rows) == ["인건비성 경비", "운영비", "사업비", "시설비 및 부대비", "총사업비"]
    assert rows["운영비"][:4] == [0, 12_346, 0, 12_346]
    assert rows["사업비"][:4] == [17_654, 0, 5_001, 22_655]
    assert rows["총사업비"][:4] == [
        tables.thousands(CITY),
        tables.thousands(DISTRICT),
        tables.thousands(OTHER),
        tables.thousands(TOTAL),
    ]
    assert rows["총사업비"][4] == 1
    assert sum(r[4] for k, r in rows.items() if k != "총사업비") == pytest.approx(1)

    by_task = book["4.3"]
    assert by_task["A5"].value == "1. 협치 기반 구축"
    assert by_task["E5"].value == tables.thousands(30_000_000 + 12_345_678)
    assert by_task["A7"].value == "총사업비"

    lines = book["예산 내역"]
    body = [[lines.cell(r, c).value for c in range(1, 10)] for r in range(5, lines.max_row + 1)]
    *line_rows, total = body
    assert len(line_rows) == 5
    assert sum(r[8] for r in line_rows) == TOTAL == total[8]
    assert sum(r[5] or 0 for r in line_rows) == CITY == total[5]
    assert sum(r[6] or 0 for r in line_rows) == DISTRICT == total[6]
    assert sum(r[7] or 0 for r in line_rows) == OTHER == total[7]
    assert line_rows[2][4] == "자본보조" or "자본" in line_rows[2][4]
    assert line_rows[0][3] == "협치지원관 1명"


def test_budget_xlsx_of_an_empty_plan(client, guro):
    empty = make_plan(guro, status=PlanStatus.APPROVED)
    book = load_workbook(
        io.BytesIO(client.get(reverse("plan_documents:budget_xlsx", args=[empty.pk])).content)
    )
    assert book["4.1"]["B7"].value == 0
    assert book["4.2"]["A5"].value == "총사업비" and book["4.2"]["E5"].value == 0


# ---------------------------------------------------------------- rosters


def test_council_roster_form_3_2(client, plan, council_members, guro_clerk):
    url = reverse("plan_documents:form_3_2", args=[plan.pk])
    assert client.get(url).status_code == 403  # names and roles: staff only
    login(client, guro_clerk)
    text = pdf_of(client.get(url, {"on": ON.isoformat()}))
    assert "서식 3-2" in text and "자치구 협치회의 명단" in text
    # Counts: 민간 2 (박민지, 정양쪽), 시·구의원 1, 행정 1, 총 4; the former member is out.
    assert "2명 1명 1명 4명" in text
    for name in ("박민지", "이구청", "최의원", "정양쪽"):
        assert name in text
    assert "오지난" not in text and "한워크" not in text
    assert "구로시민센터 대표" in text and "여성" in text
    # Notes from the council's rulebook (guro-council: civilians ≥ 70 %, gender ≤ 60 %).
    assert "민간의 비율이 70% 이상" in text and "특정성비가 60%를 넘지" in text
    # Civil members first, then administration and councillors, as the form lists them.
    assert text.index("박민지") < text.index("이구청")


def test_discussion_roster_form_2_2_lists_every_body_once_per_person(
    client, plan, council_members, city_officer
):
    login(client, city_officer)
    text = pdf_of(
        client.get(reverse("plan_documents:form_2_2", args=[plan.pk]), {"on": "2020-07-01"})
    )
    assert "서식 2-2" in text and "논의주체 명단" in text
    assert text.count("정양쪽") == 1
    assert "구로구협치회의, 돌봄 워킹그룹" in text
    assert "한워크" in text
    assert "3명 1명 1명 5명" in text


def test_roster_with_a_bad_date_says_so(client, plan, guro_clerk):
    login(client, guro_clerk)
    response = client.get(reverse("plan_documents:form_3_2", args=[plan.pk]), {"on": "2020-13-40"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


def test_forms_are_not_for_other_districts(client, plan, eunpyeong):
    login(client, make_user("clerk-ep", Role.DISTRICT_STAFF, eunpyeong))
    for name in ("form_2_1", "form_3_1", "form_2_2", "form_3_2"):
        assert client.get(reverse(f"plan_documents:{name}", args=[plan.pk])).status_code == 403
    page = client.get(reverse("plan_documents:index", args=[plan.pk])).content.decode()
    assert "서식 2-1" not in page and "계획서 (PDF)" in page


# ---------------------------------------------------------------- 서식 2-1, 3-1


APPLICATION = {
    "council": "구로구협치회의",
    "civil_name": "박민지",
    "civil_phone": "010-1234-5678",
    "civil_email": "min@example.org",
    "admin_name": "이구청",
    "admin_phone": "02-860-2114",
    "admin_email": "mayor@guro.go.kr",
    "discussed_from": "2020-03-02",
    "discussed_to": "2020-06-30",
    "discussion_body": "구로구협치회의 운영위원회",
    "composition": "민간 위원 12명과 행정 5명으로 구성",
    "background": "돌봄과 안전 의제가 동 공론장에서 모였다",
    "signed_on": "2020-07-08",
}


def test_application_form_is_prefilled_from_the_council(client, plan, council_members, guro_clerk):
    login(client, guro_clerk)
    page = client.get(reverse("plan_documents:form_2_1", args=[plan.pk])).content.decode()
    assert 'value="박민지"' in page and 'value="min@example.org"' in page
    assert 'value="이구청"' in page and 'value="구로구협치회의"' in page


def test_application_form_2_1_prints(client, plan, guro_clerk):
    login(client, guro_clerk)
    text = pdf_of(client.post(reverse("plan_documents:form_2_1", args=[plan.pk]), APPLICATION))
    for part in (
        "서식 2-1",
        "지역사회혁신계획(구단위계획형) 지원 신청서",
        "구로구",
        "박민지",
        "010-1234-5678",
        "mayor@guro.go.kr",
        "2020년 3월 2일",
        "2020년 6월 30일",
        "민간 위원 12명과 행정 5명으로 구성",
        "'2021년 구단위계획형 사업 추진배경",
        "구로구협치회의 민 대표 : 박민지 (서명 또는 날인)",
        "구로구협치회의 관 대표 : 이구청 (서명 또는 날인)",
        "서울특별시장 귀하",
    ):
        assert part in text, part


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"civil_name": ""}, "civil_name", "필수"),
        ({"civil_email": "not-an-email"}, "civil_email", "이메일"),
        ({"admin_phone": "call me"}, "admin_phone", "02-860-2114"),
        (
            {"discussed_to": "2020-01-01"},
            "discussed_to",
            "논의 종료일은 시작일보다 앞설 수 없습니다.",
        ),
        ({"signed_on": "yesterday"}, "signed_on", "날짜"),
        ({"composition": "가" * 3001}, "composition", "3000"),
    ],
)
def test_application_form_bad_input_keeps_what_was_typed(
    client, plan, guro_clerk, changes, field, message
):
    login(client, guro_clerk)
    response = client.post(
        reverse("plan_documents:form_2_1", args=[plan.pk]), {**APPLICATION, **changes}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert "구로구협치회의 운영위원회" in page  # typed values stay on the form


SUBMISSION = {
    "submitter": "council",
    "council": "구로구협치회의",
    "civil_structure": "○ 구로시민센터\n○ 돌봄 전문가",
    "admin_structure": "○ 자치행정과\n○ 복지정책과",
    "goal": "주민이 함께 돌보는 마을",
    "background": "돌봄 공백",
    "content": "돌봄 네트워크 구성",
    "schedule": "2021.3~12",
    "civil_rep_name": "박민지",
    "civil_rep_position": "구로시민센터 대표",
    "admin_rep_name": "이구청",
    "admin_staff_name": "김실무",
    "admin_staff_email": "staff@guro.go.kr",
    "submitted_on": "2020-07-10",
}


def test_submission_form_3_1_prints_budget_from_the_lines(client, plan, guro_clerk):
    login(client, guro_clerk)
    url = reverse("plan_documents:form_3_1", args=[plan.pk])
    page = client.get(url).content.decode()
    assert f"{TOTAL:,}" in page  # the cost shown comes from the lines
    text = pdf_of(client.post(url, {**SUBMISSION, "total": "1"}))  # a typed total is ignored
    for part in (
        "서식 3-1",
        "2021 지역사회혁신계획(구단위계획형) 신청서",
        "민·관 합동 TFT ( ), 구로구협치회의 ( √ )",
        "○ 복지정책과",
        "주민이 함께 돌보는 마을",
        f"총 {tables.thousands(TOTAL):,}천원 (시비 : {tables.thousands(CITY):,}천원, "
        f"구비 : {tables.thousands(DISTRICT):,}천원)",
        "실무자(관)",
        "staff@guro.go.kr",
        "제출자 : 구로구협치회의 (구청장 직인)",
    ):
        assert part in text, part


def test_submission_form_by_tft_and_bad_choice(client, plan, guro_clerk):
    login(client, guro_clerk)
    url = reverse("plan_documents:form_3_1", args=[plan.pk])
    text = pdf_of(client.post(url, {**SUBMISSION, "submitter": "tft"}))
    assert "민·관 합동 TFT ( √ )" in text and "구로구 민·관 합동TFT" in text
    response = client.post(url, {**SUBMISSION, "submitter": "mayor"})
    assert response.status_code == 400 and "submitter" in response.context["form"].errors


def test_forms_need_csrf(plan, guro_clerk):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(guro_clerk)
    response = strict.post(reverse("plan_documents:form_2_1", args=[plan.pk]), APPLICATION)
    assert response.status_code == 403


# ---------------------------------------------------------------- API


def test_api_budget_tables_in_won(client, plan):
    data = client.get(f"/api/v1/plans/{plan.pk}/documents/budget").json()
    assert data["by_nature"] == {"current": CITY - 40_000_000, "capital": 40_000_000, "total": CITY}
    assert data["total"]["total"] == TOTAL
    assert sum(r["total"] for r in data["by_item"]) == TOTAL
    assert sum(r["city"] for r in data["by_task"]) == CITY
    assert [r["key"] for r in data["by_item"]] == [
        "personnel",
        "operating",
        "project",
        "facilities",
    ]


def test_api_files_and_permissions(client, plan, guro, guro_clerk, council_members):
    draft = make_plan(guro)
    assert client.get(f"/api/v1/plans/{draft.pk}/documents/plan.pdf").status_code == 404
    assert client.get(f"/api/v1/plans/{draft.pk}/documents/budget").status_code == 404
    response = client.get(f"/api/v1/plans/{plan.pk}/documents/budget.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content))["4.1"]["B7"].value == 87_654
    assert "4.3 추진과제별" in pdf_of(client.get(f"/api/v1/plans/{plan.pk}/documents/plan.pdf"))
    roster = f"/api/v1/plans/{plan.pk}/documents/form-3-2.pdf?on=2020-07-01"
    assert client.get(roster).status_code == 401
    login(
        client,
        make_user("ep", Role.DISTRICT_STAFF, plan.district.__class__.objects.get(name_ko="은평구")),
    )
    assert client.get(roster).status_code == 403
    login(client, guro_clerk)
    assert "박민지" in pdf_of(client.get(roster))
    assert client.get(roster.replace("2020-07-01", "not-a-date")).status_code == 422


def test_api_application_and_submission(client, plan, guro_clerk):
    url = f"/api/v1/plans/{plan.pk}/documents/form-2-1.pdf"
    assert client.post(url, APPLICATION, content_type="application/json").status_code == 401
    login(client, guro_clerk)
    text = pdf_of(client.post(url, APPLICATION, content_type="application/json"))
    assert "구로구협치회의 민 대표 : 박민지" in text
    bad = client.post(
        url,
        {**APPLICATION, "civil_email": "x", "discussed_to": "2020-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"civil_email", "discussed_to"}
    sub = client.post(
        f"/api/v1/plans/{plan.pk}/documents/form-3-1.pdf",
        SUBMISSION,
        content_type="application/json",
    )
    assert f"총 {tables.thousands(TOTAL):,}천원" in pdf_of(sub)


def test_document_queries_do_not_grow_with_the_plan(
    client, plan, guro_clerk, django_assert_max_num_queries
):
    for n in range(12):
        task = make_task(plan, TaskKind.SECTOR, title=f"과제 {n}", order=10 + n)
        for amount in (1_000_000, 2_000_000, 3_000_000):
            make_line(task, amount, category="project")
        make_indicator(task, name=f"지표 {n}")
    with django_assert_max_num_queries(8):
        text = pdf_of(client.get(reverse("plan_documents:plan_pdf", args=[plan.pk])))
    assert "추진과제 14. 과제 11" in text
    with django_assert_max_num_queries(8):
        response = client.get(reverse("plan_documents:budget_xlsx", args=[plan.pk]))
    book = load_workbook(io.BytesIO(response.content))
    assert book["4.3"].max_row == 4 + 14 + 1
    login(client, guro_clerk)
    with django_assert_max_num_queries(16):  # session, roles, plan, lines, council, chairs
        page = client.get(reverse("plan_documents:form_3_1", args=[plan.pk]))
    assert f"{TOTAL + 12 * 6_000_000:,}" in page.content.decode()


def test_documents_page_for_the_public_and_for_drafts(client, plan, guro):
    page = client.get(reverse("plan_documents:index", args=[plan.pk])).content.decode()
    assert reverse("plan_documents:plan_pdf", args=[plan.pk]) in page
    assert reverse("plan_documents:budget_xlsx", args=[plan.pk]) in page
    assert reverse("plan_documents:form_2_1", args=[plan.pk]) not in page
    draft = make_plan(guro)
    assert client.get(reverse("plan_documents:index", args=[draft.pk])).status_code == 403
    assert client.get(reverse("plan_documents:budget_xlsx", args=[draft.pk])).status_code == 403
