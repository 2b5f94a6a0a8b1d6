"""Access expectations for core's routes (merged by tests/test_access_matrix.py)."""

from refuge.testing.access_matrix import Effect, console, public

EXPECTED = {
    "healthz": public(),
    "console:home": console(),
}

EFFECTS = {"console:home": Effect.read_only("the console home: a POST shows it")}
