"""`refuge reindex`: an installation with one-HMAC blind indexes moves to Argon2id under a new
key, and repeat callers and exposures still match afterwards (hotline and cases)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.cases.models import PersonIdentifier
from refuge.cases.services.persons import save_person
from refuge.cases.tests.access import make_case
from refuge.hotline.models import Identifier
from refuge.hotline.tests.factories import phone_call
from refuge.testing import keyring_for, make_operator
from refuge.vault import api as vault
from refuge.vault import crypto
from refuge.vault.models import BlindIndexKey, Grant, IndexScheme
from refuge.vault.recovery import create_recovery_key

pytestmark = pytest.mark.django_db
NUMBER = "+7 928 000-11-22"


def _index_as(operator, kind: str, value: str) -> str:
    with vault.activated(keyring_for(operator)):
        return vault.blind_index(kind, value)


def _stored_indexes() -> set[str]:
    return set(Identifier.objects.values_list("blind_index", flat=True)) | set(
        PersonIdentifier.objects.values_list("blind_index", flat=True)
    )


@pytest.fixture
def legacy_installation(coordinator):
    """Recovery key, a hotline operator and a case worker, and an index key made the old way:
    one HMAC-SHA256 per index (what the 0003 migration marks existing keys as)."""
    setup = create_recovery_key(threshold=2, shares=3)
    hotline = make_operator("hotline", Role.OPERATOR)
    worker = make_operator("worker", Role.CASE_WORKER)
    _index_as(coordinator, "name", "anything")  # the first index makes the key
    BlindIndexKey.objects.update(scheme=IndexScheme.HMAC_SHA256, memory_kib=0, iterations=0)
    return setup, hotline, worker


def test_reindex_moves_hmac_indexes_to_argon2id_and_matching_still_works(
    coordinator, legacy_installation, settings
) -> None:
    setup, hotline, worker = legacy_installation
    legacy = _index_as(hotline, "phone", NUMBER)
    key_row = BlindIndexKey.objects.get()
    with vault.activated(keyring_for(hotline)):
        raw_key = vault.current_keyring().data_key(key_row.envelope_id)
    assert legacy == crypto.keyed_hash(raw_key, b"refuge-blind-index:phone\x00+79280001122")
    phone_call(hotline, number=NUMBER)
    case = make_case(worker)
    with vault.activated(keyring_for(worker)):
        save_person(
            case=case,
            person=case.persons.get(),
            pseudonym="Kestrel",
            legal_name="Ruslan Aliev",
            phone=NUMBER,
            contact_details="",
            saved_by=worker,
        )
    before = _stored_indexes()
    assert legacy in before

    output = StringIO()
    call_command("reindex", share=setup.shares[:2], stdout=output)

    stored = Identifier.objects.count() + PersonIdentifier.objects.count()
    row = BlindIndexKey.objects.get()
    assert (row.scheme, row.memory_kib, row.iterations) == (
        IndexScheme.ARGON2ID,
        settings.VAULT_BLIND_INDEX_MEMORY_KIB,
        settings.VAULT_BLIND_INDEX_ITERATIONS,
    )
    assert row.envelope_id != key_row.envelope_id
    assert not Grant.objects.filter(envelope_id=key_row.envelope_id).exists()
    assert set(vault.readers_of(row.envelope_id)) == {coordinator.pk, hotline.pk, worker.pk}
    new = _index_as(hotline, "phone", "8 928 000 11 22")
    assert new != legacy
    assert not before & _stored_indexes()
    assert Identifier.objects.filter(blind_index=new).count() == 1
    assert PersonIdentifier.objects.filter(kind="phone", blind_index=new).count() == 1
    assert (
        PersonIdentifier.objects.filter(
            kind="name", blind_index=_index_as(worker, "name", "ruslan aliev")
        ).count()
        == 1
    )
    assert phone_call(hotline, number="8 (928) 000 11 22").earlier  # the repeat caller is found
    event = AuditEvent.objects.get(action=AuditAction.BLIND_INDEX_REKEYED)
    assert event.details["previous"] == "hmac-sha256"
    assert event.details["indexes"] == stored
    assert f"{stored} blind index(es) remade with argon2id" in output.getvalue()


def test_an_index_whose_record_was_shredded_is_removed(coordinator, legacy_installation) -> None:
    setup, hotline, _worker = legacy_installation
    kept = phone_call(hotline, number=NUMBER)
    gone = phone_call(hotline, number="+7 999 555-44-33")
    with vault.activated(keyring_for(hotline)):
        vault.shred(gone.contact.envelope_id, actor=hotline)

    call_command("reindex", share=setup.shares[:2], stdout=StringIO())

    assert set(
        Identifier.objects.filter(contact=gone.contact).values_list("blind_index", flat=True)
    ) == {""}
    assert Identifier.objects.get(contact=kept.contact, kind="phone").blind_index == _index_as(
        hotline, "phone", NUMBER
    )


def test_reindex_refuses_wrong_shares_and_changes_nothing(coordinator, legacy_installation) -> None:
    _setup, hotline, _worker = legacy_installation
    phone_call(hotline, number=NUMBER)
    before = _stored_indexes()
    with pytest.raises(CommandError) as refused:
        call_command("reindex", share=["RFG1-not-a-share", "RFG1-nor-this"], stdout=StringIO())

    assert refused.value.returncode == 2
    assert _stored_indexes() == before
    assert BlindIndexKey.objects.get().scheme == IndexScheme.HMAC_SHA256
