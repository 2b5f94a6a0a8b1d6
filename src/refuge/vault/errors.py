from django.utils.translation import gettext

from refuge.core.errors import DomainError


class VaultError(DomainError):
    """A vault operation was refused."""


class VaultLocked(VaultError):
    """No unlocked key is available in this context."""


class AccessDenied(VaultError):
    """The current reader holds no grant for this envelope."""

    def __init__(self, envelope_id: object) -> None:
        super().__init__(gettext("No access to envelope %(id)s.") % {"id": envelope_id})
        self.envelope_id = envelope_id


class UnreadableRecord(VaultError):
    """A ciphertext did not open with its key: corrupted or moved."""

    def __init__(self, envelope_id: object) -> None:
        super().__init__(gettext("Envelope %(id)s could not be decrypted.") % {"id": envelope_id})
        self.envelope_id = envelope_id


class WrongPassword(VaultError):
    """The password did not unwrap the operator's key."""
