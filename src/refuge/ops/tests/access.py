"""Access expectations for ops' routes (merged by tests/test_access_matrix.py)."""

from __future__ import annotations

from refuge.accounts.roles import Role
from refuge.testing.access_matrix import console, public

EXPECTED = {
    # Coordinators run the installation: the scheduled work is theirs to watch.
    "ops:scheduled_work": console({Role.COORDINATOR}),
    # The test client comes from 127.0.0.1, which REFUGE_METRICS_ALLOW lists by default;
    # other addresses are refused in ops/tests/test_metrics.py.
    "metrics": public(),
}
