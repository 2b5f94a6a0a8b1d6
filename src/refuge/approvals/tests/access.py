"""Access expectations for two-person requests (merged by tests/test_access_matrix.py).

The world's request: the case worker asked for a testimony source to be deleted. They (the
requester), and the lawyer and the coordinator (who can read the source and may confirm) see
it; the operator and the analyst find no such request (404). Confirming: the case worker is
told a second person must confirm (302, nothing done), the lawyer confirms (302), the
coordinator is then told it was decided already (302).
"""

from __future__ import annotations

from typing import Any

from refuge.accounts.roles import Role
from refuge.approvals.services import request_action
from refuge.documentation.destruction import DELETE_SOURCE
from refuge.documentation.services.testimony import record_testimony
from refuge.documentation.tests.factories import testimony
from refuge.testing import keyring_for
from refuge.testing.access_matrix import Effect, World, console, custom
from refuge.vault import api as vault

SEEN: dict[str, Any] = {"case_worker": 302, "lawyer": 302, "coordinator": 302}
EXPECTED = {
    "approvals:list": console(),
    "approvals:detail": custom(
        anonymous=302, operator=404, analyst=404, case_worker=200, lawyer=200, coordinator=200
    ),
    "approvals:confirm": custom(
        anonymous=302, method="post", data={"confirm": "on"}, operator=404, analyst=404, **SEEN
    ),
    "approvals:refuse": custom(anonymous=302, method="post", operator=404, analyst=404, **SEEN),
}


def url_kwargs(world: World) -> dict[str, Any]:
    worker = world.operators[Role.CASE_WORKER.value]
    with vault.activated(keyring_for(worker)):
        source = record_testimony(actor=worker, testimony=testimony()).source
        action = request_action(
            kind=DELETE_SOURCE,
            target=source,
            requested_by=worker,
            reason="Recorded twice by mistake.",
        )
    return {"action_id": action.pk}


# The outsider is a lawyer the source is not sealed to: no such request for them.
EFFECTS = {
    "approvals:confirm": Effect(by=Role.LAWYER.value, data={"confirm": "on"}),
    "approvals:refuse": Effect(by=Role.LAWYER.value),
}
