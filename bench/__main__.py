"""`python -m bench [all|GROUP]` (make bench BENCH=...): GROUP is one of GROUPS below.

Each group is a module bench/<group>.py with a `main()` that prints its figures and records
them through bench.results.record. A group whose module is not there yet is reported as not
available and skipped.
"""

from __future__ import annotations

import importlib
import sys

GROUPS = ("intake", "vault", "console", "linkage", "estimate", "load", "alarms", "channels")


def run_group(name: str) -> bool:
    try:
        module = importlib.import_module(f"bench.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"bench.{name}":
            raise
        print(f"bench {name}: not available (no bench/{name}.py yet); skipped")
        return False
    print(f"bench {name}:", flush=True)
    sys.argv = [f"bench.{name}"]  # groups with options of their own see none of ours
    module.main()
    return True


def main(argv: list[str]) -> int:
    choice = argv[0] if argv else "all"
    if choice != "all" and choice not in GROUPS:
        print(
            f"unknown bench group {choice!r}; choose all or one of: {', '.join(GROUPS)}",
            file=sys.stderr,
        )
        return 2
    for name in GROUPS if choice == "all" else (choice,):
        run_group(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
