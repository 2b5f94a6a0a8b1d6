from __future__ import annotations

from django.utils.translation import gettext as _

from refuge.core.errors import DomainError


class DuplicateSubmission(DomainError):
    """The same form was sent twice (a double tap, a resend): it made one report only."""


class AttachmentRejected(DomainError):
    """A file was refused (size, type, unreadable); the message says which and why."""


class ThreadGone(DomainError):
    """The hotline destroyed this conversation's keys: a new message could never be read."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This conversation no longer exists at the hotline, so your message "
                "was not stored. If you still need help, please send a new report."
            )
        )


class RepliesNotErasable(DomainError):
    """The thread predates per-reply keys: its replies cannot be taken out of the mailbox."""

    def __init__(self) -> None:
        super().__init__(_("Replies in this mailbox cannot be erased."))


class ReceiptExists(DomainError):
    """This thread already has a receipt: a second one would leave the first one working."""

    def __init__(self) -> None:
        super().__init__(_("This person already has a receipt for their mailbox."))
