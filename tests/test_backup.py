"""`refuge backup` / `refuge restore`, round trip and every refusal."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import stat
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import Client
from django.urls import reverse

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.audit.models import AuditEvent
from refuge.audit.services import verify_chain
from refuge.ops import backup as backup_module
from refuge.testing import keyring_for, log_in, make_operator
from refuge.vault import api as vault
from refuge.vault import backup as vault_backup

from .fresh_database import fresh_database_url

ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "seven tired owls cross the river at dawn"
PAGES = [reverse("accounts:operators"), reverse("audit:log") + "?action=operator_created"]

RESTORE_AND_READ = r"""
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from refuge.accounts import totp
from refuge.accounts.models import Operator
from refuge.testing import keyring_for, log_in
from refuge.vault import api as vault
from refuge.vault.models import Envelope

call_command("restore", sys.argv[1])
call_command("audit", "verify")
coordinator = Operator.objects.get(username="keeper")
# The code used before the backup is remembered as spent; open a fresh 30-second window.
totp.restart_window(coordinator)
client = Client()
log_in(client, coordinator)
pages = [client.get(url).content.decode() for url in sys.argv[2:]]
operator = Operator.objects.get(username="fieldworker")
envelope = Envelope.objects.get()
with vault.activated(keyring_for(operator)):
    secret = vault.decrypt_bytes(envelope.pk, bytes.fromhex(open(sys.argv[1] + ".ct").read()),
                                 label="t").decode()
