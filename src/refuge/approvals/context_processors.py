from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from refuge.approvals.selectors import waiting_count


def approvals(request: HttpRequest) -> dict[str, Any]:
    """How many requests wait for this operator (a callable: only pages showing it query)."""
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
        return {"approvals_waiting": 0}
    return {"approvals_waiting": lambda: waiting_count(user)}
