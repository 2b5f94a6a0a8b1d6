"""Benchmarks write one flat JSON object, figure name -> number, to .bench/results.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

RESULTS_FILE = Path(os.environ.get("REFUGE_BENCH_RESULTS", ".bench/results.json"))


def record(figures: dict[str, float | int]) -> None:
    """Merge these figures into the results file and print them."""
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    current: dict[str, float | int] = {}
    if RESULTS_FILE.exists():
        current = json.loads(RESULTS_FILE.read_text(encoding="utf-8") or "{}")
    current.update(figures)
    RESULTS_FILE.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for name, value in figures.items():
        print(f"{name} = {value}")
