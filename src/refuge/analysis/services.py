"""Analysis actions that write: analysts' link decisions and audited exports."""

from __future__ import annotations

from django.db import transaction

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.analysis.models import CandidatePair, PairDecision
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event


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


def record_export(*, analyst: Operator, kind: str) -> None:
    require(analyst, Capability.PUBLISH)
    record_event(
        AuditAction.EXPORT, actor=analyst, target_type="analysis.Report", details={"format": kind}
    )
