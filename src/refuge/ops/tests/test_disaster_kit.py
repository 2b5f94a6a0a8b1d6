"""`refuge setup` prints the disaster kit: what to keep, where, and who keeps it."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from refuge.vault import api as vault

SHARE_LINE = re.compile(r"^  RFG1-\S+ .+$", re.MULTILINE)


def _setup(*arguments: str) -> str:
    output = io.StringIO()
    call_command("setup", *arguments, stdout=output)
    return output.getvalue()


@pytest.fixture
def backup_dir(settings: Any, tmp_path: Any) -> str:
    settings.BACKUP_DIR = str(tmp_path / "offsite")
    settings.VAULT_SIGNING_KEY_FILE = str(tmp_path / "signing_key")
    return str(settings.BACKUP_DIR)


def test_setup_prints_the_whole_kit_in_russian_then_english(db: Any, backup_dir: str) -> None:
    shown = _setup("--threshold", "2", "--shares", "3")

    assert len(SHARE_LINE.findall(shown)) == 3
    russian = shown.index("НАБОР НА СЛУЧАЙ КАТАСТРОФЫ")
    english = shown.index("DISASTER KIT")
    assert shown.index("RFG1-") < russian < english
    ru, en = shown[russian:english], shown[english:]
    for text, passphrase, shares in (
        (ru, "Парольная фраза резервных копий", "любые 2 из 3"),
        (en, "The backup passphrase", "2 of 3 rebuild it"),
    ):
        assert passphrase in text
        assert shares in text
        assert backup_dir in text  # where the backups go
        assert "refuge restore FILE" in text
        assert "refuge recover --operator" in text
        assert vault.fingerprint(vault.signing_public_key()) in text
    assert "different trustee" in en
    assert "You do not need to keep the secret key" in en


def test_setup_again_prints_no_shares_but_the_kit_and_names_the_missing_backup_dir(
    db: Any, backup_dir: str, settings: Any
) -> None:
    _setup("--threshold", "2", "--shares", "3")
    settings.BACKUP_DIR = ""

    shown = _setup()

    assert SHARE_LINE.findall(shown) == []
    assert "no new shares printed" in shown
    assert "2 of 3 rebuild it" in shown
    assert "No backup directory is set (REFUGE_BACKUP_DIR)" in shown
    assert "Каталог резервных копий не задан (REFUGE_BACKUP_DIR)" in shown
