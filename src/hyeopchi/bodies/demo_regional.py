"""Demo: the 협치서울지역협의회 and the 서울협치협의회 in 2017 (seed 004).

Structure, dates, venues, agendas, attendance figures and decisions follow the 4th plenary
meeting package of 2017-06-26; the people are fictional. Comments name the seed line and
the role a fictional person stands in for, never the real name.
"""

from __future__ import annotations

import datetime as dt

from hyeopchi.directory.models import OrganisationType as OT
from hyeopchi.directory.models import Person

from . import services
from .demo_kit import Kit, at, item, other, report
from .demo_people import Cast
from .models import (
    AgendaSection,
    Appointment,
    Body,
    BodyKind,
    ConvenedBy,
    EndReason,
    MemberRole,
    MotionKind,
    Scope,
    Sector,
)

# 시민협력플랫폼 consortium organisations of the 2016 cohort (seed 004 L405-423).
CONSORTIA: dict[str, list[str]] = {
    "강동": [
        "사회적협동조합 함께강동",
        "청년아지트 강동팍",
        "강동마을모임 동동",
        "강동주민자치네트워크",
    ],
    "강북": ["강북마을모임", "강북구사회적경제협의회", "강북구사회적경제통합지원센터"],
    "관악": [
        "(사)관악주민연대",
        "(사)난곡주민도서관 새숲",
        "(준)사회적협동조합 공동체관악",
        "삼성고등학교사회적협동조합",
    ],
    "광진": [
        "광진협동사회경제네트워크",
        "광진복지네트워크",
        "광진시민사회단체연석회의",
        "광진마을공동체네트워크",
        "광진문화예술인네트워크 다락",
    ],
    "동대문": [
        "(사)열린사회동대문시민회",
        "경희대 지구사회봉사단",
        "마을생태계조성사업단",
        "삶터 사회적협동조합",
        "(사)푸른사람들",
    ],
    "마포": ["서울프린지네트워크", "홍우주사회적협동조합", "마포구마을생태계조성사업단"],
    "서대문": ["(사)서대문사람숲", "(사)한국로허스협회", "서대문마을넷", "소셜아트플래툰"],
    "성동": [
        "성동협동사회경제추진단",
        "성동청소년문화의집",
        "예술과도시사회연구소",
        "성동평화의집",
    ],
    "은평": ["(사)은평상상", "생태보전시민모임", "(사)터울림"],
}


def _org_type(name: str) -> str:
    if "사회적협동조합" in name or "사회적경제" in name or "협동사회경제" in name:
        return OT.SOCIAL_ECONOMY
    if name.startswith("(사)"):
        return OT.CORPORATION
    if "대 " in name or name.endswith("연구소"):
        return OT.RESEARCH
    if "센터" in name or "사업단" in name or "추진단" in name:
        return OT.INTERMEDIARY
    if "모임" in name:
        return OT.RESIDENT_GROUP
    return OT.NONPROFIT


# 소통책임자 (communication officers): key, district, gender, note.
# 12 steering members before 2017-05-22 (the seed gives 11 → 10 after 6/19, and one earlier
# resignation on 5/22), chosen from the districts the seed ties them to where it does.
OFFICERS: list[tuple[str, str, str, str]] = [
    ("강동:1", "강동", "M", "steering chair; 강동 consortium representative (L79, L410)"),
    ("강동:2", "강동", "F", ""),
    ("마포:1", "마포", "M", "steering; 마포 platform lead (L47, L417)"),
    ("마포:2", "마포", "F", ""),
    ("성동:1", "성동", "M", "steering; 성동 platform lead (L47, L419)"),
    ("성동:2", "성동", "M", "replaced on 2017-05-31 (L16)"),
    ("광진:1", "광진", "M", "steering; 광진 platform assistant (L47, L413)"),
    ("광진:2", "광진", "F", ""),
    ("은평:1", "은평", "M", "steering; resigned 2017-06-19 when 은평 changed officer (L17, L26)"),
    ("은평:2", "은평", "F", ""),
    ("강북:1", "강북", "M", "steering; 강북 platform lead (L47, L411)"),
    ("강북:2", "강북", "F", ""),
    ("관악:1", "관악", "F", "steering (L47)"),
    ("관악:2", "관악", "M", ""),
    ("서대문:1", "서대문", "F", "steering; resigned from the steering committee 2017-05-22 (L25)"),
    ("서대문:2", "서대문", "M", ""),
    ("동대문:1", "동대문", "F", "steering, absent on 6/19"),
    ("동대문:2", "동대문", "M", ""),
    ("도봉:1", "도봉", "M", "steering, absent on 6/19"),
    ("도봉:2", "도봉", "F", ""),
    ("금천:1", "금천", "F", "steering, absent on 6/19"),
    ("금천:2", "금천", "M", ""),
    ("영등포:1", "영등포", "M", "steering, absent on 6/19"),
    ("성북:1", "성북", "F", ""),
]
STEERING = [
    "강동:1",
    "마포:1",
    "성동:1",
    "광진:1",
    "은평:1",
    "강북:1",
    "관악:1",
    "서대문:1",
    "동대문:1",
    "도봉:1",
    "금천:1",
    "영등포:1",
]
# The seven 운영위원 present on 2017-06-19 (L48), in the order the minutes list them.
PRESENT_0619 = ["강동:1", "마포:1", "성동:1", "광진:1", "은평:1", "강북:1", "관악:1"]

