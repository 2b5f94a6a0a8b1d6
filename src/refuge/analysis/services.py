"""Analysis actions that write: analysts' link decisions and audited exports."""

from __future__ import annotations

from django.db import transaction

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.analysis.linking import Person, merged_people
from refuge.analysis.models import CandidatePair, LinkageRun, PairDecision
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.documentation.models import Victim


@transaction.atomic
def decide_pair(*, analyst: Operator, candidate: CandidatePair, same_person: bool) -> PairDecision:
    """Keep an analyst's judgement on a pair; later runs apply it before clustering."""
    require(analyst, Capability.ANALYSE)
    decision, _ = PairDecision.objects.update_or_create(
        victim_low_id=candidate.victim_low_id,
        victim_high_id=candidate.victim_high_id,
        defaults={"same_person": same_person, "decided_by": analyst},
    )
    candidate.delete()
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=analyst,
        target=decision,
        details={"same_person": same_person},
    )
    return decision


def pairs_for_review(*, analyst: Operator) -> list[tuple[CandidatePair, Victim, Victim]]:
    """The first candidate pairs with both victims; the names shown are one audited read."""
    candidates = list(CandidatePair.objects.all()[:50])
    victims = Victim.objects.in_bulk(
        [c.victim_low_id for c in candidates] + [c.victim_high_id for c in candidates]
    )
    _audit_names_shown(analyst, len(victims), "review")
    return [
        (candidate, victims[candidate.victim_low_id], victims[candidate.victim_high_id])
        for candidate in candidates
    ]


def merged_people_shown(*, analyst: Operator, run: LinkageRun | None) -> list[Person]:
    """Every merged person of the run; the victims' names shown are one audited read."""
    people = merged_people(run) if run else []
    _audit_names_shown(analyst, sum(len(person.victims) for person in people), "clusters")
    return people


def _audit_names_shown(analyst: Operator, count: int, page: str) -> None:
    record_event(AuditAction.RECORD_READ, actor=analyst, target_type="documentation.Victim",
                 target_id=page, details={"shown": count})  # fmt: skip


def record_export(*, analyst: Operator, kind: str) -> None:
    require(analyst, Capability.PUBLISH)
    record_event(
        AuditAction.EXPORT, actor=analyst, target_type="analysis.Report", details={"format": kind}
    )
