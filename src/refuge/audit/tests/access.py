"""Access expectations for the audit log (merged by tests/test_access_matrix.py)."""

from refuge.accounts.roles import Role
from refuge.core.access_matrix import console

EXPECTED = {
    "audit:log": console({Role.COORDINATOR}),
}
