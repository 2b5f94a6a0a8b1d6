"""Access expectations for core's routes (merged by tests/test_access_matrix.py)."""

from refuge.core.access_matrix import Effect, console, public

EXPECTED = {
    "healthz": public(),
    "core:home": console(),
}

EFFECTS = {"core:home": Effect.read_only("the console home: a POST shows it")}
