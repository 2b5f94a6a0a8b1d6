"""Access expectations for on call (merged by tests/test_access_matrix.py).

Everyone in the console sees who is on call and sets where their own alarms go; only those
who supervise the hotline (coordinators) change the rota.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from refuge.accounts.roles import Role
from refuge.oncall.models import Position, Shift
from refuge.testing.access_matrix import Effect, World, console

EXPECTED = {
    "oncall:rota": console(),
    "oncall:settings": console(),
    "oncall:add_shift": console({Role.COORDINATOR}, method="post", ok=302),
    "oncall:remove_shift": console({Role.COORDINATOR}, method="post", ok=302),
}


def url_kwargs(world: World) -> dict[str, Any]:
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
    "oncall:settings": Effect(
        data={"email": "alarms@example.org", "version": "0"},
        outsider=False,
        reason="each operator sets only their own alarm settings",
    ),
}
