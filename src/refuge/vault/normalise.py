"""Normalisation before blind indexing: one spelling per phone number and per name.

Names are folded conservatively, so that the usual Cyrillic/Latin spellings of one name meet
(Ахмед, Akhmed, Ahmed, "ahmed ") while different names stay apart. Each rule is tested in
vault/tests/test_normalise.py; add a rule only with the pairs it joins and the ones it must not.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

DEFAULT_PHONE_REGION = "RU"

# Russian scientific/BGN-like scheme, chosen so that the folding below meets the common Latin
# spellings; Chechen palochka (Ӏ) and hard/soft signs are dropped.
_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "і": "i",
    "ї": "i",
    "є": "e",
    "ґ": "g",
    "ӏ": "",
    "һ": "h",
    "ә": "a",
    "ө": "o",
    "ү": "u",
    "қ": "k",
    "ң": "n",
    "ғ": "g",
}

# Applied in order to each token of ASCII letters.
_FOLDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"x"), "ks"),  # Alexey = Aleksei
    (re.compile(r"shch|sch"), "sh"),  # Shchukin = Schukin = Щукин
    (re.compile(r"dzh|dj|zh"), "j"),  # Dzhamal = Djamal = Jamal(Джамал); Zhanna = Janna
    (re.compile(r"kh"), "h"),  # Akhmed = Ahmed
    (re.compile(r"tz|ts"), "c"),  # Tsoi = Coi = Цой
    (re.compile(r"(?<=[bcdfghjklmnpqrstvwxz])yo"), "e"),  # Fyodor = Фёдор (ё written е)
    (re.compile(r"ye"), "e"),  # Yevgeny = Евгений, Sergeyev = Сергеев
    (re.compile(r"y"), "i"),  # Yusup = Iusup = Юсуп; Dmitry = Дмитрий
    (re.compile(r"(.)\1+"), r"\1"),  # Hassan = Хасан; Dmitrii = Dmitri
]

_SEPARATORS = re.compile("[\\s\\-\u2010\u2011\u2013\u2014_.,]+")


def normalise_phone(value: str, *, region: str = DEFAULT_PHONE_REGION) -> str:
    """E.164 when the number parses (8 928 ... and +7 928 ... meet); else its digits."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return "".join(character for character in value if character.isdigit())


def _latin_letters(token: str) -> str:
    spelled = "".join(_CYRILLIC.get(character, character) for character in token)
    decomposed = unicodedata.normalize("NFKD", spelled)
    return "".join(character for character in decomposed if "a" <= character <= "z")


def fold_token(token: str) -> str:
    folded = _latin_letters(token.casefold())
    for pattern, replacement in _FOLDS:
        folded = pattern.sub(replacement, folded)
    return folded


def fold_name(value: str) -> str:
    """Case, script and spacing folded; word order ignored (Петров Иван = Ivan Petrov)."""
    tokens = (fold_token(token) for token in _SEPARATORS.split(value))
    return " ".join(sorted(token for token in tokens if token))


def fold_handle(value: str) -> str:
    """A messenger handle or e-mail: case-folded, spaces and a leading @ removed."""
    return "".join(value.casefold().split()).lstrip("@")
