"""Kinds of two-person acts and the apps that carry them out.

Apps above this one (cases, documentation) register a handler per kind in their
AppConfig.ready(); refuge.approvals.services asks the handler who may request, who may
confirm, and calls it to carry the act out once a second person confirmed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models

from refuge.accounts.models import Operator

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

Details = Mapping[str, str | int | bool | None]


@dataclass(frozen=True, slots=True)
class Subject:
    """The target as its app describes it: a coded reference and where it lives."""

    reference: str
    url: str
    # The envelope the requester and the confirmer must be able to read (None: no content).
    envelope_id: uuid.UUID | None


class ActionHandler(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def label(self) -> str | _StrPromise: ...

    @property
    def confirmer_label(self) -> str | _StrPromise:
        """Who may confirm, in words ("a coordinator or a lawyer who can read it")."""

    @property
    def needs_read_back(self) -> bool:
        """Whether the confirmer types a code back (a key fingerprint: check_read_back)."""

    def find(self, target_id: str) -> models.Model | None: ...

    def describe(self, target: Any) -> Subject: ...

    def check_request(self, actor: Operator, target: Any, details: Details) -> None:
        """Raise (PermissionDenied, Http404, a DomainError) unless `actor` may ask."""

    def may_confirm(self, actor: Operator, target: Any) -> bool: ...

    def confirmers(self, target: Any) -> list[Operator]:
        """Who may confirm (the request's reason is sealed to them)."""

    def fast_path(self, actor: Operator, target: Any, details: Details) -> str | None:
        """A code when the act may be done at once (a recorded consent withdrawal)."""

    def check_read_back(self, target: Any, details: Details, answer: str) -> None: ...

    def execute(
        self, *, target: Any, details: Details, requested_by: Operator, done_by: Operator
    ) -> None: ...


_handlers: dict[str, ActionHandler] = {}


def register(handler: ActionHandler) -> None:
    _handlers[handler.kind] = handler


def handler_for(kind: str) -> ActionHandler:
    return _handlers[kind]


def kinds() -> list[str]:
    return sorted(_handlers)
