"""From documented acts to a table of capture patterns: who appears on which list.

A "list" is a kind of source the analyst chooses (our testimonies, media reports, other
organisations' reports). A person is a cluster of documented victims that linkage judges to be
one person; their pattern says on which lists any of their acts appears.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from refuge.analysis.estimation import CaptureTable
from refuge.analysis.linking import latest_run, people_of
from refuge.documentation.consent import withheld_victims
from refuge.documentation.models import ActSource


@dataclass(frozen=True, slots=True)
class CaptureResult:
    table: CaptureTable
    victims: int
    people: int
    unnamed: int  # kept apart by the run: no readable name
    method: str  # "splink" when a linkage run was used, "none" when there is none yet
    run_id: int | None = None
    not_in_run: int = 0  # victims documented after the run: each counted as one person


def victim_lists(*, list_kinds: Sequence[str], violations: Sequence[str]) -> dict[int, set[str]]:
    """For each victim with a chosen violation: the chosen source kinds that document it."""
    links = ActSource.objects.filter(source__kind__in=list_kinds).exclude(
        act__victim_id__in=withheld_victims()
    )  # declined use in reports
    if violations:
        links = links.filter(act__violation__in=violations)
    found: dict[int, set[str]] = defaultdict(set)
    for victim_id, kind in links.values_list("act__victim_id", "source__kind"):
        found[victim_id].add(kind)
    return found


def capture_table(*, list_kinds: Sequence[str], violations: Sequence[str]) -> CaptureResult:
    """Count people (of the latest linkage run) per capture pattern over the chosen lists."""
    lists_of = victim_lists(list_kinds=list_kinds, violations=violations)
    run = latest_run()
    linked = people_of(run)
    clusters = {victim_id: linked.get(victim_id, f"v{victim_id}") for victim_id in lists_of}
    people: dict[str, set[str]] = defaultdict(set)
    for victim_id, kinds in lists_of.items():
        people[clusters[victim_id]].update(kinds)
    patterns: dict[tuple[int, ...], int] = defaultdict(int)
    for kinds in people.values():
        patterns[tuple(int(kind in kinds) for kind in list_kinds)] += 1
    table = CaptureTable.from_patterns(list(list_kinds), patterns)
    return CaptureResult(
        table=table, victims=len(lists_of), people=len(people),
        unnamed=run.unnamed if run else 0, method="splink" if run else "none",
        run_id=run.pk if run else None,
        not_in_run=sum(1 for victim_id in lists_of if victim_id not in linked),
    )  # fmt: skip
