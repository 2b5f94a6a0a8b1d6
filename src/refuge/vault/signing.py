"""The installation's Ed25519 signing key: it signs audit heads and evidence bundles.

The private key (a 32-byte seed) lives in one file, VAULT_SIGNING_KEY_FILE (default
`<REFUGE_DATA_DIR>/signing_key`, mode 600), created on first use; it is not in the database.
A backup carries it inside its ciphertext (under the backup passphrase, `export_seed`), and a
restore on a new machine puts it back (`install_seed`): the restored installation signs as
the one the organisation published, and its old signed heads still verify.

Its public half is what the organisation publishes (`refuge audit publickey` prints it with
its fingerprint) and what every signed head and bundle carries.

Every signature covers a purpose label first (`refuge-audit-head/1`, `refuge-evidence-bundle/1`),
so a signature made for one kind of statement is never valid for another.

What it proves: that a shipped audit head or an exported bundle came from this installation
and was not changed since. What it cannot: someone who holds this server (or the key file) can
sign a new statement; a head shipped off the server *before* they did still shows any rollback.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

import nacl.exceptions
import nacl.signing
from django.conf import settings

from refuge.core.durable import write_atomically

SEED_BYTES = 32


@dataclass(frozen=True, slots=True)
class Signature:
    public_key: bytes
    signature: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def fingerprint(public_key: bytes) -> str:
    """The SHA-256 of the raw public key, first 32 hex digits, in groups of four."""
    digest = hashlib.sha256(public_key).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def _key_file() -> Path:
    return Path(settings.VAULT_SIGNING_KEY_FILE)


def _signing_key() -> nacl.signing.SigningKey:
    path = _key_file()
    if not path.exists():
        _create_key_file(path)
    seed = base64.b64decode(path.read_text(encoding="ascii").strip())
    if len(seed) != SEED_BYTES:
        raise ValueError(f"{path} does not hold an Ed25519 signing key")
    return nacl.signing.SigningKey(seed)


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    seed = bytes(nacl.signing.SigningKey.generate())
    try:
        write_atomically(path, _key_file_text(seed), exclusive=True)
    except FileExistsError:
        return  # another process made it first: use theirs


def export_seed() -> bytes:
    """The private seed, for a backup's sealed payload only."""
    return bytes(_signing_key())


def install_seed(seed: bytes) -> None:
    """Replace the key file with this seed (a restore): written beside it, then renamed."""
    if len(seed) != SEED_BYTES:
        raise ValueError("an Ed25519 seed is 32 bytes")
    path = _key_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomically(path, _key_file_text(seed))


def _key_file_text(seed: bytes) -> bytes:
    return (base64.b64encode(seed).decode() + "\n").encode("ascii")


def public_key() -> bytes:
    return bytes(_signing_key().verify_key)


def sign(purpose: str, message: bytes) -> Signature:
    key = _signing_key()
    signed = key.sign(_labelled(purpose, message))
    return Signature(public_key=bytes(key.verify_key), signature=signed.signature)


def verify(purpose: str, message: bytes, *, public_key: bytes, signature: bytes) -> bool:
    try:
        nacl.signing.VerifyKey(public_key).verify(_labelled(purpose, message), signature)
    except (
        nacl.exceptions.BadSignatureError,
        nacl.exceptions.ValueError,
        nacl.exceptions.TypeError,
    ):
        return False
    return True


def _labelled(purpose: str, message: bytes) -> bytes:
    return purpose.encode("ascii") + b"\n" + message
