"""The disaster drill: the server is gone; a new machine gets only the backup file,
its passphrase and k recovery shares, and every record comes back.

The old installation is this test's own (its database, its secret key). The new machine is a
data directory that never existed before and an empty database (SQLite in that directory, or
a new PostgreSQL database when the suite runs on PostgreSQL), driven only through the
`refuge` command line in child processes, with no REFUGE_* variable from this one: it makes
its own secret key, then `refuge restore`, `refuge recover` and `refuge audit verify` run
there, and a last child process reads the report as the coordinator and opens the
reporter's mailbox with their receipt.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from refuge.accounts.roles import Role
from refuge.intake.models import ReporterKind, Urgency
from refuge.intake.services import submit_report
from refuge.ops.management.commands.audit import ship_audit_head
from refuge.testing import make_operator
from refuge.vault import api as vault

from .fresh_database import fresh_database_url

ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "the river remembers every stone it carried"
REPORT = "Они пришли ночью, забрали брата. Адрес: ул. Ленина, 5."

READ_BACK = r"""
import json, sys
import django
django.setup()
from refuge.accounts.models import Operator
from refuge.intake.models import Thread
from refuge.intake.services import mailbox_messages_of, messages_of, open_thread_with_receipt
from refuge.testing import keyring_for
from refuge.vault import api as vault

coordinator = Operator.objects.get(username="keeper")
with vault.activated(keyring_for(coordinator)):
    read_by_coordinator = [m.body for m in messages_of(Thread.objects.get())]
with vault.activated(vault.Keyring()):
    thread = open_thread_with_receipt(sys.argv[1])
    mailbox = [m.body for m in mailbox_messages_of(thread)] if thread else None
print(json.dumps({"coordinator": read_by_coordinator, "mailbox": mailbox}))
"""


def _new_machine_env(data_dir: Path, database_url: str, witness: Path) -> dict[str, str]:
    """A clean environment: nothing of the old installation but what the drill hands over."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("REFUGE_")}
    env.update(
        {
            "REFUGE_DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url,
            "REFUGE_BACKUP_PASSPHRASE": PASSPHRASE,
            # Where the old installation's signed audit heads were shipped (off the server).
            "REFUGE_AUDIT_WITNESS_DIR": str(witness),
            # The test suite's cheap key derivation, as the old installation's keys were made.
            "DJANGO_SETTINGS_MODULE": "refuge.config.settings.test",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        }
    )
    return env


def _refuge(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "refuge.cli", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture
def old_installation(db: Any, tmp_path: Path, settings: Any) -> dict[str, Any]:
    """An installation in use: a recovery key with 3 shares, a coordinator, an intake operator,
    an anonymous report with its receipt, and a signed audit head shipped off the server."""
    settings.MEDIA_ROOT = tmp_path / "old" / "files"
    settings.DATA_DIR = tmp_path / "old"
    settings.VAULT_SIGNING_KEY_FILE = str(tmp_path / "old" / "signing_key")
    settings.AUDIT_WITNESS_DIR = str(tmp_path / "witness")
    (tmp_path / "witness").mkdir()
    recovery = vault.create_recovery_key(threshold=2, shares=3)
    make_operator("keeper", Role.COORDINATOR)
    make_operator("fieldworker", Role.OPERATOR, intake=True)
    with vault.activated(vault.Keyring()):
        submission = submit_report(
            body=REPORT, reporter_kind=ReporterKind.OTHER, urgency=Urgency.DETAINED
        )
    ship_audit_head()
    return {
        "shares": recovery.shares,
        "receipt": submission.receipt,
        "witness": Path(settings.AUDIT_WITNESS_DIR),
        "tmp": tmp_path,
    }


@pytest.mark.slow
def test_the_drill_from_the_backup_its_passphrase_and_two_shares(
    old_installation: dict[str, Any], monkeypatch: Any
) -> None:
    tmp = old_installation["tmp"]
    backup = tmp / "offsite" / "refuge.backup"
    backup.parent.mkdir()
    monkeypatch.setenv("REFUGE_BACKUP_PASSPHRASE", PASSPHRASE)
    call_command("backup", str(backup))
    old_secret_key = settings.SECRET_KEY

    new_dir = tmp / "new-machine"  # never existed: the new machine makes its own key
    database_url, drop = fresh_database_url("refuge_drill")
    env = _new_machine_env(new_dir, database_url, old_installation["witness"])
    try:
        migrated = _refuge(env, "migrate", "--verbosity", "0")
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        own_key = (new_dir / "secret_key").read_text()
        assert own_key != old_secret_key

        checked = _refuge(env, "backup", "verify", str(backup))
        assert checked.returncode == 0, checked.stderr[-3000:]
        assert "Backup OK" in checked.stdout

        restored = _refuge(env, "restore", str(backup))
        assert restored.returncode == 0, restored.stderr[-3000:]
        assert "secret key and signing key were restored" in restored.stdout
        assert "RESTART every Refuge process" in restored.stderr
        key_file = new_dir / "secret_key"
        assert key_file.read_text() == old_secret_key
        assert key_file.stat().st_mode & 0o777 == 0o600

        shares = old_installation["shares"]
        recovered = _refuge(
            env, "recover", "--operator", "keeper", "--share", shares[0], "--share", shares[2]
        )
        assert recovered.returncode == 0, recovered.stderr[-3000:]
        assert "sealed to keeper" in recovered.stdout

        verified = _refuge(env, "audit", "verify")
        assert verified.returncode == 0, verified.stderr[-3000:]
        assert "audit chain intact" in verified.stdout
        assert "reaches the signed head" in verified.stdout  # signed by the restored key

        read = subprocess.run(
            [sys.executable, "-c", READ_BACK, old_installation["receipt"]],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert read.returncode == 0, read.stderr[-3000:]
    finally:
        drop()
    found = json.loads(read.stdout.strip().splitlines()[-1])
    assert found["coordinator"] == [REPORT]
    assert found["mailbox"] == [REPORT]
