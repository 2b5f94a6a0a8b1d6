"""Primitives, in one small module: XChaCha20-Poly1305, sealed boxes, Argon2id, HMAC.

Nothing outside the vault app imports nacl (ruff's banned-api enforces it).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import nacl.bindings as sodium
import nacl.exceptions
from nacl._sodium import ffi as _ffi
from nacl._sodium import lib as _lib
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


# libsodium's XChaCha20-Poly1305 called directly through PyNaCl's cffi binding: the same
# function nacl.bindings wraps, without its per-call argument checking, which cost about two
# thirds of the time of opening a field (a list page opens 100). We check lengths here instead;
# tests/test_crypto.py cross-checks both directions against nacl.bindings.
_ABYTES = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise DecryptionError("key of the wrong length")


def aead_encrypt(key: bytes, plaintext: bytes, *, associated_data: bytes) -> bytes:
    """Encrypt with a fresh random nonce; returns nonce || ciphertext || tag."""
    _check_key(key)
    nonce = secrets.token_bytes(NONCE_BYTES)
    length = len(plaintext) + _ABYTES
    output = _ffi.new("unsigned char[]", length)
    result = _lib.crypto_aead_xchacha20poly1305_ietf_encrypt(
        output,
        _ffi.NULL,
        plaintext,
        len(plaintext),
        associated_data,
        len(associated_data),
        _ffi.NULL,
        nonce,
        key,
    )
    if result != 0:  # pragma: no cover - libsodium documents no failure here
        raise RuntimeError("encryption failed")
    return nonce + bytes(_ffi.buffer(output, length))


def aead_decrypt(key: bytes, blob: bytes, *, associated_data: bytes) -> bytes:
    _check_key(key)
    if len(blob) < NONCE_BYTES + _ABYTES:
        raise DecryptionError("ciphertext too short")
    nonce, sealed = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
    length = len(sealed) - _ABYTES
    output = _ffi.new("unsigned char[]", max(length, 1))
    result = _lib.crypto_aead_xchacha20poly1305_ietf_decrypt(
        output,
        _ffi.NULL,
        _ffi.NULL,
        sealed,
        len(sealed),
        associated_data,
        len(associated_data),
        nonce,
        key,
    )
    if result != 0:
        raise DecryptionError("ciphertext did not authenticate")
    return bytes(_ffi.buffer(output, length))


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


def slow_keyed_hash(key: bytes, message: bytes, *, memory_kib: int, iterations: int) -> str:
    """Argon2id of HMAC-SHA256(key, message), salted by the key (CipherSweet's slow index).

    Without the key nothing can be computed or tested; with it, every guess still costs one
    Argon2id run of `memory_kib` and `iterations` (hex, 64 characters).
    """
    secret = hmac.new(key, message, hashlib.sha256).digest()
    salt = hmac.new(key, b"refuge-slow-keyed-hash:salt", hashlib.sha256).digest()[:SALT_BYTES]
    return derive_key(secret, salt, memory_kib=memory_kib, iterations=iterations).hex()


def constant_time_equal(left: bytes | str, right: bytes | str) -> bool:
    if isinstance(left, str):
        left = left.encode()
    if isinstance(right, str):
        right = right.encode()
    return hmac.compare_digest(left, right)
