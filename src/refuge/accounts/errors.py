from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from refuge.core.errors import DomainError


class LoginRefused(DomainError):
    """Wrong username, password or code. One message for all, so it reveals nothing."""

    def __init__(self) -> None:
        super().__init__(_("Wrong username, password or code."))


class LoginLocked(DomainError):
    """Too many failures for this account: it must wait before the next try."""

    def __init__(self, minutes: int) -> None:
        super().__init__(
            ngettext(
                "Too many failed attempts for this account. Try again in %(minutes)d minute.",
                "Too many failed attempts for this account. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes}
        )
        self.minutes = minutes


class ConsoleClosed(DomainError):
    """After an emergency lock only coordinators log in, to reopen the console."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The console is closed after an emergency lock. A coordinator "
                "must reopen it before you can log in."
            )
        )


class LockLiftRefused(DomainError):
    """A coordinator may not approve lifting this lock (a message says why)."""


class PasswordRejected(DomainError):
    """A new password that Django's validators (or the one-time rule) refuse."""

    SAME_AS_OLD = _("The new password must differ from the current one.")

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(" ".join(reasons))


class InactiveOperator(DomainError):
    def __init__(self) -> None:
        super().__init__(_("This account is deactivated: reactivate it first."))
