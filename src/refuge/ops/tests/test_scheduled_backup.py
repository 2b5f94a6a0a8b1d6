"""The daily backup: written atomically, owner-only, verified by decrypting it, pruned to
REFUGE_BACKUP_KEEP; a missing setting is reported with its code, never a crash."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from refuge.ops.backup import verify_backup
from refuge.ops.jobs import back_up
from refuge.ops.models import RunStatus
from refuge.ops.scheduled_backup import existing_backups

pytestmark = pytest.mark.django_db
PASSPHRASE = "seven tired owls cross the river at dawn"


@pytest.fixture
def configured(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("REFUGE_BACKUP_PASSPHRASE", raising=False)
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o700)
    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE + "\n")
    settings.BACKUP_DIR = str(folder)
    settings.BACKUP_PASSPHRASE_FILE = str(secret)
    settings.BACKUP_KEEP = 3
    settings.MEDIA_ROOT = tmp_path / "files"
    return folder


def test_a_backup_is_written_owner_only_and_opens_with_the_passphrase(configured):
    result = back_up()

    assert result.status == RunStatus.OK
    assert result.code == "backup_written"
    [written] = existing_backups(configured)
    assert written.stat().st_mode & 0o777 == 0o600
    assert verify_backup(written.read_bytes(), passphrase=PASSPHRASE).objects == result.count
    assert not list(configured.glob(".*.part")), "no temporary file is left behind"


def test_only_the_newest_backups_are_kept(configured):
    start = datetime(2026, 3, 1, 0, 40, tzinfo=UTC)
    for day in range(5):
        with time_machine.travel(start + timedelta(days=day), tick=False):
            back_up()

    names = [path.name for path in existing_backups(configured)]
    assert names == [
        "refuge-20260303T004000000000Z.backup",
        "refuge-20260304T004000000000Z.backup",
        "refuge-20260305T004000000000Z.backup",
    ]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"BACKUP_DIR": ""}, "backup_dir_unset"),
        ({"BACKUP_DIR": "/nonexistent/refuge-backups"}, "backup_dir_missing"),
        ({"BACKUP_PASSPHRASE_FILE": ""}, "passphrase_unset"),
        ({"BACKUP_PASSPHRASE_FILE": "/nonexistent/passphrase"}, "passphrase_file_unreadable"),
    ],
)
def test_missing_configuration_is_reported_by_code_and_writes_nothing(
    configured, settings, change, code
):
    for name, value in change.items():
        setattr(settings, name, value)

    result = back_up()

    assert (result.status, result.code) == (RunStatus.NOT_CONFIGURED, code)
    assert existing_backups(configured) == []


def test_a_short_passphrase_is_refused(configured, settings, tmp_path):
    short = tmp_path / "short"
    short.write_text("too short")
    settings.BACKUP_PASSPHRASE_FILE = str(short)

    assert back_up().code == "passphrase_too_short"


def test_the_environment_passphrase_is_used_when_no_file_is_named(
    configured, settings, monkeypatch
):
    settings.BACKUP_PASSPHRASE_FILE = ""
    monkeypatch.setenv("REFUGE_BACKUP_PASSPHRASE", PASSPHRASE)

    assert back_up().status == RunStatus.OK


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_a_folder_the_worker_cannot_write_is_reported(configured):
    configured.chmod(0o500)
    try:
        assert back_up().code == "backup_dir_not_writable"
    finally:
        configured.chmod(0o700)
