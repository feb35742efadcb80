"""Demo: 구로구협치회의 with its subcommittees and the 2020 working groups (seed 002), and a
small 은평구 body so the per-district permissions have a second district.

Figures follow the Guro governance ordinance (2019-05-02) and the 2020 study: 5 ex officio
members and about 30 appointed (3 from the district council, 3 from the participatory-budget
committee, 3 from the private representatives' council, 21 by open call), 2 co-chairs, a
secretary, two-year terms with one renewal, a replacement serving the rest of a term. People
are fictional. Terms are generated cohort by cohort up to the present so the council has
members on every day from 2019 to the upcoming meetings.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from hyeopchi.directory.models import OrganisationType as OT
from hyeopchi.directory.models import Person

from . import services
from .demo_kit import Kit, at, item, other, report
from .demo_people import Cast
from .models import (
    Appointment,
    Body,
    BodyKind,
    ConvenedBy,
    EndReason,
    Meeting,
    MeetingKind,
    MemberRole,
    Membership,
    MinutesStatus,
    MotionKind,
    Scope,
    Sector,
)

ESTABLISHED = dt.date(2019, 5, 2)  # 구로구 민관협치 활성화 기본조례 제1401호
FIRST_TERM = dt.date(2019, 7, 1)
VENUE = "구로구청 본관 2층 기획상황실"

OPEN_CALL_FIELDS = [
    "마을공동체",
    "주민자치",
    "교육",
    "여성",
    "경제",
    "도시재생",
    "보건",
    "환경",
    "복지",
    "청년",
    "인권",
    "장애",
]

SUB_STEERING, SUB_DIAGNOSIS, SUB_AGENDA, SUB_PUBLIC = "운영", "진단", "의제", "공익"
# Seats of the appointed council members → subcommittee (chair first, vice-chair second).
SUBCOMMITTEE_SEATS = {
    SUB_DIAGNOSIS: [4, 7, 8, 9, 10, 11, 12, 13, 14],
    SUB_AGENDA: [1, 15, 2, 3, 16, 17, 18, 19, 20],
    SUB_PUBLIC: [5, 21, 6, 22, 23, 24, 25, 26],
}
# Gender of each seat: the appointed members stay within 40-60 % in the council and in each
# subcommittee whoever holds the seat (a successor has the predecessor's gender).
SEAT_GENDER = {
    0: "F",
    **dict(zip(SUBCOMMITTEE_SEATS[SUB_DIAGNOSIS], "FMFMFMFMF", strict=True)),
    **dict(zip(SUBCOMMITTEE_SEATS[SUB_AGENDA], "MFFMFMFMF", strict=True)),
    **dict(zip(SUBCOMMITTEE_SEATS[SUB_PUBLIC], "MFFMFMFM", strict=True)),
    27: "F",
    28: "M",
    29: "M",
}
# Seats whose first holders are not reappointed in 2021 (the others serve a second term).
LEAVE_2021 = {2, 8, 11, 13, 17, 19, 22, 24, 26, 29}
REPLACED_SEAT = 12  # resigns in April 2020; the successor serves the rest of the term


def seat_source(seat: int) -> tuple[str, str]:
    """(sector, nomination source) of a seat."""
    if seat in (1, 2, 3):
        return Sector.CIVIL, "주민참여예산위원회 추천"
    if seat in (4, 5, 6):
        return Sector.CIVIL, "민간대표자협의회(준) 추천"
    if seat in (27, 28, 29):
        return Sector.DISTRICT_COUNCILLOR, "구로구의회 추천"
    return Sector.CIVIL, f"공개모집 ({OPEN_CALL_FIELDS[seat % len(OPEN_CALL_FIELDS)]})"


# The 7 working groups of 2020 (표 15): sector, project, departments, private partners.
WORKING_GROUPS: list[tuple[str, str, list[str], list[str]]] = [
    (
        "여성",
        "우리동네 성평등 더하기+",
        ["여성정책과"],
        ["더초록", "구로시민두레생협", "아이쿱구로생협", "구로여성회", "@일인 여성활동가"],
    ),
    (
        "청년",
        "백구청(백지위의 구로 청년들) 네트워크 활성화",
        ["일자리지원과", "문화체육과", "기획예산과"],
        ["구로 청년네트워크(준)"],
    ),
    (
        "청소년",
        "'이제는 결정하는 청소년' 청소년의회",
        ["교육지원과", "어르신청소년과", "감사실"],
        [
            "구로청소년문화의집",
            "시립구로청소년수련관",
            "구로교육복지센터",
            "아동청소년네트워크함께",
            "따뜻한마음청소년센터",
            "학교너머더큰학교",
        ],
    ),
    (
        "다문화",
        "구로형 외국인주민·다문화가족 정책 및 민관협력체계 활성화",
        [],
        ["@연구 전문가", "@연구 전문가", "@다누리 협치위원", "@다누리 협치위원", "@지역 주민"],
    ),
    (
        "복지",
        "구로형 통합 돌봄체계",
        ["복지정책과", "사회복지과", "보건소", "어르신청소년과", "일자리지원과"],
        [
            "구로사회적경제사회적협동조합",
            "구로사회적경제통합지원센터",
            "구로장애인자립생활센터",
            "구로주거복지센터",
            "공동종합사회복지관",
            "구로어르신돌봄센터",
            "회원종합사회복지관",
        ],
    ),
    (
        "시민교육",
        "일상의 시민민주주의 교육",
        ["교육지원과"],
        ["여성환경연대", "구로마을넷", "성공회대학교", "#구의원"],
    ),
    (
        "공익활동 지원",
        "공익활동 지원 플랫폼",
        ["자치행정과", "기획예산과"],
        [
            "구로시민협력플랫폼",
            "구로시민회",
            "구로건강복지센터",
            "더초록",
            "학교너머더큰학교",
            "#구의원",
        ],
    ),
]

PARTNER_TYPES = {
    "구로시민두레생협": OT.SOCIAL_ECONOMY,
    "아이쿱구로생협": OT.SOCIAL_ECONOMY,
    "구로사회적경제사회적협동조합": OT.SOCIAL_ECONOMY,
    "구로사회적경제통합지원센터": OT.INTERMEDIARY,
    "구로 청년네트워크(준)": OT.RESIDENT_GROUP,
    "구로마을넷": OT.RESIDENT_GROUP,
    "구로청소년문화의집": OT.OTHER,
    "시립구로청소년수련관": OT.OTHER,
    "공동종합사회복지관": OT.CORPORATION,
    "회원종합사회복지관": OT.CORPORATION,
    "성공회대학교": OT.RESEARCH,
    "구로시민협력플랫폼": OT.CONSORTIUM,
}


@dataclass
class Holder:
    """Who holds an appointed seat now, and for how many terms."""

    person: Person
    membership: Membership
    terms: int


class GuroDemo:
    def __init__(self, kit: Kit, cast: Cast, actor) -> None:
        self.kit, self.cast, self.actor = kit, cast, actor
        kit.actor = actor
        self.guro = kit.district("구로")
        # Meetings are scheduled a year at a time, up to the end of next year.
        self.horizon = dt.date(kit.today.year + 1, 12, 31)
        self.orgs: dict[str, object] = {}
        self.ex_officio: dict[str, Person] = {}
        self.holders: dict[int, Holder] = {}
        self.subs: dict[str, Body] = {}
        self.sub_members: dict[tuple[str, int], Membership] = {}  # (sub, person) → latest

    # ------------------------------------------------------------ helpers

    def org(self, name: str, type_: str, district=True):
        if name not in self.orgs:
            self.orgs[name] = self.kit.organisation(name, type_, self.guro if district else None)
        return self.orgs[name]

    def dept(self, name: str):
        return self.org(f"구로구 {name}", OT.ADMIN_UNIT)

    def official(self, key: str, gender: str, dept: str, title: str) -> Person:
        return self.cast.person(
            f"guro:official:{key}",
            gender,
            district=self.guro,
            organisation=self.dept(dept),
            affiliation=f"구로구 {title}",
        )

    def member(self, body: Body, person: Person, start: dt.date, **kw) -> Membership:
        return self.kit.member(self.actor, body, person, start, **kw)

    # ------------------------------------------------------------ the council

    def load(self) -> dict[str, Body]:
        kit, actor = self.kit, self.actor
        self.org("구로구의회", OT.COUNCIL)
        self.org("구로구 주민참여예산위원회", OT.OTHER, district=True)
        self.org("구로구 민간대표자협의회(준)", OT.OTHER, district=True)
        council = kit.body(
            actor,
            name="구로구협치회의",
            name_en="Guro-gu Governance Council",
            kind=BodyKind.COUNCIL,
            scope=Scope.DISTRICT,
            district=self.guro,
            rulebook_key="guro-council",
            established_on=ESTABLISHED,
            description=(
                "민관협치 활성화 기본조례(2019. 5. 2.)에 따라 협치 정책의 수립·시행·평가·환류, "
                "제도 개선, 참여 기반 조성과 숙의 과정을 심의·조정하는 35명 내외의 회의체."
            ),
        )
        self.council = council
        self._ex_officio(council)
        cohorts = self._cohort_starts()
        self._cohort(council, cohorts[0], first=True)

        # 1st regular session: inauguration, co-chair elected, subcommittees formed.
        s1 = self._session(council, at(2019, 7, 11, 15), 1, "제1차 정기회 (위촉식)")
        i1 = kit.agenda_list(
            s1,
            [
                report("구로구 민관협치 활성화 기본조례 및 협치회의 운영 안내"),
                item("공동의장 호선의 건"),
                item("분과 구성 및 운영(안)"),
            ],
        )
        kit.vote(actor, s1, "민간 공동의장 호선", item=i1[1], decision="민간 공동의장 선출")
        _m, formed = kit.vote(
            actor,
            s1,
            "분과 구성 및 운영(안)",
            item=i1[2],
            decision="4개 분과 구성 (운영, 진단과권고, 의제발굴, 공익활동촉진)",
            text="분과는 월 1회 정기회의를 열고, 운영분과는 위임받은 사항과 협치회의 운영 "
            "전반을 조정한다.",
        )
        self._subcommittees(council, s1.date, formed)
        self._sub_cohort(cohorts[0], s1.date)

        s2 = self._session(council, at(2019, 11, 28, 15), 2, "제2차 정기회")
        i2 = kit.agenda_list(
            s2,
            [
                report("분과 활동 보고"),
                report("2020년 지역사회혁신계획 추진 현황"),
                item("2020년 협치회의 운영계획(안)"),
            ],
        )
        kit.vote(actor, s2, "2020년 협치회의 운영계획(안)", item=i2[2], abstain=1)
        self._minutes_chain([s1, s2])

        sessions = self._sessions_2020(council)
        self._minutes_chain([s2, *sessions])

        for start in cohorts[1:]:
            self._cohort(council, start)
            self._sub_cohort(start, start)

        self._subcommittee_meetings_2020()
        recent = self._series_from_2021(council, sessions[-1])
        self._agenda_subcommittee_now()
        return {"guro-council": council, **self.subs, "guro:last-2020": sessions[-1], **recent}

    def _cohort_starts(self) -> list[dt.date]:
        starts, start = [], FIRST_TERM
        while start <= self.horizon:
            starts.append(start)
            start += relativedelta(years=2)
        return starts

    def _ex_officio(self, council: Body) -> None:
        admin = {"sector": Sector.ADMIN, "appointment": Appointment.EX_OFFICIO}
        o = self.official
        mayor = o("mayor:1", "M", "구청장실", "구청장")
        self.ex_officio = {
            "mayor": mayor,
            "planning": o("planning", "M", "기획경제국", "기획경제국장"),
            "welfare": o("welfare:1", "F", "생활복지국", "생활복지국장"),
            "admin": o("admin", "M", "행정관리국", "행정관리국장"),
            "aide": o("aide", "F", "구청장실", "협치정책보좌관"),
            "secretary": o("secretary", "M", "기획예산과", "기획예산과장 (협치 담당 부서장)"),
        }
        source = {
            "mayor": "당연직 (구청장, 공동의장)",
            "planning": "당연직 (기획경제국장)",
            "welfare": "당연직 (생활복지국장)",
            "admin": "당연직 (행정관리국장)",
            "aide": "당연직 (협치정책보좌관)",
            "secretary": "간사 (협치 업무 담당 부서의 장)",
        }
        roles = {"mayor": MemberRole.CO_CHAIR, "secretary": MemberRole.SECRETARY}
        made = {}
        for key, person in self.ex_officio.items():
            made[key] = self.member(
                council,
                person,
                FIRST_TERM,
                role=roles.get(key, MemberRole.MEMBER),
                nomination_source=source[key],
                **admin,
            )
        # Officials serve while in office: a new bureau director (2021) and mayor (2022).
        for key, day, successor in [
            ("welfare", dt.date(2021, 1, 1), o("welfare:2", "F", "생활복지국", "생활복지국장")),
            ("mayor", dt.date(2022, 7, 1), o("mayor:2", "M", "구청장실", "구청장")),
        ]:
            if day > self.horizon:
                continue
            services.end_membership(
                made[key],
                day - dt.timedelta(days=1),
                EndReason.LEFT_OFFICE,
                "인사 발령" if key != "mayor" else "민선 구청장 임기 만료",
                self.actor,
            )
            self.member(
                council,
                successor,
                day,
                role=roles.get(key, MemberRole.MEMBER),
                nomination_source=source[key],
                **admin,
            )
            self.ex_officio[key] = successor

    def _cohort(self, council: Body, start: dt.date, first: bool = False) -> None:
        """Appoint (or reappoint) the 30 seats for the two-year term starting ``start``."""
        end = start + relativedelta(years=2) - dt.timedelta(days=1)
        generation = (start.year - FIRST_TERM.year) // 2 + 1
        for seat in range(30):
            sector, source = seat_source(seat)
            role = MemberRole.CO_CHAIR if seat == 0 else MemberRole.MEMBER
            holder = self.holders.get(seat)
            renew = (
                holder is not None
                and holder.terms < 2
                and not (generation == 2 and seat in LEAVE_2021)
            )
            if renew:
                assert holder is not None
                m = self.member(
                    council,
                    holder.person,
                    start,
                    term_end=end,
                    sector=sector,
                    role=role,
                    renewal_of=holder.membership,
                    nomination_source=source,
                    reason="연임 (1회)",
                )
                self.holders[seat] = Holder(holder.person, m, holder.terms + 1)
                continue
            person = self._seat_person(seat, generation)
            m = self.member(
                council,
                person,
                start,
                term_end=end,
                sector=sector,
                role=role,
                nomination_source=source,
                reason="위촉" if first else "신규 위촉",
            )
            self.holders[seat] = Holder(person, m, 1)

    def _seat_person(self, seat: int, generation: int, suffix: str = "") -> Person:
        sector, source = seat_source(seat)
        if sector == Sector.DISTRICT_COUNCILLOR:
            org, affiliation = self.orgs["구로구의회"], "구로구의회 의원"
        else:
            org, affiliation = None, f"구로구 주민 ({source})"
        return self.cast.person(
            f"guro:seat:{seat}:{generation}{suffix}",
            SEAT_GENDER[seat],
            district=self.guro,
            organisation=org,
            affiliation=affiliation,
        )

    # ------------------------------------------------------------ subcommittees

    def _subcommittees(self, council: Body, day: dt.date, formed) -> None:
        specs = [
            (
                SUB_STEERING,
                "운영분과",
                "Steering subcommittee",
                "위임 사항과 협치회의 운영 전반 조정",
            ),
            (
                SUB_DIAGNOSIS,
                "진단과권고분과",
                "Diagnosis and Recommendation subcommittee",
                ("위원회·민간위탁 등 민관협력 영역 진단과 개선 권고"),
            ),
            (
                SUB_AGENDA,
                "의제발굴분과",
                "Agenda Discovery subcommittee",
                (
                    "주민참여예산과 협치의 연계: 주민 제안 → 숙의·공론장 → 협치회의 상정 → "
                    "워킹그룹 실행"
                ),
            ),
            (
                SUB_PUBLIC,
                "공익활동촉진분과",
                "Public-Interest Activity subcommittee",
                ("공익활동 지원, 교육, 플랫폼 — 주민 역량 강화"),
            ),
        ]
        for key, name, name_en, description in specs:
            self.subs[key] = self.kit.body(
                self.actor,
                name=name,
                name_en=name_en,
                kind=BodyKind.SUBCOMMITTEE,
                scope=Scope.DISTRICT,
                district=self.guro,
                parent=council,
                rulebook_key="guro-subcommittee",
                established_on=day,
                established_by=formed,
                description=description,
            )
        admin = {"sector": Sector.ADMIN, "appointment": Appointment.EX_OFFICIO}
        o = self.official
        officials = {
            SUB_STEERING: [
                self.ex_officio["aide"],
                o("coordinator", "M", "구청장실", "시민사회조정관 (협치실무단장)"),
                o("team-lead", "F", "기획예산과", "기획예산과 협치정책팀장"),
            ],
            SUB_DIAGNOSIS: [
                o("diag:1", "M", "기획예산과", "기획예산과 협치정책팀 주무관"),
                o("diag:2", "F", "자치행정과", "자치행정과장"),
                o("diag:3", "M", "감사실", "감사실 주무관"),
            ],
            SUB_AGENDA: [
                o("agenda:1", "F", "기획예산과", "기획예산과 예산팀장"),
                o("agenda:2", "M", "자치행정과", "자치행정과 마을공동체팀장"),
                o("agenda:3", "F", "구정연구반", "구정연구반 주무관"),
            ],
            SUB_PUBLIC: [
                o("public:1", "M", "자치행정과", "자치행정과 주민협력팀장"),
                o("public:2", "F", "교육지원과", "교육지원과 주무관"),
                o("public:3", "M", "일자리지원과", "일자리지원과 주무관"),
            ],
        }
        for key, people in officials.items():
            for person in people:
                self.member(self.subs[key], person, day, nomination_source="당연직", **admin)
        self.externals = {
            key: [
                self.cast.person(
                    f"guro:external:{key}:{n}",
                    gender,
                    district=self.guro,
                    affiliation="외부 전문가 (분과 위원)",
                )
                for n, gender in enumerate("FM", start=1)
            ]
            for key in (SUB_DIAGNOSIS, SUB_AGENDA, SUB_PUBLIC)
        }

    def _steering_seats(self) -> list[tuple[int, str]]:
        """운영분과: the private co-chair and the chair and vice-chair of each subcommittee."""
        seats = [(0, MemberRole.CHAIR)]
        for key in (SUB_DIAGNOSIS, SUB_AGENDA, SUB_PUBLIC):
            seats += [(SUBCOMMITTEE_SEATS[key][0], MemberRole.MEMBER)]
            seats += [(SUBCOMMITTEE_SEATS[key][1], MemberRole.MEMBER)]
        return seats

    def _sub_cohort(self, cohort_start: dt.date, start: dt.date) -> None:
        end = cohort_start + relativedelta(years=2) - dt.timedelta(days=1)
        for key, seats in SUBCOMMITTEE_SEATS.items():
            for n, seat in enumerate(seats):
                role = [MemberRole.CHAIR, MemberRole.VICE_CHAIR][n] if n < 2 else "member"
                self._sub_member(key, self.holders[seat].person, start, end, role, "협치회의 위원")
            for person in self.externals[key]:
                self._sub_member(key, person, start, end, MemberRole.MEMBER, "외부 위원")
        for seat, role in self._steering_seats():
            self._sub_member(
                SUB_STEERING, self.holders[seat].person, start, end, role, "협치회의 위원"
            )

    def _sub_member(self, key, person, start, end, role, source) -> Membership:
        previous = self.sub_members.get((key, person.pk))
        renewal = (
            previous
            if previous is not None and previous.last_day == start - dt.timedelta(days=1)
            else None
        )
        m = self.member(
            self.subs[key],
            person,
            start,
            term_end=end,
            role=role,
            renewal_of=renewal,
            nomination_source=source,
        )
        self.sub_members[(key, person.pk)] = m
        return m

    # ------------------------------------------------------------ meetings

    def _session(self, council: Body, starts_at, number, title, **kw) -> Meeting:
        meeting = self.kit.meeting(
            self.actor,
            council,
            starts_at,
            number=number,
            title=title,
            venue=VENUE,
            presiding=self.holders[0].person,
            **kw,
        )
        if meeting.status == "held":
            self.kit.present_and_attend(
                self.actor,
                meeting,
                0.72,
                must=[self.holders[0].person, self.ex_officio["mayor"]],
                staff=[self.cast["guro:official:team-lead"]]
                if "guro:official:team-lead" in self.cast
                else [],
            )
        return meeting

    def _minutes_chain(self, meetings: list[Meeting]) -> None:
        """Minutes of each meeting, approved at the next one and published."""
        kit = self.kit
        for meeting, following in itertools.pairwise(meetings):
            minutes = getattr(meeting, "minutes", None) if _has_minutes(meeting) else None
            if minutes is None:
                minutes = kit.minutes(
                    self.actor,
                    meeting,
                    overview=f"{meeting.display_title}: {meeting.date:%Y-%m-%d}, {meeting.venue}",
                    reports="\n".join(
                        f"{a.number}. {a.title}"
                        for a in meeting.agenda_items.filter(section="report")
                    ),
                    decisions_text="\n".join(
                        f"- {d.title}" for d in meeting.decisions.order_by("id")
                    ),
                    next_steps=f"다음 회의: {following.date:%Y-%m-%d} {following.venue}",
                )
            if minutes.status == MinutesStatus.DRAFT:
                kit.approve_and_publish(self.actor, minutes, following)

    def _sessions_2020(self, council: Body) -> list[Meeting]:
        kit, actor = self.kit, self.actor
        wg_decision = None
        s3 = self._session(council, at(2020, 2, 27, 15), 3, "제3차 정기회")
        i3 = kit.agenda_list(
            s3,
            [
                report("2019년 협치 추진 실적"),
                item("2020년 협치 워킹그룹 구성·운영(안)"),
                item("2020년 분과 운영계획(안)"),
            ],
        )
        _m, wg_decision = kit.vote(
            actor,
            s3,
            "2020년 협치 워킹그룹 구성·운영(안)",
            item=i3[1],
            decision="2020년 협치 워킹그룹 7개 구성",
            text="여성, 청년, 청소년, 다문화, 복지, 시민교육, 공익활동 지원 분야에 의제별 "
            "워킹그룹을 두고, 관련 부서와 민간 파트너가 집행-평가-환류에 참여한다.",
        )
        kit.vote(actor, s3, "2020년 분과 운영계획(안)", item=i3[2])
        self._working_groups(council, wg_decision)

        # A member leaves for a long stay abroad; the successor serves the rest of the term.
        leaving = self.holders[REPLACED_SEAT]
        services.end_membership(
            leaving.membership,
            dt.date(2020, 4, 30),
            EndReason.RESIGNED,
            "본인 요청: 6개월 이상 해외 체류 (조례 제11조)",
            actor,
        )
        sub_m = self.sub_members[(SUB_DIAGNOSIS, leaving.person.pk)]
        services.end_membership(sub_m, dt.date(2020, 4, 30), EndReason.RESIGNED, "", actor)
        successor = self._seat_person(REPLACED_SEAT, 1, suffix="b")
        sector, source = seat_source(REPLACED_SEAT)
        m = self.member(
            council,
            successor,
            dt.date(2020, 5, 15),
            sector=sector,
            predecessor=leaving.membership,
            nomination_source=f"{source}, 보궐",
            reason="보궐위원 위촉: 전임자의 잔여 임기",
        )
        self.holders[REPLACED_SEAT] = Holder(successor, m, 1)
        self._sub_member(
            SUB_DIAGNOSIS,
            successor,
            dt.date(2020, 5, 15),
            m.term_end,
            MemberRole.MEMBER,
            "협치회의 위원 (보궐)",
        )

        s4 = self._session(council, at(2020, 5, 28, 15), 4, "제4차 정기회")
        i4 = kit.agenda_list(
            s4,
            [
                report("위원 사임 및 보궐위원 위촉 보고"),
                report("분과 및 워킹그룹 활동 보고"),
                item("민관협치 활성화 기본계획(2021~2023) 수립 방향(안)"),
            ],
        )
        kit.vote(
            actor,
            s4,
            "민관협치 활성화 기본계획(2021~2023) 수립 방향(안)",
            item=i4[2],
            abstain=2,
            decision="기본계획(2021~2023) 수립 방향 확정",
            text="기본방향, 분야별 목표, 재원 조달, 이전 계획 평가를 담아 하반기에 수립한다 "
            "(조례 제16조).",
        )

        # Extraordinary session requested by more than a third of the members (제13조①):
        # the 2021 Community Innovation Plan is due before the next regular session.
        day = dt.date(2020, 7, 2)
        enrolled = [m.person for m in services.members_on(council, day) if m.sector == "civil"]
        requesters = enrolled[:13]
        ex = self.kit.meeting(
            actor,
            council,
            at(2020, 7, 2, 15),
            kind=MeetingKind.EXTRAORDINARY,
            title="2020년 제1차 임시회",
            venue=VENUE,
            presiding=self.holders[0].person,
            convened_by=ConvenedBy.MEMBER_REQUEST,
            requested_by=requesters,
        )
        kit.present_and_attend(actor, ex, 0.7, must=[self.holders[0].person, *requesters[:8]])
        iex = kit.agenda_list(ex, [item("2021년 지역사회혁신계획(안) 심의")])
        kit.vote(
            actor,
            ex,
            "2021년 지역사회혁신계획(안)",
            no=1,
            abstain=1,
            item=iex[0],
            decision="2021년 지역사회혁신계획(안) 의결 (7. 10. 서울시 제출)",
            text="의제발굴분과가 주민 제안과 공론장을 거쳐 정리한 의제를 바탕으로 한 계획(안)을 "
            "의결하고 서울시에 제출한다.",
        )

        s5 = self._session(council, at(2020, 9, 24, 15), 5, "제5차 정기회")
        i5 = kit.agenda_list(
            s5,
            [
                report("워킹그룹 중간 점검"),
                item("구 위원회 운영 개선 권고(안) (진단과권고분과)"),
            ],
        )
        _m, recommendation = kit.vote(
            actor,
            s5,
            "구 위원회 운영 개선 권고(안)",
            item=i5[1],
            abstain=1,
            decision="구청장에게 위원회 운영 개선 권고 (조례 제8조②)",
            text="각종 위원회의 회의록 공개, 위원 공개모집 확대, 특정 성별 60% 초과 금지 "
            "준수를 권고한다.",
        )
        kit.action(
            actor,
            s5,
            "권고 이행 계획 회신",
            owner_text="기획예산과",
            due=dt.date(2020, 11, 30),
            done=dt.date(2020, 11, 26),
            decision=recommendation,
        )

        s6 = self._session(council, at(2020, 12, 17, 15), 6, "제6차 정기회")
        i6 = kit.agenda_list(
            s6,
            [
                report("2020년 워킹그룹 활동 결과"),
                item("협치회의 운영세칙 개정(안): 정기회 격월 개최"),
                item("2021년 연도별 실행계획(안)"),
            ],
        )
        _m, amendment = kit.vote(
            actor,
            s6,
            "협치회의 운영세칙 개정(안): 2021년부터 정기회를 격월(연 6회) 개최",
            kind=MotionKind.AMENDMENT,
            no=1,
            abstain=1,
            item=i6[1],
            decision="운영세칙 개정: 정기회 연 6회 (2021. 1. 1. 시행)",
            text="주요 결정을 분과 위임보다 전체 회의의 숙의로 하도록 정기회를 격월로 연다 "
            "(조례 제13조①의 연 4회 이상).",
        )
        assert amendment is not None
        services.amend_rulebook(
            amendment,
            dt.date(2021, 1, 1),
            {
                "meetings": {
                    "regular_per_year": 6,
                    "article": "운영세칙 (2020-12-17 개정) 정기회 격월 연 6회",
                }
            },
            "2020-12-17 운영세칙 개정 (정기회 연 6회)",
            actor,
        )
        kit.vote(
            actor,
            s6,
            "2021년 연도별 실행계획(안)",
            item=i6[2],
            decision="2021년 연도별 실행계획 확정",
        )
        return [s3, s4, ex, s5, s6]

    def _working_groups(self, council: Body, decision) -> None:
        start = dt.date(2020, 3, 1)
        councillors = [self.holders[27].person, self.holders[28].person]
        liaison_seats = [10, 16, 23, 9, 18, 25, 6]
        for index, (sector, project, depts, partners) in enumerate(WORKING_GROUPS):
            body = self.kit.body(
                self.actor,
                name=f"{sector} 워킹그룹",
                name_en=f"Working group: {sector}",
                kind=BodyKind.WORKING_GROUP,
                scope=Scope.DISTRICT,
                district=self.guro,
                parent=council,
                rulebook_key="working-group",
                established_on=decision.decided_on,
                established_by=decision,
                description=f"2020년 과제: {project}",
            )
            first = True
            for n, partner in enumerate(partners):
                gender = "FM"[(index + n) % 2] if sector != "여성" else "F"
                if partner.startswith("#"):  # the district councillor on the group
                    person = councillors[index % 2]
                    kit_sector, note = Sector.DISTRICT_COUNCILLOR, "구로구의원"
                elif partner.startswith("@"):  # individuals, not organisations
                    person = self.cast.person(
                        f"guro:wg:{sector}:{n}",
                        gender,
                        district=self.guro,
                        affiliation=partner[1:],
                    )
                    kit_sector, note = Sector.CIVIL, partner[1:]
                else:
                    org = self.org(
                        partner,
                        PARTNER_TYPES.get(partner, OT.NONPROFIT),
                        district=partner != "여성환경연대",
                    )
                    person = self.cast.person(
                        f"guro:partner:{partner}", gender, district=self.guro, organisation=org
                    )
                    kit_sector, note = Sector.CIVIL, "민간 파트너"
                if person.pk in {m.person_id for m in body.memberships.all()}:
                    continue
                self.member(
                    body,
                    person,
                    start,
                    sector=kit_sector,
                    role=MemberRole.CHAIR if first and kit_sector == Sector.CIVIL else "member",
                    nomination_source=note,
                )
                first = False
            for n, dept in enumerate(depts):
                official = self.official(
                    f"wg:{dept}", "MF"[(index + n) % 2], dept, f"{dept} 주무관"
                )
                self.member(
                    body,
                    official,
                    start,
                    sector=Sector.ADMIN,
                    appointment=Appointment.EX_OFFICIO,
                    nomination_source="담당 부서",
                )
            liaison = self.holders[liaison_seats[index]].person
            self.member(body, liaison, start, nomination_source="협치회의 위원")
            kickoff = self.kit.meeting(
                self.actor,
                body,
                at(2020, 3, (10, 11, 12, 13, 16, 17, 18)[index], 14),
                number=1,
                title=f"{sector} 워킹그룹 발족 회의",
                venue="구로구청 협치정책팀 회의실",
            )
            self.kit.agenda_list(kickoff, [item(f"{project} 실행계획(안)")])
            self.kit.present_and_attend(self.actor, kickoff, 0.75)
            self.kit.vote(self.actor, kickoff, f"{project} 실행계획(안)")

    def _subcommittee_meetings_2020(self) -> None:
        rules = {
            SUB_STEERING: ("FREQ=MONTHLY;BYDAY=2TU", 14),
            SUB_DIAGNOSIS: ("FREQ=MONTHLY;BYDAY=2WE", 15),
            SUB_AGENDA: ("FREQ=MONTHLY;BYDAY=3TU", 19),
            SUB_PUBLIC: ("FREQ=MONTHLY;BYDAY=4WE", 15),
        }
        for key, (rule, hour) in rules.items():
            body = self.subs[key]
            first = self.kit.first_occurrence(rule, at(2020, 1, 1, hour))
            series = self.kit.series(
                self.actor,
                body,
                f"{rule};UNTIL=20201231T145959Z",
                first,
                duration_minutes=120,
                venue="구로구청 협치정책팀 회의실",
            )
            chair = services.members_on(body, first.date()).filter(role="chair").first()
            meetings = self.kit.materialise(
                self.actor,
                series,
                [2020],
                first_number=1,
                presiding=chair.person if chair else None,
            )
            for meeting in meetings:
                self.kit.agenda_list(meeting, [report("월간 활동 점검"), item("분과 과제 논의")])
                self.kit.present_and_attend(
                    self.actor, meeting, 0.7, must=[chair.person] if chair else []
                )
            self.kit.vote(
                self.actor,
                meetings[-1],
                "2021년 분과 운영계획(안)",
                decision=f"{body.name} 2021년 운영계획",
            )

    def _series_from_2021(self, council: Body, last_2020: Meeting) -> dict[str, object]:
        """Bimonthly regular sessions (4th Thursday) from 2021 up to a few months ahead."""
        kit, actor = self.kit, self.actor
        series = kit.series(
            actor,
            council,
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=4TH",
            at(2021, 1, 28, 15),
            duration_minutes=120,
            venue=VENUE,
        )
        meetings = kit.materialise(
            actor,
            series,
            range(2021, self.horizon.year + 1),
            first_number=7,
            title="제{n}차 정기회",
        )
        for meeting in meetings:
            meeting.presiding = self._co_chair_on(meeting.date)
            services.save_meeting(meeting, actor)
        held = [m for m in meetings if m.status == "held"]
        upcoming = [m for m in meetings if m.status != "held"]
        for meeting in held:
            chair = meeting.presiding
            items = kit.agenda_list(
                meeting,
                [
                    report("분과 및 워킹그룹 활동 보고"),
                    item(f"{meeting.date.year + 1}년 연도별 실행계획(안)")
                    if meeting.date.month == 11
                    else item("협치 의제 점검"),
                    other("전차 회의록 승인"),
                ],
            )
            kit.present_and_attend(actor, meeting, 0.7, must=[chair])
            if meeting.date.month == 11:
                kit.vote(
                    actor,
                    meeting,
                    f"{meeting.date.year + 1}년 연도별 실행계획(안)",
                    abstain=1,
                    item=items[1],
                    decision=f"{meeting.date.year + 1}년 연도별 실행계획 확정",
                )
        # Minutes: each approved at the next session; the last one awaits the next meeting.
        self._minutes_chain([last_2020, *held])
        if held:
            last = held[-1]
            kit.minutes(
                actor,
                last,
                overview=f"{last.display_title}: {last.date:%Y-%m-%d}, {last.venue}",
                reports="1. 분과 및 워킹그룹 활동 보고",
                next_steps=(
                    f"다음 회의: {upcoming[0].date:%Y-%m-%d} {upcoming[0].venue}"
                    if upcoming
                    else ""
                ),
            )
        for n, meeting in enumerate(upcoming):
            year = meeting.date.year
            agenda = [report("분과 및 워킹그룹 활동 보고"), other("전차 회의록 승인")]
            if n == 0:
                agenda = [
                    report(f"{year}년 협치회의 활동 결과 보고"),
                    item(f"{year + 1}년 연도별 실행계획(안)", "붙임 1"),
                    item("민관협치 활성화 기본계획 수립 방향(안)", "붙임 2"),
                    other("전차 회의록 승인"),
                ]
            kit.agenda_list(meeting, agenda)
        return {"guro:upcoming": upcoming[0] if upcoming else None}

    def _co_chair_on(self, day: dt.date) -> Person:
        m = (
            services.members_on(self.council, day)
            .filter(role=MemberRole.CO_CHAIR, sector=Sector.CIVIL)
            .first()
        )
        assert m is not None, day
        return m.person

    def _agenda_subcommittee_now(self) -> None:
        """의제발굴분과 meets monthly this year too, with upcoming meetings on the calendar."""
        body = self.subs[SUB_AGENDA]
        year_start = dt.date(self.kit.today.year, 1, 1)
        first = self.kit.first_occurrence("FREQ=MONTHLY;BYDAY=3TU", at(year_start.year, 1, 1, 19))
        series = self.kit.series(
            self.actor,
            body,
            "FREQ=MONTHLY;BYDAY=3TU",
            first,
            duration_minutes=120,
            venue="구로구청 협치정책팀 회의실",
        )
        meetings = self.kit.materialise(
            self.actor, series, range(year_start.year, self.horizon.year + 1)
        )
        for meeting in meetings:
            chair = services.members_on(body, meeting.date).filter(role="chair").first()
            if chair is not None:
                meeting.presiding = chair.person
                services.save_meeting(meeting, self.actor)
            self.kit.agenda_list(
                meeting, [report("주민 제안 및 공론장 진행 현황"), item("협치회의 상정 의제 검토")]
            )
            if meeting.status == "held":
                self.kit.present_and_attend(
                    self.actor, meeting, 0.7, must=[chair.person] if chair else []
                )


def _has_minutes(meeting: Meeting) -> bool:
    from .models import Minutes

    return Minutes.objects.filter(meeting=meeting).exists()


# ---------------------------------------------------------------- 은평구


def load_eunpyeong(kit: Kit, cast: Cast, actor) -> Body:
    """은평구 민관협치 TFT (seed 004 붙임4: formed 2016-09-06, 21 members: 10 civil,
    10 officials, 1 councillor), with a recent and an upcoming meeting."""
    kit.actor = actor
    district = kit.district("은평")
    dept = kit.organisation("은평구 민관협치담당관", OT.ADMIN_UNIT, district)
    council_org = kit.organisation("은평구의회", OT.COUNCIL, district)
    start = dt.date(2016, 9, 6)
    body = kit.body(
        actor,
        name="은평구 민관협치 TFT",
        name_en="Eunpyeong-gu public-private governance TFT",
        kind=BodyKind.TFT,
        scope=Scope.DISTRICT,
        district=district,
        rulebook_key="working-group",
        established_on=start,
        description="지역사회혁신계획 수립을 위한 민관 TFT (협치회의).",
    )
    for n in range(10):
        person = cast.person(
            f"ep:civil:{n}", "FM"[n % 2], district=district, affiliation="은평구 주민"
        )
        kit.member(
            actor,
            body,
            person,
            start,
            role=MemberRole.CO_CHAIR if n == 0 else MemberRole.MEMBER,
            nomination_source="민간 추천",
        )
    for n in range(10):
        person = cast.person(
            f"ep:official:{n}",
            "MF"[n % 2],
            district=district,
            organisation=dept,
            affiliation="은평구청",
        )
        kit.member(
            actor,
            body,
            person,
            start,
            sector=Sector.ADMIN,
            appointment=Appointment.EX_OFFICIO,
            role=MemberRole.CO_CHAIR if n == 0 else MemberRole.MEMBER,
            nomination_source="담당 부서",
        )
    councillor = cast.person("ep:councillor", "F", district=district, organisation=council_org)
    kit.member(
        actor,
        body,
        councillor,
        start,
        sector=Sector.DISTRICT_COUNCILLOR,
        nomination_source="은평구의회 추천",
    )
    chair = cast["ep:civil:0"]
    recent_day = _thursday_near(kit.today - dt.timedelta(days=35))
    upcoming_day = _thursday_near(kit.today + dt.timedelta(days=18))
    recent = kit.meeting(
        actor,
        body,
        at(recent_day.year, recent_day.month, recent_day.day, 14),
        title=f"{recent_day.year}년 하반기 민관협치 TFT 회의",
        venue="은평상상허브 3층 즐거운 소통",
        presiding=chair,
    )
    items = kit.agenda_list(
        recent,
        [report("지역사회혁신계획 추진 현황"), item(f"{recent_day.year + 1}년 협치 의제(안)")],
    )
    kit.present_and_attend(actor, recent, 0.7, must=[chair])
    kit.vote(actor, recent, f"{recent_day.year + 1}년 협치 의제(안)", item=items[1], abstain=1)
    kit.minutes(
        actor,
        recent,
        overview=f"{recent.display_title}: {recent_day:%Y-%m-%d}, 은평상상허브",
        decisions_text=f"- {recent_day.year + 1}년 협치 의제(안) 의결",
    )
    upcoming = kit.meeting(
        actor,
        body,
        at(upcoming_day.year, upcoming_day.month, upcoming_day.day, 14),
        title=f"{upcoming_day.year}년 민관협치 TFT 정리 회의",
        venue="은평구청 3층 회의실",
        presiding=chair,
        held=False,
    )
    kit.agenda_list(
        upcoming, [report("전차 회의 결과"), item("의제별 실행 점검"), other("전차 회의록 승인")]
    )
    return body


def _thursday_near(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(3 - day.weekday()) % 7)
