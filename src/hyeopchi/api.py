"""The HTTP API: /api/v1/…, OpenAPI documentation at /api/docs."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Hyeopchi API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