print(json.dumps({"pages": pages, "secret": secret}))
"""


def _main_of(page: str) -> str:
    main = page[page.index("<main>") : page.index("</main>")]
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)
    # The audit page numbers events and shows times: keep only what a restore must keep.
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?", "", main)


@pytest.fixture
def installation(db: Any, tmp_path: Path, settings: Any, monkeypatch: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "files"
    # A restore may write the installation's keys into the data directory: keep them here.
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.VAULT_SIGNING_KEY_FILE = str(tmp_path / "data" / "signing_key")
    (tmp_path / "files" / "evidence").mkdir(parents=True)
    (tmp_path / "files" / "evidence" / "blob.bin").write_bytes(b"\x00sealed bytes\xff")
    monkeypatch.setenv("REFUGE_BACKUP_PASSPHRASE", PASSPHRASE)
    coordinator = make_operator("keeper", Role.COORDINATOR)
    operator = make_operator("fieldworker", Role.OPERATOR)
    with vault.activated(keyring_for(operator)):
        envelope = vault.create_envelope(purpose=vault.Purpose.CASE, readers=[operator])
        ciphertext = vault.encrypt_bytes(envelope.pk, b"the safe house", label="t")
    return {"coordinator": coordinator, "ciphertext": ciphertext, "tmp": tmp_path}


def _pages(coordinator: Operator) -> list[str]:
    client = Client()
    log_in(client, coordinator)
    return [_main_of(client.get(url).content.decode()) for url in PAGES]


def _backup(installation: dict[str, Any]) -> Path:
    target = installation["tmp"] / "refuge.backup"
    call_command("backup", str(target))
    return target


@pytest.mark.slow
def test_round_trip_into_a_fresh_installation(installation: dict[str, Any]) -> None:
    before = _pages(installation["coordinator"])
    backup = _backup(installation)
    Path(str(backup) + ".ct").write_text(installation["ciphertext"].hex())
    assert b"fieldworker" not in backup.read_bytes()
    assert b"sealed bytes" not in backup.read_bytes()
    fresh_dir = installation["tmp"] / "fresh"
    database_url, drop = fresh_database_url()
    env = {
        **os.environ,
        "REFUGE_DATA_DIR": str(fresh_dir),
        "DATABASE_URL": database_url,
        "REFUGE_SECRET_KEY": settings.SECRET_KEY,
        "REFUGE_ALLOWED_HOSTS": "testserver",
        "REFUGE_BACKUP_PASSPHRASE": PASSPHRASE,
        "DJANGO_SETTINGS_MODULE": "refuge.config.settings.test",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    try:
        result = subprocess.run(
            [sys.executable, "-c", RESTORE_AND_READ, str(backup), *PAGES],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    finally:
        drop()
    assert result.returncode == 0, result.stderr[-3000:]
    restored = json.loads(result.stdout.strip().splitlines()[-1])
    assert [_main_of(page) for page in restored["pages"]] == before
    assert restored["secret"] == "the safe house"
    assert (fresh_dir / "files" / "evidence" / "blob.bin").read_bytes() == b"\x00sealed bytes\xff"


def test_restore_with_force_replaces_everything_and_the_chain_verifies(
    installation: dict[str, Any],
) -> None:
    backup = _backup(installation)
    make_operator("added-later", Role.ANALYST)

    call_command("restore", str(backup), "--force")

    assert not Operator.objects.filter(username="added-later").exists()
    assert Operator.objects.filter(username="fieldworker").exists()
    assert verify_chain() == []


def _refused(path: Path, message: str) -> None:
    operators = sorted(Operator.objects.values_list("username", "role", "version"))
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), "--force")
    assert sorted(Operator.objects.values_list("username", "role", "version")) == operators
    assert verify_chain() == []


def test_a_corrupted_backup_is_refused(installation: dict[str, Any]) -> None:
    backup = _backup(installation)
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup.write_bytes(bytes(data))
    _refused(backup, "altered or damaged")


def test_a_truncated_backup_is_refused(installation: dict[str, Any]) -> None:
    backup = _backup(installation)
    backup.write_bytes(backup.read_bytes()[:-100])
    _refused(backup, "altered or damaged")
    backup.write_bytes(backup.read_bytes()[:40])
    _refused(backup, "truncated")


def test_an_empty_or_foreign_file_is_refused(installation: dict[str, Any]) -> None:
    empty = installation["tmp"] / "empty.backup"
    empty.write_bytes(b"")
    _refused(empty, "not a Refuge backup")
    other = installation["tmp"] / "notes.txt"
    other.write_text("just some text that is long enough to pass the size check " * 3)
    _refused(other, "not a Refuge backup")


def test_a_wrong_passphrase_is_refused(installation: dict[str, Any], monkeypatch: Any) -> None:
    backup = _backup(installation)
    monkeypatch.setenv("REFUGE_BACKUP_PASSPHRASE", "not the passphrase at all")
    _refused(backup, "passphrase is wrong")


def test_the_commands_read_the_passphrase_file_as_the_scheduled_backup_does(
    installation: dict[str, Any], monkeypatch: Any, settings: Any
) -> None:
    monkeypatch.delenv("REFUGE_BACKUP_PASSPHRASE")
    secret = installation["tmp"] / "backup_passphrase"
    secret.write_text("a passphrase only the worker reads\n")
    settings.BACKUP_PASSPHRASE_FILE = str(secret)
    backup = _backup(installation)
    assert not list(installation["tmp"].glob(".*.part")), "no temporary file is left behind"
    output = io.StringIO()
    call_command("backup", "verify", str(backup), stdout=output)
    assert output.getvalue().startswith("Backup OK")
    assert backup_module.verify_backup(
        backup.read_bytes(), passphrase="a passphrase only the worker reads"
    ).carries_keys
    settings.BACKUP_PASSPHRASE_FILE = str(installation["tmp"] / "missing")
    with pytest.raises(CommandError, match="Cannot read the passphrase file"):
        call_command("backup", "verify", str(backup))


def _format_1(backup: Path, monkeypatch: Any) -> Path:
    """The same backup as an older Refuge wrote it: no keys inside, bound to the secret key."""
    payload = backup_module._decode(backup.read_bytes(), PASSPHRASE)
    for key in ("installation", "database_sha256"):
        del payload[key]
    for entry in payload["files"]:
        del entry["sha256"]
    payload["format"] = 1
    monkeypatch.setattr(vault_backup, "VERSION", 1)
    old = backup.with_name("format1.backup")
    old.write_bytes(
        vault.seal_backup(
            zlib.compress(json.dumps(payload).encode()),
            passphrase=PASSPHRASE,
            installation_id=vault.installation_id(),
        )
    )
    monkeypatch.undo()
    return old


def test_a_format_1_backup_restores_on_its_own_installation_only(
    installation: dict[str, Any], settings: Any, monkeypatch: Any
) -> None:
    old = _format_1(_backup(installation), monkeypatch)
    monkeypatch.setenv("REFUGE_BACKUP_PASSPHRASE", PASSPHRASE)
    call_command("restore", str(old), "--force")
    assert Operator.objects.filter(username="fieldworker").exists()
    assert verify_chain() == []
    settings.SECRET_KEY = "another installation's secret key, entirely different"
    with pytest.raises(CommandError, match="another installation"):
        call_command("restore", str(old), "--force")


def test_a_backup_carries_the_keys_and_restores_them_elsewhere(
    installation: dict[str, Any], settings: Any
) -> None:
    original_key = settings.SECRET_KEY
    original_public = vault.signing_public_key()
    backup = _backup(installation)
    settings.SECRET_KEY = "another installation's secret key, entirely different"
    Path(settings.VAULT_SIGNING_KEY_FILE).unlink()
    assert vault.signing_public_key() != original_public

    call_command("restore", str(backup), "--force")

    key_file = settings.DATA_DIR / "secret_key"
    assert key_file.read_text() == original_key
    assert key_file.stat().st_mode & 0o777 == 0o600
    # This process now runs as the old installation.
    assert original_key == settings.SECRET_KEY
    assert vault.signing_public_key() == original_public
    assert verify_chain() == []
    restored = AuditEvent.objects.order_by("-sequence").first()
    assert restored is not None
    assert restored.details["kind"] == "restored_from_backup"
    assert restored.details["installation_keys"] == "restored"
    assert restored.details["previous_head_sequence"] == restored.sequence - 1
    assert not Path(str(key_file) + ".restoring").exists()


def test_restore_into_a_non_empty_installation_needs_force(installation: dict[str, Any]) -> None:
    backup = _backup(installation)
    _refused(backup.with_name("missing.backup"), "not a file")
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(backup))


def test_backup_refuses_a_short_passphrase_and_an_existing_file(
    installation: dict[str, Any], monkeypatch: Any
) -> None:
    backup = _backup(installation)
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(backup))
    monkeypatch.setenv("REFUGE_BACKUP_PASSPHRASE", "short")
    with pytest.raises(CommandError, match="at least"):
        call_command("backup", str(backup), "--overwrite")


def test_backup_refuses_to_replace_a_device_a_pipe_or_a_folder(
    installation: dict[str, Any],
) -> None:
    # As root a rename over /dev/null would have put a root-only plain file in its place; a
    # pipe stands in for the device, which only root could make here.
    pipe = installation["tmp"] / "pipe"
    os.mkfifo(pipe)
    for target in (pipe, installation["tmp"] / "files"):
        with pytest.raises(CommandError, match="regular file") as raised:
            call_command("backup", str(target), "--overwrite")
        assert raised.value.returncode == 2
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert (installation["tmp"] / "files" / "evidence" / "blob.bin").exists()
    inside_a_file = installation["tmp"] / "files" / "evidence" / "blob.bin" / "backup"
    with pytest.raises(CommandError, match="folder does not exist"):
        call_command("backup", str(inside_a_file), "--overwrite")


def _verify(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", "verify", str(path), stdout=out)
    return out.getvalue()


def _unusable(path: Path, message: str) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        _verify(path)
    assert raised.value.returncode == 1
    assert str(raised.value).startswith("Backup NOT usable: ")


def _resealed(backup: Path, change: Any) -> Path:
    """The backup's payload changed by `change`, sealed again (a well-formed, honest file)."""
    payload = backup_module._decode(backup.read_bytes(), PASSPHRASE)
    change(payload)
    target = backup.with_name("changed.backup")
    target.write_bytes(
        vault.seal_backup(
            zlib.compress(json.dumps(payload).encode()),
            passphrase=PASSPHRASE,
            installation_id=vault.installation_id(),
        )
    )
    return target


