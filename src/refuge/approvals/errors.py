"""Why a two-person act was refused; every message is safe to show."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from refuge.core.errors import DomainError


class ApprovalError(DomainError):
    """Base of the refusals of a request or a confirmation."""


class ReasonRequired(ApprovalError):
    def __init__(self, minimum: int) -> None:
        super().__init__(
            _("Write down why, in a sentence (at least %(count)d characters).") % {"count": minimum}
        )


class AlreadyRequested(ApprovalError):
    def __init__(self) -> None:
        super().__init__(_("This has already been asked for and is waiting for a second person."))


class CannotRead(ApprovalError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "You cannot read this record, so you cannot ask for it to be "
                "destroyed or confirm that it should be."
            )
        )


class SecondPersonRequired(ApprovalError):
    def __init__(self) -> None:
        super().__init__(_("You asked for this yourself: another person must confirm it."))


class NotAConfirmer(ApprovalError):
    def __init__(self, who: str) -> None:
        super().__init__(_("Only %(who)s may confirm this.") % {"who": who})


class AlreadyDecided(ApprovalError):
    """A replayed or late confirmation: the request was decided before."""

    def __init__(self, status_label: str, when: object, by: str) -> None:
        when_text = date_format(localtime(when), "DATETIME_FORMAT") if when else ""  # type: ignore[arg-type]
        super().__init__(
            _(
                "This request was already decided (%(status)s, %(when)s, %(by)s): "
                "nothing more was done."
            )
            % {"status": status_label, "when": when_text, "by": by or "—"}
        )


class RequestExpired(ApprovalError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "This request expired before anyone confirmed it: nothing was done. "
                "Ask again if it is still needed."
            )
        )


class TargetGone(ApprovalError):
    def __init__(self) -> None:
        super().__init__(_("The record this request is about no longer exists."))


class ReadBackMismatch(ApprovalError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "The fingerprint you read back does not match the new key: "
                "nothing was changed. Check it with the partner again."
            )
        )
