"""Permission-checked lookups of two-person requests."""

from __future__ import annotations

from django.http import Http404

from refuge.accounts.models import Operator
from refuge.approvals.models import PendingAction
from refuge.approvals.selectors import may_see


def get_action_for(operator: Operator, action_id: int) -> PendingAction:
    """The request if this operator may see it; 404 otherwise (it does not exist for them)."""
    action = (
        PendingAction.objects.select_related("requested_by", "decided_by")
        .filter(pk=action_id)
        .first()
    )
    if action is None or not may_see(operator, action):
        raise Http404
    return action
