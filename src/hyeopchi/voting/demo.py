"""Demo votes for `make demo` (called by ``load_demo``): everything goes through
``voting.services`` and ``voting.results`` as staff and voters would, with the clock set
to the moment each step happens.

- A closed 구로구 participatory-budget vote (policy ``district-pb``; budget 11억 5,923만 원,
  the 2020 구 공통사업 figure of seed 002) with online ballots of a few hundred fictional
  voters, a paper batch and booth-code ballots, counted by "most votes first" and by the
  Method of Equal Shares with completion; Equal Shares is published, the greedy count
  stays on the staff pages for comparison.
- The 은평구 agenda and participatory-budget vote with its two ballots (choose at most 3;
  spread 5 points), closed and published (most votes first).
- An open 구로구 vote, closing three weeks from today, for the demo accounts to try;
  ``resident-guro`` is on its roll, confirmed, and has not voted yet.

Voters are fictional accounts (``demo-voter-…``) without a usable password.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from hyeopchi.core.models import District

from . import results, services, tasks
from .models import Contest, CountRun, Election, Voter

SEOUL = ZoneInfo(settings.TIME_ZONE)
PASSWORD = "demo-password"
RESIDENT = "resident-guro"
MARKER = "구로구 주민참여예산 사업 선정 주민투표"
GURO_BUDGET = 1_159_230_000  # 11억 5,923만 원 (seed 002: 2020 구 공통사업)

# code, title, cost, area (dong), description
GURO_PROJECTS = [
    (
        "G01",
        "구로2동 골목길 LED 보안등 교체",
        120_000_000,
        "구로2동",
        "어두운 골목 42곳의 노후 보안등을 LED로 바꾸고 밝기를 높입니다.",
    ),
    (
        "G02",
        "신도림역 주변 자전거 보관대 확충",
        85_000_000,
        "신도림동",
        "역 출구 세 곳에 지붕 있는 자전거 보관대 160면을 설치합니다.",
    ),
    (
        "G03",
        "개봉1동 어린이놀이터 안전 정비",
        180_000_000,
        "개봉1동",
        "낡은 놀이기구와 바닥재를 교체하고 그늘막을 설치합니다.",
    ),
    (
        "G04",
        "고척근린공원 맨발 산책로 조성",
        230_000_000,
        "고척1동",
        "황토 맨발길 600m와 세족장을 만듭니다.",
    ),
    (
        "G05",
        "오류1동 경로당 냉난방기 교체",
        60_000_000,
        "오류1동",
        "경로당 8곳의 15년 넘은 냉난방기를 고효율 제품으로 바꿉니다.",
    ),
    (
        "G06",
        "가리봉동 이주민 한국어·생활 교실",
        45_000_000,
        "가리봉동",
        "저녁과 주말 한국어 수업, 생활법률 상담을 1년간 운영합니다.",
    ),
    (
        "G07",
        "청소년 진로 탐색 주말학교",
        55_000_000,
        "구 전역",
        "관내 중학생 200명에게 직업 체험과 멘토링을 제공합니다.",
    ),
    (
        "G08",
        "안양천 산책로 야간 조명 설치",
        290_000_000,
        "신도림동",
        "안양천 산책로 1.8km 구간에 보행자용 조명을 설치합니다.",
    ),
    (
        "G09",
        "항동 주민 공유 텃밭 조성",
        38_000_000,
        "항동",
        "유휴 부지에 텃밭 80구획과 공동 창고를 만듭니다.",
    ),
    (
        "G10",
        "수궁동 버스정류장 온열의자 설치",
        32_000_000,
        "수궁동",
        "정류장 20곳에 겨울철 온열의자를 설치합니다.",
    ),
    (
        "G11",
        "구로1동 1인가구 반찬 나눔",
        70_000_000,
        "구로1동",
        "혼자 사는 어르신과 청년 150가구에 주 1회 반찬을 나눕니다.",
    ),
    (
        "G12",
        "천왕동 공공 와이파이 확대",
        40_000_000,
        "천왕동",
        "공원과 정류장 12곳에 공공 와이파이를 설치합니다.",
    ),
]

GURO_OPEN_PROJECTS = [
    (
        "N01",
        "구로3동 통학로 옐로카펫 설치",
        36_000_000,
        "구로3동",
        "초등학교 통학로 횡단보도 9곳에 옐로카펫과 보행 신호 안내를 설치합니다.",
    ),
    (
        "N02",
        "개봉2동 작은도서관 야간 개방",
        48_000_000,
        "개봉2동",
        "평일 밤 10시까지 작은도서관을 열고 자원봉사자를 지원합니다.",
    ),
    (
        "N03",
        "고척2동 반려견 놀이터 조성",
        150_000_000,
        "고척2동",
        "고척근린공원 안에 대형견·소형견 구역을 나눈 놀이터를 만듭니다.",
    ),
    (
        "N04",
        "구로구 어르신 디지털 배움터",
        62_000_000,
        "구 전역",
        "키오스크와 스마트폰 사용법을 동 주민센터 15곳에서 가르칩니다.",
    ),
    (
        "N05",
        "오류2동 빗물받이 악취 차단 장치",
        54_000_000,
        "오류2동",
        "악취가 심한 빗물받이 300곳에 차단 장치를 설치합니다.",
    ),
    (
        "N06",
        "신도림동 주민 공유 공구함",
        25_000_000,
        "신도림동",
        "주민센터에서 공구를 빌려 쓰는 공유 공구함을 운영합니다.",
    ),
    (
        "N07",
        "구로5동 전통시장 공용 장바구니 대여",
        18_000_000,
        "구로5동",
        "시장 입구 두 곳에서 장바구니를 빌려주고 비닐봉지를 줄입니다.",
    ),
    (
        "N08",
        "안양천 생태 체험 교실",
        72_000_000,
        "구 전역",
        "가족 단위 생태 탐방과 하천 정화 활동을 연 24회 엽니다.",
    ),
    (
        "N09",
        "가리봉동 골목 벽화와 쉼터",
        95_000_000,
        "가리봉동",
        "주민과 함께 골목 벽화를 그리고 작은 쉼터 3곳을 만듭니다.",
    ),
    (
        "N10",
        "항동 철길숲 안내판·벤치 정비",
        40_000_000,
        "항동",
        "항동 철길숲의 낡은 안내판과 벤치를 교체합니다.",
    ),
]
GURO_OPEN_BUDGET = 350_000_000

EUNPYEONG_PB = [
    (
        "E01",
        "불광천 수변 쉼터 조성",
        150_000_000,
        "응암동",
        "불광천 변에 그늘 쉼터 4곳을 만듭니다.",
    ),
    (
        "E02",
        "응암동 무단투기 방지 스마트 CCTV",
        60_000_000,
        "응암동",
        "상습 무단투기 지점 12곳에 설치합니다.",
    ),
    (
        "E03",
        "녹번동 작은도서관 리모델링",
        90_000_000,
        "녹번동",
        "열람 공간과 아이 책 놀이방을 새로 꾸밉니다.",
    ),
    (
        "E04",
        "진관동 어르신 스마트폰 교실",
        30_000_000,
        "진관동",
        "주 2회 소규모 교실을 1년간 엽니다.",
    ),
    (
        "E05",
        "갈현동 통학로 안전 펜스",
        80_000_000,
        "갈현동",
        "보도와 차도를 나누는 펜스 400m를 설치합니다.",
    ),
    (
        "E06",
        "역촌동 마을 공동 부엌",
        50_000_000,
        "역촌동",
        "주민 모임과 반찬 나눔을 위한 공동 부엌을 엽니다.",
    ),
    (
        "E07",
        "수색동 청년 공유 오피스",
        120_000_000,
        "수색동",
        "청년 창업자를 위한 공유 작업 공간을 만듭니다.",
    ),
    (
        "E08",
        "구산동 반려견 놀이터",
        70_000_000,
        "구산동",
        "구산동 근린공원에 반려견 놀이터를 만듭니다.",
    ),
]
EUNPYEONG_GOV = [
    ("A01", "마을공동체 활동가 양성 과정", 30_000_000, "", "주민 활동가 40명을 양성합니다."),
    (
        "A02",
        "주민자치회 예산 공개 플랫폼",
        45_000_000,
        "",
        "동별 예산과 집행을 누구나 볼 수 있게 공개합니다.",
    ),
    (
        "A03",
        "은평 돌봄 협의체 구성",
        25_000_000,
        "",
        "돌봄 기관과 주민이 함께하는 협의체를 꾸립니다.",
    ),
    (
        "A04",
        "기후위기 대응 주민 실천단",
        35_000_000,
        "",
        "에너지 절약과 자원순환 실천단을 운영합니다.",
    ),
    (
        "A05",
        "청소년 참여위원회 운영",
        20_000_000,
        "",
        "청소년이 구정에 의견을 내는 위원회를 운영합니다.",
    ),
]


@dataclass
class Result:
    loaded: bool
    summary: str
    users: list[tuple[str, str, bool]] = field(default_factory=list)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SEOUL)


def is_loaded() -> bool:
    return Election.objects.filter(title__endswith=MARKER).exists()


def _staff(username: str):
    return get_user_model().objects.get(username=username)


def _resident(guro: District) -> tuple[object, bool]:
    User = get_user_model()
    user = User.objects.filter(username=RESIDENT).first()
    if user is not None:
        return user, False
    return User.objects.create_user(RESIDENT, f"{RESIDENT}@example.org", PASSWORD), True


def _voters(prefix: str, n: int) -> list:
    """``n`` fictional accounts without a usable password (cheap to make in bulk)."""
    User = get_user_model()
    users = [
        User(username=f"demo-voter-{prefix}-{i:04d}", password=make_password(None))
        for i in range(1, n + 1)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    return list(User.objects.filter(username__startswith=f"demo-voter-{prefix}-").order_by("id"))


def _roll_csv(users, district: District, rng: random.Random, year: int) -> str:
    lines = ["user,district,birth_year"]
    for user in users:
        lines.append(f"{user.get_username()},{district.code},{rng.randint(1940, year - 16)}")
    return "\n".join(lines)


def _add_projects(contest: Contest, rows: Sequence[tuple], actor, now: dt.datetime) -> None:
    for code, title, cost, area, description in rows:
        services.add_project(
            contest,
            code=code,
            title=title,
            cost=cost,
            area=area,
            description=description,
            actor=actor,
            now=now,
        )


def _knapsack_ballot(
    rng: random.Random, rows: Sequence[tuple], weights: dict[str, float], budget: int
) -> list[str]:
    """A voter's choices: projects drawn by preference, kept while they fit the budget."""
    codes = [r[0] for r in rows]
    cost = {r[0]: r[2] for r in rows}
    order = sorted(codes, key=lambda c: rng.random() ** (1 / max(weights.get(c, 0.1), 0.01)))
    order.reverse()
    wanted = rng.choices([1, 2, 3, 4, 5], weights=[2, 4, 4, 3, 2])[0]
    chosen: list[str] = []
    spent = 0
    for code in order:
        if len(chosen) >= wanted:
            break
        if spent + cost[code] <= budget:
            chosen.append(code)
            spent += cost[code]
    return chosen or [min(codes, key=lambda c: cost[c])]


