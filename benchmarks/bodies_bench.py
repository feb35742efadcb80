"""Rule checks and pages of a large body: 300 members, 240 meetings."""

from __future__ import annotations

import datetime as dt
import random

from django.test import Client
from django.utils import timezone

from hyeopchi.bodies import rules, services
from hyeopchi.bodies.composition import MemberFact, composition_findings
from hyeopchi.bodies.models import Attendance, Body, Meeting, Membership
from hyeopchi.bodies.rulebooks import rulebook_for
from hyeopchi.core.models import District
from hyeopchi.directory.models import Person


def seed(members: int = 300, meetings: int = 240) -> Body:
    rng = random.Random(7)
    guro = District.objects.get(name_ko="구로구")
    body = Body.objects.create(
        name="벤치마크 협치회의",
        kind="council",
        scope="district",
        district=guro,
        rulebook_key="guro-council",
        established_on=dt.date(2019, 5, 2),
    )
    people = Person.objects.bulk_create(
        Person(name=f"벤치{i:04d}", gender=rng.choice("FM")) for i in range(members)
    )
    Membership.objects.bulk_create(
        Membership(
            body=body,
            person=p,
            sector=rng.choice(["civil"] * 8 + ["admin", "district_councillor"]),
            appointment=rng.choice(["appointed"] * 5 + ["ex_officio"]),
            start_date=dt.date(2019, 7, 1),
            term_end=dt.date(2021, 6, 30),
        )
        for p in people
    )
    start = timezone.make_aware(dt.datetime(2019, 7, 4, 10))
    rows = Meeting.objects.bulk_create(
        Meeting(body=body, number=i + 1, starts_at=start + dt.timedelta(days=3 * i))
        for i in range(meetings)
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=rows[0], person=p, capacity="member") for p in people[: members // 2 + 1]
    )
    return body


def run(measure) -> None:
    body = seed()
    day = dt.date(2020, 6, 1)
    rulebook = rulebook_for(body, day)
    facts = [
        MemberFact(
            m.pk,
            m.person_id,
            m.person.name,
            m.sector,
            m.appointment,
            m.person.gender,
            m.role,
            start_date=m.start_date,
            term_end=m.term_end,
        )
        for m in services.members_on(body, day)
    ]
    measure(
        "pure: motion_outcome x10,000",
        lambda: [
            rules.motion_outcome(rulebook, amendment=False, enrolled=300, present=151, yes=i % 152)
            for i in range(10_000)
        ],
    )
    measure(
        "pure: composition_findings, 300 members", lambda: composition_findings(rulebook, facts)
    )
    measure("db: composition(body, date), 300 members", lambda: services.composition(body, day))
    meeting = body.meetings.first()
    measure("db: meeting_quorum, 151 present of 300", lambda: services.meeting_quorum(meeting))
    client = Client()
    for label, url in [
        ("http: body page (300 members, 240 meetings)", f"/bodies/{body.pk}/"),
        ("http: meeting page", f"/meetings/{meeting.pk}/"),
        ("http: api composition", f"/api/v1/bodies/{body.pk}/composition?date=2020-06-01"),
    ]:
        if client.get(url).status_code == 200:
            measure(label, lambda url=url: client.get(url))
        else:
            print(f"{label:<58} (not available: {client.get(url).status_code})")