NPO_CENTRE = "서울시NPO지원센터 2층 교육장"
ESTABLISHED = dt.date(2016, 9, 30)  # 운영규정 제정 (L710)
FIRST_TERM_END = dt.date(2017, 9, 29)  # 제4조③ 임기 1년


def load(kit: Kit, cast: Cast, actor) -> dict[str, Body]:
    kit.actor = actor
    orgs = _organisations(kit)
    people = _people(kit, cast, orgs)
    plenary, steering, officers = _regional_council(kit, cast, actor, people)
    seoul = _seoul_council(kit, cast, actor, people)
    return {"plenary": plenary, "steering": steering, "seoul": seoul, **officers}


# ---------------------------------------------------------------- organisations and people


def _organisations(kit: Kit) -> dict[str, object]:
    orgs: dict[str, object] = {}
    for short, names in CONSORTIA.items():
        district = kit.district(short)
        orgs[f"platform:{short}"] = kit.organisation(
            f"{district.name_ko} 시민협력플랫폼", OT.CONSORTIUM, district
        )
        for name in names:
            orgs[name] = kit.organisation(name, _org_type(name), district)
    city = [
        ("서울특별시 민관협력담당관", OT.ADMIN_UNIT),
        ("서울특별시 지역공동체담당관", OT.ADMIN_UNIT),
        ("서울특별시 서울혁신기획관", OT.ADMIN_UNIT),
        ("서울특별시 행정1부시장", OT.ADMIN_UNIT),
        ("서울시NPO지원센터", OT.INTERMEDIARY),
        ("서울연구원", OT.RESEARCH),
        ("희망제작소", OT.NONPROFIT),
        ("협치서울시민협의회", OT.OTHER),
    ]
    for name, type_ in city:
        orgs[name] = kit.organisation(name, type_)
    return orgs


def _people(kit: Kit, cast: Cast, orgs) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for key, short, gender, _note in OFFICERS:
        district = kit.district(short)
        org = orgs.get(f"platform:{short}")
        people[key] = cast.person(
            f"rc:{key}",
            gender,
            district=district,
            organisation=org,
            affiliation=f"{district.name_ko} 지역시민사회 민간거버넌스",
        )
    # The replacements of 2017 (L15-17): 성동 (the platform's assistant) and 은평 (its lead).
    people["성동:2b"] = cast.person(
        "rc:성동:2b",
        "M",
        district=kit.district("성동"),
        organisation=orgs["platform:성동"],
        affiliation="성동구 시민협력플랫폼 보조책임자",
    )
    people["은평:1b"] = cast.person(
        "rc:은평:1b",
        "M",
        district=kit.district("은평"),
        organisation=orgs["platform:은평"],
        affiliation="은평구 시민협력플랫폼 책임자 (7월부터)",
    )
    # 서울시 staff (3) and the 협치지원관 (5) at the 4th steering meeting (L49).
    for n, gender in enumerate("FFF", start=1):
        people[f"city:{n}"] = cast.person(
            f"city:{n}", gender, organisation=orgs["서울특별시 민관협력담당관"]
        )
    for n, gender in enumerate("MFMFM", start=1):
        people[f"support:{n}"] = cast.person(
            f"support:{n}",
            gender,
            organisation=orgs["서울특별시 민관협력담당관"],
            affiliation="협치지원관",
        )
    return people


# ---------------------------------------------------------------- 협치서울지역협의회


