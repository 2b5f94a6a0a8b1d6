"""Production: fail loudly on unsafe values."""

from django.core.exceptions import ImproperlyConfigured

from refuge.config.settings.base import *  # noqa: F403
from refuge.config.settings.base import VAULT_KDF_MEMORY_KIB

if VAULT_KDF_MEMORY_KIB < 47_104:
    raise ImproperlyConfigured("REFUGE_VAULT_KDF_MEMORY_KIB is below OWASP's Argon2id minimum.")
