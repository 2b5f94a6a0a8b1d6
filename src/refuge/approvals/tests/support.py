"""Test helpers: confirm a two-person request the way a person does, through its page."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from refuge.accounts.models import Operator
from refuge.approvals.models import ActionStatus, PendingAction
from refuge.testing import log_in

REASON = "The person asked us on the phone to erase it."


def latest_request() -> PendingAction | None:
    """The newest two-person request, or None while nobody has asked for one."""
    return PendingAction.objects.order_by("-pk").first()


def confirm_as(operator: Operator, action: PendingAction | None = None, **data: str) -> Any:
    """Log `operator` in and confirm the request (the latest one by default)."""
    action = action or latest_request()
    assert action is not None, "no request to confirm"
    client = Client()
    log_in(client, operator)
    return client.post(reverse("approvals:confirm", args=[action.pk]), {"confirm": "on", **data})


def is_pending(action: PendingAction) -> bool:
    return PendingAction.objects.get(pk=action.pk).status == ActionStatus.PENDING