def test_verify_summarises_a_good_backup_and_changes_nothing(
    installation: dict[str, Any],
) -> None:
    backup = _backup(installation)
    events = AuditEvent.objects.count()
    shown = _verify(backup)
    assert shown.startswith("Backup OK: made ")
    assert "1 files" in shown
    assert "it carries the installation's keys" in shown
    assert re.search(r"  accounts\.operator: 2$", shown, re.MULTILINE)
    assert AuditEvent.objects.count() == events


def test_verify_refuses_a_wrong_passphrase(installation: dict[str, Any], monkeypatch: Any) -> None:
    backup = _backup(installation)
    monkeypatch.setenv("REFUGE_BACKUP_PASSPHRASE", "not the passphrase at all")
    _unusable(backup, "passphrase is wrong")


def test_verify_refuses_a_truncated_or_tampered_file(installation: dict[str, Any]) -> None:
    backup = _backup(installation)
    good = backup.read_bytes()
    backup.write_bytes(good[:-100])
    _unusable(backup, "altered or damaged")
    backup.write_bytes(good[:40])
    _unusable(backup, "truncated")
    tampered = bytearray(good)
    tampered[-50] ^= 0x80
    backup.write_bytes(bytes(tampered))
    _unusable(backup, "altered or damaged")
    with pytest.raises(CommandError, match="not a file"):
        _verify(backup.with_name("missing.backup"))


