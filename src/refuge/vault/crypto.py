"""Primitives, in one small module: XChaCha20-Poly1305, sealed boxes, Argon2id, HMAC.

Nothing outside the vault app imports nacl (ruff's banned-api enforces it).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import nacl.bindings as sodium
import nacl.exceptions
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.pwhash import argon2id

KEY_BYTES = 32
NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
SALT_BYTES = argon2id.SALTBYTES


class DecryptionError(Exception):
    """Ciphertext did not authenticate: wrong key, wrong record, or corrupted bytes."""


def random_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def random_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def aead_encrypt(key: bytes, plaintext: bytes, *, associated_data: bytes) -> bytes:
    """Encrypt with a fresh random nonce; returns nonce || ciphertext || tag."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, associated_data, nonce, key
    )
    return nonce + sealed


def aead_decrypt(key: bytes, blob: bytes, *, associated_data: bytes) -> bytes:
    if len(blob) < NONCE_BYTES + sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES:
        raise DecryptionError("ciphertext too short")
    nonce, sealed = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
    try:
        return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            sealed, associated_data, nonce, key
        )
    except nacl.exceptions.CryptoError as error:
        raise DecryptionError("ciphertext did not authenticate") from error


def new_keypair() -> tuple[bytes, bytes]:
    """Return (private, public) X25519 keys as raw bytes."""
    private = PrivateKey.generate()
    return bytes(private), bytes(private.public_key)


def public_from_private(private_key: bytes) -> bytes:
    return bytes(PrivateKey(private_key).public_key)


def seal_to(public_key: bytes, plaintext: bytes) -> bytes:
    """Anonymous public-key encryption (crypto_box_seal) to one recipient."""
    return bytes(SealedBox(PublicKey(public_key)).encrypt(plaintext))


def open_sealed(private_key: bytes, sealed: bytes) -> bytes:
    try:
        return bytes(SealedBox(PrivateKey(private_key)).decrypt(sealed))
    except nacl.exceptions.CryptoError as error:
        raise DecryptionError("sealed key did not open") from error


def derive_key(secret: bytes, salt: bytes, *, memory_kib: int, iterations: int) -> bytes:
    """Argon2id key derivation (libsodium's crypto_pwhash, ALG_ARGON2ID13)."""
    return bytes(
        argon2id.kdf(KEY_BYTES, secret, salt, opslimit=iterations, memlimit=memory_kib * 1024)
    )


def keyed_hash(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def constant_time_equal(left: bytes | str, right: bytes | str) -> bool:
    if isinstance(left, str):
        left = left.encode()
    if isinstance(right, str):
        right = right.encode()
    return hmac.compare_digest(left, right)
