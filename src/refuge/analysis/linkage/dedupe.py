"""A linkage run: records in; clusters, pairs for review, evidence and a report out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from refuge.analysis.linkage.clustering import METHOD, Constraints, average_linkage
from refuge.analysis.linkage.comparisons import refuge_comparisons
from refuge.analysis.linkage.engines import Engine, EngineOptions, open_engine
from refuge.analysis.linkage.errors import DuplicateIds, EmptyInput, LinkageError
from refuge.analysis.linkage.features import FeatureTable, feature_table
from refuge.analysis.linkage.identifiers import IdentifierKind
from refuge.analysis.linkage.model import (
    Progress,
    TrainingLog,
    build_linker,
    quiet_splink,
    refuge_blocking,
    refuge_training,
    train,
)
from refuge.analysis.linkage.report import RunReport


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One mention of a person: a testimony, or a row of another organisation's list.

    `identifiers` holds values in the order of the run's identifier columns; `source` names
    the list a record came from (needed to link lists; records of one list are never merged
    with each other in a link-only run).
    """

    record_id: str
    full_name: str | None = None
    given_name: str | None = None
    surname: str | None = None
    patronymic: str | None = None
    birth: str | None = None
    place: str | None = None
    sex: str | None = None
    age_group: str | None = None
    identifiers: tuple[str | None, ...] = ()
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """How one field compared in a pair: the comparison and the level it reached."""

    field: str
    level: str


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """Two records and the model's probability that they are one person."""

    first_id: str
    second_id: str
    match_probability: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class LinkageSettings:
    """Thresholds of a run, its mode, and how it may use the machine.

    threshold: the mean match probability over all cross pairs at which average linkage
    still merges two groups. link_only: the inputs are lists that are each already
    deduplicated; only links across lists are made. review_limit: at most this many
    uncertain pairs are returned (the closest to the threshold first). floor: pairs scored
    below it are not kept, and count as 0 in average linkage's means, as pairs never
    compared do.
    """

    threshold: float = 0.3
    floor: float = 0.05
    review_low: float = 0.15
    review_high: float = 0.9
    link_only: bool = False
    with_evidence: bool = False
    review_limit: int = 5000
    engine: EngineOptions = field(default_factory=EngineOptions)


@dataclass(frozen=True, slots=True)
class LinkageResult:
    """Clusters (record id -> cluster id), pairs for review, links with evidence, report."""

    clusters: Mapping[str, str]
    uncertain_pairs: tuple[ScoredPair, ...]
    cluster_count: int
    pair_count: int
    report: RunReport
    linked_pairs: tuple[ScoredPair, ...] = ()


def _no_progress(stage: str, fraction: float) -> None:
    """Default progress callback: say nothing."""


def dedupe_records(
    records: Iterable[PersonRecord],
    *,
    identifiers: Sequence[tuple[str, IdentifierKind]] = (),
    decisions: Mapping[frozenset[str], bool] | None = None,
    settings: LinkageSettings | None = None,
    progress: Progress | None = None,
) -> LinkageResult:
    """Cluster records that are one person; analysts' earlier decisions are honoured.

    `identifiers` names the identifier columns (label, kind) whose values each record
    carries in order. `decisions` maps a pair of record ids to True (same person) or
    False (different): an accepted pair is linked whatever the model says; a rejected
    pair is never put in one cluster.
    """
    settings = settings or LinkageSettings()
    report = progress or _no_progress
    records = list(records)
    _check_ids(records)
    table = feature_table(records, identifiers, report)
    if len(records) == 1:
        return LinkageResult({records[0].record_id: "1"}, (), 1, 0, _report(table, settings))
    engine = open_engine(settings.engine)
    try:
        return _link(records, table, engine, settings, decisions or {}, report)
    except duckdb.OutOfMemoryException as error:
        raise LinkageError(
            "The run needs more memory than allowed: raise the memory limit or allow "
            "spilling to a protected directory."
        ) from error
    finally:
        engine.close()


