"""API of citizen proposals: /api/v1/proposals…"""

from ninja import Router

router = Router()
