"""The demo data `make demo` loads: users, the 2017 regional council (seed 004), the Seoul
Governance Council and its subcommittees, the Guro-gu council with subcommittees and working
groups (seed 002), and a small Eunpyeong-gu body. People are fictional.

Loading is all-or-nothing (one transaction) and happens once: if the demo bodies are already
there, :func:`load` changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hyeopchi.core.models import District, Role, RoleAssignment

from .demo_guro import GuroDemo, load_eunpyeong
from .demo_kit import Kit
from .demo_people import Cast
from .demo_regional import load as load_regional
from .models import Body

PASSWORD = "demo-password"
MARKER_BODY = "협치서울지역협의회"

# username, role, district (Korean name), what the account shows
USERS: list[tuple[str, str, str | None, str]] = [
    ("admin", Role.ADMINISTRATOR, None, "superuser: everything, and the Django admin"),
    ("city-officer", Role.CITY_OFFICER, None, "city officer (서울협치담당관): all districts"),
    ("clerk-guro", Role.DISTRICT_STAFF, "구로구", "구로구 secretariat: Guro bodies only"),
    ("clerk-eunpyeong", Role.DISTRICT_STAFF, "은평구", "은평구 secretariat: Eunpyeong only"),
]


@dataclass
class Result:
    loaded: bool
    summary: str
    users: list[tuple[str, str, bool]]  # username, description, created now


def is_loaded() -> bool:
    return Body.objects.filter(name=MARKER_BODY).exists()


def _users() -> tuple[dict[str, object], list[tuple[str, str, bool]]]:
    User = get_user_model()
    made, report = {}, []
    for username, role, district_name, description in USERS:
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            if username == "admin":
                user = User.objects.create_superuser(username, "admin@example.org", PASSWORD)
            else:
                user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
        district = District.objects.get(name_ko=district_name) if district_name else None
        RoleAssignment.objects.get_or_create(user=user, role=role, district=district)
        made[username] = user
        report.append((username, description, created))
    return made, report


def load(today: dt.date | None = None) -> Result:
    if is_loaded():
        _made, users = _users_readonly()
        return Result(False, "Demo data is already loaded; nothing was changed.", users)
    today = today or timezone.localdate()
    with transaction.atomic():
        users, report = _users()
        kit = Kit(today=today)
        cast = Cast()
        load_regional(kit, cast, users["city-officer"])
        GuroDemo(kit, cast, users["clerk-guro"]).load()
        load_eunpyeong(kit, cast, users["clerk-eunpyeong"])
    return Result(True, f"Loaded {kit.counter.as_text()}.", report)


def _users_readonly():
    User = get_user_model()
    existing = set(User.objects.values_list("username", flat=True))
    return {}, [(u, d, False) for u, _r, _d, d in USERS if u in existing]
