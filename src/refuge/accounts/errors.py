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
