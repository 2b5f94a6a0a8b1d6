"""Errors of the estimator: each message names the problem and is safe to show to an analyst."""

from __future__ import annotations

from refuge.core.errors import DomainError


class CaptureTableError(DomainError):
    """The capture table could not be read: wrong columns, values, encoding or duplicates."""


class EstimationError(DomainError):
    """The table was read, but the data cannot support an estimate (e.g. no identifiable model)."""
