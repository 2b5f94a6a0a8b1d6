from refuge.core.errors import DomainError


class VaultError(DomainError):
    """A vault operation was refused."""


class VaultLocked(VaultError):
    """No unlocked key is available in this context."""


class AccessDenied(VaultError):
    """The current reader holds no grant for this envelope."""

    def __init__(self, envelope_id: object) -> None:
        super().__init__(f"No access to envelope {envelope_id}.")
        self.envelope_id = envelope_id


class UnreadableRecord(VaultError):
    """A ciphertext did not open with its key: corrupted or moved."""

    def __init__(self, envelope_id: object) -> None:
        super().__init__(f"Envelope {envelope_id} could not be decrypted.")
        self.envelope_id = envelope_id


class WrongPassword(VaultError):
    """The password did not unwrap the operator's key."""
