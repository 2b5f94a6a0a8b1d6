"""Operator keypairs and their unlocking for a session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from refuge.core.operators import OperatorLike
from refuge.vault import crypto, grant_cache
from refuge.vault.errors import WrongPassword
from refuge.vault.keyring import Keyring
from refuge.vault.models import Grant, GrantKind, OperatorKey

# Argon2id floor from OWASP's Password Storage Cheat Sheet (m=47104 KiB, t=1, p=1).
OWASP_MINIMUM_MEMORY_KIB = 47_104


def _kdf_parameters() -> tuple[int, int]:
    memory_kib = settings.VAULT_KDF_MEMORY_KIB
    if memory_kib < OWASP_MINIMUM_MEMORY_KIB and not settings.VAULT_ALLOW_WEAK_KDF:
        raise ImproperlyConfigured("Vault key derivation is weaker than OWASP's minimum.")
    return memory_kib, settings.VAULT_KDF_ITERATIONS


def _operator_label(operator_id: int) -> bytes:
    return f"refuge:operator-key:{operator_id}".encode()


def _wrap(operator_id: int, private_key: bytes, password: str) -> dict[str, Any]:
    memory_kib, iterations = _kdf_parameters()
    salt = crypto.random_salt()
    wrapping_key = crypto.derive_key(
        password.encode(), salt, memory_kib=memory_kib, iterations=iterations
    )
    return {
        "wrapped_private_key": crypto.aead_encrypt(
            wrapping_key, private_key, associated_data=_operator_label(operator_id)
        ),
        "kdf_salt": salt,
        "kdf_memory_kib": memory_kib,
        "kdf_iterations": iterations,
    }


@transaction.atomic
def create_operator_key(operator: OperatorLike, password: str) -> OperatorKey:
    """Give an operator a fresh keypair wrapped under their password.

    Replacing a keypair (a coordinator's password reset) drops every grant sealed to the
    old key: the reset gives the coordinator, or anyone, no access to that person's records.
    """
    Grant.objects.filter(kind=GrantKind.OPERATOR, operator_id=operator.pk).delete()
    OperatorKey.objects.filter(operator_id=operator.pk).delete()
    private_key, public_key = crypto.new_keypair()
    return OperatorKey.objects.create(
        operator_id=operator.pk, public_key=public_key, **_wrap(operator.pk, private_key, password)
    )


def unlock_private_key(operator: OperatorLike, password: str) -> bytes:
    """Unwrap the operator's private key with their password (one Argon2id derivation)."""
    key = OperatorKey.objects.get(operator_id=operator.pk)
    wrapping_key = crypto.derive_key(
        password.encode(),
        bytes(key.kdf_salt),
        memory_kib=key.kdf_memory_kib,
        iterations=key.kdf_iterations,
    )
    try:
        return crypto.aead_decrypt(
            wrapping_key,
            bytes(key.wrapped_private_key),
            associated_data=_operator_label(operator.pk),
        )
    except crypto.DecryptionError as error:
        raise WrongPassword("The password does not unlock this key.") from error


@transaction.atomic
def rewrap_operator_key(operator: OperatorLike, *, old_password: str, new_password: str) -> None:
    """A password change: same keypair, wrapped under the new password."""
    private_key = unlock_private_key(operator, old_password)
    OperatorKey.objects.filter(operator_id=operator.pk).update(
        **_wrap(operator.pk, private_key, new_password)
    )


def has_operator_key(operator: OperatorLike) -> bool:
    return OperatorKey.objects.filter(operator_id=operator.pk).exists()


@dataclass(frozen=True, slots=True)
class SessionUnlock:
    """What a login leaves behind: a blob for the server session, a key for the cookie.

    Neither alone opens anything: the server session holds the private key encrypted under
    `cookie_key`, which lives only in the browser's session cookie.
    """

    session_blob: bytes
    cookie_key: bytes

    def __repr__(self) -> str:
        return "SessionUnlock(<redacted>)"


def unlock_for_session(operator: OperatorLike, password: str) -> SessionUnlock:
    private_key = unlock_private_key(operator, password)
    _upgrade_wrapping(operator, private_key, password)
    cookie_key = crypto.random_key()
    blob = crypto.aead_encrypt(cookie_key, private_key, associated_data=_session_label(operator))
    return SessionUnlock(session_blob=blob, cookie_key=cookie_key)


def _upgrade_wrapping(operator: OperatorLike, private_key: bytes, password: str) -> None:
    """A key wrapped under weaker parameters than today's is re-wrapped at login."""
    memory_kib, iterations = _kdf_parameters()
    key = OperatorKey.objects.get(operator_id=operator.pk)
    if key.kdf_memory_kib < memory_kib or key.kdf_iterations < iterations:
        OperatorKey.objects.filter(pk=key.pk).update(**_wrap(operator.pk, private_key, password))


def _session_label(operator: OperatorLike) -> bytes:
    return f"refuge:session:{operator.pk}".encode()


def keyring_from_session(operator: OperatorLike, session_blob: bytes, cookie_key: bytes) -> Keyring:
    """Rebuild the request's keyring; an empty one when the pieces do not fit."""
    try:
        private_key = crypto.aead_decrypt(
            cookie_key, session_blob, associated_data=_session_label(operator)
        )
    except crypto.DecryptionError:
        return Keyring(operator_id=operator.pk)
    return Keyring(
        operator_id=operator.pk,
        private_key=private_key,
        session_cache_key=grant_cache.session_cache_key(cookie_key),
    )
