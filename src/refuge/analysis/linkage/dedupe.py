"""A deduplication run: records in, clusters and pairs for review out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd
from splink import DuckDBAPI
from splink.clustering import cluster_pairwise_predictions_at_threshold

from refuge.analysis.linkage.errors import DuplicateIds, EmptyInput, LinkageError
from refuge.analysis.linkage.model import (
    EngineOptions,
    NameParts,
    Progress,
    TrainingPlan,
    build_linker,
    features,
    open_database,
    quiet_splink,
    refuge_blocking,
    refuge_comparisons,
    refuge_training,
    train,
)


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One mention of a person: a testimony, or a row of another organisation's list."""

    record_id: str
    full_name: str | None = None
    given_name: str | None = None
    surname: str | None = None
    patronymic: str | None = None
    birth: str | None = None
    place: str | None = None


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """Two records and the model's probability that they are one person."""

    first_id: str
    second_id: str
    match_probability: float


@dataclass(frozen=True, slots=True)
class LinkageSettings:
    """Thresholds of a run and how it may use the machine."""

    threshold: float = 0.7
    review_low: float = 0.3
    review_high: float = 0.9
    engine: EngineOptions = field(default_factory=EngineOptions)


@dataclass(frozen=True, slots=True)
class LinkageResult:
    """Clusters (record id -> cluster id) and the pairs an analyst should look at."""

    clusters: Mapping[str, str]
    uncertain_pairs: tuple[ScoredPair, ...]
    cluster_count: int
    pair_count: int


def _no_progress(stage: str, fraction: float) -> None:
    """Default progress callback: say nothing."""


def dedupe_records(
    records: Iterable[PersonRecord],
    *,
    decisions: Mapping[frozenset[str], bool] | None = None,
    settings: LinkageSettings | None = None,
    progress: Progress | None = None,
) -> LinkageResult:
    """Cluster records that are one person; analysts' earlier decisions are honoured.

    `decisions` maps a pair of record ids to True (same person) or False (different):
    an accepted pair is linked whatever the model says; a rejected pair never gets an
    edge, and if other links still join it, its cluster is split so that it does not.
    """
    settings = settings or LinkageSettings()
    report = progress or _no_progress
    ids, table = _feature_table(records, report)
    connection = open_database(settings.engine)
    try:
        return _dedupe(ids, table, connection, settings, decisions or {}, report)
    except duckdb.OutOfMemoryException as error:
        raise LinkageError(
            "The run needs more memory than allowed: raise the memory limit or allow "
            "spilling to a protected directory."
        ) from error
    finally:
        connection.close()


def _feature_table(
    records: Iterable[PersonRecord], report: Progress
) -> tuple[list[str], pd.DataFrame]:
    ids: list[str] = []
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for record in records:
        if record.record_id in seen:
            raise DuplicateIds(f"Record id {record.record_id!r} appears more than once.")
        seen.add(record.record_id)
        ids.append(record.record_id)
        rows.append(
            features(
                NameParts(
                    record.full_name,
                    record.given_name,
                    record.surname,
                    record.patronymic,
                    record.birth,
                    record.place,
                )
            )
        )
        if len(rows) % 100_000 == 0:
            report("normalising", 0.0)
    if not rows:
        raise EmptyInput("There are no records to link.")
    table = pd.DataFrame.from_records(rows)
    table.insert(0, "unique_id", range(len(rows)))
    for column in ("birth_min", "birth_max"):
        table[column] = table[column].astype("Int64")
    report("normalising", 1.0)
    return ids, table


def predict_pairs(
    tables: Sequence[pd.DataFrame],
    connection: duckdb.DuckDBPyConnection,
    *,
    lowest_probability: float,
    link_type: str = "dedupe_only",
    extra_columns: Sequence[str] = (),
    blocking: Sequence[Any] | None = None,
    plan: TrainingPlan | None = None,
    progress: Progress = _no_progress,
) -> tuple[DuckDBAPI, str]:
    """Train the Refuge model on these feature tables; return the scored pairs' table."""
    quiet_splink()
    db_api = DuckDBAPI(connection=connection)
    linker = build_linker(
        tables,
        db_api,
        comparisons=refuge_comparisons(extra_columns),
        blocking=blocking if blocking is not None else refuge_blocking(),
        link_type=link_type,
    )
    train(linker, plan or refuge_training(), progress)
    progress("scoring", 0.0)
    predictions = linker.inference.predict(threshold_match_probability=lowest_probability)
    progress("scoring", 1.0)
    return db_api, predictions.physical_name


