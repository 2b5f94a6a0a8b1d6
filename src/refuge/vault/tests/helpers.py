"""Small helpers for the vault's tests (real database, real crypto)."""

from __future__ import annotations

from typing import Any

from refuge.accounts.models import Operator
from refuge.testing import keyring_for
from refuge.vault import api as vault
from refuge.vault.models import SealedFile


def sealed_note(owner: Operator, text: str, *, readers: list[Operator] | None = None) -> SealedFile:
    """A SealedFile whose sealed `name` holds `text`, created as `owner` would."""
    with vault.activated(keyring_for(owner)):
        envelope = vault.create_envelope(
            purpose=vault.Purpose.DOCUMENT, readers=[owner, *(readers or [])]
        )
        note = SealedFile(envelope=envelope, content_type="text/plain")
        note.name = text
        note.save()
    return note


def read_as(operator: Operator, note: SealedFile) -> Any:
    with vault.activated(keyring_for(operator)):
        fresh = SealedFile.objects.get(pk=note.pk)
        return fresh.name
