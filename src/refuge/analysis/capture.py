"""From documented acts to a table of capture patterns: who appears on which list.

A "list" is a kind of source the analyst chooses (our testimonies, media reports, other
organisations' reports). A person is a cluster of documented victims that linkage judges to be
one person; their pattern says on which lists any of their acts appears.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from refuge.analysis.estimation import CaptureTable
from refuge.analysis.linkage import (
    LinkageError,
    PersonRecord,
    ScoredPair,
    dedupe_records,
)
from refuge.analysis.linkage.names import tokens
from refuge.analysis.models import CandidatePair, PairDecision
from refuge.documentation.consent import withheld_victims
from refuge.documentation.models import ActSource, Victim
from refuge.vault import api as vault

# Splink's EM training needs enough people to estimate its parameters; below this the link is
# an exact match of the phonetic name key (the same key Splink blocks on).
MINIMUM_FOR_MODEL = 200


@dataclass(frozen=True, slots=True)
class CaptureResult:
    table: CaptureTable
    victims: int
    people: int
    unnamed: int
    method: str


def victim_lists(*, list_kinds: Sequence[str], violations: Sequence[str]) -> dict[int, set[str]]:
    """For each victim with a chosen violation: the chosen source kinds that document it."""
    links = ActSource.objects.filter(source__kind__in=list_kinds).exclude(
        act__victim_id__in=withheld_victims())  # declined use in reports
    if violations:
        links = links.filter(act__violation__in=violations)
    found: dict[int, set[str]] = defaultdict(set)
    for victim_id, kind in links.values_list("act__victim_id", "source__kind"):
        found[victim_id].add(kind)
    return found


def _records(victim_ids: Sequence[int]) -> tuple[list[PersonRecord], int]:
    records, unnamed = [], 0
    for victim in Victim.objects.filter(pk__in=victim_ids):
        name = victim.real_name
        if not name or not vault.is_readable(name):
            unnamed += 1
            continue
        records.append(PersonRecord(record_id=str(victim.pk), full_name=name))
    return records, unnamed


def _decisions() -> dict[frozenset[str], bool]:
    return {
        frozenset({str(low), str(high)}): same
        for low, high, same in PairDecision.objects.values_list(
            "victim_low_id", "victim_high_id", "same_person"
        )
    }


def cluster_victims(victim_ids: Sequence[int]) -> tuple[dict[int, str], int, str]:
    """Map each victim to a person id; returns (clusters, unnamed count, method in words)."""
    records, unnamed = _records(victim_ids)
    clusters = {victim_id: f"v{victim_id}" for victim_id in victim_ids}
    if len(records) >= MINIMUM_FOR_MODEL:
        try:
            result = dedupe_records(records, decisions=_decisions())
        except LinkageError:
            result = None  # fall back to exact keys below, and say so in the method
        if result is not None:
            _keep_uncertain_pairs(result.uncertain_pairs)
            clusters.update(
                {int(record_id): f"c{cluster}" for record_id, cluster in result.clusters.items()}
            )
            return clusters, unnamed, "splink"
    for record in records:
        key = "".join(sorted(tokens(record.full_name)))
        if key:
            clusters[int(record.record_id)] = "k" + key
    _apply_decisions(clusters)
    return clusters, unnamed, "exact"


def _apply_decisions(clusters: dict[int, str]) -> None:
    for low, high, same in PairDecision.objects.values_list(
        "victim_low_id", "victim_high_id", "same_person"
    ):
        if low in clusters and high in clusters:
            if same:
                clusters[high] = clusters[low]
            elif clusters[high] == clusters[low]:
                clusters[high] = f"v{high}"


@transaction.atomic
def _keep_uncertain_pairs(pairs: Sequence[ScoredPair]) -> None:
    CandidatePair.objects.all().delete()
    decided = set(_decisions())
    for pair in pairs:
        low, high = sorted((int(pair.first_id), int(pair.second_id)))
        if frozenset({str(low), str(high)}) not in decided:
            CandidatePair.objects.create(
                victim_low_id=low, victim_high_id=high, probability=pair.match_probability
            )


def capture_table(*, list_kinds: Sequence[str], violations: Sequence[str]) -> CaptureResult:
    """Link the victims, then count people per capture pattern over the chosen lists."""
    lists_of = victim_lists(list_kinds=list_kinds, violations=violations)
    clusters, unnamed, method = cluster_victims(sorted(lists_of))
    people: dict[str, set[str]] = defaultdict(set)
    for victim_id, kinds in lists_of.items():
        people[clusters[victim_id]].update(kinds)
    patterns: dict[tuple[int, ...], int] = defaultdict(int)
    for kinds in people.values():
        patterns[tuple(int(kind in kinds) for kind in list_kinds)] += 1
    table = CaptureTable.from_patterns(list(list_kinds), patterns)
    return CaptureResult(
        table=table, victims=len(lists_of), people=len(people), unnamed=unnamed, method=method
    )
