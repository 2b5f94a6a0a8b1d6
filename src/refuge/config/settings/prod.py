"""Production: fail loudly on unsafe values."""

from django.core.exceptions import ImproperlyConfigured

from refuge.config.settings.base import *  # noqa: F403
from refuge.config.settings.base import (
    VAULT_BLIND_INDEX_ITERATIONS,
    VAULT_BLIND_INDEX_MEMORY_KIB,
    VAULT_KDF_MEMORY_KIB,
)

if VAULT_KDF_MEMORY_KIB < 47_104:
    raise ImproperlyConfigured("REFUGE_VAULT_KDF_MEMORY_KIB is below OWASP's Argon2id minimum.")
# A blind index of a phone number must cost a guesser at least OWASP's Argon2id minimum (one
# of its equal-cost rows, m=19 MiB t=2 ...): cheaper, and one coerced password plus the database
# recovers every indexed number in hours (vault/blind.py, docs/threat-model.md).
if (
    VAULT_BLIND_INDEX_MEMORY_KIB < 19_456
    or VAULT_BLIND_INDEX_MEMORY_KIB * VAULT_BLIND_INDEX_ITERATIONS < 19_456 * 2
):
    raise ImproperlyConfigured(
        "REFUGE_BLIND_INDEX_MEMORY_KIB / REFUGE_BLIND_INDEX_ITERATIONS are below the minimum "
        "cost of a blind index (19456 KiB and memory x iterations >= 38912)."
    )
