"""Normalising, indexing and masking identifiers (numbers, handles, addresses, names).

`index_of` is the one place the hotline computes a blind index (through the vault's keyed
HMAC: the hotline never holds the index key).
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from refuge.hotline.errors import InvalidIdentifier
from refuge.hotline.models import IdentifierKind
from refuge.vault import api as vault

# The vault indexes three kinds; handles and addresses of any service share one namespace,
# since a person may give the same handle on Telegram and by e-mail.
VAULT_KIND = {
    IdentifierKind.PHONE: vault.IndexKind.PHONE,
    IdentifierKind.NAME: vault.IndexKind.NAME,
    IdentifierKind.TELEGRAM: vault.IndexKind.HANDLE,
    IdentifierKind.EMAIL: vault.IndexKind.HANDLE,
    IdentifierKind.ADDRESS: vault.IndexKind.HANDLE,
}

# Numbers typed without a country code are read as Russian ones: the hotline's region.
DEFAULT_REGION = "RU"


def normalise_phone(number: str) -> str:
    """E.164 form of a phone number; raises InvalidIdentifier for anything else."""
    try:
        parsed = phonenumbers.parse(number, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise InvalidIdentifier(kind=IdentifierKind.PHONE) from error
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidIdentifier(kind=IdentifierKind.PHONE)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _normalise_text(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value).casefold()
    # Cyrillic yo is usually typed as ye: treat them as one letter.
    return " ".join(folded.replace("\u0451", "\u0435").split())


def normalise(kind: str, value: str) -> str:
    """The canonical form two spellings of one identifier share."""
    if kind == IdentifierKind.PHONE:
        return normalise_phone(value)
    text = _normalise_text(value)
    if kind == IdentifierKind.TELEGRAM:
        text = text.removeprefix("https://t.me/").removeprefix("t.me/").lstrip("@")
    if not text:
        raise InvalidIdentifier(kind=kind)
    return text


def index_of(kind: str, value: str) -> str:
    """Blind index of a normalised identifier (kinds that may be the same person share one)."""
    return vault.blind_index(VAULT_KIND[IdentifierKind(kind)], normalise(kind, value))


# A handle written "@name" or "t.me/name" (not the "@" inside an e-mail address).
_HANDLE = re.compile(r"(?:(?<![\w.@])@|\bt\.me/)([A-Za-z][A-Za-z0-9_]{3,31})\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


def identifiers_in_text(text: str) -> list[tuple[str, str]]:
    """Phone numbers, e-mail addresses and messenger handles written in free text (a web
    report's "safe way to contact you" line), as (kind, value), each once."""
    found: dict[tuple[str, str], None] = {}
    for number in phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION):
        found[(IdentifierKind.PHONE, number.raw_string)] = None
    for email in _EMAIL.finditer(text):
        found[(IdentifierKind.EMAIL, email.group(0))] = None
    for handle in _HANDLE.finditer(text):
        found[(IdentifierKind.TELEGRAM, handle.group(1))] = None
    return list(found)


# What every screen shows instead of an identifier: even the last digits narrow a number down.
MASK = "••••••••"