def test_verify_checks_every_file_and_row_inside(installation: dict[str, Any]) -> None:
    backup = _backup(installation)

    def swap_file(payload: dict[str, Any]) -> None:
        payload["files"][0]["data"] = base64.b64encode(b"other bytes").decode()

    _unusable(_resealed(backup, swap_file), r"damaged: evidence/blob\.bin")

    def drop_rows(payload: dict[str, Any]) -> None:
        payload["database"] = payload["database"].replace('"keeper"', '"intruder"')

    _unusable(_resealed(backup, drop_rows), "damaged: database")

    def unknown_model(payload: dict[str, Any]) -> None:
        rows = json.loads(payload["database"])
        rows.append({"model": "cases.spaceship", "pk": 1, "fields": {}})
        payload["database"] = json.dumps(rows)
        payload["database_sha256"] = hashlib.sha256(payload["database"].encode()).hexdigest()

    _unusable(_resealed(backup, unknown_model), r"does not know \(cases\.spaceship\)")


def test_verify_refuses_a_backup_from_newer_code_and_accepts_an_older_one(
    installation: dict[str, Any],
) -> None:
    backup = _backup(installation)

    def newer(payload: dict[str, Any]) -> None:
        payload["migrations"].append(["cases", "9999_from_the_future"])

    _unusable(_resealed(backup, newer), "newer version of Refuge")

    def older(payload: dict[str, Any]) -> None:
        payload["migrations"] = [p for p in payload["migrations"] if p[0] != "analysis"]

    assert _verify(_resealed(backup, older)).startswith("Backup OK")


def test_backup_without_a_file_writes_into_the_backup_dir(
    installation: dict[str, Any], settings: Any
) -> None:
    settings.BACKUP_DIR = ""
    with pytest.raises(CommandError, match="REFUGE_BACKUP_DIR"):
        call_command("backup")
    settings.BACKUP_DIR = str(installation["tmp"] / "scheduled")
    Path(settings.BACKUP_DIR).mkdir()
    call_command("backup")
    (written,) = Path(settings.BACKUP_DIR).glob("refuge-*.backup")
    assert re.fullmatch(r"refuge-\d{8}-\d{6}\.backup", written.name)
    assert written.stat().st_mode & 0o777 == 0o600
    assert _verify(written).startswith("Backup OK")
    with pytest.raises(CommandError, match="backup verify FILE"):
        call_command("backup", "verify")


def test_a_restore_under_an_overriding_environment_key_says_what_to_do(
    installation: dict[str, Any], settings: Any, monkeypatch: Any
) -> None:
    original_key = settings.SECRET_KEY
    backup = _backup(installation)
    monkeypatch.setenv("REFUGE_SECRET_KEY", "the new machine's key, given by the environment")
    settings.SECRET_KEY = "the new machine's key, given by the environment"
    settings.SECRET_KEY_IN_DATA_DIR = False
    out, err = io.StringIO(), io.StringIO()

    call_command("restore", str(backup), "--force", stdout=out, stderr=err)

    key_file = settings.DATA_DIR / "secret_key"
    assert key_file.read_text() == original_key
    assert f"Set REFUGE_SECRET_KEY to the content of {key_file}" in err.getvalue()
    assert "RESTART every Refuge process" in err.getvalue()
    # A later command, started with the environment's old value, refuses to run.
    settings.SECRET_KEY = "the new machine's key, given by the environment"
    with pytest.raises(SystemCheckError, match=r"refuge\.ops\.E005"):
        call_command("check")


def test_a_data_directory_that_cannot_take_the_files_is_said_plainly(
    installation: dict[str, Any], settings: Any
) -> None:
    backup = _backup(installation)
    blocked = installation["tmp"] / "not-a-directory"
    blocked.write_text("a file where the files directory should be")
    settings.MEDIA_ROOT = blocked
    with pytest.raises(CommandError, match="database was restored, but writing") as raised:
        call_command("restore", str(backup), "--force")
    assert "Nothing was changed" not in str(raised.value)
    assert "--force" in str(raised.value)
