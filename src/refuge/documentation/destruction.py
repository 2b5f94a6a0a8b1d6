"""Documentation's two-person acts: deleting a source, destroying an evidence file.

Registered with refuge.approvals by DocumentationConfig.ready(). Either asks that the requester
can read the record and says why; a coordinator or a lawyer who can also read it confirms
within the window (settings.APPROVALS_CONFIRM_HOURS); only then is anything shredded. The one
fast path: a testimony whose giver withdrew consent to keep it, as recorded in their case file,
is deleted at once (still by someone who can read it, still with a reason).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import has_capability, require
from refuge.accounts.roles import Capability, Role
from refuge.approvals.errors import CannotRead
from refuge.approvals.registry import Details, Subject
from refuge.cases.models import ConsentKind
from refuge.cases.selectors import latest_answers
from refuge.core.errors import DomainError
from refuge.documentation.choices import DestructionReason
from refuge.documentation.errors import EvidenceDestroyed
from refuge.documentation.models import Evidence, Source
from refuge.vault import api as vault

DELETE_SOURCE = "documentation.delete_source"
DESTROY_EVIDENCE = "documentation.destroy_evidence"
CONFIRMER_ROLES = (Role.COORDINATOR, Role.LAWYER)
CONSENT_WITHDRAWN = "consent_withdrawn"


def _by_id(model: type[Any], target_id: str) -> Any:
    return model.objects.filter(pk=int(target_id)).first() if target_id.isdigit() else None


def readable_confirmers(envelope_id: uuid.UUID) -> list[Operator]:
    """Coordinators and lawyers holding a grant for this record."""
    return list(
        Operator.objects.filter(
            is_active=True, role__in=CONFIRMER_ROLES, pk__in=vault.readers_of(envelope_id)
        )
    )


def may_confirm_documentation(actor: Operator, envelope_id: uuid.UUID) -> bool:
    return (
        has_capability(actor, Capability.DOCUMENT)
        and actor.role in CONFIRMER_ROLES
        and actor.pk in vault.readers_of(envelope_id)
    )


def check_readable(actor: Operator, envelope_id: uuid.UUID) -> None:
    require(actor, Capability.DOCUMENT)
    if not vault.can_read(envelope_id):
        raise CannotRead


class SourceDeletion:
    kind = DELETE_SOURCE
    label = _("Delete a testimony source")
    confirmer_label = _("a coordinator or a lawyer who can read it")
    needs_read_back = False

    def find(self, target_id: str) -> Source | None:
        return _by_id(Source, target_id)  # type: ignore[no-any-return]

    def describe(self, target: Source) -> Subject:
        return Subject(
            reference=target.reference,
            envelope_id=target.envelope_id,
            url=reverse("documentation:source_delete", args=[target.pk]),
        )

    def check_request(self, actor: Operator, target: Source, details: Details) -> None:
        check_readable(actor, target.envelope_id)

    def may_confirm(self, actor: Operator, target: Source) -> bool:
        return may_confirm_documentation(actor, target.envelope_id)

    def confirmers(self, target: Source) -> list[Operator]:
        return readable_confirmers(target.envelope_id)

    def fast_path(self, actor: Operator, target: Source, details: Details) -> str | None:
        """The giver withdrew consent to keep their testimony, in their case file."""
        if target.given_by_id is None:
            return None
        answer = latest_answers(ConsentKind.KEEP_TESTIMONY, [target.given_by_id]).get(
            target.given_by_id
        )
        return CONSENT_WITHDRAWN if answer is not None and not answer.is_granted else None

    def check_read_back(self, target: Source, details: Details, answer: str) -> None:
        return None

    def execute(
        self, *, target: Source, details: Details, requested_by: Operator, done_by: Operator
    ) -> None:
        from refuge.documentation.services.records import delete_source

        delete_source(actor=done_by, source=target)


class EvidenceDestruction:
    kind = DESTROY_EVIDENCE
    label = _("Destroy an evidence file")
    confirmer_label = _("a coordinator or a lawyer who can read it")
    needs_read_back = False

    def find(self, target_id: str) -> Evidence | None:
        return _by_id(Evidence, target_id)  # type: ignore[no-any-return]

    def describe(self, target: Evidence) -> Subject:
        return Subject(
            reference=target.reference,
            envelope_id=target.envelope_id,
            url=reverse("documentation:evidence", args=[target.pk]),
        )

    def check_request(self, actor: Operator, target: Evidence, details: Details) -> None:
        if target.destroyed_at is not None:
            raise EvidenceDestroyed
        if details.get("reason") not in DestructionReason.values:
            raise DomainError(_("Say why the file must be destroyed."))
        check_readable(actor, target.envelope_id)

    def may_confirm(self, actor: Operator, target: Evidence) -> bool:
        return target.destroyed_at is None and may_confirm_documentation(actor, target.envelope_id)

    def confirmers(self, target: Evidence) -> list[Operator]:
        return readable_confirmers(target.envelope_id)

    def fast_path(self, actor: Operator, target: Evidence, details: Details) -> str | None:
        return None  # a file names no one whose consent the case file records

    def check_read_back(self, target: Evidence, details: Details, answer: str) -> None:
        return None

    def execute(
        self, *, target: Evidence, details: Details, requested_by: Operator, done_by: Operator
    ) -> None:
        from refuge.documentation.evidence.services import destroy_evidence

        destroy_evidence(
            actor=done_by, evidence=target, reason=DestructionReason(str(details["reason"]))
        )