def _check_ids(records: Sequence[PersonRecord]) -> None:
    if not records:
        raise EmptyInput("There are no records to link.")
    seen: set[str] = set()
    for record in records:
        if record.record_id in seen:
            raise DuplicateIds(f"Record id {record.record_id!r} appears more than once.")
        seen.add(record.record_id)


def _report(
    table: FeatureTable,
    settings: LinkageSettings,
    training: TrainingLog | None = None,
    conflicts: int = 0,
) -> RunReport:
    return RunReport(
        records=len(table.frame),
        columns=table.columns,
        training=training.summary() if training else "one record: nothing to train",
        trained=training.trained if training else False,
        method=METHOD,
        threshold=settings.threshold,
        link_only=settings.link_only,
        engine=str(settings.engine.kind),
        conflicts=conflicts,
    )


def _link(  # noqa: PLR0917 - internal step of one pipeline
    records: list[PersonRecord],
    table: FeatureTable,
    engine: Engine,
    settings: LinkageSettings,
    decisions: Mapping[frozenset[str], bool],
    report: Progress,
) -> LinkageResult:
    quiet_splink()
    identifiers = table.identifier_features
    link_type = _link_type(records, settings)
    frames = _split_by_source(table.frame, records) if link_type != "dedupe_only" else [
        table.frame]  # fmt: skip
    linker = build_linker(
        frames, engine.db_api,
        comparisons=refuge_comparisons(
            identifiers, dialect=engine.dialect, with_age_group=table.has_age_group),
        blocking=refuge_blocking(identifiers), link_type=link_type, record_count=len(records),
        keep_levels=settings.with_evidence,
    )  # fmt: skip
    training = train(linker, refuge_training(table.filled, identifiers), report)
    report("scoring", 0.0)
    lowest = min(settings.floor, settings.review_low, settings.threshold)
    predictions = linker.inference.predict(threshold_match_probability=lowest)
    report("scoring", 1.0)
    report("clustering", 0.0)
    gamma = _gamma_labels(linker) if settings.with_evidence else {}
    edges = engine.fetch(
        predictions.physical_name,
        ("unique_id_l", "unique_id_r", "match_probability", *gamma),
    )
    index = {record.record_id: position for position, record in enumerate(records)}
    accepted, rejected = _decision_pairs(decisions, index)
    left, right, probability = _without_rejected(edges, rejected)
    groups = _groups(records) if settings.link_only else None
    clustering = average_linkage(
        len(records), left, right, probability, threshold=settings.threshold,
        constraints=Constraints(accepted=accepted, rejected=rejected, groups=groups),
    )  # fmt: skip
    labels = _labels(clustering.cluster_of)
    ids = [record.record_id for record in records]
    pairs = _Pairs(ids, edges, gamma, clustering.cluster_of)
    report("clustering", 1.0)
    return LinkageResult(
        clusters=dict(zip(ids, labels, strict=True)),
        uncertain_pairs=pairs.uncertain(settings, decisions),
        cluster_count=len(set(labels)),
        pair_count=len(edges["match_probability"]),
        report=_report(table, settings, training, len(clustering.conflicts)),
        linked_pairs=pairs.linked() if settings.with_evidence else (),
    )


def _link_type(records: Sequence[PersonRecord], settings: LinkageSettings) -> str:
    sources = {record.source for record in records}
    if settings.link_only:
        if len(sources) < 2:
            raise LinkageError("Linking lists needs at least two lists.")
        return "link_only"
    return "link_and_dedupe" if len(sources) > 1 else "dedupe_only"


def _split_by_source(frame: pd.DataFrame, records: Sequence[PersonRecord]) -> list[pd.DataFrame]:
    sources = pd.Series([record.source or "" for record in records], index=frame.index)
    return [frame[sources == source].reset_index(drop=True) for source in dict.fromkeys(sources)]


