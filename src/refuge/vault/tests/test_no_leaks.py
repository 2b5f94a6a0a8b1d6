"""Point 8: key material and plaintext never reach logs, SQL, exceptions or the audit log."""

from __future__ import annotations

import base64
import json
import logging

import pytest
from django.db import connection

from refuge.audit.models import AuditEvent
from refuge.testing import TEST_PASSWORD, keyring_for
from refuge.vault import api as vault
from refuge.vault import crypto
from refuge.vault.models import SealedFile
from refuge.vault.recovery import ShareError, create_recovery_key, recover_private_key
from refuge.vault.tests.helpers import read_as, sealed_note

pytestmark = pytest.mark.django_db

CANARY_NAME = "Ибрагим Канарейкин"
CANARY_PHONE = "+7 928 555-01-23"
CANARY_TEXT = "Его держат в подвале на улице Канареечной"


def forms_of(secret: bytes) -> list[str]:
    return [
        secret.hex(),
        base64.b64encode(secret).decode(),
        base64.urlsafe_b64encode(secret).decode(),
        repr(secret)[2:-1],
    ]


def test_flows_leave_no_plaintext_or_key_in_logs_sql_or_audit(
    caplog, coordinator, operator_factory
) -> None:
    caplog.set_level(logging.DEBUG)
    statements: list[str] = []

    def capture(execute, sql, params, many, context):
        statements.append(f"{sql} {params!r}")  # everything sent to the database
        return execute(sql, params, many, context)

    stranger = operator_factory("stranger")
    setup = create_recovery_key(threshold=3, shares=5)
    with connection.execute_wrapper(capture):
        note = sealed_note(coordinator, CANARY_NAME)
        with vault.activated(keyring_for(coordinator)) as keyring:
            envelope = vault.create_envelope(purpose=vault.Purpose.CASE, readers=[coordinator])
            stored = vault.store_file(
                envelope_id=envelope.pk, name=CANARY_PHONE, content=CANARY_TEXT.encode()
            )
            data_key = keyring.data_key(envelope.pk)
            private_key = keyring.private_key
            assert private_key is not None  # the coordinator's keyring is unlocked
            vault.blind_index("name", CANARY_NAME)
            vault.blind_index("phone", CANARY_PHONE)
            assert vault.read_file(SealedFile.objects.get(pk=stored.pk)) == CANARY_TEXT.encode()
        assert read_as(coordinator, note) == CANARY_NAME
        assert not vault.is_readable(read_as(stranger, note))  # audited failure
        SealedFile.objects.filter(pk=note.pk).update(name=b"\x00" * 60)
        assert not vault.is_readable(read_as(coordinator, note))  # audited corruption
        with pytest.raises(vault.WrongPassword):
            vault.unlock_private_key(coordinator, "wrong " + TEST_PASSWORD)
        recovery_key = recover_private_key(setup.shares[:3])

    sql = "\n".join(statements)
    assert "INSERT" in sql
    assert "vault_grant" in sql
    audit = json.dumps(
        [list(event.details.values()) for event in AuditEvent.objects.all()], ensure_ascii=False
    )
    for haystack in (caplog.text, audit, sql):
        for plaintext in (
            CANARY_NAME,
            "Канарейкин",
            CANARY_PHONE,
            "9285550123",
            CANARY_TEXT,
            TEST_PASSWORD,
            "ibragim",
        ):
            assert plaintext not in haystack
        for secret in (data_key, private_key, recovery_key):
            for form in forms_of(secret):
                assert form not in haystack
        for share in setup.shares:
            assert share.split()[1] not in haystack


def test_reprs_and_errors_name_ids_never_secrets(coordinator) -> None:
    setup = create_recovery_key(threshold=3, shares=5)
    with vault.activated(keyring_for(coordinator)) as keyring:
        envelope = vault.create_envelope(purpose=vault.Purpose.CASE, readers=[coordinator])
        data_key = keyring.data_key(envelope.pk)
        text = repr(keyring) + str(keyring)
        assert keyring.private_key is not None
        for secret in (data_key, keyring.private_key):
            for form in forms_of(secret):
                assert form not in text
    assert setup.shares[0] not in repr(setup)
    unlock = vault.unlock_for_session(coordinator, TEST_PASSWORD)
    assert unlock.cookie_key.hex() not in repr(unlock)
    with pytest.raises(ShareError) as error:
        recover_private_key([setup.shares[0][:-1] + "x"])
    assert setup.shares[0].split()[1] not in str(error.value)
    message = str(vault.UnreadableRecord(envelope.pk))
    assert str(envelope.pk) in message


def test_secrets_are_compared_in_constant_time_helper() -> None:
    assert crypto.constant_time_equal("abc", b"abc")
    assert not crypto.constant_time_equal(b"abc", b"abd")
    assert not crypto.constant_time_equal("abc", "abcd")
