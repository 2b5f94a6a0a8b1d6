"""Referral packages: bytes sealed to a partner organisation's X25519 public key.

A libsodium sealed box (crypto_box_seal): anyone holding the partner's public key can seal,
only the partner's private key opens. Partners open it with PyNaCl or libsodium in a few
lines (docs/cases.md, and the guide page linked from every referral).
"""

from __future__ import annotations

import base64
import binascii

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
