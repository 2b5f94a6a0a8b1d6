"""Small secrets the server itself must read with nobody logged in: where to send an alarm
(an operator's alarm e-mail address, their Telegram chat id).

A background worker delivers alarms at 3 a.m., so these cannot be sealed to an operator's
key, which exists only inside their requests. They are encrypted under a key derived from the
installation's secret key (core.keys), one key per label: a copy of the database without
REFUGE_SECRET_KEY reads none of them, nor does a backup without its passphrase (a backup
carries the secret key inside its encrypted part, ops.backup). A running server, seized with
its secret key, does: which is why alarms carry no content and the guide asks operators to use
an alarm address that does not name them.
"""

from __future__ import annotations

from refuge.core.keys import derived_key
from refuge.vault import crypto


def _key_and_label(label: str) -> tuple[bytes, bytes]:
    return derived_key("server-secret", label), f"refuge:server-secret:{label}".encode()


def seal_server_secret(value: str, *, label: str) -> bytes:
    key, associated = _key_and_label(label)
    return crypto.aead_encrypt(key, value.encode(), associated_data=associated)


def open_server_secret(blob: bytes | memoryview | None, *, label: str) -> str | None:
    """The value, or None when there is none or it does not open (another secret key)."""
    if not blob:
        return None
    key, associated = _key_and_label(label)
    try:
        return crypto.aead_decrypt(key, bytes(blob), associated_data=associated).decode()
    except crypto.DecryptionError:
        return None
