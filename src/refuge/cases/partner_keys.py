"""A partner's key changes only with a second person.

Whoever enters a new key (for a new partner or an existing one) says why; the key is in force
only once another holder of APPROVE_SPENDING confirms it by typing the fingerprint the partner
reads to them over a channel where they know it is the partner. Until then the old key (or,
for a new partner, none) is the one referrals are sealed to. Registered with
refuge.approvals by CasesConfig.ready().
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import has_capability, require
from refuge.accounts.roles import Capability
from refuge.accounts.selectors import operators_with
from refuge.approvals.errors import ReadBackMismatch
from refuge.approvals.models import ActionStatus, PendingAction
from refuge.approvals.registry import Details, Subject
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.models import Partner
from refuge.core.concurrency import update_bumping_version
from refuge.core.errors import DomainError
from refuge.vault import api as vault

CHANGE_PARTNER_KEY = "cases.partner_key"


def key_fingerprint(public_key: str) -> str:
    """The fingerprint of a key, or "" when there is none."""
    return vault.partner_key_fingerprint(public_key) if public_key else ""


class PartnerKeyChange:
    kind = CHANGE_PARTNER_KEY
    label = _("Change a partner's key")
    confirmer_label = _(
        "another person who approves spending and referrals, reading the fingerprint back"
    )
    needs_read_back = True

    def find(self, target_id: str) -> Partner | None:
        return Partner.objects.filter(pk=int(target_id)).first() if target_id.isdigit() else None

    def describe(self, target: Partner) -> Subject:
        return Subject(
            reference=target.name[:40],
            envelope_id=None,
            url=reverse("cases:edit_partner", args=[target.pk]),
        )

    def check_request(self, actor: Operator, target: Partner, details: Details) -> None:
        require(actor, Capability.APPROVE_SPENDING)
        new_key = str(details.get("public_key") or "")
        try:
            vault.parse_partner_public_key(new_key)
        except vault.VaultError as error:
            raise DomainError(
                _("This is not an X25519 public key in base64 (44 characters).")
            ) from error
        if new_key == target.public_key:
            raise DomainError(_("This key is the partner's key already."))

    def may_confirm(self, actor: Operator, target: Partner) -> bool:
        return has_capability(actor, Capability.APPROVE_SPENDING)

    def confirmers(self, target: Partner) -> list[Operator]:
        return list(
            operators_with(Capability.APPROVE_SPENDING, holding_key=False).order_by("username")
        )

    def fast_path(self, actor: Operator, target: Partner, details: Details) -> str | None:
        return None

    def check_read_back(self, target: Partner, details: Details, answer: str) -> None:
        expected = key_fingerprint(str(details["public_key"]))
        if not vault.fingerprints_match(expected, answer):
            raise ReadBackMismatch

    def execute(
        self, *, target: Partner, details: Details, requested_by: Operator, done_by: Operator
    ) -> None:
        new_key = str(details["public_key"])
        update_bumping_version(Partner.objects.filter(pk=target.pk), public_key=new_key)
        record_event(
            AuditAction.SETTINGS_CHANGED,
            actor=done_by,
            target=target,
            details={
                "key_changed": True,
                "requested_by": requested_by.pk,
                "fingerprint": key_fingerprint(new_key),
            },
        )


def pending_keys() -> dict[int, PendingAction]:
    """Partner id -> the key change waiting for a second person."""
    pending = PendingAction.objects.filter(kind=CHANGE_PARTNER_KEY, status=ActionStatus.PENDING)
    return {int(action.target_id): action for action in pending}
