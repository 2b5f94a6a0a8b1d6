"""Access expectations for documentation (merged by tests/test_access_matrix.py).

Documentation is one team (documentation.permissions): every role holding DOCUMENT
(coordinator, case worker, lawyer) opens every event, act, victim and evidence; the others get
403. The world's records are made by the lawyer and sealed to the whole team, so downloads
open for all three. There are no ID_SWAPS here: a peer of the same role reaches the same
records by design (the sealed fields stay unreadable to a member who joined later).
"""

from __future__ import annotations

from typing import Any

from refuge.accounts.roles import Role
from refuge.core.access_matrix import World, console
from refuge.core.testing import keyring_for
from refuge.documentation.evidence.services import add_evidence
from refuge.documentation.services.testimony import record_testimony
from refuge.documentation.tests.factories import testimony
from refuge.vault import api as vault

TEAM = {Role.COORDINATOR, Role.CASE_WORKER, Role.LAWYER}

_PAGES = ("events", "event", "event_edit", "testimony", "event_source", "acts", "acts_export",
          "source_delete",
          "victim", "places", "import", "evidence")

EXPECTED = {
    **{f"documentation:{name}": console(TEAM) for name in _PAGES},
    # Actions: refused or done with a message, back to the event (302).
    "documentation:event_share": console(TEAM, method="post", ok=302),
    "documentation:evidence_upload": console(TEAM, method="post", ok=302),
    "documentation:act_verify": console(TEAM, method="post", ok=302),
    "documentation:victim_link": console(TEAM, method="post", ok=302),
    "documentation:victim_attributes": console(TEAM, method="post", ok=302),
    # Without a reason and a confirmation nothing is destroyed: back to the file (302).
    "documentation:evidence_destroy": console(TEAM, method="post", ok=302),
    # The file itself (decrypted) and the evidence bundle.
    "documentation:evidence_download": console(TEAM, method="post", ok=200),
    "documentation:evidence_export": console(TEAM, method="post", ok=200),
}


def url_kwargs(world: World) -> dict[str, Any]:
    lawyer = world.operators[Role.LAWYER.value]
    with vault.activated(keyring_for(lawyer)):
        result = record_testimony(actor=lawyer, testimony=testimony())
        evidence = add_evidence(actor=lawyer, event=result.event,
                                content=b"%PDF-1.4 medical certificate (fictional)",
                                file_name="certificate.pdf").evidence
    act = result.acts[0]
    return {"event_id": result.event.pk, "act_id": act.pk, "victim_id": act.victim_id,
            "source_id": result.source.pk,
            "evidence_id": evidence.pk, "file_format": "csv"}
