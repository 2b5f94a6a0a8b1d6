from __future__ import annotations

from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from refuge.accounts.models import Operator
from refuge.accounts.roles import ROLE_CAPABILITIES, Capability


def has_capability(
    operator: Operator | AnonymousUser | None, capability: Capability
) -> TypeGuard[Operator]:
    if operator is None or not getattr(operator, "is_authenticated", False):
        return False
    if not operator.is_active:
        return False
    # A duress session's stand-in holds its role's capabilities, so its menu and pages look
    # as usual; it reads an empty view of the data and writes nothing (duress_console).
    return capability in ROLE_CAPABILITIES.get(operator.role, frozenset())


def require(operator: Operator | AnonymousUser | None, capability: Capability) -> None:
    """Raise PermissionDenied unless the operator's role grants the capability."""
    if not has_capability(operator, capability):
        raise PermissionDenied(capability.value)
