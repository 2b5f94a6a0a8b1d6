from django.utils.translation import gettext_lazy as _

from refuge.core.errors import DomainError


class LoginRefused(DomainError):
    """Wrong username, password or code. One message for all, so it reveals nothing."""

    def __init__(self) -> None:
        super().__init__(_("Wrong username, password or code."))


class LoginLocked(DomainError):
    def __init__(self, minutes: int) -> None:
        super().__init__(
            _("Too many failed attempts. Logging in is blocked for %(minutes)d minutes.")
            % {"minutes": minutes}
        )


class PasswordRejected(DomainError):
    """A new password that Django's validators (or the one-time rule) refuse."""

    SAME_AS_OLD = _("The new password must differ from the current one.")

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(" ".join(reasons))


class InactiveOperator(DomainError):
    def __init__(self) -> None:
        super().__init__(_("This account is deactivated: reactivate it first."))
