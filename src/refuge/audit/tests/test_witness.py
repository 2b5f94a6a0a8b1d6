"""Signed audit heads shipped to a witness; `verify --against` finds a
truncated tail, a truncated table and a rewritten chain, with a clear message, never a 500."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from refuge.accounts.roles import Role
from refuge.audit import services, witness
from refuge.audit.models import AuditAction, AuditEvent, AuditHead
from refuge.audit.services import record_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def witness_dir(tmp_path: Path, settings) -> Path:
    directory = tmp_path / "witness"
    directory.mkdir()
    settings.AUDIT_WITNESS_DIR = str(directory)
    settings.VAULT_SIGNING_KEY_FILE = str(tmp_path / "signing_key")
    return directory


def _events(count: int) -> None:
    for number in range(count):
        record_event(AuditAction.RECORD_READ, target_type="cases.Case", target_id=number)


def _run(*arguments: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("audit", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _verify_fails(*arguments: str) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="NOT intact") as failure:
        call_command("audit", "verify", *arguments, stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1
    return err.getvalue()


def _truncate_tail(keep: int) -> None:
    """What an insider with database access does: drop the newest entries, rewind the head."""
    AuditEvent.objects.filter(sequence__gt=keep).delete()
    last = AuditEvent.objects.get(sequence=keep)
    AuditHead.objects.filter(pk=1).update(sequence=keep, entry_hash=last.entry_hash)


def test_ship_writes_a_signed_head_that_verifies(witness_dir: Path) -> None:
    _events(5)

    out, _ = _run("ship")

    (path,) = witness_dir.glob("audit-head-*.json")
    assert "audit head 5 signed and shipped" in out
    head = json.loads(path.read_text())
    assert head["sequence"] == 5
    assert head["entry_hash"] == AuditHead.objects.get(pk=1).entry_hash
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    assert "reaches the signed head 5" in _run("verify", "--against", str(path))[0]


def test_a_truncated_tail_passes_the_chain_check_but_not_the_witness(witness_dir: Path) -> None:
    _events(6)
    _run("ship")
    _truncate_tail(keep=4)
    assert services.verify_chain() == []  # the shortened chain is valid on its own

    message = _verify_fails("--against", str(witness_dir))

    assert "The audit log was truncated: the witness saw entry 6" in message
    assert "the database ends at entry 4; 2 newest entries are missing" in message


def test_the_witness_directory_is_checked_without_being_named(witness_dir: Path) -> None:
    _events(3)
    _run("ship")
    _truncate_tail(keep=1)

    assert "truncated" in _verify_fails()


def test_a_truncated_table_is_detected_with_a_clear_message(witness_dir: Path) -> None:
    _events(4)
    _run("ship")
    AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()

    message = _verify_fails()

    assert "the witness saw entry 4" in message
    assert "the database ends at entry 0; 4 newest entries are missing" in message


def test_a_rewritten_chain_is_detected(witness_dir: Path) -> None:
    _events(4)
    _run("ship")
    # An insider who also holds the chain key drops entry 4 and writes a new one in its place:
    # the chain is valid again, but entry 4 is not the one the witness saw.
    _truncate_tail(keep=3)
    record_event(AuditAction.RECORD_READ, target_type="cases.Case", target_id="innocent")
    assert services.verify_chain() == []

    assert "Entry 4 is not the one the witness saw" in _verify_fails()


def test_a_forged_head_proves_nothing(witness_dir: Path, tmp_path: Path) -> None:
    _events(2)
    _run("ship")
    (path,) = witness_dir.glob("audit-head-*.json")
    forged = json.loads(path.read_text())
    forged["sequence"] = 200  # claims the log was longer than it was
    path.write_text(json.dumps(forged))

    assert "does not verify" in _verify_fails("--against", str(path))


def test_a_head_from_another_installation_is_named(
    witness_dir: Path, tmp_path: Path, settings
) -> None:
    _events(2)
    _run("ship")
    settings.VAULT_SIGNING_KEY_FILE = str(tmp_path / "another_key")

    assert "this installation's key is" in _verify_fails()


def test_a_damaged_head_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "head.json"
    path.write_text("{not json")

    with pytest.raises(CommandError, match="not readable"):
        call_command("audit", "verify", "--against", str(path), stdout=io.StringIO())


def test_ship_mails_the_head_to_coordinators_when_asked(
    witness_dir: Path, settings, operator_factory
) -> None:
    settings.AUDIT_WITNESS_EMAIL = True
    chief = operator_factory("chief", Role.COORDINATOR)
    chief.email = "chief@example.org"
    chief.save(update_fields=["email"])
    operator_factory("nomail", Role.COORDINATOR)
    lawyer = operator_factory("lawyer", Role.LAWYER)
    lawyer.email = "lawyer@example.org"
    lawyer.save(update_fields=["email"])

    out, _ = _run("ship")

    assert "mailed to 1 coordinator(s)" in out
    (message,) = mail.outbox
    assert message.to == ["chief@example.org"]
    head = witness.SignedHead.from_json(message.body.split("\n\n", 1)[1])
    assert head.sequence == AuditHead.objects.get(pk=1).sequence


def test_ship_without_a_witness_is_a_clear_error(settings) -> None:
    settings.AUDIT_WITNESS_DIR = ""
    with pytest.raises(CommandError, match="Nowhere to ship to"):
        _run("ship")


def test_the_public_key_is_printed_with_its_fingerprint(witness_dir: Path) -> None:
    out, _ = _run("publickey")
    key, fingerprint = out.splitlines()
    assert len(key) == 44
    assert fingerprint.startswith("fingerprint: ")
    assert len(fingerprint.split(": ")[1].split()) == 8
