from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.concurrency import save_with_version
from refuge.core.errors import ConflictError, DomainError
from refuge.documentation.models import Act


@transaction.atomic
def verify_act(*, actor: Operator, act: Act, reasoning: str, version: int) -> Act:
    """Mark an act verified by a monitor, with the reasoning that convinced them."""
    require(actor, Capability.DOCUMENT)
    if not reasoning.strip():
        raise DomainError(_("Say why the act is verified."))
    act.verification_reasoning = reasoning.strip()
    act.verified_by, act.verified_at = actor, timezone.now()
    save_with_version(
        act,
        ["verified_by", "verified_at", "verification_reasoning"],
        expected_version=version,
        conflict=ConflictError(_("Someone changed this act meanwhile. Reload and try again.")),
    )
    record_event(AuditAction.RECORD_CHANGED, actor=actor, target=act, details={"verified": True})
    return Act.objects.get(pk=act.pk)
