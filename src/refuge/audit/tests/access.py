"""Access expectations for the audit log (merged by tests/test_access_matrix.py)."""

from refuge.accounts.roles import Role
from refuge.testing.access_matrix import Effect, console

EXPECTED = {
    "audit:log": console({Role.COORDINATOR}),
}

EFFECTS = {"audit:log": Effect.read_only("a filter form over the log: nothing is written")}
