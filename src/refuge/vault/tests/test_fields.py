"""Point 2 and bad input: sealed fields through a real model (vault.SealedFile)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from refuge.audit.models import AuditAction, AuditEvent
from refuge.testing import keyring_for
from refuge.vault import api as vault
from refuge.vault.models import SealedFile
from refuge.vault.tests.helpers import read_as, sealed_note

pytestmark = pytest.mark.django_db

CANARY = "Зелимхан Канарейкин, +7 928 555-01-23"


def raw_column(note: SealedFile) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name FROM {SealedFile._meta.db_table} WHERE id = %s",
            [note.pk.hex if connection.vendor == "sqlite" else note.pk],
        )
        return bytes(cursor.fetchone()[0])


def test_field_roundtrips_and_the_row_holds_only_ciphertext(coordinator) -> None:
    note = sealed_note(coordinator, CANARY)

    stored = raw_column(note)
    assert CANARY.encode() not in stored
    assert "Канарейкин".encode() not in stored
    assert "Канарейкин".encode("utf-16-le") not in stored
    assert read_as(coordinator, note) == CANARY


def test_the_creating_request_reads_back_without_a_grant_lookup(coordinator) -> None:
    with vault.activated(keyring_for(coordinator)):
        envelope = vault.create_envelope(purpose=vault.Purpose.CASE, readers=[coordinator])
        note = SealedFile.objects.create(envelope=envelope, name="Ahmed")
        assert SealedFile.objects.get(pk=note.pk).name == "Ahmed"


def test_ciphertext_copied_to_another_record_does_not_open(coordinator) -> None:
    first = sealed_note(coordinator, "first secret")
    second = sealed_note(coordinator, "second secret")
    SealedFile.objects.filter(pk=second.pk).update(name=raw_column(first))

    value = read_as(coordinator, second)

    assert not vault.is_readable(value)
    assert "first secret" not in value
    assert str(second.pk) in value
    event = AuditEvent.objects.filter(action=AuditAction.DECRYPTION_FAILED).get()
    assert event.target_id == str(second.envelope_id)
    assert event.details["reason"] == "corrupted"


def test_ciphertext_moved_to_another_field_label_does_not_open(coordinator) -> None:
    note = sealed_note(coordinator, "a name")
    ciphertext = raw_column(note)
    with vault.activated(keyring_for(coordinator)), pytest.raises(vault.UnreadableRecord):
        vault.decrypt_bytes(note.envelope_id, ciphertext, label="hotline.Contact.summary")


def test_corrupted_ciphertext_reads_as_a_notice_naming_the_record(coordinator) -> None:
    note = sealed_note(coordinator, CANARY)
    damaged = bytearray(raw_column(note))
    damaged[-3] ^= 0xFF
    SealedFile.objects.filter(pk=note.pk).update(name=bytes(damaged))

    value = read_as(coordinator, note)

    assert isinstance(value, vault.Unreadable)
    assert str(note.pk) in value
    assert "Канарейкин" not in value
    event = AuditEvent.objects.get(action=AuditAction.DECRYPTION_FAILED)
    assert event.details == {
        "field": "vault.SealedFile.name",
        "reason": "corrupted",
        "reader": coordinator.pk,
    }
    assert "Канарейкин" not in str(event.details)


def test_truncated_ciphertext_is_unreadable_not_a_crash(coordinator) -> None:
    note = sealed_note(coordinator, CANARY)
    SealedFile.objects.filter(pk=note.pk).update(name=b"\x00\x01")
    assert not vault.is_readable(read_as(coordinator, note))


def test_missing_grant_reads_as_a_notice_and_is_audited(coordinator, operator_factory) -> None:
    stranger = operator_factory("stranger")
    note = sealed_note(coordinator, CANARY)

    value = read_as(stranger, note)

    assert not vault.is_readable(value)
    assert str(note.pk) in value
    event = AuditEvent.objects.get(action=AuditAction.DECRYPTION_FAILED)
    assert event.details["reason"] == "no_grant"
    assert event.details["reader"] == stranger.pk


def test_an_unreadable_value_cannot_be_saved_back(coordinator, operator_factory) -> None:
    stranger = operator_factory("stranger")
    note = sealed_note(coordinator, CANARY)
    with vault.activated(keyring_for(stranger)):
        fresh = SealedFile.objects.get(pk=note.pk)
        value = fresh.name
        with pytest.raises(vault.VaultError):
            fresh.name = value
        fresh.content_type = "text/csv"
        fresh.save()  # other columns save; the sealed one keeps its ciphertext
    assert read_as(coordinator, note) == CANARY


def test_no_keyring_reads_as_locked_notice(coordinator) -> None:
    note = sealed_note(coordinator, CANARY)
    value = SealedFile.objects.get(pk=note.pk).name  # the autouse empty keyring
    assert not vault.is_readable(value)


def test_deferred_sealed_column_loads_when_read(coordinator) -> None:
    note = sealed_note(coordinator, CANARY)
    with vault.activated(keyring_for(coordinator)):
        deferred = SealedFile.objects.only("id", "envelope").get(pk=note.pk)
        assert deferred.name == CANARY


def test_preload_opens_many_grants_in_one_query(coordinator, django_assert_num_queries) -> None:
    notes = [sealed_note(coordinator, f"note {number}") for number in range(5)]
    with vault.activated(keyring_for(coordinator)):
        rows = list(SealedFile.objects.filter(pk__in=[n.pk for n in notes]))
        with django_assert_num_queries(1):
            vault.preload(row.envelope_id for row in rows)
            names = sorted(row.name for row in rows)
    assert names == [f"note {number}" for number in range(5)]


def test_sealed_file_content_roundtrips_and_blob_is_ciphertext(coordinator, settings) -> None:
    content = "Показания: задержан 3 марта, избит. Witness statement.".encode()
    with vault.activated(keyring_for(coordinator)):
        envelope = vault.create_envelope(purpose=vault.Purpose.EVIDENCE, readers=[coordinator])
        stored = vault.store_file(
            envelope_id=envelope.pk,
            name="показания.txt",
            content=content,
            content_type="text/plain",
        )
    blob = (settings.MEDIA_ROOT / "sealed" / f"{stored.pk}.bin").read_bytes()
    assert content not in blob
    assert "задержан".encode() not in blob

    with vault.activated(keyring_for(coordinator)):
        fresh = SealedFile.objects.get(pk=stored.pk)
        assert vault.read_file(fresh) == content
        assert fresh.name == "показания.txt"


def test_sealed_file_blobs_swapped_between_files_do_not_open(coordinator, settings) -> None:
    with vault.activated(keyring_for(coordinator)):
        envelope = vault.create_envelope(purpose=vault.Purpose.EVIDENCE, readers=[coordinator])
        first = vault.store_file(envelope_id=envelope.pk, name="a", content=b"first")
        second = vault.store_file(envelope_id=envelope.pk, name="b", content=b"second")
    folder = settings.MEDIA_ROOT / "sealed"
    (folder / f"{second.pk}.bin").write_bytes((folder / f"{first.pk}.bin").read_bytes())
    with vault.activated(keyring_for(coordinator)), pytest.raises(vault.UnreadableRecord):
        vault.read_file(SealedFile.objects.get(pk=second.pk))


def test_the_unreadable_notice_is_in_russian_by_default(coordinator, operator_factory) -> None:
    from django.core.management import call_command
    from django.utils import translation

    call_command("compilecatalogues", verbosity=0)
    stranger = operator_factory("stranger")
    note = sealed_note(coordinator, CANARY)
    with translation.override("ru"):
        value = read_as(stranger, note)
    assert "невозможно прочитать" in value
    assert "доступ вам не предоставлен" in value
    assert str(note.pk) in value


def test_paths_that_skip_encryption_refuse_text(coordinator) -> None:
    note = sealed_note(coordinator, CANARY)
    with transaction.atomic(), pytest.raises(TypeError, match="sealed"):
        SealedFile.objects.filter(pk=note.pk).update(name="plain text")
    with transaction.atomic(), pytest.raises(TypeError, match="sealed"):
        list(SealedFile.objects.filter(name=CANARY))
    with vault.activated(keyring_for(coordinator)):
        fresh = SealedFile.objects.get(pk=note.pk)
        assert fresh.name == CANARY
        SealedFile.objects.bulk_update([fresh], ["name"])  # unchanged: its ciphertext goes back
        fresh.name = "changed"
        with transaction.atomic(), pytest.raises(TypeError, match="sealed"):
            SealedFile.objects.bulk_update([fresh], ["name"])
    assert read_as(coordinator, note) == CANARY
    assert CANARY.encode() not in raw_column(note)
    assert b"plain text" not in raw_column(note)


def test_serialisers_carry_ciphertext_and_load_it_back(coordinator) -> None:
    from django.core import serializers

    note = sealed_note(coordinator, CANARY)
    with vault.activated(keyring_for(coordinator)):
        dumped = serializers.serialize("json", SealedFile.objects.filter(pk=note.pk))
    assert "Канарейкин" not in dumped
    assert "refuge-sealed:" in dumped
    SealedFile.objects.filter(pk=note.pk).delete()
    for restored in serializers.deserialize("json", dumped):
        restored.save()  # a raw save, as loaddata does, without any key
    assert read_as(coordinator, note) == CANARY


def test_a_raw_save_without_keys_writes_the_ciphertext_back(coordinator) -> None:
    note = sealed_note(coordinator, CANARY)
    before = raw_column(note)
    locked = SealedFile.objects.get(pk=note.pk)
    assert not vault.is_readable(locked.name)  # no key in this context
    locked.save_base(raw=True)
    assert raw_column(note) == before
    assert read_as(coordinator, note) == CANARY


def test_a_record_without_envelope_reads_as_a_notice(coordinator) -> None:
    note = sealed_note(coordinator, CANARY)
    # The envelope is a required key, so its type has no None: a broken record, made on purpose.
    note.envelope_id = None  # type: ignore[assignment]
    note.__dict__["name"].plaintext = None
    assert not vault.is_readable(note.name)


def test_an_unreadable_value_renders_in_a_console_page(rf, coordinator, operator_factory) -> None:
    from django.template import engines

    stranger = operator_factory("stranger")
    note = sealed_note(coordinator, CANARY)
    request = rf.get("/console/")
    request.user = stranger
    template = engines["django"].from_string(
        '{% extends "core/console_base.html" %}{% block content %}<p>{{ value }}</p>{% endblock %}'
    )
    html = template.render({"value": read_as(stranger, note)}, request)
    assert str(note.pk) in html
    assert "Канарейкин" not in html
