"""What the hotline refuses, in words safe to show to an operator."""

from __future__ import annotations

from django.utils.translation import gettext as _

from refuge.core.errors import ConflictError, DomainError


class ContactAlreadyTaken(DomainError):
    def __init__(self, holder: str) -> None:
        super().__init__(
            _("Someone else took this contact first: %(holder)s.") % {"holder": holder}
        )


class ContactChanged(ConflictError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "This contact was changed by someone else while you were editing. "
                "Nothing was saved: read the current version and try again."
            )
        )


class ContactClosed(DomainError):
    def __init__(self) -> None:
        super().__init__(_("This contact is no longer open."))


class NotYours(DomainError):
    def __init__(self) -> None:
        super().__init__(_("Only the operator holding this contact can hand it over."))


class CannotMerge(DomainError):
    def __init__(self) -> None:
        super().__init__(_("A contact can only be merged into another open contact you can read."))


class CannotShare(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _("This operator cannot receive the contact (no key or no access to the hotline).")
        )


class NoReplyPossible(DomainError):
    def __init__(self) -> None:
        super().__init__(_("Only web reports have a mailbox to reply to."))


class InvalidIdentifier(DomainError):
    def __init__(self, *, kind: str) -> None:
        self.kind = kind
        super().__init__(_("This does not look like a valid value for this kind of identifier."))


class LiftReasonRequired(DomainError):
    def __init__(self) -> None:
        super().__init__(_("Say why the flag is lifted before its time."))


class FlagNotStanding(DomainError):
    def __init__(self) -> None:
        super().__init__(_("This flag has already expired or been lifted."))
