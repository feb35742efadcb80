"""Advance the proposal clocks to today and flag missed deadlines (idempotent).

Run it daily (cron, or a scheduler that enqueues ``tasks_proposals.participation_tick``):
a second run on the same day changes nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hyeopchi.participation import proposal_services


class Command(BaseCommand):
    help = "Advance citizen-proposal clocks (thresholds, expiry, debates) and flag overdue items."

    def handle(self, *args, **options):
        result = proposal_services.tick()
        self.stdout.write(str(result))
