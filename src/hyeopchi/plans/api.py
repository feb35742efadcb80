"""API of the Community Innovation Plan under /api/v1/plans… and /api/v1/cycles….

Each area of the app keeps its own router (``api_<area>.py``); this module gathers them
into one router that core's API registers. Add one ``add_router`` line per area.
"""

from ninja import Router

from .api_changes import router as changes_router
from .api_documents import router as documents_router
from .api_execution import router as execution_router
from .api_plans import router as plans_router
from .api_submission import router as submission_router

router = Router(tags=["plans"])

router.add_router("", plans_router)
router.add_router("", submission_router)
router.add_router("", documents_router)
router.add_router("", changes_router)
router.add_router("", execution_router)
