class DomainError(Exception):
    """A rule refused the operation; the message is safe to show to the user."""


class ConflictError(DomainError):
    """The record changed since it was read: saving now would lose someone's update."""
