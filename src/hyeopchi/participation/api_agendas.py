"""API of agendas (의제) and priority rounds under /api/v1/agendas… and /api/v1/priority…."""

from ninja import Router

router = Router(tags=["agendas"])
