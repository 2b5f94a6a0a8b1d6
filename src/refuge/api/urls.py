"""The partners' REST API (/api/v1/, schema at /api/v1/openapi.json).

Only what is safe without authentication is exposed today; partner endpoints come with
token authentication and their own access rules (see docs/architecture.md).
"""

from django.urls import path
from ninja import NinjaAPI, Schema

api = NinjaAPI(title="Refuge API", version="1", docs_url=None, urls_namespace="api")


class Status(Schema):
    status: str
    api_version: str


@api.get("/status", response=Status, summary="Is the API up?")
def status(request: object) -> Status:
    return Status(status="ok", api_version="1")


urlpatterns = [path("", api.urls)]
