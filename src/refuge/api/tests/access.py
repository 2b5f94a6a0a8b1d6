"""Access expectations for /api/v1/ (merged by tests/test_access_matrix.py)."""

from refuge.core.access_matrix import public

EXPECTED = {
    "api:status": public(),
    "api:openapi-json": public(),
    # django-ninja names its root; with the interactive docs switched off nothing lives there.
    "api:api-root": public(404),
}
