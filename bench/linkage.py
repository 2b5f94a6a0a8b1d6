"""Linkage benchmarks: `python -m bench.linkage [--quick]` from the repository root.

- febrl3_f1: FEBRL 3 deduplication (bench/data/febrl3.csv), every column.
- febrl4_f1: link-only run between FEBRL 4a and 4b (shared/data/linkage).
- ru_f1, ru_f1_plain_splink (and ru_f1_fio, ru_f1_plain_splink_fio): a generated list of
  Russian/Chechen people (known truth) in separate columns and in one ФИО column, by Refuge's
  model and by plain Splink (default comparisons, blocking on raw columns, connected
  components), same threshold. The generator's seed is 7; `--seed N` scores another
  population of the same generator (figures printed, not recorded: choices are made on
  seed 3, and seeds 7 and 11 are held out). The generator spells Latin records in ten
  systems, four of which (French, Polish, Czech, Spanish) the name keys were not written from.
- dedupe_1m_f1, dedupe_1m_s, dedupe_1m_peak_mb, dedupe_1m_cpu_s: 1,000,000 generated records
  with phone and passport columns through the `refuge dedupe` path (dedupe_csv) in a child
  process; --quick skips it, as does REFUGE_BENCH_LINKAGE_QUICK=1.
rec_id / entity_id / the generator's truth only ever score.
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

from bench.results import record
from refuge.analysis.linkage.baseline import plain_splink_clusters
from refuge.analysis.linkage.dedupe import LinkageSettings, PersonRecord, dedupe_records
from refuge.analysis.linkage.febrl import FEBRL3, FEBRL_IDENTIFIERS, read_febrl, shared_linkage_data
from refuge.analysis.linkage.files import dedupe_csv
from refuge.analysis.linkage.scoring import pairwise_score
from refuge.analysis.linkage.synthetic import generate, write_csv

RU_RECORDS = 40_000
RU_SEED = 7  # the recorded population; --seed N scores another one
MILLION = 1_000_000
SETTINGS = LinkageSettings(review_limit=0)


def _score(records: Sequence[PersonRecord], truth: Sequence[Any], settings: LinkageSettings,
           label: str) -> float:  # fmt: skip
    started = time.monotonic()
    result = dedupe_records(records, identifiers=FEBRL_IDENTIFIERS, settings=settings)
    score = pairwise_score([result.clusters[r.record_id] for r in records], truth)
    print(f"{label}: P={score.precision:.4f} R={score.recall:.4f} F1={score.f1:.4f} "
          f"in {time.monotonic() - started:.1f}s", flush=True)  # fmt: skip
    return score.f1


def febrl() -> dict[str, float]:
    records, truth = read_febrl(FEBRL3)
    figures = {"febrl3_f1": round(_score(records, truth, SETTINGS, "febrl3"), 4)}
    folder = shared_linkage_data()
    if folder is None:
        print("febrl4: no shared/data/linkage here; skipped")
        return figures
    left, left_truth = read_febrl(folder / "febrl4_a.csv", source="a")
    right, right_truth = read_febrl(folder / "febrl4_b.csv", source="b")
    link = LinkageSettings(link_only=True, review_limit=0)
    figures["febrl4_f1"] = round(_score(left + right, left_truth + right_truth, link, "febrl4"), 4)
    return figures


def _ru_records(
    count: int, *, full_name: bool, seed: int = RU_SEED
) -> tuple[list[PersonRecord], list[int], list]:
    records, truth, raw = [], [], []
    for index, (entity_id, row) in enumerate(generate(count, seed=seed)):
        names: dict[str, Any] = {"given_name": row["имя"], "surname": row["фамилия"],
                 "patronymic": row["отчество"]}  # fmt: skip
        if full_name:
            names = {"full_name": " ".join(v for v in (row["фамилия"], row["имя"],
                                                        row["отчество"]) if v)}  # fmt: skip
        records.append(PersonRecord(f"r{index}", birth=row["год рождения"], place=row["место"],
                                    **names))  # fmt: skip
        truth.append(entity_id)
        raw.append(row)
    return records, truth, raw


def russian(*, full_name: bool, seed: int = RU_SEED) -> dict[str, float]:
    suffix = "_fio" if full_name else ""
    records, truth, raw = _ru_records(RU_RECORDS, full_name=full_name, seed=seed)
    started = time.monotonic()
    result = dedupe_records(records, settings=SETTINGS)
    refuge = pairwise_score([result.clusters[r.record_id] for r in records], truth)
    print(f"ru{suffix}: {len(records)} records of {len(set(truth))} people; Refuge "
          f"P={refuge.precision:.4f} R={refuge.recall:.4f} F1={refuge.f1:.4f} "
          f"in {time.monotonic() - started:.1f}s", flush=True)  # fmt: skip
    rows = [(r["имя"], r["фамилия"], r["отчество"], r["год рождения"], r["место"]) for r in raw]
    plain = pairwise_score(plain_splink_clusters(rows, threshold=SETTINGS.threshold), truth)
    print(f"ru{suffix} plain Splink: P={plain.precision:.4f} R={plain.recall:.4f} "
          f"F1={plain.f1:.4f}", flush=True)  # fmt: skip
    return {
        f"ru_f1{suffix}": round(refuge.f1, 4),
        f"ru_f1_plain_splink{suffix}": round(plain.f1, 4),
    }


def million() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="refuge-bench-") as directory:
        source, destination = Path(directory) / "people.csv", Path(directory) / "clusters.csv"
        started = time.monotonic()
        truth = write_csv(source, MILLION, identifiers=True)
        print(f"1m: generated in {time.monotonic() - started:.0f}s; load {os.getloadavg()}",
              flush=True)  # fmt: skip
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "bench.linkage", "--child", str(source),
                        str(destination)], check=True)  # fmt: skip
        seconds = time.monotonic() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        with destination.open(encoding="utf-8", newline="") as handle:
            clusters = {row["id"]: row["cluster_id"] for row in csv.DictReader(handle)}
    ids = list(truth)
    score = pairwise_score([clusters[i] for i in ids], [truth[i] for i in ids])
    print(f"1m: P={score.precision:.4f} R={score.recall:.4f} F1={score.f1:.4f} in {seconds:.0f}s; "
          f"load after {os.getloadavg()}", flush=True)  # fmt: skip
    return {
        "dedupe_1m_f1": round(score.f1, 4),
        "dedupe_1m_s": round(seconds, 1),
        "dedupe_1m_peak_mb": round(usage.ru_maxrss / 1024),
        # CPU time of the run: on a shared machine wall time also measures the neighbours.
        "dedupe_1m_cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
    }


def _child(source: str, destination: str) -> None:
    started = time.monotonic()

    def progress(stage: str, fraction: float) -> None:
        print(f"  [{time.monotonic() - started:6.1f}s] {stage} {fraction:.0%}", file=sys.stderr,
              flush=True)  # fmt: skip

    run = dedupe_csv(Path(source), Path(destination), id_column="id", progress=progress,
                     settings=SETTINGS)  # fmt: skip
    for line in run.report.lines():
        print(f"  {line}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="skip the 1M-record run")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=RU_SEED,
                        help="score the Cyrillic/Latin set of another generator seed only "
                             "(printed, not recorded)")  # fmt: skip
    arguments = parser.parse_args(argv)
    if arguments.child:
        _child(*arguments.child)
        return
    if arguments.seed != RU_SEED:
        for full_name in (False, True):
            print(russian(full_name=full_name, seed=arguments.seed))
        return
    quick = arguments.quick or os.environ.get("REFUGE_BENCH_LINKAGE_QUICK") == "1"
    record(febrl())
    record(russian(full_name=False))
    record(russian(full_name=True))
    if not quick:
        record(million())


if __name__ == "__main__":
    main()