def _dedupe(  # noqa: PLR0917 - internal step of one pipeline
    ids: list[str],
    table: pd.DataFrame,
    connection: duckdb.DuckDBPyConnection,
    settings: LinkageSettings,
    decisions: Mapping[frozenset[str], bool],
    report: Progress,
) -> LinkageResult:
    if len(ids) == 1:
        return LinkageResult({ids[0]: "1"}, (), 1, 0)
    lowest = min(settings.review_low, settings.threshold)
    db_api, predictions = predict_pairs(
        [table], connection, lowest_probability=lowest, progress=report
    )
    report("clustering", 0.0)
    index = {record_id: position for position, record_id in enumerate(ids)}
    accepted, rejected = _decision_pairs(decisions, index)
    connection.register(
        "refuge_accepted", pd.DataFrame(accepted, columns=["l", "r"], dtype="int64")
    )
    connection.register(
        "refuge_rejected", pd.DataFrame(rejected, columns=["l", "r"], dtype="int64")
    )
    connection.execute(
        f"""
        CREATE TABLE refuge_edges AS
        SELECT least(unique_id_l, unique_id_r) AS unique_id_l,
               greatest(unique_id_l, unique_id_r) AS unique_id_r, match_probability
        FROM {predictions} p
        WHERE NOT EXISTS (
            SELECT 1 FROM refuge_rejected d
            WHERE d.l = least(p.unique_id_l, p.unique_id_r)
              AND d.r = greatest(p.unique_id_l, p.unique_id_r))
        UNION ALL SELECT l, r, 1.0 FROM refuge_accepted
        """
    )
    connection.execute(
        "CREATE TABLE refuge_nodes AS SELECT unique_id FROM range(?) t(unique_id)",
        [len(ids)],
    )
    clustered = cluster_pairwise_predictions_at_threshold(
        "refuge_nodes", "refuge_edges", db_api, "unique_id",
        threshold_match_probability=settings.threshold,
    )  # fmt: skip
    cluster_of = _cluster_array(connection, clustered.physical_name, len(ids))
    if rejected:
        _split_rejected(connection, cluster_of, rejected, settings.threshold)
    uncertain = connection.execute(
        "SELECT unique_id_l, unique_id_r, match_probability FROM refuge_edges "
        "WHERE match_probability >= ? AND match_probability < ? ORDER BY match_probability DESC",
        [settings.review_low, settings.review_high],
    ).fetchall()
    pair_count = connection.execute("SELECT count(*) FROM refuge_edges").fetchone()
    report("clustering", 1.0)
    labels = _labels(cluster_of)
    return LinkageResult(
        clusters={record_id: labels[position] for position, record_id in enumerate(ids)},
        uncertain_pairs=tuple(
            ScoredPair(ids[left], ids[right], float(p)) for left, right, p in uncertain
        ),
        cluster_count=len(set(labels)),
        pair_count=int(pair_count[0]) if pair_count else 0,
    )


def _decision_pairs(
    decisions: Mapping[frozenset[str], bool], index: Mapping[str, int]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    accepted: list[tuple[int, int]] = []
    rejected: list[tuple[int, int]] = []
    for pair, same in decisions.items():
        members = [index[record_id] for record_id in pair if record_id in index]
        if len(members) != 2:
            continue  # a decision about a record not in this run
        left, right = sorted(members)
        (accepted if same else rejected).append((left, right))
    return accepted, rejected


def _cluster_array(connection: duckdb.DuckDBPyConnection, table: str, count: int) -> list[int]:
    cluster_of = list(range(count))
    rows = connection.execute(f"SELECT unique_id, cluster_id FROM {table}").fetchnumpy()
    for unique_id, cluster_id in zip(
        rows["unique_id"].tolist(), rows["cluster_id"].tolist(), strict=True
    ):
        cluster_of[int(unique_id)] = int(cluster_id)
    return cluster_of


def _split_rejected(
    connection: duckdb.DuckDBPyConnection,
    cluster_of: list[int],
    rejected: list[tuple[int, int]],
    threshold: float,
) -> None:
    """Re-cluster each cluster holding a rejected pair, adding links best-first and
    skipping any link that would join a rejected pair (greedy constrained clustering)."""
    broken = {cluster_of[left] for left, right in rejected if cluster_of[left] == cluster_of[right]}
    if not broken:
        return
    members = [node for node, cluster in enumerate(cluster_of) if cluster in broken]
    member_set = set(members)
    edges = connection.execute(
        "SELECT unique_id_l, unique_id_r, match_probability FROM refuge_edges "
        "WHERE match_probability >= ? ORDER BY match_probability DESC, unique_id_l, unique_id_r",
        [threshold],
    ).fetchall()
    parent = {node: node for node in members}
    groups = {node: {node} for node in members}
    cannot = {(left, right) for left, right in rejected} | {
        (right, left) for left, right in rejected
    }

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right, _ in edges:
        if left not in member_set or right not in member_set:
            continue
        root_left, root_right = find(left), find(right)
        if root_left == root_right:
            continue
        if any((a, b) in cannot for a in groups[root_left] for b in groups[root_right]):
            continue
        parent[root_right] = root_left
        groups[root_left] |= groups.pop(root_right)
    for node in members:
        cluster_of[node] = min(groups[find(node)])


def _labels(cluster_of: list[int]) -> list[str]:
    """Number clusters 1, 2, ... in order of their first record."""
    numbers: dict[int, str] = {}
    labels = []
    for cluster in cluster_of:
        if cluster not in numbers:
            numbers[cluster] = str(len(numbers) + 1)
        labels.append(numbers[cluster])
    return labels