def _groups(records: Sequence[PersonRecord]) -> list[int]:
    numbers: dict[str, int] = {}
    return [numbers.setdefault(record.source or "", len(numbers)) for record in records]


def _gamma_labels(linker: object) -> dict[str, dict[int, str]]:
    """gamma column -> comparison vector value -> level label, for evidence."""
    settings = linker._settings_obj  # type: ignore[attr-defined]
    labels: dict[str, dict[int, str]] = {}
    for comparison in settings.comparisons:
        labels[comparison._gamma_column_name] = {
            level.comparison_vector_value: level.label_for_charts
            for level in comparison.comparison_levels
        }
    return labels


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


def _without_rejected(
    edges: Mapping[str, np.ndarray], rejected: Sequence[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    left = edges["unique_id_l"].astype(np.int64)
    right = edges["unique_id_r"].astype(np.int64)
    probability = edges["match_probability"].astype(np.float64)
    if rejected:
        low, high = np.minimum(left, right), np.maximum(left, right)
        keys = low * (1 << 32) + high
        banned = np.array([a * (1 << 32) + b for a, b in rejected], dtype=np.int64)
        keep = ~np.isin(keys, banned)
        left, right, probability = left[keep], right[keep], probability[keep]
    return left, right, probability


class _Pairs:
    """Scored edges turned into pairs for review and links with evidence."""

    def __init__(
        self,
        ids: list[str],
        edges: Mapping[str, np.ndarray],
        gamma: Mapping[str, Mapping[int, str]],
        cluster_of: list[int],
    ) -> None:
        self.ids, self.edges, self.gamma = ids, edges, gamma
        self.left = edges["unique_id_l"].astype(np.int64)
        self.right = edges["unique_id_r"].astype(np.int64)
        self.probability = edges["match_probability"].astype(np.float64)
        clusters = np.asarray(cluster_of, dtype=np.int64)
        self.together = clusters[self.left] == clusters[self.right]

    def _pair(self, position: int) -> ScoredPair:
        evidence = []
        for column, labels in self.gamma.items():
            level = int(self.edges[column][position])
            if level != -1:  # -1: a field empty on either side says nothing
                evidence.append(Evidence(column.removeprefix("gamma_"), labels.get(level, "")))
        first, second = sorted((self.ids[self.left[position]], self.ids[self.right[position]]))
        return ScoredPair(first, second, float(self.probability[position]), tuple(evidence))

    def uncertain(
        self, settings: LinkageSettings, decisions: Mapping[frozenset[str], bool]
    ) -> tuple[ScoredPair, ...]:
        """Pairs in the doubtful band, and pairs whose clustering went against their own
        probability (a likely pair kept apart, an unlikely one put together)."""
        probability = self.probability
        in_band = (probability >= settings.review_low) & (probability < settings.review_high)
        against = (self.together & (probability < settings.threshold)) | (
            ~self.together & (probability >= settings.threshold)
        )
        chosen = np.flatnonzero(in_band | against)
        order = chosen[np.argsort(np.abs(probability[chosen] - settings.threshold), kind="stable")]
        pairs: list[ScoredPair] = []
        for position in order.tolist():
            if len(pairs) >= settings.review_limit:
                break
            pair = self._pair(position)
            if frozenset((pair.first_id, pair.second_id)) not in decisions:
                pairs.append(pair)
        return tuple(pairs)

    def linked(self) -> tuple[ScoredPair, ...]:
        return tuple(self._pair(position) for position in np.flatnonzero(self.together).tolist())


def _labels(cluster_of: list[int]) -> list[str]:
    """Number clusters 1, 2, ... in order of their first record."""
    numbers: dict[int, str] = {}
    labels = []
    for cluster in cluster_of:
        if cluster not in numbers:
            numbers[cluster] = str(len(numbers) + 1)
        labels.append(numbers[cluster])
    return labels
