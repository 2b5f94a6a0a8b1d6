"""Who may see and do what with a case. A case not shared with you does not exist for you."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import has_capability, require
from refuge.accounts.roles import Capability, Role
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.models import Case, CaseMember


def can_view_case(operator: Operator, case: Case) -> bool:
    if not has_capability(operator, Capability.MANAGE_CASES):
        return False
    return CaseMember.objects.filter(case=case, operator=operator).exists()


def get_case_for(operator: Operator, case_id: int, *, audit: bool = True) -> Case:
    """The case if it is shared with this operator (read audited); 404 otherwise."""
    case = Case.objects.select_related("stage", "shelter", "lead").filter(pk=case_id).first()
    if case is None or not can_view_case(operator, case):
        raise Http404
    if audit:
        record_event(AuditAction.RECORD_READ, actor=operator, target=case)
    return case


def require_coordinator(operator: Operator) -> None:
    if not getattr(operator, "is_authenticated", False) or operator.role != Role.COORDINATOR:
        raise PermissionDenied("coordinator")


def require_member(operator: Operator, case: Case) -> None:
    require(operator, Capability.MANAGE_CASES)
    if not CaseMember.objects.filter(case=case, operator=operator).exists():
        raise Http404


def require_lead_or_coordinator(operator: Operator, case: Case) -> None:
    """Handing a case to a new lead is for its current lead or a coordinator on the case."""
    require_member(operator, case)
    if operator.pk != case.lead_id:
        require_coordinator(operator)


def removal_refusal(operator: Operator, case: Case, member: Operator) -> str | None:
    """Why `operator` may not take `member` off the case, or None when they may.

    Only the lead or a coordinator on the case removes members; only a coordinator removes a
    coordinator; nobody removes themselves. Removing the lead hands the case to the remover,
    which the change-lead rule allows only to a coordinator (the lead cannot remove
    themselves)."""
    if member.pk == operator.pk:
        return str(_("You cannot remove yourself from a case: ask its lead or a coordinator."))
    is_coordinator = operator.role == Role.COORDINATOR
    if operator.pk != case.lead_id and not is_coordinator:
        return str(_("Only the case's lead or a coordinator removes people from it."))
    if member.role == Role.COORDINATOR and not is_coordinator:
        return str(_("Only another coordinator removes a coordinator from a case."))
    return None
