"""Roles and what each may do. Services ask `require(operator, Capability.X)`; menus only
mirror these answers, they never decide."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    OPERATOR = "operator", _("Hotline operator")
    CASE_WORKER = "case_worker", _("Case worker")
    LAWYER = "lawyer", _("Lawyer / monitor")
    ANALYST = "analyst", _("Analyst")


class Capability(models.TextChoices):
    MANAGE_OPERATORS = "manage_operators", _("Manage operators")
    VIEW_AUDIT = "view_audit", _("Read the audit log")
    EMERGENCY_LOCK = "emergency_lock", _("Emergency lock")
    HANDLE_CONTACTS = "handle_contacts", _("Handle hotline contacts")
    SUPERVISE_HOTLINE = "supervise_hotline", _("Supervise the hotline")
    EDIT_TEMPLATES = "edit_templates", _("Edit reply templates")
    REVEAL_IDENTIFIERS = "reveal_identifiers", _("Reveal phone numbers and handles")
    # Holds the blind index key (vault.blind): finds repeat callers and people already known
    # by their number or name. Only roles whose work matches identifiers hold it.
    MATCH_IDENTIFIERS = "match_identifiers", _("Match phone numbers and names")
    MANAGE_CASES = "manage_cases", _("Manage cases")
    APPROVE_SPENDING = "approve_spending", _("Approve spending and referrals")
    VIEW_SHELTERS = "view_shelters", _("See the shelter register")
    DOCUMENT = "document", _("Document events and evidence")
    ANALYSE = "analyse", _("Run linkage and estimates")
    PUBLISH = "publish", _("Publish anonymised reports")


_ALL = set(Capability)
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.COORDINATOR: frozenset(_ALL),
    Role.OPERATOR: frozenset(
        {Capability.HANDLE_CONTACTS, Capability.REVEAL_IDENTIFIERS, Capability.MATCH_IDENTIFIERS}
    ),
    Role.CASE_WORKER: frozenset(
        {
            Capability.HANDLE_CONTACTS,
            Capability.MANAGE_CASES,
            Capability.REVEAL_IDENTIFIERS,
            Capability.MATCH_IDENTIFIERS,
            Capability.APPROVE_SPENDING,
            Capability.DOCUMENT,
        }
    ),
    Role.LAWYER: frozenset({Capability.DOCUMENT}),
    Role.ANALYST: frozenset({Capability.ANALYSE, Capability.PUBLISH}),
}


def roles_with(capability: Capability) -> list[str]:
    """The roles granting a capability (for filtering operators in SQL)."""
    return [role for role, capabilities in ROLE_CAPABILITIES.items() if capability in capabilities]