# How much residents of each dong like each project: their own dong's projects a lot,
# city-wide ones and cheap popular ones somewhat; a large 신도림 block gives this demo a
# majority that "most votes first" serves alone and Equal Shares does not.
GURO_DONGS = [
    ("신도림동", 0.30),
    ("구로2동", 0.12),
    ("개봉1동", 0.12),
    ("고척1동", 0.10),
    ("오류1동", 0.08),
    ("가리봉동", 0.07),
    ("구로1동", 0.08),
    ("항동", 0.05),
    ("수궁동", 0.04),
    ("천왕동", 0.04),
]


def _guro_weights(dong: str, rows: Sequence[tuple]) -> dict[str, float]:
    weights = {}
    for code, _title, _cost, area, _d in rows:
        if area == dong:
            weights[code] = 6.0
        elif area == "구 전역":
            weights[code] = 1.6
        else:
            weights[code] = 0.6
    if dong == "신도림동":
        weights["G04"] = 3.0  # the 신도림 block also likes the big park
    return weights


def _cast_online(contest: Contest, voters: list[Voter], ballots: list, when: dt.datetime) -> None:
    for i, (voter, choices) in enumerate(zip(voters, ballots, strict=True)):
        moment = when + dt.timedelta(minutes=7 * i)
        services.cast_ballot(contest, voter, choices, now=moment)


