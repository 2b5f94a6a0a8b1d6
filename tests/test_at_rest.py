"""Threat model, "server or backup seized at rest": the bytes on disk hold no secret.

A real on-disk installation (SQLite, WAL) is built in a child process: an operator logs in
through the real views (so a session row exists), a sealed record is written to the media
directory, a backup is made. The child is then killed with SIGKILL (no clean shutdown that
could tidy the WAL), and every byte under the data directory, WAL included, and the backup
are searched for the operator's password, the private key, the record's plaintext and the
backup passphrase.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "river-lantern-cobalt-window"
SECRET = "Safe house: 14 Pushkin street, flat 9"
PASSPHRASE = "orchard thunder paper seventeen"
CHILD = r"""
import os, sys, time
import django
django.setup()
from pathlib import Path
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from refuge.accounts.roles import Role
from refuge.testing import keyring_for, log_in, make_operator
from refuge.vault import api as vault
from refuge.vault.operators import unlock_private_key

call_command("migrate", verbosity=0)
password, secret, backup = sys.argv[1], sys.argv[2], sys.argv[3]
operator = make_operator("fieldworker", Role.OPERATOR, password=password)
client = Client()
log_in(client, operator, password=password)
assert client.get("/console/").status_code == 200
with vault.activated(keyring_for(operator, password=password)):
    envelope = vault.create_envelope(purpose=vault.Purpose.EVIDENCE, readers=[operator])
    sealed = vault.encrypt_bytes(envelope.pk, secret.encode(), label="evidence")
Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
(Path(settings.MEDIA_ROOT) / "evidence.bin").write_bytes(sealed)
call_command("backup", backup, stdout=open(os.devnull, "w"))
print(unlock_private_key(operator, password).hex(), flush=True)
time.sleep(600)
"""


@pytest.mark.slow
def test_seized_data_directory_and_backup_hold_no_plaintext(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    backup = tmp_path / "refuge.backup"
    env = {
        **os.environ,
        "REFUGE_DATA_DIR": str(data_dir),
        "DATABASE_URL": "",
        "REFUGE_ALLOWED_HOSTS": "testserver",
        "REFUGE_BACKUP_PASSPHRASE": PASSPHRASE,
        "DJANGO_SETTINGS_MODULE": "refuge.config.settings.test",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, PASSWORD, SECRET, str(backup)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    private_key = bytes.fromhex(child.stdout.readline().strip() or "00")
    time.sleep(0.2)
    os.kill(child.pid, signal.SIGKILL)
    _, errors = child.communicate(timeout=300)
    assert len(private_key) == 32, errors[-2000:]

    files = [path for path in data_dir.rglob("*") if path.is_file()] + [backup]
    assert any(path.name.endswith("-wal") for path in files)
    needles = {
        "password": PASSWORD.encode(),
        "secret": SECRET.encode(),
        "passphrase": PASSPHRASE.encode(),
        "private key": private_key,
        "private key (hex)": private_key.hex().encode(),
    }
    for path in files:
        content = path.read_bytes()
        for label, needle in needles.items():
            assert needle not in content, f"{label} found in {path.name}"
