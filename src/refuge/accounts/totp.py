"""The second factor: TOTP with a seed sealed to the operator's own key.

enrol(operator)                  a new pending device (seed sealed at once: public key only)
open_seed(device, keyring)       the seed, with the pending login's or a session's keyring
verify(device, seed, code)       RFC 6238 with one step of tolerance, no replay
keep_duress_copy(...)            the seed under Argon2id(duress password)
open_duress_copy(operator, pw)   that copy at a duress login (one derivation, always)
"""

from __future__ import annotations

import secrets
import time
from base64 import b32encode
from urllib.parse import quote, urlencode

from django.conf import settings
from django_otp.oath import TOTP

from refuge.accounts.models import Operator, SealedTOTPDevice
from refuge.vault import api as vault

SEED_BYTES = 20
SEED_LABEL = "totp-seed"
DURESS_LABEL = "totp-seed-duress"
TOLERANCE = 1  # one 30-second step either side


def new_seed() -> bytes:
    return secrets.token_bytes(SEED_BYTES)


def enrol(
    operator: Operator, *, seed: bytes | None = None, name: str = "totp", confirmed: bool = False
) -> SealedTOTPDevice:
    """A device for `operator`, its seed sealed to their public key."""
    return SealedTOTPDevice.objects.create(
        user=operator,
        name=name,
        confirmed=confirmed,
        sealed_seed=vault.seal_for_operator(operator, seed or new_seed(), label=SEED_LABEL),
    )


def confirmed_device(operator: Operator) -> SealedTOTPDevice | None:
    return SealedTOTPDevice.objects.filter(user=operator, confirmed=True).first()


def pending_device(operator: Operator) -> SealedTOTPDevice:
    """The unconfirmed device an operator is enrolling (made on first need)."""
    device = SealedTOTPDevice.objects.filter(user=operator, confirmed=False).first()
    return device if device is not None else enrol(operator)


def open_seed(device: SealedTOTPDevice, keyring: vault.Keyring) -> bytes | None:
    """The seed, or None when this keyring cannot open it."""
    try:
        return vault.open_for_operator(bytes(device.sealed_seed), label=SEED_LABEL, keyring=keyring)
    except vault.VaultError:
        return None


def verify(device: SealedTOTPDevice, seed: bytes, code: str) -> bool:
    """Check a code against the seed; an accepted time step is never accepted again."""
    if not code.isdigit():
        return False
    totp = TOTP(seed, device.step, 0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(code), TOLERANCE, device.last_t + 1):
        return False
    # Conditional: of two logins racing with one code, only one moves last_t.
    moved = SealedTOTPDevice.objects.filter(pk=device.pk, last_t=device.last_t).update(
        last_t=totp.t(), drift=totp.drift
    )
    device.last_t, device.drift = totp.t(), totp.drift
    return moved == 1


def current_code(seed: bytes, *, step: int = 30, digits: int = 6) -> str:
    """The code an authenticator shows now (the demo's `refuge democode`, tests)."""
    return f"{TOTP(seed, step, 0, digits).token():0{digits}d}"


def config_url(operator: Operator, seed: bytes) -> str:
    """otpauth:// URL for an authenticator app (shown as a QR code at enrolment)."""
    issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "Refuge")).replace(":", "")
    params = urlencode(
        {"secret": b32encode(seed).decode(), "algorithm": "SHA1", "digits": 6, "period": 30}
    )
    label = quote(f"{issuer}:{operator.get_username()}")
    return f"otpauth://totp/{label}?{params}&issuer={quote(issuer)}"


def keep_duress_copy(device: SealedTOTPDevice, seed: bytes, duress_password: str) -> None:
    """Keep the seed under the duress password, so a duress login can check the code."""
    copy = vault.wrap_with_password(device.user, seed, duress_password, label=DURESS_LABEL)
    SealedTOTPDevice.objects.filter(pk=device.pk).update(duress_seed=copy)


def open_duress_copy(operator: Operator, password: str) -> bytes | None:
    """The seed a duress password opens, or None. One Argon2id derivation at the operator
    key's cost either way: the time a real login spends unlocking the key."""
    device = confirmed_device(operator)
    blob = bytes(device.duress_seed) if device is not None and device.duress_seed else None
    return vault.unwrap_with_password(operator, blob, password, label=DURESS_LABEL)


def forget_devices(operator: Operator) -> None:
    SealedTOTPDevice.objects.filter(user=operator).delete()


def restart_window(operator: Operator) -> None:
    """Forget the last accepted step (tests log one operator in twice within 30 s)."""
    SealedTOTPDevice.objects.filter(user=operator).update(last_t=-1)
