"""Normalising and blind-indexing names, numbers and handles.

`blind_index` is the vault's keyed HMAC (`vault.blind_index`), the same index the hotline
stores for its profiles' identifiers, so an exposure in a case finds people the hotline knows.
"""

from __future__ import annotations

import re

import phonenumbers

from refuge.cases.errors import IndexKeyUnavailable
from refuge.cases.models import IdentifierKind
from refuge.vault import api as vault


def normalise(kind: str, value: str) -> str:
    """One spelling per identifier, so that the same number or name gives the same index."""
    text = " ".join(value.split())
    if kind == IdentifierKind.PHONE:
        try:
            number = phonenumbers.parse(text, "RU")
        except phonenumbers.NumberParseException:
            return re.sub(r"\D", "", text)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if kind == IdentifierKind.HANDLE:
        return text.lstrip("@").casefold()
    return text.casefold().replace("\u0451", "\u0435")  # "yo" is often written as "ye"


def blind_index(kind: str, value: str) -> str:
    """The keyed index of a normalised identifier; IndexKeyUnavailable without the index key."""
    try:
        return vault.blind_index(kind, normalise(kind, value))
    except vault.VaultError as error:
        # Refuse loudly: a silently unindexed number would never raise an exposure warning.
        raise IndexKeyUnavailable from error
