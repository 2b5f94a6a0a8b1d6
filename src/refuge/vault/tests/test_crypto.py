"""The direct libsodium AEAD calls agree with PyNaCl's checked bindings."""

from __future__ import annotations

import nacl.bindings as sodium
import pytest

from refuge.vault import crypto


@pytest.mark.parametrize("size", [0, 1, 400, 70_000])
def test_aead_matches_pynacl_both_ways(size: int) -> None:
    key, plaintext, associated = crypto.random_key(), bytes(range(256)) * (size // 256 + 1), b"ad"
    plaintext = plaintext[:size]
    blob = crypto.aead_encrypt(key, plaintext, associated_data=associated)
    assert (
        sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(blob[24:], associated, blob[:24], key)
        == plaintext
    )
    nonce = bytes(24)
    theirs = nonce + sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, associated, nonce, key
    )
    assert crypto.aead_decrypt(key, theirs, associated_data=associated) == plaintext


def test_aead_refuses_tampering_wrong_data_and_wrong_keys() -> None:
    key = crypto.random_key()
    blob = crypto.aead_encrypt(key, b"secret", associated_data=b"a")
    for bad_blob, bad_data, bad_key in [
        (blob[:-1] + bytes([blob[-1] ^ 1]), b"a", key),
        (blob, b"b", key),
        (blob, b"a", crypto.random_key()),
        (blob[:30], b"a", key),
        (blob, b"a", key[:16]),
    ]:
        with pytest.raises(crypto.DecryptionError):
            crypto.aead_decrypt(bad_key, bad_blob, associated_data=bad_data)
