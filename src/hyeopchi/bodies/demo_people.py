"""Fictional people for the demo data.

The seeds name real people; the demo must not. Every person here gets a generated Korean
name (deterministic, so two runs give the same cast) that is checked against the names the
seeds use. A *key* identifies the role a person plays in the demo ("rc:강동:1", "guro:seat:7:2"),
so one person can sit on several bodies (a 소통책임자 who is also on the Seoul council).
"""

from __future__ import annotations

import random

from hyeopchi.core.models import District
from hyeopchi.directory.models import Organisation, Person
from hyeopchi.directory.services import save_person

SURNAMES = (
    "김김김김김이이이이박박박최최정정강조윤장임한오서신권황안송전홍유고문양손배백허남심노하"
    "곽성차주우구민나진지엄채원천방공현변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁"
)

_GIVEN_F = (
    "서연 지은 민지 수진 은영 미경 혜진 정희 선영 윤희 지현 소영 경숙 영미 미숙 은주 수경 지혜 "
    "혜원 다은 예린 하은 유진 보람 세영 나영 은정 민경 선희 정아 미란 혜숙 희정 진아 소희 다혜 "
    "가은 수아 채원 은비 연주 현숙 명숙 순영 경아 주희 지수 해인 솔지 유나 미정 은하 한별 슬기"
)
GIVEN_F = _GIVEN_F.split()

_GIVEN_M = (
    "민수 준호 성호 영진 동현 재훈 상철 정우 현우 진호 승민 태호 광수 종민 기훈 용준 병철 석진 "
    "형준 도윤 민재 우진 건우 시우 재원 경환 명수 창호 대현 인호 철민 영호 상우 정훈 태성 규현 "
    "한결 지훈 동욱 성진 재석 용석 치훈 주원 현석 세훈 윤석 범수 영길 도형 원준 진혁 승우 태윤"
)
GIVEN_M = _GIVEN_M.split()

# Names of real people in the seeds (and other well-known office holders); never generated.
_REAL_NAMES = """
    송문식 위성남 신상선 박용수 홍성민 이상훈 이현주 민성환 박인숙 박선영 김지현 김영남 최윤정
    김영빈 양희은 김종동 이창석 김영민 임현정 지영선 김성훈 박정열 정현백 조경애 김옥성 안병순
    이창환 조철민 정현곤 전효관 진장원 이세걸 민혜경 조수원 정병순 김성희 라미경 오수길 이수현
    김영식 서진아 이진영 최영환 문영란 조길래 최동준 정명훈 김선희 이서영 민경자 이명애 김승오
    김혜정 홍선 원상희 락충근 전승배 주세연 마주현 한원형 서미경 정명우 주영남 우기동 박내현
    이재남 문종석 심소영 김예지 오성화 정문식 정애경 조승연 전상희 송상훈 이은주 강경희 신만수
    우영숙 김강 나충열 부미경 한봉호 오영호 이성 박원순 오세훈 문헌일
"""
REAL_NAMES = frozenset(_REAL_NAMES.split())


class Cast:
    """Creates each fictional person once, by key."""

    def __init__(self, seed: int = 2017) -> None:
        self._rng = random.Random(seed)
        self._by_key: dict[str, Person] = {}
        self._used: set[str] = set(REAL_NAMES)
        self._serial = 0

    def _name(self, gender: str) -> str:
        given = GIVEN_F if gender == "F" else GIVEN_M
        for _attempt in range(1000):
            name = self._rng.choice(SURNAMES) + self._rng.choice(given)
            if name not in self._used:
                self._used.add(name)
                return name
        raise RuntimeError("ran out of fictional names")  # pragma: no cover

    def person(
        self,
        key: str,
        gender: str,
        *,
        district: District | None = None,
        organisation: Organisation | None = None,
        affiliation: str = "",
    ) -> Person:
        if key in self._by_key:
            return self._by_key[key]
        self._serial += 1
        person = save_person(
            Person(
                name=self._name(gender),
                gender=gender,
                birth_year=self._rng.randint(1955, 1994),
                affiliation=affiliation or (organisation.name if organisation else ""),
                email=f"demo{self._serial:03d}@example.org",
                phone=f"010-0000-{self._serial:04d}",
                district=district,
                organisation=organisation,
            ),
            reason="demo data",
        )
        self._by_key[key] = person
        return person

    def __getitem__(self, key: str) -> Person:
        return self._by_key[key]

    def __contains__(self, key: str) -> bool:
        return key in self._by_key
