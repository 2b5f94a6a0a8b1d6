"""OpenPGP mail: with the organisation's key configured, a PGP/MIME or inline-encrypted mail
arrives decrypted, words and files; without it, or for another key, the operator reads a note
saying so (nothing is lost, nothing crashes)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from pathlib import Path
from typing import Any

import gnupg
import pytest

from refuge.channels.email.parse import parse_mail
from refuge.channels.email.pgp import stop_agent
from refuge.intake.tests.support import jpeg_with_gps

pytestmark = pytest.mark.skipif(shutil.which("gpg") is None, reason="gpg is not installed")

WORDS = "Меня держат в Аргуне, телефон отобрали"


@dataclass
class Keys:
    gpg: gnupg.GPG
    fingerprint: str
    secret_file: Path


def _make_keys(home: Path, email: str) -> Keys:
    home.mkdir(mode=0o700)
    gpg = gnupg.GPG(gnupghome=str(home))
    key = gpg.gen_key(
        gpg.gen_key_input(
            key_type="EDDSA",
            key_curve="ed25519",
            subkey_type="ECDH",
            subkey_curve="cv25519",
            name_email=email,
            no_protection=True,
        )
    )
    secret = home / "secret.asc"
    secret.write_text(str(gpg.export_keys(key.fingerprint, secret=True, expect_passphrase=False)))
    return Keys(gpg, str(key.fingerprint), secret)


@pytest.fixture(scope="module")
def organisation(tmp_path_factory: Any) -> Iterator[Keys]:
    keys = _make_keys(tmp_path_factory.mktemp("org") / "gnupg", "hotline@example.org")
    yield keys
    stop_agent(keys.secret_file.parent)
    shutil.rmtree(keys.secret_file.parent, ignore_errors=True)


def _encrypted(keys: Keys, plain: bytes) -> str:
    result = keys.gpg.encrypt(plain, [keys.fingerprint], always_trust=True, armor=True)
    assert result.ok, result.status
    return str(result)


def pgp_mime_mail(keys: Keys) -> bytes:
    inner = EmailMessage()
    inner.set_content(WORDS)
    inner.add_attachment(jpeg_with_gps(), maintype="image", subtype="jpeg", filename="p.jpg")
    outer = MIMEMultipart("encrypted", protocol="application/pgp-encrypted")
    outer["From"] = "friend@example.org"
    outer["Subject"] = "..."
    outer["Message-ID"] = "<pgp-1@example.org>"
    outer.attach(MIMEApplication("Version: 1\n", "pgp-encrypted"))
    outer.attach(MIMEApplication(_encrypted(keys, inner.as_bytes()), "octet-stream"))
    return outer.as_bytes()


def inline_mail(keys: Keys) -> bytes:
    message = EmailMessage()
    message["From"] = "friend@example.org"
    message["Message-ID"] = "<pgp-2@example.org>"
    message.set_content(_encrypted(keys, WORDS.encode()))
    return message.as_bytes()


def test_a_pgp_mime_mail_arrives_decrypted_with_its_files(
    organisation: Keys, settings: Any
) -> None:
    settings.CHANNEL_EMAIL_PGP_KEY_FILE = str(organisation.secret_file)
    mail = parse_mail(pgp_mime_mail(organisation))
    assert mail.sender == "friend@example.org"
    assert mail.text == f"Тема: ...\n\n{WORDS}"
    assert len(mail.files) == 1
    assert mail.files[0][:2] == b"\xff\xd8"  # the photo (cleaned later by the intake rules)
    assert list(Path(settings.DATA_DIR).glob("pgp-*")) == []  # the keyring is gone


def test_an_inline_pgp_mail_arrives_decrypted(organisation: Keys, settings: Any) -> None:
    settings.CHANNEL_EMAIL_PGP_KEY_FILE = str(organisation.secret_file)
    assert parse_mail(inline_mail(organisation)).text == WORDS


def test_without_the_key_or_for_another_key_the_operator_is_told(
    organisation: Keys, settings: Any, tmp_path: Path
) -> None:
    settings.CHANNEL_EMAIL_PGP_KEY_FILE = ""
    mail = parse_mail(pgp_mime_mail(organisation))
    assert "Refuge не расшифровывает почту" in mail.text
    assert WORDS not in mail.text

    other = _make_keys(tmp_path / "other", "someone@example.org")
    settings.CHANNEL_EMAIL_PGP_KEY_FILE = str(other.secret_file)
    try:
        for raw in (pgp_mime_mail(organisation), inline_mail(organisation)):
            text = parse_mail(raw).text
            assert "ключ организации его не открывает" in text
            assert WORDS not in text
    finally:
        stop_agent(tmp_path / "other")
