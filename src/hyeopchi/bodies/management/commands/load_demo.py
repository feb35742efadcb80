"""`django-admin load_demo`: load the demo data once (see hyeopchi.bodies.demo)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from hyeopchi.bodies import demo
from hyeopchi.participation import demo as participation_demo
from hyeopchi.participation import demo_agendas, demo_forums, demo_proposals
from hyeopchi.plans import demo as plans_demo
from hyeopchi.voting import demo as voting_demo


class Command(BaseCommand):
    help = (
        "Load the demo data (fictional people; the 2017 regional council, the Seoul "
        "Governance Council, the Guro-gu council, an Eunpyeong-gu body) and the demo "
        "accounts. Does nothing if the demo data is already there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="treat this day (YYYY-MM-DD) as today when placing recent and upcoming "
            "meetings (default: the current date in Seoul)",
        )

    def handle(self, *args, **options):
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today: {exc}") from exc
        result = demo.load(today=today)
        forums = demo_forums.load(today=today)
        self.stdout.write(forums.summary)
        votes = voting_demo.load(today=today)
        self.stdout.write(votes.summary)
        result.users.extend(votes.users)
        proposals = demo_proposals.load(today=today)
        self.stdout.write(proposals.summary)
        result.users.extend(u for u in proposals.users if u[0] not in {v[0] for v in result.users})
        self.stdout.write(demo_agendas.load(today=today).summary)
        self.stdout.write(participation_demo.load(today=today).summary)
        plans = plans_demo.load(today=today)
        self.stdout.write(plans.summary)
        result.users.extend(plans.users)
        style = self.style.SUCCESS if result.loaded else self.style.WARNING
        self.stdout.write(style(result.summary))
        if not result.users:
            return
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for each: {demo.PASSWORD}):")
        for username, description, created in result.users:
            note = "" if created or not result.loaded else " (existing account left unchanged)"
            self.stdout.write(f"  {username:<16} {description}{note}")
