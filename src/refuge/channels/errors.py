from __future__ import annotations

from django.utils.translation import gettext as _

from refuge.core.errors import DomainError


class NotByChannel(DomainError):
    """The contact did not come by a channel (e-mail, Telegram) that could carry a message."""

    def __init__(self) -> None:
        super().__init__(_("This person did not write by e-mail or Telegram."))
