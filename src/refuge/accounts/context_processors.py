from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from refuge.accounts.permissions import has_capability
from refuge.accounts.roles import Capability


def operator_menu(request: HttpRequest) -> dict[str, Any]:
    """Which menu entries to show. Only a mirror: every view checks again in its service."""
    user = getattr(request, "user", None)
    return {"can": {c.value: has_capability(user, c) for c in Capability}}
