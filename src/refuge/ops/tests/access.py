"""Access expectations for ops' routes (merged by tests/test_access_matrix.py)."""

from __future__ import annotations

from refuge.accounts.roles import Role
from refuge.testing.access_matrix import console

EXPECTED = {
    # Coordinators run the installation: the scheduled work is theirs to watch.
    "ops:scheduled_work": console({Role.COORDINATOR}),
}
