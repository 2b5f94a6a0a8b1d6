"""OpenPGP mail to the organisation: decrypted with its key when one is configured
(REFUGE_CHANNEL_EMAIL_PGP_KEY_FILE: the armored secret key, without a passphrase, readable only
by the service's user; its public half is what the organisation publishes for people).

python-gnupg drives Debian's `gpg` program: the key is imported into a keyring made for this
one decryption inside the data directory (mode 700), the plaintext comes back through a pipe
(never a file), and the keyring and its agent are removed afterwards. Written around the gpg
program because it is the OpenPGP implementation the organisation's people use themselves.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import gnupg
from django.conf import settings

PGP_MESSAGE = b"-----BEGIN PGP MESSAGE-----"


def is_configured() -> bool:
    return bool(settings.CHANNEL_EMAIL_PGP_KEY_FILE)


def decrypt(data: bytes) -> bytes | None:
    """The plaintext, or None (no key configured, not for this key, damaged)."""
    if not is_configured():
        return None
    key = Path(settings.CHANNEL_EMAIL_PGP_KEY_FILE).read_bytes()
    home = Path(tempfile.mkdtemp(prefix="pgp-", dir=settings.DATA_DIR))
    home.chmod(0o700)
    try:
        gpg = gnupg.GPG(gnupghome=str(home))
        if not gpg.import_keys(key).count:
            return None
        result = gpg.decrypt(data, extra_args=["--pinentry-mode", "loopback"])
        return bytes(result.data) if result.ok else None
    finally:
        stop_agent(home)
        shutil.rmtree(home, ignore_errors=True)


def stop_agent(home: Path) -> None:
    """End the gpg-agent that gpg started for this keyring (it would outlive the folder)."""
    gpgconf = shutil.which("gpgconf")
    if gpgconf is not None:
        subprocess.run(  # noqa: S603 - Debian's gpgconf, our own keyring
            [gpgconf, "--homedir", str(home), "--kill", "gpg-agent"],
            capture_output=True,
            timeout=10,
            check=False,
        )
