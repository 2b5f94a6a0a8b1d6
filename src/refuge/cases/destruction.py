"""Removing a person from a case takes two people: registered with
refuge.approvals by CasesConfig.ready().

A member who can read the case asks, with a reason and what to keep (an anonymised person or
nothing, and what becomes of the documentation about them); a coordinator on the case confirms
within the window. Until then nothing is erased.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import has_capability
from refuge.accounts.roles import Capability, Role
from refuge.approvals.errors import CannotRead
from refuge.approvals.registry import Details, Subject
from refuge.cases import links
from refuge.cases.errors import NoConfirmerOnCase
from refuge.cases.models import CaseMember, CasePerson
from refuge.cases.services._common import check_open_case
from refuge.core.errors import DomainError
from refuge.vault import api as vault

REMOVE_PERSON = "cases.remove_person"
KEEP_CHOICES = ("anonymised", "delete")


def person_reference(person: CasePerson) -> str:
    return f"{person.case.reference}/P{person.pk}"


class PersonRemoval:
    kind = REMOVE_PERSON
    label = _("Remove a person from a case")
    confirmer_label = _("a coordinator on the case")
    needs_read_back = False

    def find(self, target_id: str) -> CasePerson | None:
        if not target_id.isdigit():
            return None
        return CasePerson.objects.select_related("case").filter(pk=int(target_id)).first()

    def describe(self, target: CasePerson) -> Subject:
        return Subject(
            reference=person_reference(target),
            envelope_id=target.case.envelope_id,
            url=reverse("cases:detail", args=[target.case_id]),
        )

    def check_request(self, actor: Operator, target: CasePerson, details: Details) -> None:
        check_open_case(actor, target.case)
        if not vault.can_read(target.case.envelope_id):
            raise CannotRead
        if (
            details.get("keep") not in KEEP_CHOICES
            or details.get("linked", links.KeepChoice.KEEP) not in links.KeepChoice.values
        ):
            raise DomainError(_("Say what should be kept of the person."))
        if not [operator for operator in self.confirmers(target) if operator.pk != actor.pk]:
            raise NoConfirmerOnCase

    def may_confirm(self, actor: Operator, target: CasePerson) -> bool:
        return (
            has_capability(actor, Capability.MANAGE_CASES)
            and actor.role == Role.COORDINATOR
            and CaseMember.objects.filter(case=target.case, operator=actor).exists()
            and actor.pk in vault.readers_of(target.case.envelope_id)
        )

    def confirmers(self, target: CasePerson) -> list[Operator]:
        return list(
            Operator.objects.filter(
                is_active=True,
                role=Role.COORDINATOR,
                case_memberships__case=target.case,
                pk__in=vault.readers_of(target.case.envelope_id),
            )
        )

    def fast_path(self, actor: Operator, target: CasePerson, details: Details) -> str | None:
        return None

    def check_read_back(self, target: CasePerson, details: Details, answer: str) -> None:
        return None

    def execute(
        self, *, target: CasePerson, details: Details, requested_by: Operator, done_by: Operator
    ) -> None:
        from refuge.cases.services.persons import remove_person

        remove_person(
            person=target,
            keep_anonymised=details["keep"] == "anonymised",
            removed_by=done_by,
            linked=links.KeepChoice(str(details.get("linked", links.KeepChoice.KEEP))),
        )
