from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from refuge.accounts.duress import open_alerts
from refuge.accounts.lockout import delayed_accounts
from refuge.accounts.permissions import has_capability
from refuge.accounts.roles import Capability


def operator_menu(request: HttpRequest) -> dict[str, Any]:
    """Which menu entries to show. Only a mirror: every view checks again in its service."""
    user = getattr(request, "user", None)
    alerts: Callable[[], list[Any]] = list
    delays: Callable[[], list[Any]] = list
    if has_capability(user, Capability.MANAGE_OPERATORS):
        # Callables: the queries run only on pages that show the alerts.
        alerts, delays = open_alerts, delayed_accounts
    return {
        "can": {c.value: has_capability(user, c) for c in Capability},
        "coordinator_alerts": alerts,
        "delayed_accounts": delays,
    }
