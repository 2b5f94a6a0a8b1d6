"""Access expectations for on call (merged by tests/test_access_matrix.py).

Everyone in the console sees who is on call and sets where their own alarms go; only those
who supervise the hotline (coordinators) change the rota.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from refuge.accounts.roles import Role
from refuge.oncall.models import AlarmSettings, Position, Shift
from refuge.oncall.services.preferences import TELEGRAM_LABEL
from refuge.testing.access_matrix import Effect, World, console
from refuge.vault import api as vault

EXPECTED = {
    "oncall:rota": console(),
    "oncall:settings": console(),
    # Without REFUGE_TELEGRAM_STAFF_TOKEN (as here) linking redirects with "not set up".
    "oncall:link_telegram": console(method="post", ok=302),
    "oncall:unlink_telegram": console(method="post", ok=302),
    "oncall:add_shift": console({Role.COORDINATOR}, method="post", ok=302),
    "oncall:remove_shift": console({Role.COORDINATOR}, method="post", ok=302),
}


def url_kwargs(world: World) -> dict[str, Any]:
    # The operator has linked Telegram: unlinking it is a change.
    AlarmSettings.objects.update_or_create(
        operator=world.operators[Role.OPERATOR.value],
        defaults={"telegram_chat_sealed": vault.seal_server_secret("4242", label=TELEGRAM_LABEL)},
    )
    now = timezone.now()
    shift = Shift.objects.create(
        operator=world.operators[Role.OPERATOR.value],
        position=Position.PRIMARY,
        starts_at=now,
        ends_at=now + timedelta(hours=4),
    )
    return {"shift_id": shift.pk}


def _new_shift(world: World) -> dict[str, str]:
    start = timezone.localtime(timezone.now() + timedelta(days=1))
    return {
        "operator": str(world.operators[Role.OPERATOR.value].pk),
        "position": Position.BACKUP.value,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
    }


EFFECTS = {
    "oncall:add_shift": Effect(
        data=_new_shift, outsider=False, reason="the rota belongs to no one: the capability"
    ),
    "oncall:remove_shift": Effect(
        outsider=False, reason="any shift may be removed by whoever supervises the hotline"
    ),
    "oncall:link_telegram": Effect(
        outsider=False,
        changes=False,
        reason="with no staff bot set up (as here) it only says so; with one, the code it "
        "issues links the operator's own Telegram (tests/test_telegram.py)",
    ),
    "oncall:unlink_telegram": Effect(
        by=Role.OPERATOR.value,
        outsider=False,
        reason="each operator unlinks only their own Telegram",
    ),
    "oncall:settings": Effect(
        data={"email": "alarms@example.org", "version": "0", "channels": "email"},
        outsider=False,
        reason="each operator sets only their own alarm settings",
    ),
}