def _regional_council(kit: Kit, cast: Cast, actor, people):
    plenary = kit.body(
        actor,
        name="협치서울지역협의회",
        name_en="Seoul Regional Governance Council",
        kind=BodyKind.REGIONAL_PLENARY,
        scope=Scope.CITY,
        rulebook_key="regional-council-plenary",
        established_on=ESTABLISHED,
        description=(
            "자치구별 지역시민사회 민간거버넌스를 대표하는 소통책임자로 구성된 전체회의. "
            "운영규정 2016-09-30 제정, 2017-06-26 개정(안) 상정."
        ),
    )
    officer: dict[str, object] = {}
    for key, short, _gender, _note in OFFICERS:
        officer[key] = kit.member(
            actor,
            plenary,
            people[key],
            ESTABLISHED,
            role=MemberRole.COMMUNICATION_OFFICER,
            represents=kit.district(short),
            term_end=FIRST_TERM_END,
            nomination_source=f"{kit.district(short).name_ko} 지역시민사회 공론장 선출",
        )

    # --- 1st plenary: forms the steering committee (제5조①).
    chair = people["강동:1"]

    def session(body: Body, when, number: int, title: str, agenda, share: float):
        """A meeting at the NPO centre chaired by 강동's officer, with its agenda and those
        present."""
        return kit.session(
            actor,
            body,
            when,
            agenda,
            share=share,
            must=[chair],
            number=number,
            title=title,
            venue=NPO_CENTRE,
            presiding=chair,
        )

    p1, p1_items = session(
        plenary,
        at(2017, 1, 20, 15),
        1,
        "1차 전체회의",
        [
            report("협치서울지역협의회 운영규정 및 2016년 활동 공유"),
            item("운영위원회 구성의 건"),
            item("2017년 협의회 사업계획(안)"),
        ],
        0.7,
    )
    _m, formed = kit.vote(
        actor,
        p1,
        "운영위원회 구성(안)",
        item=p1_items[1],
        decision="운영위원회 구성",
        text="소통책임자 중 12인으로 운영위원회를 구성하고 위원장은 운영위원 중 호선한다.",
    )
    kit.vote(
        actor,
        p1,
        "2017년 협의회 사업계획(안)",
        abstain=1,
        item=p1_items[2],
        decision="2017년 사업계획 확정",
    )

    steering = kit.body(
        actor,
        name="협치서울지역협의회 운영위원회",
        name_en="Seoul Regional Governance Council steering committee",
        kind=BodyKind.STEERING,
        scope=Scope.CITY,
        parent=plenary,
        rulebook_key="regional-council-steering",
        established_on=p1.date,
        established_by=formed,
        description="전체회의 의결로 10인 내외로 구성 (운영규정 제5조).",
    )
    seat: dict[str, object] = {}
    for key in STEERING:
        seat[key] = kit.member(
            actor,
            steering,
            people[key],
            p1.date,
            role=MemberRole.CHAIR if key == "강동:1" else MemberRole.STEERING_MEMBER,
            represents=people[key].district,
            appointed_by=formed,
            nomination_source="전체회의 의결",
        )

    # --- 1st and 2nd steering meetings (dates not in the seed).
    s1, s1_items = session(
        steering,
        at(2017, 2, 16, 10),
        1,
        "1차 운영위원회",
        [item("2017년 운영위원회 운영 방안")],
        0.75,
    )
    kit.vote(actor, s1, "2017년 운영위원회 운영 방안", item=s1_items[0])
    session(
        steering,
        at(2017, 4, 13, 10),
        2,
        "2차 운영위원회",
        [report("자치구별 협치 추진 현황 공유")],
        0.65,
    )

    # --- 2nd and 3rd plenaries.
    p2, p2_items = session(
        plenary,
        at(2017, 3, 17, 15),
        2,
        "2차 전체회의",
        [report("운영위원회 1차 회의 결과 공유"), item("공동사업 경비 분담 방안(안)")],
        0.65,
    )
    kit.vote(
        actor,
        p2,
        "공동사업 경비 분담 방안(안)",
        no=1,
        item=p2_items[1],
        decision="공동사업 경비는 참여 자치구가 공동으로 부담 (운영규정 제8조)",
    )
    p1_minutes = kit.minutes(
        actor,
        p1,
        overview="1차 전체회의 (2017-01-20 15:00, 서울시NPO지원센터)",
        decisions_text="1. 운영위원회 구성 (12인)\n2. 2017년 사업계획 확정",
        next_steps="2차 전체회의 3월 중",
    )
    kit.approve_and_publish(actor, p1_minutes, p2)

    # 성동's second officer is replaced by the platform's assistant (L16).
    services.end_membership(
        officer["성동:2"],
        dt.date(2017, 5, 31),
        EndReason.REPLACED,
        "성동 지역시민사회 민간거버넌스의 소통책임자 변경",
        actor,
    )
    officer["성동:2b"] = kit.member(
        actor,
        plenary,
        people["성동:2b"],
        dt.date(2017, 6, 1),
        role=MemberRole.COMMUNICATION_OFFICER,
        represents=kit.district("성동"),
        predecessor=officer["성동:2"],
        nomination_source="성동구 지역시민사회 추천",
        reason="소통책임자 변경 (잔여 임기)",
    )

    p3, p3_items = session(
        plenary,
        at(2017, 5, 12, 15),
        3,
        "3차 전체회의",
        [
            report("운영위원회 2차 회의 결과 공유"),
            item("시민협력플랫폼·지역사회혁신계획 확산 공동 대응(안)"),
        ],
        0.7,
    )
    kit.vote(
        actor,
        p3,
        "시민협력플랫폼·지역사회혁신계획 확산 공동 대응(안)",
        item=p3_items[1],
        decision="준비 자치구 지원을 위한 공동 대응",
    )
    p2_minutes = kit.minutes(
        actor,
        p2,
        overview="2차 전체회의 (2017-03-17 15:00)",
        decisions_text="1. 공동사업 경비는 공동 부담",
    )
    kit.approve_and_publish(actor, p2_minutes, p3)

    # 임현정's counterpart resigns from the steering committee (L25).
    services.end_membership(
        seat["서대문:1"],
        dt.date(2017, 5, 22),
        EndReason.RESIGNED,
        "본인 사임 (사임일 2017. 5. 22, 4차 전체회의에서 처리)",
        actor,
    )

    # --- 3rd steering meeting, 2017-05-23: the amendment is needed (L656, L79).
    s3, s3_items = session(
        steering,
        at(2017, 5, 23, 14),
        3,
        "3차 운영위원회",
        [
            report("2차 운영위원회 결과 공유"),
            report("운영위원 사임 보고"),
            item("운영규정 정비(임기, 운영위원·소통책임자 자격)의 건"),
        ],
        0.72,
    )
    _m, need = kit.vote(
        actor,
        s3,
        "운영규정 개정 필요 결의",
        item=s3_items[2],
        decision="운영규정 개정이 필요함을 결의",
        text="소통책임자의 임기, 운영위원과 소통책임자의 자격을 명확히 하도록 운영규정을 "
        "개정한다. 개정(안)은 위원장이 정리하여 다음 운영위원회에서 검토한다.",
    )
    kit.action(
        actor,
        s3,
        "운영규정 개정(안) 초안 작성",
        owner=chair,
        due=dt.date(2017, 6, 19),
        done=dt.date(2017, 6, 19),
        decision=need,
    )
    s3_minutes = kit.minutes(
        actor,
        s3,
        overview="3차 운영위원회 (2017-05-23 14:00, 서울시NPO지원센터 2층 교육장)",
        reports="1. 2차 운영위원회 결과 공유\n2. 운영위원 사임 (2017. 5. 22)",
        discussion="운영규정의 임기, 운영위원과 소통책임자 관련 조항 정비 필요성 논의",
        decisions_text="운영규정 개정이 필요함을 결의함",
        next_steps="4차 운영위원회: 6/19(월) 13:00, NPO 지원센터 2층 교육장",
    )

    # 은평 changes its officer on 2017-06-19 (L17, L71).
    services.end_membership(
        officer["은평:1"],
        dt.date(2017, 6, 19),
        EndReason.REPLACED,
        "은평 지역시민사회 민간거버넌스의 소통책임자 변경",
        actor,
    )
    services.end_membership(
        seat["은평:1"],
        dt.date(2017, 6, 19),
        EndReason.RESIGNED,
        "은평구 소통책임자 변경에 따른 사임 (2017. 6. 19), 운영위원 11인 → 10인",
        actor,
    )
    officer["은평:1b"] = kit.member(
        actor,
        plenary,
        people["은평:1b"],
        dt.date(2017, 6, 20),
        role=MemberRole.COMMUNICATION_OFFICER,
        represents=kit.district("은평"),
        predecessor=officer["은평:1"],
        nomination_source="은평구 지역시민사회 추천",
        reason="소통책임자 변경 (잔여 임기)",
    )

    s4 = _steering_4(kit, actor, steering, people)
    kit.approve_and_publish(actor, s3_minutes, s4)
    p4 = _plenary_4(kit, actor, plenary, people)
    p3_minutes = kit.minutes(
        actor,
        p3,
        overview="3차 전체회의 (2017-05-12 15:00)",
        decisions_text="1. 준비 자치구 지원을 위한 공동 대응",
    )
    kit.approve_and_publish(actor, p3_minutes, p4)

    # --- Monthly steering meetings from July: 4th Thursday, 10:00 (L35-36, L99-100).
    series = kit.series(
        actor,
        steering,
        "FREQ=MONTHLY;BYDAY=4TH;UNTIL=20171231T145959Z",
        at(2017, 7, 27, 10),
        duration_minutes=120,
        venue=NPO_CENTRE,
    )
    monthly = kit.materialise(
        actor,
        series,
        [2017],
        first_number=5,
        title="{n}차 운영위원회",
        presiding=chair,
    )
    for meeting in monthly:
        kit.agenda_list(meeting, [report("전차 회의 결과 및 지역별 협치 현황 공유")])
        if meeting.status == "held":
            kit.present_and_attend(actor, meeting, 0.7, must=[chair])
    kit.approve_and_publish(actor, s4.minutes, monthly[0])

    # 제4조③ was deleted on 2017-06-26: when the first one-year terms end, the officers
    # simply continue, now without a fixed term.
    for key, m in officer.items():
        m.refresh_from_db()
        if m.ended_on is None and m.term_end == FIRST_TERM_END:
            officer[key] = kit.member(
                actor,
                plenary,
                m.person,
                FIRST_TERM_END + dt.timedelta(days=1),
                role=MemberRole.COMMUNICATION_OFFICER,
                represents=m.represents,
                renewal_of=m,
                nomination_source=m.nomination_source,
                reason="운영규정 제4조③ 삭제(2017-06-26)에 따라 임기 없이 계속",
            )
    return plenary, steering, {"meeting:s4": s4, "meeting:p4": p4}