def _count_and_publish(
    contest: Contest, runs: Sequence[tuple[str, str]], publish_index: int, actor, now
) -> list[CountRun]:
    made = []
    for rule, completion in runs:
        run = results.start_count(contest, rule, completion, actor, now=now)
        tasks.execute(run.pk)  # in the loader itself: no worker needed
        run.refresh_from_db()
        made.append(run)
    results.publish(contest, made[publish_index], actor, now=now)
    return made


def _guro_closed(today: dt.date, clerk, rng: random.Random) -> Election:
    guro = District.objects.get(name_ko="구로구")
    opens = _at(today - dt.timedelta(days=75))
    closes = _at(today - dt.timedelta(days=61), 18)
    setup = opens - dt.timedelta(days=14)
    election = services.create_election(
        title=f"{opens.year}년 {MARKER}",
        description=(
            "구 공통사업으로 제안된 12개 사업 가운데 예산 11억 5,923만 원 안에서 주민이 "
            "직접 고릅니다. 온라인, 동 주민센터 투표소(일회용 코드), 종이 투표로 참여할 수 "
            "있습니다."
        ),
        district=guro,
        policy_key="district-pb",
        opens_at=opens,
        closes_at=closes,
        budgets={"pb": GURO_BUDGET},
        actor=clerk,
    )
    contest = election.contests.get(key="pb")
    _add_projects(contest, GURO_PROJECTS, clerk, setup)

    # The roll: 320 residents, confirmed by a resident-roll import before the opening.
    users = _voters("guro", 320)
    services.import_roll(
        election,
        _roll_csv(users, guro, rng, opens.year),
        clerk,
        file_name="guro-roll.csv",
        now=setup,
    )
    voters = list(Voter.objects.filter(election=election).order_by("id"))
    dongs = rng.choices(
        [d for d, _w in GURO_DONGS], weights=[w for _d, w in GURO_DONGS], k=len(voters)
    )
    ballots = [
        _knapsack_ballot(rng, GURO_PROJECTS, _guro_weights(dong, GURO_PROJECTS), GURO_BUDGET)
        for dong in dongs
    ]
    _cast_online(contest, voters, ballots, opens + dt.timedelta(hours=1))

    # Booth voters with one-time codes (40 made, 28 used).
    booth_day = opens + dt.timedelta(days=3)
    codes = services.generate_codes(
        election, 40, note="구로구청 1층 투표소", actor=clerk, now=booth_day
    )
    for i, code in enumerate(codes[:28]):
        dong = rng.choices([d for d, _w in GURO_DONGS], weights=[w for _d, w in GURO_DONGS])[0]
        choices = _knapsack_ballot(
            rng, GURO_PROJECTS, _guro_weights(dong, GURO_PROJECTS), GURO_BUDGET
        )
        services.cast_with_code(
            election, code, {"pb": choices}, now=booth_day + dt.timedelta(minutes=11 * i)
        )

    # A batch of 45 paper ballots from the 경로당 visits, keyed in after the close.
    lines = ["# 오류1동·수궁동 경로당 순회 투표함 (종이 투표)"]
    for _i in range(45):
        dong = rng.choice(["오류1동", "수궁동", "개봉1동"])
        choices = _knapsack_ballot(
            rng, GURO_PROJECTS, _guro_weights(dong, GURO_PROJECTS), GURO_BUDGET
        )
        lines.append(";".join(choices))
    services.import_paper_ballots(
        contest,
        ("\n".join(lines) + "\n").encode("utf-8"),
        clerk,
        file_name="paper-batch-1.csv",
        note="경로당 순회 투표함 1",
        now=closes + dt.timedelta(hours=20),
    )

    counted = closes + dt.timedelta(days=2)
    _count_and_publish(
        contest,
        [("greedy", "none"), ("mes_cost", "budget_increase_then_greedy")],
        publish_index=1,
        actor=clerk,
        now=counted,
    )
    return election


