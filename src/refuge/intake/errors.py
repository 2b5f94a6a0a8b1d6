from __future__ import annotations

from refuge.core.errors import DomainError


class DuplicateSubmission(DomainError):
    """The same form was sent twice (a double tap, a resend): it made one report only."""


class AttachmentRejected(DomainError):
    """A file was refused (size, type, unreadable); the message says which and why."""