def _steering_4(kit: Kit, actor, steering: Body, people):
    """4차 운영위원회, 2017-06-19 13:00-14:30 (L41-101)."""
    s4 = kit.meeting(
        actor,
        steering,
        at(2017, 6, 19, 13),
        ends_at=at(2017, 6, 19, 14, 30),
        number=4,
        title="4차 운영위원회",
        venue="NPO 지원센터 2층 교육장",
        presiding=people["강동:1"],
    )
    reports_, items_ = [], []
    for title, label in [
        ("전차 회의 결과 공유", "붙임1"),
        ("서울 협치협의회 회의결과 공유", "붙임2"),
        ("지역협치 진행 현황 공유", "붙임3"),
    ]:
        reports_.append(kit.agenda(s4, AgendaSection.REPORT, len(reports_) + 1, title, label))
    for title, label in [
        ("협치서울 지역협의회 운영위원 사임의 건", ""),
        ("협치서울 지역협의회 운영규정 개정을 위한 검토의 건", "붙임4"),
        ("전체회의 안건 도출의 건", ""),
        ("협치서울 정책토론회 주제 제안의 건", "붙임 5"),
    ]:
        items_.append(kit.agenda(s4, AgendaSection.DECISION, len(items_) + 1, title, label))
    # 총 16명: 운영위원 7, 참관 1, 서울시 3, 협치지원관 5 (L47-49).
    kit.attend(
        actor,
        s4,
        [people[k] for k in PRESENT_0619],
        observers=[people["은평:1b"]],
        staff=[people[f"city:{n}"] for n in (1, 2, 3)]
        + [people[f"support:{n}"] for n in (1, 2, 3, 4, 5)],
    )
    chair = people["강동:1"]
    _m, d1 = kit.vote(
        actor,
        s4,
        "운영위원 사임 처리 및 충원 방식",
        item=items_[0],
        decision="운영위원 사임 처리 (11인 → 10인), 충원은 추후 선출",
        text="은평구 소통책임자 변경으로 운영위원 1인이 사임(2017. 6. 19)하여 운영위원은 "
        "11인에서 10인으로 조정됨. 당장 충원하지 않고, 성비와 지역 등을 고려하여 향후 "
        "희망하는 소통책임자를 발굴하여 선출한다.",
    )
    _m, d2 = kit.vote(
        actor,
        s4,
        "운영규정 개정(안) 전체회의 상정",
        item=items_[1],
        decision="운영규정 개정(안)을 전체회의에 상정",
        text="제4조③ 삭제; 제5조① 「운영위원의 자격은 소통책임자 자격에 준하며, 운영위원회는 "
        "전체회의 의결을 통해 10인 내외로 구성한다.」; 제6조② 「소통책임자는 서울특별시 "
        "자치구별 2인 이내로 자치구별 지역시민사회 민간거버넌스가 추천하고 지역협의회 "
        "운영위원회가 선임한다.」 위원장이 정리하여 전체회의 안건으로 상정한다.",
    )
    _m, d3 = kit.vote(
        actor,
        s4,
        "4차 전체회의 안건",
        item=items_[2],
        decision="전체회의 안건 3건 제출",
        text="운영위원 사임에 대한 건, 운영규정 개정에 대한 건, 협치서울 정책토론회 개최의 건을 "
        "위원장이 전체회의 안건으로 제출한다.",
    )
    _m, d4 = kit.vote(
        actor,
        s4,
        "하반기 정책토론회 개최",
        item=items_[3],
        decision="자치구 위원회제 토론회 1회 개최 (전체회의 의결)",
        text="하반기 지역협의회 주관 정책토론회는 자치구 위원회제도를 주제로 1회 개최하도록 "
        "전체회의에서 의결하고, 2회차 토론회의 주제와 개최 여부는 필요시 추후 논의한다.",
    )
    kit.action(
        actor,
        s4,
        "운영규정 개정(안) 정리 및 전체회의 상정",
        owner=chair,
        due=dt.date(2017, 6, 26),
        done=dt.date(2017, 6, 26),
        decision=d2,
    )
    kit.action(
        actor,
        s4,
        "전체회의 안건 제출 (사임, 운영규정, 정책토론회)",
        owner=chair,
        due=dt.date(2017, 6, 26),
        done=dt.date(2017, 6, 26),
        decision=d3,
    )
    kit.action(
        actor,
        s4,
        "운영위원 충원 후보 발굴 (성비·지역 고려)",
        owner_text="운영위원회",
        due=dt.date(2017, 9, 28),
        decision=d1,
    )
    kit.action(
        actor,
        s4,
        "지역협의회를 서울협치협의회 분과로 두는 방안 검토 (다음 과제)",
        owner=chair,
        due=dt.date(2017, 12, 28),
    )
    kit.action(
        actor,
        s4,
        "정책토론회 '위원회제도의 걸림돌과 디딤돌 찾기' 개최(안) 작성",
        owner=chair,
        due=dt.date(2017, 6, 26),
        done=dt.date(2017, 6, 26),
        decision=d4,
    )
    kit.minutes(
        actor,
        s4,
        overview="일시: 2017년 6월 19일(월) 13:00 ~ 14:30\n장소: NPO 지원센터 2층 교육장\n"
        "참석자: 총 16명 (운영위원 7, 참관 1, 서울시 3, 협치지원관 5)",
        reports="1. 전차 회의 결과 공유 [붙임1]\n2. 서울 협치협의회 회의결과 공유 [붙임2]\n"
        "3. 지역협치 진행 현황 공유 [붙임3]\n"
        "  - 시민협력플랫폼: 9개 자치구 추진 중, 4개 자치구 7/31까지 신청 준비\n"
        "  - 지역사회혁신계획: 9개 자치구, 준비 6개 자치구\n"
        "  - 협치조정관 7개구 임명, 협치조례 8개구 제정",
        discussion="1. 운영위원 사임: 은평구 소통책임자 변경에 따라 운영위원 1인 사임.\n"
        "  추가의견 - 지역협의회를 서울협치협의회 분과로 신설하고 지역협의회 추천 위원을 "
        "당연직으로 위촉하도록 조례에 반영하자는 제안; 세밀한 검토가 필요하여 다음 과제로 둠.\n"
        "2. 운영규정 개정(안) 검토 (제4조③, 제5조①, 제6조②) [붙임4]\n"
        "3. 전체회의 안건 도출\n"
        "4. 정책토론회: 위원장이 하반기 2회 개최를 제안 [붙임 5]",
        decisions_text="1. 운영위원 11인 → 10인, 충원은 성비·지역을 고려하여 추후 선출\n"
        "2. 운영규정 개정(안) 전체회의 상정\n"
        "3. 전체회의 안건 3건 제출\n"
        "4. 자치구 위원회제 관련 토론회 1회 개최를 전체회의에서 의결",
        next_steps="1. 운영위원회 정례화: 매월 4번째 목요일 오전 10시 "
        "(7/27, 8/24, 9/28, 10/26, 11/23)\n"
        "2. 전체회의: 6/26(월) 15:00, 은평상상허브 3층 즐거운소통",
    )
    return s4


