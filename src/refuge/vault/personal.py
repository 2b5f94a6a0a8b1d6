"""Small secrets of one operator (a TOTP seed): sealed to their own key, or wrapped under a key
derived from a password they know.

`seal_for_operator` needs only the public key, so a seed can be sealed when it is made;
`open_for_operator` needs the private key, which exists only after the password step (the
pending login's keyring) or in a logged-in request. A seized database thus holds no second
factor. `wrap_with_password` keeps a copy that a second password (the duress password) opens,
at the same Argon2id cost as unlocking the operator's key.
"""

from __future__ import annotations

import struct

from refuge.core.operators import OperatorLike
from refuge.vault import crypto
from refuge.vault.errors import AccessDenied, VaultLocked
from refuge.vault.keyring import Keyring
from refuge.vault.models import OperatorKey
from refuge.vault.operators import _kdf_parameters

_HEADER = struct.Struct(">IH")  # memory KiB, iterations; then the salt, then the ciphertext


def _prefix(label: str) -> bytes:
    return f"refuge:personal:{label}\n".encode()


def seal_to_public_key(public_key: bytes, secret: bytes, *, label: str) -> bytes:
    """Seal to a raw X25519 public key (for data migrations, which have no model methods)."""
    return crypto.seal_to(public_key, _prefix(label) + secret)


def seal_for_operator(operator: OperatorLike, secret: bytes, *, label: str) -> bytes:
    """Seal a secret so that only this operator's private key opens it."""
    public_key = OperatorKey.objects.values_list("public_key", flat=True).get(
        operator_id=operator.pk
    )
    return seal_to_public_key(bytes(public_key), secret, label=label)


def open_for_operator(sealed: bytes, *, label: str, keyring: Keyring) -> bytes:
    """Open what seal_for_operator sealed, with the keyring's private key."""
    if keyring.private_key is None:
        raise VaultLocked("No private key is unlocked.")
    try:
        opened = crypto.open_sealed(keyring.private_key, sealed)
    except crypto.DecryptionError as error:
        raise AccessDenied(label) from error
    prefix = _prefix(label)
    if not opened.startswith(prefix):
        raise AccessDenied(label)
    return opened[len(prefix) :]


def _label_bytes(label: str) -> bytes:
    return f"refuge:password-wrap:{label}".encode()


def _parameters_of(operator: OperatorLike) -> tuple[int, int]:
    key = (
        OperatorKey.objects.filter(operator_id=operator.pk)
        .values_list("kdf_memory_kib", "kdf_iterations")
        .first()
    )
    return key if key is not None else _kdf_parameters()


def wrap_with_password(
    operator: OperatorLike, secret: bytes, password: str, *, label: str
) -> bytes:
    """Wrap a secret under Argon2id(password) at the cost of the operator's own key."""
    memory_kib, iterations = _parameters_of(operator)
    salt = crypto.random_salt()
    key = crypto.derive_key(password.encode(), salt, memory_kib=memory_kib, iterations=iterations)
    ciphertext = crypto.aead_encrypt(key, secret, associated_data=_label_bytes(label))
    return _HEADER.pack(memory_kib, iterations) + salt + ciphertext


def unwrap_with_password(
    operator: OperatorLike, blob: bytes | None, password: str, *, label: str
) -> bytes | None:
    """The wrapped secret, or None. Costs one Argon2id derivation at the operator key's
    parameters whether or not there is a blob, or it opens: the same time as a real login's
    unlock, so a duress login cannot be told apart by its timing."""
    if not blob or len(blob) < _HEADER.size + crypto.SALT_BYTES:
        memory_kib, iterations = _parameters_of(operator)
        crypto.derive_key(
            password.encode(), crypto.random_salt(), memory_kib=memory_kib, iterations=iterations
        )
        return None
    memory_kib, iterations = _HEADER.unpack_from(blob)
    salt = blob[_HEADER.size : _HEADER.size + crypto.SALT_BYTES]
    key = crypto.derive_key(password.encode(), salt, memory_kib=memory_kib, iterations=iterations)
    try:
        return crypto.aead_decrypt(
            key, blob[_HEADER.size + crypto.SALT_BYTES :], associated_data=_label_bytes(label)
        )
    except crypto.DecryptionError:
        return None
