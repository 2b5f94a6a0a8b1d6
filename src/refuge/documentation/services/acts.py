from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.errors import ConflictError, DomainError
from refuge.documentation.models import Act


@transaction.atomic
def verify_act(*, actor: Operator, act: Act, reasoning: str, version: int) -> Act:
    """Mark an act verified by a monitor, with the reasoning that convinced them."""
    require(actor, Capability.DOCUMENT)
    if not reasoning.strip():
        raise DomainError(_("Say why the act is verified."))
    now = timezone.now()
    act.verification_reasoning = reasoning.strip()
    # The sealed value is encrypted by the field; write it with the version check in one UPDATE.
    sealed = Act._meta.get_field("verification_reasoning").pre_save(act, add=False)
    updated = Act.objects.filter(pk=act.pk, version=version).update(
        verified_by=actor, verified_at=now, verification_reasoning=sealed, version=version + 1)
    if updated != 1:
        raise ConflictError(_("Someone changed this act meanwhile. Reload and try again."))
    record_event(AuditAction.RECORD_CHANGED, actor=actor, target=act, details={"verified": True})
    act.refresh_from_db()
    return act
