"""Identifying columns other than names: phones, documents, addresses, postcodes, e-mail.

Each kind has a normaliser (text in, comparable key out, or None when the value is empty or
unreadable) and, in comparisons.py, a comparison suited to it. A value that is present but
cannot be read (a phone number with letters, an e-mail without "@") is counted per column and
dropped, never guessed.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

import phonenumbers

from refuge.analysis.linkage.names import transliterate


class IdentifierKind(StrEnum):
    PHONE = "phone"
    DOCUMENT = "document"
    ADDRESS = "address"
    POSTCODE = "postcode"
    EMAIL = "email"
    REGION = "region"
    OTHER = "other"


# Phone numbers without a country code are read as Russian ones: the lists we link are.
DEFAULT_PHONE_REGION = "RU"
_PHONE_ALLOWED = re.compile(r"^[\d\s()+\-./]+$")
_ADDRESS_WORDS = re.compile(
    r"\b(ул|улица|пр|просп|проспект|пер|переулок|д|дом|кв|квартира|корп|стр|street|st|road|rd|"
    r"avenue|ave|place|pl|lane|ln|drive|dr|crescent|cres|court|ct|circuit|cct|close|apt|flat)\b\.?"
)
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Cyrillic letters that look like Latin ones in document series (АВ 123456 typed either way).
_LOOKALIKES = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")


@lru_cache(maxsize=200_000)
def phone_key(text: str) -> str | None:
    """E.164 form of a phone number, or None when it is not a valid number.

    Letters are not read as keypad digits: a number with letters is a typing error or a
    note, and is reported as unreadable.
    """
    value = text.strip()
    if not value or not _PHONE_ALLOWED.match(value):
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits[0] == "8" and not value.startswith("+"):
        value = "+7" + digits[1:]  # Russian trunk prefix 8 written for +7
    try:
        number = phonenumbers.parse(value, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=200_000)
def document_key(text: str) -> str | None:
    """Series and number without spaces, dashes or "№", Cyrillic look-alikes read as Latin.

    Lower-cased after transliteration: the series letters are part of the key.
    """
    value = text.strip().upper().translate(_LOOKALIKES).replace("№", " ")
    key = _NOT_ALNUM.sub("", transliterate(value).lower())
    return key or None


@lru_cache(maxsize=200_000)
def address_key(text: str) -> str | None:
    """Words of an address, transliterated, without "ул.", "street", "д." and punctuation."""
    value = transliterate(text.strip().lower())
    value = _ADDRESS_WORDS.sub(" ", value)
    words = [word for word in _NOT_ALNUM.split(value) if word]
    return " ".join(words) or None


@lru_cache(maxsize=100_000)
def postcode_key(text: str) -> str | None:
    value = _NOT_ALNUM.sub("", text.strip().lower())
    return value or None


@lru_cache(maxsize=100_000)
def email_key(text: str) -> str | None:
    value = text.strip().lower()
    return value if _EMAIL.match(value) else None


@lru_cache(maxsize=100_000)
def other_key(text: str) -> str | None:
    value = _NOT_ALNUM.sub("", transliterate(text.strip().lower()))
    return value or None


NORMALISERS = {
    IdentifierKind.PHONE: phone_key,
    IdentifierKind.DOCUMENT: document_key,
    IdentifierKind.ADDRESS: address_key,
    IdentifierKind.POSTCODE: postcode_key,
    IdentifierKind.EMAIL: email_key,
    IdentifierKind.REGION: other_key,
    IdentifierKind.OTHER: other_key,
}


def identifier_key(kind: IdentifierKind, text: str | None) -> str | None:
    """The comparable key of one value, None when empty or unreadable."""
    if text is None or not text.strip():
        return None
    return NORMALISERS[kind](text)
