"""Access expectations for /api/v1/ (merged by tests/test_access_matrix.py).

The API has no route yet; each route it gains needs an entry here.
"""

from refuge.core.access_matrix import Expect

EXPECTED: dict[str, Expect] = {}
