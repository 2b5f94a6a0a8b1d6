"""Access expectations for core's routes (merged by tests/test_access_matrix.py)."""

from refuge.core.access_matrix import console, public

EXPECTED = {
    "healthz": public(),
    "core:home": console(),
}
