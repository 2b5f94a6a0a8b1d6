from __future__ import annotations

from django.utils.translation import gettext as _

from refuge.core.errors import DomainError


class ImpossibleDates(DomainError):
    """A date range that cannot be: ending before it starts, or in the future."""


class UnknownPlace(DomainError):
    """A place that is not in the gazetteer nor among the custom places."""


class IncompleteTestimony(DomainError):
    """A testimony that names no victim, no violation or no source."""


class EvidenceTooLarge(DomainError):
    """An evidence file above the upload limit."""


class EvidenceDamaged(DomainError):
    """A stored evidence file no longer matches the hash taken on arrival."""


class MalformedImport(DomainError):
    """An imported list that cannot be read; nothing of it was stored."""


class ConsentInCaseFile(DomainError):
    """The victim is a person of a case: consent is recorded there, not here."""

    def __init__(self) -> None:
        super().__init__(
            _("This victim is a person of a case: record their consent in the case file.")
        )


class EvidenceDestroyed(DomainError):
    """The file was destroyed: nothing of it can be opened, exported or destroyed again."""

    def __init__(self) -> None:
        super().__init__(_("This file was destroyed."))
