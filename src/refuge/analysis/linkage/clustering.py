"""Average-linkage clustering of scored pairs: one ambiguous record cannot chain two people.

Connected components at a threshold merge two people as soon as one record (a testimony
with no patronymic, a common name) scores high against both. Average linkage (UPGMA) merges
two groups only while the mean match probability over *all* their cross pairs stays at or
above the threshold; a pair that was never scored (not blocked together, or scored below
the lowest kept probability) counts as 0. So a cluster is a near-clique at the threshold.

Analysts' decisions and list structure are constraints:
- an accepted pair is merged first, whatever the model says;
- a rejected pair is never put in one cluster (nor are groups holding it);
- in link-only runs, two records of the same list are never put in one cluster (each list
  is already deduplicated).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

METHOD = "average linkage"


@dataclass(frozen=True, slots=True)
class Constraints:
    """Pairs of node numbers the clustering must join (accepted) or keep apart (rejected);
    `groups[node]` is the list a node came from when nodes of one list must stay apart."""

    accepted: Sequence[tuple[int, int]] = ()
    rejected: Sequence[tuple[int, int]] = ()
    groups: Sequence[int] | None = None


@dataclass(frozen=True, slots=True)
class Clustering:
    cluster_of: list[int]  # node -> smallest node of its cluster
    conflicts: tuple[tuple[int, int], ...]  # accepted pairs left apart (a rejection wins)


class _UnionFind:
    def __init__(self, count: int) -> None:
        self.parent = list(range(count))

    def find(self, node: int) -> int:
        parent = self.parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(self, left: int, right: int) -> None:
        root_left, root_right = self.find(left), self.find(right)
        if root_left != root_right:
            self.parent[max(root_left, root_right)] = min(root_left, root_right)


def average_linkage(
    node_count: int,
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    *,
    threshold: float,
    constraints: Constraints | None = None,
) -> Clustering:
    """Cluster nodes 0..n-1 given scored edges (arrays of equal length)."""
    constraints = constraints or Constraints()
    seeds, conflicts = _seed_groups(node_count, constraints)
    seed_of = np.array([seeds.find(node) for node in range(node_count)], dtype=np.int64)
    left_seed, right_seed = seed_of[left], seed_of[right]
    keep = left_seed != right_seed
    left_seed, right_seed, weights = left_seed[keep], right_seed[keep], probability[keep]
    component = _components(node_count, left_seed, right_seed)
    cluster_of = seed_of.tolist()
    sizes = np.bincount(seed_of, minlength=node_count)
    forbidden = _forbidden(constraints.rejected, seed_of)
    groups = _seed_lists(constraints.groups, seed_of)
    order = np.argsort(component[left_seed], kind="stable")
    edge_component = component[left_seed][order]
    boundaries = np.flatnonzero(np.diff(edge_component)) + 1
    for chunk in np.split(np.arange(len(order)), boundaries):
        if not len(chunk):
            continue
        picked = order[chunk]
        merged = _agglomerate(
            left_seed[picked].tolist(), right_seed[picked].tolist(), weights[picked].tolist(),
            sizes=sizes, threshold=threshold, forbidden=forbidden, groups=groups,
        )  # fmt: skip
        for seed, root in merged.items():
            cluster_of[seed] = root
    final = [cluster_of[seed] for seed in seed_of.tolist()]
    return Clustering(_smallest_member(final), tuple(conflicts))


def _seed_groups(
    node_count: int, constraints: Constraints
) -> tuple[_UnionFind, list[tuple[int, int]]]:
    """Join accepted pairs first; an accepted pair that would join a rejected one stays apart."""
    seeds = _UnionFind(node_count)
    rejected = {(min(a, b), max(a, b)) for a, b in constraints.rejected}
    conflicts = []
    for first, second in constraints.accepted:
        members_first = _members(seeds, node_count, first)
        members_second = _members(seeds, node_count, second)
        clash = any(
            (min(a, b), max(a, b)) in rejected for a in members_first for b in members_second
        )
        if clash:
            conflicts.append((first, second))
        else:
            seeds.union(first, second)
    return seeds, conflicts


def _members(seeds: _UnionFind, node_count: int, node: int) -> list[int]:
    root = seeds.find(node)
    # Accepted pairs are few (analysts' decisions): a scan per decision is cheap enough.
    return [other for other in range(node_count) if seeds.find(other) == root]


def _components(node_count: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    graph = coo_matrix(
        (np.ones(len(left), dtype=np.int8), (left, right)), shape=(node_count, node_count)
    )
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels, dtype=np.int64)


def _forbidden(rejected: Sequence[tuple[int, int]], seed_of: np.ndarray) -> dict[int, set[int]]:
    forbidden: dict[int, set[int]] = {}
    for first, second in rejected:
        a, b = int(seed_of[first]), int(seed_of[second])
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)
    return forbidden


def _seed_lists(groups: Sequence[int] | None, seed_of: np.ndarray) -> dict[int, frozenset[int]]:
    if groups is None:
        return {}
    lists: dict[int, set[int]] = {}
    for node, group in enumerate(groups):
        lists.setdefault(int(seed_of[node]), set()).add(int(group))
    return {seed: frozenset(members) for seed, members in lists.items()}


def _agglomerate(
    lefts: list[int],
    rights: list[int],
    weights: list[float],
    *,
    sizes: np.ndarray,
    threshold: float,
    forbidden: dict[int, set[int]],
    groups: dict[int, frozenset[int]],
) -> dict[int, int]:
    """UPGMA on one connected component; returns seed -> cluster representative."""
    sums: dict[int, dict[int, float]] = {}
    for a, b, weight in zip(lefts, rights, weights, strict=True):
        sums.setdefault(a, {})[b] = sums.setdefault(a, {}).get(b, 0.0) + weight
        sums.setdefault(b, {})[a] = sums[a][b]
    size = {node: int(sizes[node]) for node in sums}
    lists = {node: groups.get(node, frozenset()) for node in sums}
    blocked = {node: set(forbidden.get(node, ())) for node in sums}
    heap = [
        (-total / (size[a] * size[b]), a, b)
        for a, neighbours in sums.items()
        for b, total in neighbours.items()
        if a < b
    ]
    heapq.heapify(heap)
    merged_into: dict[int, int] = {}
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in sums or b not in sums[a]:
            continue  # merged away since
        average = sums[a][b] / (size[a] * size[b])
        if abs(average + negative) > 1e-12:
            continue  # stale entry; the current value was pushed when it changed
        if average < threshold:
            break
        if b in blocked[a] or (lists[a] & lists[b]):
            continue
        _merge(a, b, sums, size, lists, blocked, heap)
        merged_into[b] = a
    return {node: _final(merged_into, node) for node in size.keys() | merged_into.keys()}


def _final(merged_into: dict[int, int], node: int) -> int:
    while node in merged_into:
        node = merged_into[node]
    return node


def _merge(  # noqa: PLR0917 - the state of one agglomeration
    a: int,
    b: int,
    sums: dict[int, dict[int, float]],
    size: dict[int, int],
    lists: dict[int, frozenset[int]],
    blocked: dict[int, set[int]],
    heap: list[tuple[float, int, int]],
) -> None:
    """Merge cluster b into a and push a's new averages."""
    neighbours_b = sums.pop(b)
    neighbours_b.pop(a, None)
    sums[a].pop(b, None)
    for c, total in neighbours_b.items():
        sums[c].pop(b, None)
        sums[a][c] = sums[a].get(c, 0.0) + total
        sums[c][a] = sums[a][c]
    size[a] += size.pop(b)
    lists[a] = lists[a] | lists.pop(b)
    for c in blocked.pop(b):
        blocked[a].add(c)
        if c in blocked:
            blocked[c].discard(b)
            blocked[c].add(a)
    for c, total in sums[a].items():
        low, high = min(a, c), max(a, c)
        heapq.heappush(heap, (-total / (size[a] * size[c]), low, high))


def _smallest_member(cluster_of: list[int]) -> list[int]:
    smallest: dict[int, int] = {}
    for node, cluster in enumerate(cluster_of):
        smallest.setdefault(cluster, node)
    return [smallest[cluster] for cluster in cluster_of]
