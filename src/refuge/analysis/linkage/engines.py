"""Where Splink runs: an in-memory DuckDB (default) or Spark (`--engine spark`).

DuckDB keeps names off the disk: the database is `:memory:` and spilling is forbidden unless
the caller names a protected spill directory. Spark runs in local mode by default
(`local[*]`), or against a cluster named by `spark_master` / `REFUGE_SPARK_MASTER`; its
shuffle and spill files are encrypted (`spark.io.encryption.enabled`) and written under a
temporary directory that is removed at the end of the run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from splink import DuckDBAPI

from refuge.analysis.linkage.comparisons import DUCKDB, SPARK, Dialect
from refuge.analysis.linkage.errors import EngineUnavailable, LinkageError


class EngineKind(StrEnum):
    DUCKDB = "duckdb"
    SPARK = "spark"


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """How the backend may use the machine.

    spill_directory (DuckDB): None forbids DuckDB to write temporary files (a run that does
    not fit in memory fails instead); a directory allows spilling there, and it must be one
    the organisation controls (encrypted, or a RAM-backed tmpfs), since spilled blocks hold
    names in clear.
    spark_master: None is `local[*]` (or REFUGE_SPARK_MASTER when set); spark_session: an
    existing session to use (and leave running), as tests and notebooks have.
    """

    memory_limit: str = "8GB"
    threads: int | None = None
    spill_directory: Path | None = None
    kind: EngineKind = EngineKind.DUCKDB
    spark_master: str | None = None
    spark_session: Any = None
    spark_partitions: int = 8


def _safe_size(value: str) -> str:
    if not value or not all(char.isalnum() or char in ". " for char in value):
        raise LinkageError("The memory limit must look like '8GB'.")
    return value


class DuckDBEngine:
    """An in-memory DuckDB that keeps names off the disk."""

    dialect: Dialect = DUCKDB

    def __init__(self, options: EngineOptions) -> None:
        self.connection = open_database(options)
        self.db_api = DuckDBAPI(connection=self.connection)

    def fetch(self, table: str, columns: tuple[str, ...]) -> dict[str, np.ndarray]:
        selected = ", ".join(columns)
        fetched: dict[str, np.ndarray] = self.connection.execute(
            f"SELECT {selected} FROM {table}"
        ).fetchnumpy()
        return {name: np.asarray(values) for name, values in fetched.items()}

    def close(self) -> None:
        self.connection.close()


def open_database(options: EngineOptions) -> duckdb.DuckDBPyConnection:
    """Open an in-memory DuckDB that keeps names off the disk."""
    connection = duckdb.connect(":memory:")
    # DuckDB's in-memory default spills to "./.tmp": always set it explicitly.
    if options.spill_directory is None:
        connection.execute("SET temp_directory = ''")
    else:
        options.spill_directory.mkdir(parents=True, exist_ok=True)
        connection.execute("SET temp_directory = ?", [str(options.spill_directory)])
    connection.execute(f"SET memory_limit = '{_safe_size(options.memory_limit)}'")
    connection.execute("SET preserve_insertion_order = false")
    connection.execute("SET enable_progress_bar = false")
    if options.threads:
        connection.execute(f"SET threads = {int(options.threads)}")
    return connection


class SparkEngine:
    """Splink's Spark backend; local mode unless a master is named."""

    dialect: Dialect = SPARK

    def __init__(self, options: EngineOptions) -> None:
        try:
            from pyspark.sql import SparkSession
            from splink.backends.spark import SparkAPI
        except ImportError as error:
            raise EngineUnavailable(
                "The Spark engine needs the optional extra: pip install 'refuge[spark]' "
                "(and Java 17 or newer)."
            ) from error
        self.local_directory: str | None = None
        self.owns_session = options.spark_session is None
        self.spark = options.spark_session or self._start(SparkSession, options)
        self.db_api = SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=self.spark, break_lineage_method="persist"
        )

    def _start(self, session_class: Any, options: EngineOptions) -> Any:
        self.local_directory = tempfile.mkdtemp(prefix="refuge-spark-")
        try:
            return spark_session_builder(session_class, options, self.local_directory).getOrCreate()
        except Exception as error:
            shutil.rmtree(self.local_directory, ignore_errors=True)
            raise EngineUnavailable(
                f"Spark could not start ({type(error).__name__}): is Java 17+ installed "
                "and JAVA_HOME set?"
            ) from error

    def fetch(self, table: str, columns: tuple[str, ...]) -> dict[str, np.ndarray]:
        frame: pd.DataFrame = self.spark.table(table).select(*columns).toPandas()
        return {name: frame[name].to_numpy() for name in columns}

    def close(self) -> None:
        if self.owns_session:
            self.spark.stop()
        if self.local_directory:
            shutil.rmtree(self.local_directory, ignore_errors=True)


def spark_session_builder(session_class: Any, options: EngineOptions, local_directory: str) -> Any:
    """A SparkSession builder with Splink's similarity functions and encrypted local files."""
    from splink.backends.spark import similarity_jar_location

    master = options.spark_master or os.environ.get("REFUGE_SPARK_MASTER") or "local[*]"
    builder = (
        session_class.builder.master(master)
        .appName("refuge-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(options.spark_partitions))
        .config("spark.default.parallelism", str(options.spark_partitions))
        # Shuffle and spill files hold names: encrypt them, and keep them in a directory
        # removed after the run.
        .config("spark.io.encryption.enabled", "true")
        .config("spark.local.dir", local_directory)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", _safe_size(options.memory_limit).lower().replace("b", ""))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    return builder


Engine = DuckDBEngine | SparkEngine


def open_engine(options: EngineOptions) -> Engine:
    if options.kind is EngineKind.SPARK:
        return SparkEngine(options)
    return DuckDBEngine(options)
