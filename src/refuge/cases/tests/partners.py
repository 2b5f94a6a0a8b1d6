"""Test helper: a partner whose key two people confirmed, as the rule requires."""

from __future__ import annotations

from refuge.accounts.models import Operator
from refuge.approvals.models import ActionStatus, PendingAction
from refuge.approvals.services import confirm_action
from refuge.cases.models import Partner
from refuge.cases.partner_keys import CHANGE_PARTNER_KEY, key_fingerprint
from refuge.cases.services.referral import save_partner
from refuge.vault import api as vault

KEY_REASON = "Key handed over in person at the Berlin office."


def confirm_key(partner: Partner, *, by: Operator, read_back: str | None = None) -> Partner:
    """The second person confirms the waiting key, reading back its fingerprint."""
    action = PendingAction.objects.get(
        kind=CHANGE_PARTNER_KEY, target_id=str(partner.pk), status=ActionStatus.PENDING
    )
    key = str(action.details["public_key"])
    confirm_action(
        action=action,
        confirmed_by=by,
        read_back=key_fingerprint(key) if read_back is None else read_back,
    )
    return Partner.objects.get(pk=partner.pk)


def make_partner(
    name: str,
    *,
    saved_by: Operator,
    confirmed_by: Operator,
    public_key: str | None = None,
    is_active: bool = True,
) -> Partner:
    partner = save_partner(
        partner=None,
        name=name,
        is_active=is_active,
        saved_by=saved_by,
        public_key=public_key or vault.new_partner_keypair()[1],
        reason=KEY_REASON,
    )
    return confirm_key(partner, by=confirmed_by)
