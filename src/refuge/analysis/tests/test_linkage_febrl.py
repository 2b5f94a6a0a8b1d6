"""FEBRL 3 (deduplication) and FEBRL 4 (two lists) with every column: F1 at or above 0.995.

The same model on Splink's Spark backend (local mode, one session for the module) reaches
the same F1 on a part of each set. Spark runs hundreds of small jobs for one linkage: on two
cores these two tests take over ten minutes, so `make test` leaves them to `make test-spark`
(REFUGE_TEST_SPARK=1) and says so.
"""

from __future__ import annotations

import os
import shutil

import pytest

from refuge.analysis.linkage import EngineKind, EngineOptions, LinkageSettings, dedupe_records
from refuge.analysis.linkage.febrl import (
    FEBRL3,
    FEBRL_IDENTIFIERS,
    read_febrl,
    shared_linkage_data,
)
from refuge.analysis.linkage.scoring import pairwise_score

pytestmark = pytest.mark.slow
SPARK_RECORDS = 600


def _febrl4(limit: int | None = None):
    folder = shared_linkage_data()
    if folder is None:
        pytest.skip("SKIPPED LOUDLY: no copy of shared/data/linkage (FEBRL 4) on this machine")
    left, left_truth = read_febrl(folder / "febrl4_a.csv", source="a")
    right, right_truth = read_febrl(folder / "febrl4_b.csv", source="b")
    if limit:
        wanted = set(left_truth[:limit])
        left = [r for r, e in zip(left, left_truth, strict=True) if e in wanted]
        right = [r for r, e in zip(right, right_truth, strict=True) if e in wanted]
        left_truth = [e for e in left_truth if e in wanted]
        right_truth = [e for e in right_truth if e in wanted]
    return left + right, left_truth + right_truth


def _f1(records, truth, settings: LinkageSettings) -> float:
    result = dedupe_records(records, identifiers=FEBRL_IDENTIFIERS, settings=settings)
    return pairwise_score([result.clusters[r.record_id] for r in records], truth).f1


def test_febrl3_dedupe_f1_is_at_least_0_995() -> None:
    records, truth = read_febrl(FEBRL3)
    assert _f1(records, truth, LinkageSettings(review_limit=0)) >= 0.995


def test_febrl4_link_only_f1_is_at_least_0_995() -> None:
    records, truth = _febrl4()
    assert _f1(records, truth, LinkageSettings(link_only=True, review_limit=0)) >= 0.995


@pytest.fixture(scope="module")
def spark():
    if os.environ.get("REFUGE_TEST_SPARK") != "1":
        pytest.skip("SKIPPED LOUDLY: the Spark engine's tests run with `make test-spark`")
    pyspark = pytest.importorskip(
        "pyspark", reason="SKIPPED LOUDLY: pyspark not installed (pip install 'refuge[spark]')"
    )
    if shutil.which("java") is None:
        pytest.skip("SKIPPED LOUDLY: no Java on this machine: the Spark engine is untested")
    from refuge.analysis.linkage.engines import SparkEngine

    engine = SparkEngine(EngineOptions(kind=EngineKind.SPARK, memory_limit="2GB",
                                       spark_partitions=4))  # fmt: skip
    assert pyspark.__version__
    yield engine.spark
    engine.owns_session = True
    engine.close()


def _spark_settings(session, *, link_only: bool = False) -> LinkageSettings:
    options = EngineOptions(kind=EngineKind.SPARK, spark_session=session, spark_partitions=4)
    return LinkageSettings(link_only=link_only, review_limit=0, engine=options)


def test_spark_dedupes_febrl3_as_duckdb_does(spark) -> None:
    records, truth = read_febrl(FEBRL3)
    records, truth = records[:SPARK_RECORDS], truth[:SPARK_RECORDS]
    duckdb_f1 = _f1(records, truth, LinkageSettings(review_limit=0))
    spark_f1 = _f1(records, truth, _spark_settings(spark))
    assert spark_f1 >= 0.99
    assert abs(spark_f1 - duckdb_f1) <= 0.005


def test_spark_links_febrl4_as_duckdb_does(spark) -> None:
    records, truth = _febrl4(limit=SPARK_RECORDS // 2)
    duckdb_f1 = _f1(records, truth, LinkageSettings(link_only=True, review_limit=0))
    spark_f1 = _f1(records, truth, _spark_settings(spark, link_only=True))
    assert spark_f1 >= 0.99
    assert abs(spark_f1 - duckdb_f1) <= 0.005