def _eunpyeong(today: dt.date, clerk, rng: random.Random) -> Election:
    eunpyeong = District.objects.get(name_ko="은평구")
    opens = _at(today - dt.timedelta(days=40), 10)
    closes = _at(today - dt.timedelta(days=40), 17)
    setup = opens - dt.timedelta(days=10)
    election = services.create_election(
        title=f"{opens.year}년 은평구 주민총회 의제·주민참여예산 우선순위 투표",
        description=(
            "주민총회에서 주민참여예산 사업과 협치 의제를 서로 다른 투표용지로 정합니다. "
            "주민참여예산 사업은 3개까지 고르고, 협치 의제에는 5점을 나누어 줍니다."
        ),
        district=eunpyeong,
        policy_key="eunpyeong-agenda-vote",
        opens_at=opens,
        closes_at=closes,
        budgets={"pb": 300_000_000, "governance": 100_000_000},
        actor=clerk,
    )
    pb = election.contests.get(key="pb")
    gov = election.contests.get(key="governance")
    _add_projects(pb, EUNPYEONG_PB, clerk, setup)
    _add_projects(gov, EUNPYEONG_GOV, clerk, setup)
    users = _voters("eunpyeong", 140)
    pb_weights = [5, 3, 4, 2, 4, 2, 3, 3]
    gov_weights = [3, 4, 2, 3, 2]
    for i, user in enumerate(users):
        moment = opens + dt.timedelta(minutes=2 * i + 1)
        # Self-declared residency is enough here (on site at the 주민총회).
        voter = services.register_voter(
            election, user, eunpyeong, rng.randint(1945, opens.year - 15), now=moment
        )
        picks = rng.choices([r[0] for r in EUNPYEONG_PB], weights=pb_weights, k=rng.randint(1, 4))
        services.cast_ballot(pb, voter, sorted(set(picks))[:3], now=moment)
        points: dict[str, int] = {}
        for _p in range(rng.randint(3, 5)):
            code = rng.choices([r[0] for r in EUNPYEONG_GOV], weights=gov_weights)[0]
            points[code] = points.get(code, 0) + 1
        services.cast_ballot(gov, voter, points, now=moment)
    counted = closes + dt.timedelta(days=1)
    for contest in (pb, gov):
        _count_and_publish(contest, [("greedy", "none")], 0, clerk, counted)
    return election