def _plenary_4(kit: Kit, actor, plenary: Body, people):
    """4차 전체회의, 2017-06-26 15:00, 은평상상허브 3층 (L3-37)."""
    p4 = kit.meeting(
        actor,
        plenary,
        at(2017, 6, 26, 15),
        minutes_long=150,
        number=4,
        title="협치서울 지역협의회 4차 전체회의",
        venue="은평구 은평상상허브 3층 즐거운 소통",
        presiding=people["강동:1"],
    )
    reports_ = kit.agenda_list(
        p4,
        [
            report("지역협의회 운영위원회 4차 회의 결과 공유", "붙임 1 (2p)"),
            report("서울협치협의회 분과 활동 및 회의 결과 공유", "붙임 2 (5p)"),
            report("지역 협치 진행 현황 공유", "붙임3 (16p), 붙임4 (20p)"),
            report("소통책임자 변동 사항 공유", "별첨 소통책임자 명단"),
        ],
    )
    reports_[2].description = "시민협력플랫폼 [붙임3] 16p\n지역사회혁신계획 [붙임4] 20p"
    reports_[2].save(update_fields=["description"])
    reports_[3].description = "성동: 소통책임자 교체 (시민협력플랫폼 보조책임자)\n" + (
        "은평: 소통책임자 교체 (시민협력플랫폼 책임자, 7월부터 예정)"
    )
    reports_[3].save(update_fields=["description"])
    items_ = kit.agenda_list(
        p4,
        [
            item("협치서울 지역협의회 운영위원 사임 처리의 건"),
            item("협치서울 지역협의회 운영규정 개정(안)에 대한 건", "붙임 5 (29p)"),
            item("지역협의회 주관 협치서울 정책토론회 개최(안) 검토의 건", "붙임 6 (32p)"),
            item("기타 안건"),
        ],
    )
    items_[0].description = "운영위원 사임 2건 (사임일 2017. 5. 22; 2017. 6. 19)"
    items_[0].save(update_fields=["description"])
    absent = {"도봉:1", "금천:1", "영등포:1", "성북:1", "도봉:2", "서대문:2", "강북:2"}
    enrolled = services.members_on(plenary, p4.date)
    present = [m.person for m in enrolled if _key_of(people, m.person) not in absent]
    kit.attend(
        actor,
        p4,
        present,
        staff=[people["city:1"], people["city:2"]]
        + [people[f"support:{n}"] for n in (1, 2, 3, 4, 5)],
    )
    kit.vote(
        actor,
        p4,
        "운영위원 사임 처리",
        item=items_[0],
        decision="운영위원 2인 사임 처리",
        text="운영위원 사임 2건(2017. 5. 22; 2017. 6. 19)을 처리하고, 충원은 운영위원회가 "
        "성비와 지역을 고려하여 추후 제안한다.",
    )
    kit.vote(
        actor,
        p4,
        "운영규정 개정(안) (제4조③ 삭제, 제5조①·제6조② 개정)",
        kind=MotionKind.AMENDMENT,
        yes=len(present) - 3,
        no=2,
        abstain=1,
        item=items_[1],
        decision="운영규정 개정 (2017-06-26 시행)",
        text="제4조③(소통책임자 임기 1년) 삭제. 제5조① 운영위원의 자격은 소통책임자 자격에 "
        "준한다. 제6조② 소통책임자는 자치구별 2인 이내로 지역시민사회 민간거버넌스가 "
        "추천하고 운영위원회가 선임한다. 개정 규정은 정책 파일의 2017-06-26 판으로 제공된다.",
    )
    kit.vote(
        actor,
        p4,
        "자치구 위원회제도 정책토론회 개최(안)",
        abstain=2,
        item=items_[2],
        decision="정책토론회 '(자치구) 위원회제도의 걸림돌과 디딤돌 찾기' 개최",
        text="7~8월 중 14:00~17:00, 자치구 협치조정관·협치지원관·담당 공무원·연구자·협치 "
        "활동가 등 50명 내외, 10개 테이블 토론. 2회차 토론회는 필요시 추후 논의.",
    )
    kit.minutes(
        actor,
        p4,
        overview="일시: 2017. 6. 26(월) 15:00\n장소: 은평구 은평상상허브 3층 즐거운 소통",
        reports="1. 운영위원회 4차 회의 결과 [붙임 1]\n2. 서울협치협의회 분과 활동 [붙임 2]\n"
        "3. 지역 협치 진행 현황 [붙임3, 붙임4]\n4. 소통책임자 변동 사항 [별첨]",
        decisions_text="1. 운영위원 사임 처리\n2. 운영규정 개정(안) 의결 (3분의 2 이상 찬성)\n"
        "3. 자치구 위원회제 정책토론회 개최",
        next_steps="운영위원회 정례회의: 매월 4번째 목요일 오전 10시 "
        "(7/27, 8/24, 9/28, 10/26, 11/23, 12/28)\n"
        "제8회 협치서울 정책토론회 '마을이 민주주의다': 7. 7(금) 14:00, 시청 3층 소회의실",
    )
    return p4


