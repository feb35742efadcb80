"""API of the Community Innovation Plan under /api/v1/plans… and /api/v1/cycles….

Each area of the app keeps its own router (``api_<area>.py``); this module gathers them
into one router that core's API registers. Add one ``add_router`` line per area.
"""

from ninja import Router

router = Router(tags=["plans"])