def _guro_open(today: dt.date, clerk, resident, rng: random.Random) -> Election:
    guro = District.objects.get(name_ko="구로구")
    now = timezone.now()
    opens = min(_at(today - dt.timedelta(days=3)), now - dt.timedelta(hours=1))
    closes = _at(today + dt.timedelta(days=21), 18)
    setup = opens - dt.timedelta(days=7)
    election = services.create_election(
        title=f"{closes.year + 1}년도 구로구 주민참여예산 제안사업 주민투표",
        description=(
            "내년도 예산에 반영할 주민 제안사업 10건 가운데 3억 5,000만 원 안에서 "
            "지지하는 사업을 고르세요. 투표가 끝날 때까지 영수증으로 다시 투표할 수 있습니다."
        ),
        district=guro,
        policy_key="district-pb",
        opens_at=opens,
        closes_at=closes,
        budgets={"pb": GURO_OPEN_BUDGET},
        actor=clerk,
    )
    contest = election.contests.get(key="pb")
    _add_projects(contest, GURO_OPEN_PROJECTS, clerk, setup)
    users = _voters("guro-open", 60)
    services.import_roll(
        election,
        _roll_csv([*users, resident], guro, rng, closes.year),
        clerk,
        file_name="guro-roll-open.csv",
        now=setup,
    )
    voters = list(Voter.objects.filter(election=election).exclude(user=resident).order_by("id"))
    weights = {r[0]: 1.0 for r in GURO_OPEN_PROJECTS}
    ballots = [
        _knapsack_ballot(rng, GURO_OPEN_PROJECTS, weights, GURO_OPEN_BUDGET) for _v in voters
    ]
    start = opens + dt.timedelta(minutes=30)
    # spread the ballots up to now, or up to the close when --today lies in the past
    end = min(now, closes - dt.timedelta(minutes=1))
    step = max((end - start) / (len(voters) + 1), dt.timedelta(seconds=1))
    for i, (voter, choices) in enumerate(zip(voters, ballots, strict=True)):
        services.cast_ballot(contest, voter, choices, now=start + step * i)
    return election


def load(today: dt.date | None = None) -> Result:
    if is_loaded():
        existing = get_user_model().objects.filter(username=RESIDENT).exists()
        users = [(RESIDENT, "resident of 구로구 on the roll of the open vote", False)]
        return Result(False, "Demo votes are already loaded.", users if existing else [])
    today = today or timezone.localdate()
    rng = random.Random(2020)
    with transaction.atomic():
        clerk_guro = _staff("clerk-guro")
        clerk_eunpyeong = _staff("clerk-eunpyeong")
        resident, created = _resident(District.objects.get(name_ko="구로구"))
        _guro_closed(today, clerk_guro, rng)
        _eunpyeong(today, clerk_eunpyeong, rng)
        _guro_open(today, clerk_guro, resident, rng)
    return Result(
        True,
        "Loaded 3 votes: a closed 구로구 vote (counted two ways, published), the 은평구 "
        "two-ballot vote (published), and an open 구로구 vote.",
        [(RESIDENT, "resident of 구로구: on the roll of the open vote, may vote", created)],
    )
