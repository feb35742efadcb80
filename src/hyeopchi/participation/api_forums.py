"""API of forums (공론장) and the process-management DB (과정관리DB) under /api/v1/forums…."""

from ninja import Router

router = Router(tags=["forums"])
