"""Plain Splink, for comparison only: default comparisons and blocking on raw columns.

This is what one gets from Splink without knowing about Cyrillic, transliteration,
patronymics or birth ranges; the benchmark and tests measure Refuge's model against it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink import comparison_library as cl

from refuge.analysis.linkage.engines import EngineOptions, open_database
from refuge.analysis.linkage.model import quiet_splink

RAW_COLUMNS = ("given_name", "surname", "patronymic", "birth", "place")


def plain_splink_clusters(rows: Sequence[Sequence[str | None]], *, threshold: float) -> list[int]:
    """Cluster rows of (given, surname, patronymic, birth, place); returns a label per row."""
    quiet_splink()
    table = pd.DataFrame(
        [[value or None for value in row] for row in rows], columns=list(RAW_COLUMNS)
    )
    table.insert(0, "unique_id", range(len(rows)))
    connection = open_database(EngineOptions())
    try:
        db_api = DuckDBAPI(connection=connection)
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=[
                cl.NameComparison("given_name"),
                cl.NameComparison("surname"),
                cl.NameComparison("patronymic"),
                cl.ExactMatch("birth"),
                cl.ExactMatch("place"),
            ],
            blocking_rules_to_generate_predictions=[
                block_on("given_name", "surname"),
                block_on("surname", "birth"),
                block_on("given_name", "birth"),
                block_on("surname", "patronymic"),
            ],
        )
        linker = Linker(db_api.register(table), settings, log_level=None)
        training = linker.training
        training.estimate_probability_two_random_records_match(
            ["l.given_name = r.given_name AND l.surname = r.surname AND l.birth = r.birth"],
            recall=0.7,
        )
        training.estimate_u_using_random_sampling(max_pairs=3e6, seed=1)
        training.estimate_parameters_using_expectation_maximisation(
            block_on("given_name", "surname")
        )
        training.estimate_parameters_using_expectation_maximisation(block_on("patronymic", "birth"))
        predictions = linker.inference.predict(threshold_match_probability=threshold)
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold
        )
        labels = list(range(len(rows)))
        for unique_id, cluster_id in connection.execute(
            f"SELECT unique_id, cluster_id FROM {clusters.physical_name}"
        ).fetchall():
            labels[int(unique_id)] = int(cluster_id)
        return labels
    finally:
        connection.close()
