"""One coerced analyst password opens coded data and victims' names (for
linkage), never a testimony, an event's story or an evidence file."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.documentation.evidence.services import add_evidence, open_evidence
from refuge.documentation.models import Event, Evidence, Source, Victim
from refuge.documentation.services.testimony import record_testimony
from refuge.documentation.tests import factories
from refuge.testing import keyring_for, make_operator
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db
PHOTO = b"\x89PNG\r\n\x1a\n" + b"bruises on the back" * 40


def _documented(lawyer):
    recorded = record_testimony(
        actor=lawyer, testimony=factories.testimony(new_victim_names=["Ruslan Testov"])
    )
    evidence = add_evidence(
        actor=lawyer,
        event=recorded.event,
        content=PHOTO,
        file_name="back.png",
        description="Injuries",
    ).evidence
    return recorded, evidence


def _analyst_reads(analyst, recorded, evidence) -> dict[str, bool]:
    with vault.activated(keyring_for(analyst)):
        return {
            "victim": vault.is_readable(
                Victim.objects.get(pk=recorded.acts[0].victim.pk).real_name
            ),
            "event": vault.is_readable(Event.objects.get(pk=recorded.event.pk).description),
            "source": vault.is_readable(Source.objects.get(pk=recorded.source.pk).summary),
            "evidence": vault.can_read(Evidence.objects.get(pk=evidence.pk).envelope_id),
        }


def test_an_analyst_reads_victims_names_and_nothing_else(as_lawyer) -> None:
    analyst = make_operator("an1", Role.ANALYST)
    recorded, evidence = _documented(as_lawyer)

    assert _analyst_reads(analyst, recorded, evidence) == {
        "victim": True,
        "event": False,
        "source": False,
        "evidence": False,
    }
    with vault.activated(keyring_for(analyst)), pytest.raises(vault.VaultError):
        open_evidence(actor=as_lawyer, evidence=Evidence.objects.get(pk=evidence.pk))


def test_narrowing_drops_analysts_old_grants_and_keeps_victims(as_lawyer, lawyer) -> None:
    analyst = make_operator("an1", Role.ANALYST)
    recorded, evidence = _documented(as_lawyer)
    # An installation from before: everything was sealed to analysts too.
    for envelope_id in (
        recorded.event.envelope_id,
        recorded.source.envelope_id,
        evidence.envelope_id,
    ):
        vault.share(envelope_id, reader=analyst, granted_by=lawyer)
    assert _analyst_reads(analyst, recorded, evidence)["evidence"]

    output = StringIO()
    call_command("narrowanalystgrants", stdout=output)

    assert _analyst_reads(analyst, recorded, evidence) == {
        "victim": True,
        "event": False,
        "source": False,
        "evidence": False,
    }
    assert "3 analyst grant(s)" in output.getvalue()
    revoked = AuditEvent.objects.filter(
        action=AuditAction.GRANT_REVOKED, details__reader=analyst.pk
    )
    assert revoked.count() == 3
    again = StringIO()
    call_command("narrowanalystgrants", stdout=again)
    assert "0 analyst grant(s)" in again.getvalue()
