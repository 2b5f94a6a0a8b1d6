"""Average linkage on scored pairs: no chaining through one record, and analysts' constraints."""

from __future__ import annotations

import numpy as np

from refuge.analysis.linkage.clustering import Constraints, average_linkage


def _cluster(
    count: int,
    edges: list[tuple[int, int, float]],
    *,
    threshold: float = 0.5,
    constraints: Constraints | None = None,
) -> list[int]:
    left, right, probability = (np.array(column) for column in zip(*edges, strict=True))
    return average_linkage(
        count,
        left.astype(np.int64),
        right.astype(np.int64),
        probability.astype(float),
        threshold=threshold,
        constraints=constraints,
    ).cluster_of


def test_one_record_like_two_people_does_not_chain_them() -> None:
    # Record 1 (no birth year) matches 0 (born 1970) and 2 (born 1985); 0 and 2 never match.
    clusters = _cluster(3, [(0, 1, 0.95), (1, 2, 0.94)])

    assert clusters[0] == clusters[1]
    assert clusters[2] != clusters[0]  # connected components would have merged all three


def test_a_group_whose_every_pair_agrees_is_one_person() -> None:
    clusters = _cluster(3, [(0, 1, 0.95), (1, 2, 0.94), (0, 2, 0.9)])

    assert clusters == [0, 0, 0]


def test_a_rejected_pair_stays_apart_and_an_accepted_one_is_joined() -> None:
    rejected = _cluster(2, [(0, 1, 0.99)], constraints=Constraints(rejected=[(0, 1)]))
    accepted = _cluster(3, [(1, 2, 0.01)], constraints=Constraints(accepted=[(0, 2)]))

    assert rejected == [0, 1]
    assert accepted == [0, 1, 0]


def test_link_only_never_joins_two_records_of_one_list() -> None:
    clusters = _cluster(
        3, [(0, 2, 0.9), (1, 2, 0.92), (0, 1, 0.95)], constraints=Constraints(groups=[0, 0, 1])
    )

    assert clusters[0] != clusters[1]
    assert clusters[2] in (clusters[0], clusters[1])
