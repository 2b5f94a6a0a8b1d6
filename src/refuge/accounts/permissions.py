from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from refuge.accounts.roles import ROLE_CAPABILITIES, Capability


def has_capability(operator: Any, capability: Capability) -> bool:
    if operator is None or not getattr(operator, "is_authenticated", False):
        return False
    if not operator.is_active or getattr(operator, "is_duress", False):
        # A duress session's stand-in holds no capability: every feature page is refused.
        return False
    return capability in ROLE_CAPABILITIES.get(operator.role, frozenset())


def require(operator: Any, capability: Capability) -> None:
    """Raise PermissionDenied unless the operator's role grants the capability."""
    if not has_capability(operator, capability):
        raise PermissionDenied(capability.value)