def _key_of(people: dict[str, Person], person: Person) -> str:
    for key, p in people.items():
        if p.pk == person.pk:
            return key
    return ""


# ---------------------------------------------------------------- 서울협치협의회


def _seoul_council(kit: Kit, cast: Cast, actor, people) -> Body:
    """서울협치협의회 and its 3rd meeting of 2017-06-09 (L311-401), subcommittees (L105-309)."""
    start = dt.date(2016, 9, 1)
    council = kit.body(
        actor,
        name="서울협치협의회",
        name_en="Seoul Governance Council",
        kind=BodyKind.CITY_COMMITTEE,
        scope=Scope.CITY,
        rulebook_key="seoul-governance-council",
        established_on=start,
        description="행정1부시장과 위촉 위원으로 구성된 시 단위 협치 기구.",
    )
    admin = {"sector": Sector.ADMIN, "appointment": Appointment.EX_OFFICIO}
    vice_mayor = cast.person("seoul:vice-mayor", "M", affiliation="서울특별시 행정1부시장")
    kit.member(actor, council, vice_mayor, start, role=MemberRole.CO_CHAIR, **admin)
    civil_chair = cast.person("seoul:civil-chair", "F", affiliation="서울협치협의회 민간 공동의장")
    kit.member(actor, council, civil_chair, start, role=MemberRole.CO_CHAIR)
    vice = cast.person("seoul:vice", "F", affiliation="서울협치협의회 부의장")
    kit.member(actor, council, vice, start, role=MemberRole.VICE_CHAIR)
    # The nine commissioned members present on 6/9 include four regional-council people
    # (L317: the 광진, 마포, 관악 and 은평 steering members).
    regional = [people["광진:1"], people["마포:1"], people["관악:1"], people["은평:1"]]
    others = [
        cast.person(f"seoul:member:{n}", g, affiliation="서울협치협의회 위원")
        for n, g in enumerate("MFMFMFMFMFMF", start=1)
    ]
    for person in regional + others:
        kit.member(actor, council, person, start, nomination_source="위촉")

    # 배석 6 (L319): 시정·지역협치전문위원, 민관협력담당관(간사), 지역공동체담당관,
    # 협치총괄지원관, 도봉구 협치조정관.
    expert_policy = cast.person("seoul:expert-policy", "M", affiliation="시정협치전문위원")
    expert_local = cast.person("seoul:expert-local", "M", affiliation="지역협치전문위원")
    staff = [
        expert_policy,
        expert_local,
        cast.person("seoul:secretary", "F", affiliation="민관협력담당관 (간사)"),
        cast.person("seoul:community", "F", affiliation="지역공동체담당관"),
        cast.person("seoul:support-lead", "M", affiliation="협치총괄지원관"),
        cast.person(
            "dobong:coordinator",
            "F",
            district=kit.district("도봉"),
            affiliation="도봉구 협치조정관",
        ),
    ]
    m3 = kit.meeting(
        actor,
        council,
        at(2017, 6, 9, 14),
        ends_at=at(2017, 6, 9, 15, 20),
        number=3,
        title="제3차 서울협치협의회",
        venue="8층 간담회장",
        presiding=vice_mayor,
    )
    kit.agenda_list(
        m3,
        [
            report("분과위원회 및 TFT 활동경과"),
            item("협치학교 공무원 교육계획"),
            item("지역사회혁신계획 및 시민협력플랫폼 지원 (자치구 사례 발표)"),
            item("예산과정의 시민참여방안"),
            item("협치서울 추진체계 변경"),
            other("기타"),
        ],
    )
    present = [vice_mayor, vice, *regional, others[0], others[1], others[3], others[4]]
    kit.attend(actor, m3, present, staff=staff)
    kit.action(
        actor,
        m3,
        "협치평가시스템 추진 현황을 다음 회의에 보고",
        owner_text="민관협력담당관",
    )
    kit.minutes(
        actor,
        m3,
        overview="일시: 2017. 6. 9(금) 14:00~15:20\n장소: 8층 간담회장\n"
        "참석위원: 10명 (행정1부시장, 부의장 외 위촉위원 8명)\n배석: 6명",
        reports="1. 분과위원회 및 TFT 활동경과",
        discussion="협치 관련 동영상 상영 후 안건 논의: 협치학교 공무원 교육계획, "
        "지역사회혁신계획 및 시민협력플랫폼 지원(자치구 사례 발표), 예산과정의 시민참여방안, "
        "협치서울 추진체계 변경 (추진단장: 협치자문관 사임에 따라 서울혁신기획관으로 변경)",
        next_steps="민관협력담당관: 협치평가시스템을 다음 회의에 보고",
    )

    # Subcommittees and the 기본계획 TFT (8 / 13 / 7 members; 5 / 9 / 2 meetings).
    sub_start = dt.date(2016, 12, 1)
    school = kit.body(
        actor,
        name="협치학교 분과위원회",
        name_en="Governance School subcommittee",
        kind=BodyKind.SUBCOMMITTEE,
        scope=Scope.CITY,
        parent=council,
        rulebook_key="seoul-governance-council",
        established_on=sub_start,
        description="협치학교의 중장기 방향, 기반 구축, 모니터링.",
    )
    innovation_officer = cast.person("seoul:innovation-officer", "M", affiliation="서울혁신기획관")
    school_members = [
        (others[0], MemberRole.CHAIR, "서울협치협의회", {}),
        (people["은평:1"], MemberRole.MEMBER, "서울협치협의회", {}),
        (cast.person("citizen:1", "F"), MemberRole.MEMBER, "협치서울시민협의회", {}),
        (people["도봉:2"], MemberRole.MEMBER, "협치서울지역협의회", {}),
        (cast.person("school:ext:1", "M"), MemberRole.MEMBER, "외부 전문가", {}),
        (cast.person("school:ext:2", "M"), MemberRole.MEMBER, "외부 전문가", {}),
        (expert_local, MemberRole.MEMBER, "협치전문위원", admin),
        (innovation_officer, MemberRole.MEMBER, "서울혁신기획관", admin),
    ]
    diagnosis = kit.body(
        actor,
        name="진단과 권고 분과위원회",
        name_en="Diagnosis and Recommendation subcommittee",
        kind=BodyKind.SUBCOMMITTEE,
        scope=Scope.CITY,
        parent=council,
        rulebook_key="seoul-governance-council",
        established_on=sub_start,
        description="협치 진단지표 검토, 참여형 조사, 사회적 권고 방식 설계. "
        "2017년 과제: 위원회제.",
    )
    diagnosis_members = [
        (others[1], MemberRole.CHAIR, "서울협치협의회", {}),
        (others[2], MemberRole.MEMBER, "서울협치협의회", {}),
        (people["광진:1"], MemberRole.MEMBER, "서울협치협의회", {}),
        (others[3], MemberRole.MEMBER, "서울협치협의회", {}),
        (people["관악:1"], MemberRole.MEMBER, "서울협치협의회", {}),
        (others[4], MemberRole.MEMBER, "서울협치협의회", {}),
        (cast.person("citizen:2", "M"), MemberRole.MEMBER, "협치서울시민협의회", {}),
        (cast.person("citizen:3", "F"), MemberRole.MEMBER, "협치서울시민협의회", {}),
        (cast.person("citizen:4", "M"), MemberRole.MEMBER, "협치서울시민협의회", {}),
        (people["성동:1"], MemberRole.MEMBER, "협치서울지역협의회", {}),
        (people["강동:1"], MemberRole.MEMBER, "협치서울지역협의회", {}),
        (
            cast.person("research:1", "M", affiliation="서울연구원"),
            MemberRole.MEMBER,
            "서울연구원",
            {},
        ),
        (expert_local, MemberRole.MEMBER, "협치전문위원", admin),
    ]
    tft = kit.body(
        actor,
        name="기본계획 TFT",
        name_en="Basic Plan task force",
        kind=BodyKind.TFT,
        scope=Scope.CITY,
        parent=council,
        rulebook_key="working-group",
        established_on=dt.date(2017, 2, 1),
        description="민관협치 기본계획(2018~2020) 수립 주도, 구조 설계, 시정 적용 방안.",
    )
    tft_members = [
        (others[5], MemberRole.CHAIR, "서울협치협의회", {}),
        (others[6], MemberRole.MEMBER, "서울협치협의회", {}),
        (others[7], MemberRole.MEMBER, "서울협치협의회", {}),
        (people["마포:1"], MemberRole.MEMBER, "서울협치협의회", {}),
        (cast.person("citizen:5", "F"), MemberRole.MEMBER, "협치서울시민협의회", {}),
        (cast.person("citizen:6", "M"), MemberRole.MEMBER, "협치서울시민협의회", {}),
        (expert_local, MemberRole.MEMBER, "협치전문위원", admin),
    ]
    for body, members, dates in [
        (
            school,
            school_members,
            [(2016, 12, 15), (2017, 1, 19), (2017, 2, 23), (2017, 4, 6), (2017, 5, 18)],
        ),
        (
            diagnosis,
            diagnosis_members,
            [
                (2016, 12, 8),
                (2017, 1, 5),
                (2017, 1, 26),
                (2017, 2, 16),
                (2017, 3, 9),
                (2017, 3, 30),
                (2017, 4, 20),
                (2017, 5, 11),
                (2017, 5, 25),
            ],
        ),
        (tft, tft_members, [(2017, 3, 14), (2017, 4, 28)]),  # L301
    ]:
        for person, role, source, extra in members:
            kit.member(
                actor,
                body,
                person,
                body.established_on,
                role=role,
                nomination_source=source,
                **extra,
            )
        chair = members[0][0]
        for n, (y, mo, d) in enumerate(dates, start=1):
            meeting = kit.meeting(
                actor,
                body,
                at(y, mo, d, 14),
                number=n,
                venue="서울특별시청 회의실",
                presiding=chair,
                convened_by=ConvenedBy.SCHEDULE,
            )
            kit.agenda_list(meeting, [item(f"{body.name} {n}차 회의 안건")])
            kit.present_and_attend(actor, meeting, 0.7, must=[chair])
    return council
