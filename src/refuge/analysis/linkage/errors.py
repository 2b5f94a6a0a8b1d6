"""What can go wrong with a linkage run; every message is safe to show (it holds no names)."""

from __future__ import annotations

from refuge.core.errors import DomainError


class LinkageError(DomainError):
    """A linkage run was refused or could not read its input."""


class InputFileMissing(LinkageError):
    """The input file does not exist or cannot be opened."""


class InputUndecodable(LinkageError):
    """The input's bytes are not text in the expected encoding."""


class EmptyInput(LinkageError):
    """The input has no header or no records."""


class UnknownColumn(LinkageError):
    """A named column (id or role) is not among the file's headers."""


class DuplicateIds(LinkageError):
    """Two records share one id, so their clusters could not be told apart."""


class NoNameColumn(LinkageError):
    """No column holds a name, so there is nothing to link people on."""


class EngineUnavailable(LinkageError):
    """The chosen engine (Spark) is not installed or could not start."""
