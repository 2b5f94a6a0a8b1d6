"""Linkage of the documented victims in the app: runs, people, evidence, split and merge.

Every list, however small, goes through the same Splink model (its starting values stand
when there is too little to train on); every merge is visible on the clusters page with
its evidence, and analysts' split and merge decisions are constraints of every later run.
`run_linkage` is what a background worker will call; today the analyst starts
it from the clusters page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.analysis.linkage import LinkageResult, LinkageSettings, PersonRecord, dedupe_records
from refuge.analysis.models import CandidatePair, LinkageRun, LinkEvidence, PairDecision, PersonLink
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.errors import DomainError
from refuge.documentation.choices import AgeGroup, Gender
from refuge.documentation.models import Victim
from refuge.vault import api as vault

SETTINGS = LinkageSettings(with_evidence=True)
_SEX = {Gender.MAN: "M", Gender.WOMAN: "F", Gender.NON_BINARY: "X"}


class NothingToSplit(DomainError):
    """A split must leave records on both sides."""


class NotOnePerson(DomainError):
    """The records named are not one person of this run."""


def victim_records(victims: Iterable[Victim]) -> tuple[list[PersonRecord], int]:
    """Records for linkage: the sealed name (opened in memory), gender and age group."""
    records, unnamed = [], 0
    for victim in victims:
        name = victim.real_name
        if not name or not vault.is_readable(name):
            unnamed += 1
            continue
        records.append(
            PersonRecord(
                record_id=str(victim.pk),
                full_name=name,
                sex=_SEX.get(Gender(victim.gender)),
                age_group=None if victim.age_group == AgeGroup.UNKNOWN else victim.age_group,
            )
        )
    return records, unnamed


def decisions() -> dict[frozenset[str], bool]:
    return {
        frozenset({str(low), str(high)}): same
        for low, high, same in PairDecision.objects.values_list(
            "victim_low_id", "victim_high_id", "same_person"
        )
    }


def run_linkage(*, analyst: Operator) -> LinkageRun:
    """Link every documented victim whose name the analyst can read; keep the result.

    The model runs outside any database transaction (it may take a while and must not hold
    SQLite's write lock); the result is stored in one.
    """
    require(analyst, Capability.ANALYSE)
    victims = list(Victim.objects.order_by("pk"))
    records, unnamed = victim_records(victims)
    return _store_run(analyst, victims, records, unnamed, _link(records))


@transaction.atomic
def _store_run(analyst: Operator, victims: Sequence[Victim], records: Sequence[PersonRecord],
               unnamed: int, result: LinkageResult | None) -> LinkageRun:  # fmt: skip
    run = LinkageRun.objects.create(
        started_by=analyst, method=result.report.method if result else "none",
        threshold=SETTINGS.threshold, engine=str(SETTINGS.engine.kind),
        victims=len(records), unnamed=unnamed,
        trained=bool(result and result.report.trained),
        training=(result.report.training if result else "no named records")[:500],
        report=result.report.lines() if result else [],
    )  # fmt: skip
    _store_people(run, victims, result)
    if result is not None:
        _store_evidence(run, result)
        _store_candidates(run, result)
    run.people = PersonLink.objects.filter(run=run).values("person").distinct().count()
    run.save(update_fields=["people"])
    record_event(AuditAction.RECORD_READ, actor=analyst, target_type="documentation.Victim",
                 target_id="linkage", details={"victims": len(records), "run": run.pk})  # fmt: skip
    record_event(AuditAction.RECORD_CREATED, actor=analyst, target=run,
                 details={"victims": len(records), "people": run.people})  # fmt: skip
    return run


def _link(records: Sequence[PersonRecord]) -> LinkageResult | None:
    if not records:
        return None
    return dedupe_records(records, decisions=decisions(), settings=SETTINGS)


def _store_people(run: LinkageRun, victims: Sequence[Victim], result: LinkageResult | None) -> None:
    clusters = dict(result.clusters) if result else {}
    numbers: dict[str, int] = {}
    links = []
    for victim in victims:
        cluster = clusters.get(str(victim.pk), f"alone-{victim.pk}")
        person = numbers.setdefault(cluster, len(numbers) + 1)
        links.append(PersonLink(run=run, victim=victim, person=person))
    PersonLink.objects.bulk_create(links)


def _levels(evidence: Iterable[object]) -> list[list[str]]:
    return [[item.field, item.level] for item in evidence]  # type: ignore[attr-defined]


def _store_evidence(run: LinkageRun, result: LinkageResult) -> None:
    LinkEvidence.objects.bulk_create(
        LinkEvidence(run=run, victim_low_id=min(int(p.first_id), int(p.second_id)),
                     victim_high_id=max(int(p.first_id), int(p.second_id)),
                     probability=p.match_probability, levels=_levels(p.evidence))
        for p in result.linked_pairs
    )  # fmt: skip


def _store_candidates(run: LinkageRun, result: LinkageResult) -> None:
    CandidatePair.objects.all().delete()
    CandidatePair.objects.bulk_create(
        CandidatePair(victim_low_id=min(int(p.first_id), int(p.second_id)),
                      victim_high_id=max(int(p.first_id), int(p.second_id)),
                      probability=p.match_probability, levels=_levels(p.evidence))
        for p in result.uncertain_pairs
    )  # fmt: skip


def latest_run() -> LinkageRun | None:
    return LinkageRun.objects.order_by("-pk").first()


def people_of(run: LinkageRun | None) -> dict[int, str]:
    """victim id -> person key in this run; victims the run did not see are not in it."""
    if run is None:
        return {}
    return {
        victim_id: f"p{person}"
        for victim_id, person in PersonLink.objects.filter(run=run).values_list(
            "victim_id", "person"
        )
    }


@dataclass(frozen=True, slots=True)
class Person:
    """A person of a run with more than one record, and the evidence joining them."""

    number: int
    victims: tuple[Victim, ...]
    evidence: tuple[LinkEvidence, ...]


def merged_people(run: LinkageRun) -> list[Person]:
    """Every person of the run that holds more than one record (every merge, visible)."""
    members: dict[int, list[int]] = defaultdict(list)
    for victim_id, person in PersonLink.objects.filter(run=run).values_list("victim_id", "person"):
        members[person].append(victim_id)
    merged = {person: ids for person, ids in members.items() if len(ids) > 1}
    victims = Victim.objects.in_bulk([pk for ids in merged.values() for pk in ids])
    evidence: dict[int, list[LinkEvidence]] = defaultdict(list)
    person_of = {pk: person for person, ids in merged.items() for pk in ids}
    for item in LinkEvidence.objects.filter(run=run).order_by("-probability"):
        holder = person_of.get(item.victim_low_id)
        if holder is not None and person_of.get(item.victim_high_id) == holder:
            evidence[holder].append(item)
    return [
        Person(person, tuple(victims[pk] for pk in sorted(ids)), tuple(evidence[person]))
        for person, ids in sorted(merged.items())
    ]


def _decide(analyst: Operator, low: int, high: int, same: bool) -> PairDecision:
    low, high = min(low, high), max(low, high)
    decision, _ = PairDecision.objects.update_or_create(
        victim_low_id=low, victim_high_id=high,
        defaults={"same_person": same, "decided_by": analyst},
    )  # fmt: skip
    CandidatePair.objects.filter(victim_low_id=low, victim_high_id=high).delete()
    return decision


@transaction.atomic
def split_person(*, analyst: Operator, run: LinkageRun, person: int,
                 victim_ids: Sequence[int]) -> int:  # fmt: skip
    """Split the named records off a person: every pair across the cut is rejected, so no
    later run joins them again; the run shows the split at once. Returns the new number."""
    require(analyst, Capability.ANALYSE)
    members = set(
        PersonLink.objects.filter(run=run, person=person).values_list("victim_id", flat=True)
    )
    chosen = set(victim_ids)
    if not chosen or not chosen < members:
        raise NothingToSplit(_("Choose some, not all, records of this person to split off."))
    for low in chosen:
        for high in members - chosen:
            _decide(analyst, low, high, same=False)
    numbers = PersonLink.objects.filter(run=run).values_list("person", flat=True)
    new_number = max(numbers) + 1
    PersonLink.objects.filter(run=run, victim_id__in=chosen).update(person=new_number)
    _refresh_people(run)
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=analyst,
        target=run,
        details={"split_from": person, "records": len(chosen), "new": new_number},
    )
    return new_number


@transaction.atomic
def merge_people(*, analyst: Operator, run: LinkageRun, person: int, other: int) -> None:
    """Merge two people of a run: one pair across them is accepted, which later runs follow
    (unless a rejection between them stands: then this refuses)."""
    require(analyst, Capability.ANALYSE)
    first = list(
        PersonLink.objects.filter(run=run, person=person).values_list("victim_id", flat=True)
    )
    second = list(
        PersonLink.objects.filter(run=run, person=other).values_list("victim_id", flat=True)
    )
    if not first or not second or person == other:
        raise NotOnePerson(_("Name two different people of this run to merge."))
    rejected = PairDecision.objects.filter(
        same_person=False, victim_low_id__in=first + second, victim_high_id__in=first + second
    )
    crossing = [d for d in rejected if (d.victim_low_id in first) != (d.victim_high_id in first)]
    if crossing:
        raise NotOnePerson(
            _(
                "An analyst decided that records of these two people are "
                "different people: a merge cannot contradict it."
            )
        )
    _decide(analyst, min(first), min(second), same=True)
    PersonLink.objects.filter(run=run, person=other).update(person=person)
    _refresh_people(run)
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=analyst,
        target=run,
        details={"merged": other, "into": person},
    )


def _refresh_people(run: LinkageRun) -> None:
    run.people = PersonLink.objects.filter(run=run).values("person").distinct().count()
    run.save(update_fields=["people"])
