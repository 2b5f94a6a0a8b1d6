"""Referral packages: bytes sealed to a partner organisation's X25519 public key.

A libsodium sealed box (crypto_box_seal): anyone holding the partner's public key can seal,
only the partner's private key opens. Partners open it with PyNaCl or libsodium in a few
lines (docs/cases.md, and the guide page linked from every referral).
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from refuge.vault import crypto
from refuge.vault.errors import VaultError

PUBLIC_KEY_BYTES = 32


def parse_partner_public_key(text: str) -> bytes:
    """Decode a partner's public key given as standard base64; raises VaultError if invalid."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise VaultError("not base64") from error
    if len(key) != PUBLIC_KEY_BYTES:
        raise VaultError("an X25519 public key is 32 bytes")
    return key


FINGERPRINT_HEX_CHARS = 32  # 128 bits, read aloud as eight groups of four


def partner_key_fingerprint(public_key_b64: str) -> str:
    """What two people read to each other to check a key: the first 128 bits of the SHA-256
    of the raw public key, in groups of four hex digits (the partner's guide computes it the
    same way). Raises VaultError for a malformed key."""
    digest = hashlib.sha256(parse_partner_public_key(public_key_b64)).hexdigest().upper()
    head = digest[:FINGERPRINT_HEX_CHARS]
    return " ".join(head[index : index + 4] for index in range(0, FINGERPRINT_HEX_CHARS, 4))


def fingerprints_match(expected: str, read_back: str) -> bool:
    """Compare a fingerprint with what someone typed (spaces, dashes and case ignored)."""

    def digits(text: str) -> str:
        return "".join(char for char in text.upper() if char in "0123456789ABCDEF")

    return bool(read_back) and crypto.constant_time_equal(digits(expected), digits(read_back))


def seal_for_partner(public_key_b64: str, payload: bytes) -> bytes:
    """Seal a referral package to the partner; we cannot open it afterwards."""
    return crypto.seal_to(parse_partner_public_key(public_key_b64), payload)


def new_partner_keypair() -> tuple[str, str]:
    """(private, public) as base64: what a partner generates on their side (tests, demo)."""
    private, public = crypto.new_keypair()
    return base64.b64encode(private).decode(), base64.b64encode(public).decode()


def open_partner_package(private_key_b64: str, package: bytes) -> bytes:
    """What the partner does with the package (tests; the guide shows the same with PyNaCl)."""
    return crypto.open_sealed(base64.b64decode(private_key_b64), package)
