"""Linkage benchmarks: `python -m bench.linkage [--quick]` from the repository root.

- febrl4_f1: link-only run between FEBRL 4a and 4b (shared/data/linkage); rec_id and
  entity_id are only used to score.
- ru_f1, ru_f1_plain_splink: a generated list of Russian/Chechen people (known truth)
  deduplicated by Refuge's model and by plain Splink (default string comparisons on the
  raw columns), same training procedure and threshold.
- dedupe_1m_f1, dedupe_1m_s, dedupe_1m_peak_mb (and dedupe_1m_cpu_s): a 1,000,000-record
  generated file through the `refuge dedupe` path (dedupe_csv) in a child process;
  --quick skips it, as does REFUGE_BENCH_LINKAGE_QUICK=1.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from splink import block_on

from bench.results import record
from refuge.analysis.linkage.baseline import plain_splink_clusters
from refuge.analysis.linkage.dedupe import (
    LinkageSettings,
    PersonRecord,
    dedupe_records,
    predict_pairs,
)
from refuge.analysis.linkage.files import dedupe_csv
from refuge.analysis.linkage.model import (
    EngineOptions,
    NameParts,
    TrainingPlan,
    features,
    open_database,
    refuge_blocking,
)
from refuge.analysis.linkage.scoring import pairwise_score
from refuge.analysis.linkage.synthetic import generate, write_csv

DATA = Path(os.environ.get("REFUGE_SHARED_DATA", "/work/shared/data")) / "linkage"
RU_RECORDS = 40_000
MILLION = 1_000_000
THRESHOLD = LinkageSettings().threshold
FEBRL_EXTRAS = (
    "soc_sec_id",
    "postcode",
    "street_number",
    "address_1",
    "address_2",
    "state",
)


def _read_febrl(name: str) -> pd.DataFrame:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = pd.DataFrame.from_records(
        features(
            NameParts(
                given=row["given_name"],
                surname=row["surname"],
                birth=row["date_of_birth"],
                place=row["suburb"],
            )
        )
        for row in rows
    )
    for column in FEBRL_EXTRAS:
        table[column] = [row[column].strip() or None for row in rows]
    table.insert(
        0, "unique_id", [row["rec_id"] for row in rows]
    )  # ids only; never compared
    for column in ("birth_min", "birth_max"):
        table[column] = table[column].astype("Int64")
    return table


def febrl4() -> float:
    """Pairwise F1 of the links found between FEBRL 4a and 4b."""
    started = time.monotonic()
    left, right = _read_febrl("febrl4_a.csv"), _read_febrl("febrl4_b.csv")
    truth = set()
    with (DATA / "febrl4_true_links.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            truth.add((row["rec_id_a"], row["rec_id_b"]))
    connection = open_database(EngineOptions())
    plan = TrainingPlan(
        deterministic_rules=(
            "l.name_pair = r.name_pair AND l.birth_date = r.birth_date",
        ),
        recall=0.7,
        em_rules=(block_on("given_key", "surname_key"), block_on("birth_date")),
    )
    # FEBRL corrupts names heavily: also block on the address and the social-security id.
    blocking = [
        *refuge_blocking(),
        block_on("soc_sec_id"),
        block_on("postcode", "birth_min"),
        block_on("street_number", "address_1"),
        block_on("street_number", "address_2"),
        block_on("street_number", "place_key"),
    ]
    _, predictions = predict_pairs(
        [left, right], connection, lowest_probability=THRESHOLD, link_type="link_only",
        extra_columns=FEBRL_EXTRAS, blocking=blocking, plan=plan,
    )  # fmt: skip
    found = set()
    left_ids = set(left["unique_id"])
    rows = connection.execute(
        f"SELECT unique_id_l, unique_id_r FROM {predictions}"
    ).fetchall()
    for id_left, id_right in rows:
        found.add((id_left, id_right) if id_left in left_ids else (id_right, id_left))
    connection.close()
    correct = len(found & truth)
    precision = correct / len(found) if found else 0.0
    recall = correct / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
    print(
        f"febrl4: P={precision:.4f} R={recall:.4f} in {time.monotonic() - started:.1f}s"
    )
    return f1


def _ru_records(
    count: int,
) -> tuple[list[PersonRecord], list[int], list[dict[str, str]]]:
    records, truth, raw = [], [], []
    for index, (entity_id, row) in enumerate(generate(count)):
        records.append(
            PersonRecord(
                f"r{index}",
                given_name=row["имя"],
                surname=row["фамилия"],
                patronymic=row["отчество"],
                birth=row["год рождения"],
                place=row["место"],
            )
        )
        truth.append(entity_id)
        raw.append(row)
    return records, truth, raw


def plain_splink_f1(raw: Sequence[dict[str, str]], truth: Sequence[int]) -> float:
    """Plain Splink: default comparisons and blocking on the raw columns."""
    rows = [
        (row["имя"], row["фамилия"], row["отчество"], row["год рождения"], row["место"])
        for row in raw
    ]
    return pairwise_score(plain_splink_clusters(rows, threshold=THRESHOLD), truth).f1


def russian() -> tuple[float, float]:
    records, truth, raw = _ru_records(RU_RECORDS)
    started = time.monotonic()
    result = dedupe_records(records)
    refuge = pairwise_score([result.clusters[r.record_id] for r in records], truth)
    print(
        f"ru: {len(records)} records of {len(set(truth))} people; Refuge P={refuge.precision:.4f} "
        f"R={refuge.recall:.4f} in {time.monotonic() - started:.1f}s"
    )
    return refuge.f1, plain_splink_f1(raw, truth)


def million() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="refuge-bench-") as directory:
        source, destination = (
            Path(directory) / "people.csv",
            Path(directory) / "clusters.csv",
        )
        started = time.monotonic()
        truth = write_csv(source, MILLION)
        print(f"1m: generated in {time.monotonic() - started:.0f}s", flush=True)
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.linkage",
                "--child",
                str(source),
                str(destination),
            ],
            check=True,
        )
        seconds = time.monotonic() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mb = usage.ru_maxrss / 1024
        cpu_seconds = usage.ru_utime + usage.ru_stime
        with destination.open(encoding="utf-8", newline="") as handle:
            clusters = {row["id"]: row["cluster_id"] for row in csv.DictReader(handle)}
    ids = list(truth)
    score = pairwise_score([clusters[i] for i in ids], [truth[i] for i in ids])
    print(f"1m: P={score.precision:.4f} R={score.recall:.4f}")
    return {
        "dedupe_1m_f1": round(score.f1, 4),
        "dedupe_1m_s": round(seconds, 1),
        "dedupe_1m_peak_mb": round(peak_mb),
        # CPU time of the run: on a shared machine wall time also measures the neighbours.
        "dedupe_1m_cpu_s": round(cpu_seconds, 1),
    }


def _child(source: str, destination: str) -> None:
    started = time.monotonic()

    def progress(stage: str, fraction: float) -> None:
        print(
            f"  [{time.monotonic() - started:6.1f}s] {stage} {fraction:.0%}",
            file=sys.stderr,
            flush=True,
        )

    dedupe_csv(Path(source), Path(destination), id_column="id", progress=progress)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--quick", action="store_true", help="skip the 1M-record run")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.child:
        _child(*arguments.child)
        return
    quick = arguments.quick or os.environ.get("REFUGE_BENCH_LINKAGE_QUICK") == "1"
    figures: dict[str, Any] = {"febrl4_f1": round(febrl4(), 4)}
    record(figures)
    ru, plain = russian()
    record({"ru_f1": round(ru, 4), "ru_f1_plain_splink": round(plain, 4)})
    if not quick:
        record(million())


if __name__ == "__main__":
    main()
