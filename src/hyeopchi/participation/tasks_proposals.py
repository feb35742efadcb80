"""The daily clock run of citizen proposals as a background task (Django's Tasks API).

``participation_tick.enqueue()`` from a scheduler; a worker (``django-admin db_worker``)
runs it. The same work is ``django-admin participation_tick``.
"""

from __future__ import annotations

from django_tasks import task

from . import proposal_services


@task()
def participation_tick() -> str:
    return str(proposal_services.tick())
