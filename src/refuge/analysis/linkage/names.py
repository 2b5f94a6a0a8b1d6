"""Normalise Russian and Chechen names, places and birth dates for comparison.

Every name is reduced to a Latin "phonetic key": Cyrillic is transliterated, then the
spellings that the common systems (GOST 2006 / ICAO 2013 passports, BGN/PCGN, ISO 9 and
scholarly, German and informal English) give for one Cyrillic letter are folded together:
Ахмед / Akhmed / Ahmed / Achmed -> "ahmed"; Юсуп / Yusup / Iusup -> "usup".

No transliteration library is installed in this project (and we may not add one here), and
none of them folds Latin variants back together, which is the part that matters for
linkage: the table below is small and written for names.

Deliberate lossiness of the key (it is a blocking and comparison aid, not a spelling):
- Х and Ч share "h": Latin "ch" is Х in German and Polish (Chasan) but Ч in English
  (Chechen); names rarely differ only there.
- Ш and Щ share "w"; Ц is "c"; Ы, Й and И are "i".
- Latin "j" before a vowel is Ж/Дж in English and informal spellings (Jabrail) but Й/Я/Ю
  in scholarly and German ones (Jasin, Jusup): the key drops it there, as it drops the
  glide "i" before a vowel (Я ya/ia, Ю yu/iu, Е ye, Ь+vowel), so Jabrail, Dzhabrail,
  Zhabrail give one key, as do Jasin, Yasin and Iasin (Жанна and Анна collide too).
- Doubled letters are collapsed (Hassan/Hasan, Mussa/Musa).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
    # Chechen palochka (and the Latin/digit look-alikes typed for it) carries no sound
    # that other scripts write.
    "ӏ": "", "Ӏ": "",
}  # fmt: skip

# ISO 9 and scholarly letters with diacritics, before the diacritics are stripped.
_DIACRITICS = {
    "č": "ch", "š": "sh", "ž": "zh", "ŝ": "shch", "û": "yu", "â": "ya", "ǎ": "ya",
    "ĭ": "y", "ė": "e", "ë": "e", "ü": "yu", "ä": "ya", "ö": "yo", "ß": "ss",
    "ż": "zh", "ź": "zh", "ł": "l",
    "ʹ": "", "ʺ": "", "'": "", "’": "", "`": "", "´": "", "ʼ": "", '"': "",
}  # fmt: skip

_FOLDS: tuple[tuple[str, str], ...] = (
    ("x", "ks"), ("szcz", "shch"), ("sz", "sh"), ("w", "v"), ("q", "k"), ("ph", "f"),
    ("ou", "u"),
    # German Дж is dsch (Duden) or dsh; before "sch" and "sh" take it as Ш.
    ("dsch", "j"), ("dsh", "j"),
    ("shch", "w"), ("shtch", "w"), ("tsch", "ch"), ("sch", "w"), ("sh", "w"),
    ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("tch", "ch"),
    ("kh", "h"), ("ch", "h"), ("cz", "h"), ("gh", "g"),
    ("ts", "c"), ("tz", "c"), ("y", "i"),
)  # fmt: skip
_J_BEFORE_VOWEL = re.compile(r"j(?=[aeou])")
_J_NOT_BEFORE_VOWEL = re.compile(r"j(?![aeou])")
_DOUBLED = re.compile(r"(.)\1+")
_GLIDE = re.compile(r"i(?=[aeou])")
_NON_LETTER = re.compile(r"[^a-z]+")
_TOKEN_SPLIT = re.compile(r"[\s,;/()]+")

_SURNAME_FEMININE = (("ova", "ov"), ("eva", "ev"), ("ina", "in"), ("ska", "ski"))
_SURNAME_ENDINGS = ("ov", "ev", "in", "ski", "enko", "ko", "ian", "uk", "ih", "hanov")
# Endings that given names of the region do not have (unlike -in: Эмин, Амин, Хусейн).
_STRONG_SURNAME_ENDINGS = ("ov", "ev", "ski", "enko")
_PATRONYMIC_ENDINGS = ("ovih", "evih", "ovna", "evna", "ihna", "inihna")
_APPROXIMATE = re.compile(
    r"около|ок\.|примерно|приблиз|~|≈|±|approx|circa|\bca\.?|\bc\.|about|around|\?",
    re.IGNORECASE,
)
_YEAR = r"(1[89]\d\d|20[0-4]\d)"
_FULL_DATE = (
    re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-]" + _YEAR + r"\b"),
    re.compile(r"\b" + _YEAR + r"[./-](\d{1,2})[./-](\d{1,2})\b"),
    re.compile(r"^" + _YEAR + r"(\d\d)(\d\d)$"),
)
_RANGE = re.compile(_YEAR + r"\s*(?:-|–|—|/|\.\.|до|to)\s*(\d{2,4})")
_DECADE = re.compile(r"\b(1[89]\d0|20[0-4]0)(?:-?е|-?x|s)\b|\b([5-9]0)-?е\b", re.IGNORECASE)
_ANY_YEAR = re.compile(_YEAR)
APPROXIMATE_YEARS = 2


def transliterate(text: str) -> str:
    """Transliterate Cyrillic to lower-case Latin (BGN-like); Latin passes through."""
    lowered = text.lower()
    out = []
    for char in lowered:
        if char in _CYRILLIC:
            out.append(_CYRILLIC[char])
        elif char in _DIACRITICS:
            out.append(_DIACRITICS[char])
        else:
            out.append(char)
    decomposed = unicodedata.normalize("NFKD", "".join(out))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=200_000)
def phonetic_key(token: str) -> str:
    """Fold one name or word, in any script or system, to its phonetic key."""
    latin = _NON_LETTER.sub("", transliterate(token))
    for source, target in _FOLDS:
        latin = latin.replace(source, target)
    latin = _J_BEFORE_VOWEL.sub("", latin)
    latin = _J_NOT_BEFORE_VOWEL.sub("i", latin)
    latin = _DOUBLED.sub(r"\1", latin)
    latin = _GLIDE.sub("", latin)
    return _DOUBLED.sub(r"\1", latin)


_SOUND_CLASSES = str.maketrans(dict.fromkeys("hwjszc", "s"))
_VOWELS_AND_GLIDES = re.compile(r"[aeiouy]+")


@lru_cache(maxsize=500_000)
def coarse_key(key: str | None) -> str | None:
    """A key's consonant skeleton with the letters that spelling systems trade for one
    another folded into one class, for blocking only.

    Х is kh, h, ch (German, Polish; French ch is Ш) or j (Spanish); Ж is zh, j, ž, sh
    (German); Ш is sh, ch (French), sz; Ц is ts, c, z (German). In the key these land on
    h, w, j, s, z, c; here they are one class "s", vowels and glides are dropped and
    repeats collapse: Хасан, Jasan, Chasan -> "sn"; Элшаипгереев, Elchaipgereev -> "lspgrv".
    """
    if not key:
        return None
    skeleton = _DOUBLED.sub(r"\1", _VOWELS_AND_GLIDES.sub("", key.translate(_SOUND_CLASSES)))
    return skeleton or None


@lru_cache(maxsize=500_000)
def consonant_skeleton(key: str | None) -> str | None:
    """Consonants of a key: vowel typos and vowel spellings (ie/e, y/i) do not change it
    (for blocking; the key itself when it has fewer than three)."""
    if not key:
        return None
    consonants = "".join(char for char in key if char not in "aeiou")
    return consonants if len(consonants) >= 3 else key


@lru_cache(maxsize=500_000)
def bare_consonants(key: str | None) -> str | None:
    """Consonants of a key without h and j, the letters spelling systems add or drop most
    (Х as h, kh or j; the glide of Я, Ю, Е): Ахмед, Ajmed, Amed -> "md" (for blocking)."""
    if not key:
        return None
    return _DOUBLED.sub(r"\1", "".join(char for char in key if char not in "aeiouhj")) or None


def tokens(text: str | None) -> tuple[str, ...]:
    """Split a name field into the phonetic keys of its words (hyphens kept inside)."""
    return _tokens(text) if text else ()


@lru_cache(maxsize=500_000)
def _tokens(text: str) -> tuple[str, ...]:
    keys = []
    for word in _TOKEN_SPLIT.split(text.strip()):
        key = "".join(phonetic_key(part) for part in word.split("-"))
        if key:
            keys.append(key)
    return tuple(keys)


@lru_cache(maxsize=500_000)
def name_key(text: str | None) -> str | None:
    """Key of a given name or place: its words' keys joined, or None when empty."""
    keys = tokens(text)
    return "".join(keys) if keys else None


@lru_cache(maxsize=200_000)
def _fold_surname(key: str) -> str:
    for feminine, masculine in _SURNAME_FEMININE:
        if key.endswith(feminine) and len(key) > len(feminine) + 1:
            return key[: -len(feminine)] + masculine
    return key


@lru_cache(maxsize=500_000)
def surname_key(text: str | None) -> str | None:
    """Key of a surname with the feminine ending folded: Кадырова ~ Kadyrov."""
    keys = tokens(text)
    return "".join(_fold_surname(key) for key in keys) if keys else None


@lru_cache(maxsize=500_000)
def patronymic_key(text: str | None) -> str | None:
    """Key of a patronymic reduced to the father's name: Ахмедович, Akhmedovna -> ahmed."""
    keys = tokens(text)
    if not keys:
        return None
    key = "".join(keys)
    for ending in sorted((*_PATRONYMIC_ENDINGS, "ih"), key=len, reverse=True):
        if key.endswith(ending) and len(key) > len(ending) + 2:
            return key[: -len(ending)]
    return key


def looks_like_patronymic(key: str) -> bool:
    return any(key.endswith(ending) for ending in _PATRONYMIC_ENDINGS) or (
        key.endswith("ih") and len(key) > 5
    )


# Common given names, so that "Амина Исаева" is not read as two surnames (-ina, -eva).
_GIVEN_NAMES = """
Ахмед Магомед Мухаммад Ислам Рамзан Хасан Хусейн Ибрагим Зелимхан Руслан Адам Аслан Муса
Хамзат Висита Саид Лема Ризван Шамиль Тимур Ахмат Умар Алихан Анзор Арби Арсен Асланбек
Бислан Вахид Ваха Джабраил Докка Идрис Иса Исмаил Казбек Мовсар Муслим Нохчо Резван
Салман Сулейман Турпал Усман Хож Юсуп Якуб Ильяс Абдул Али Алви Ибрахим Магомед-Эми
Александр Алексей Андрей Дмитрий Сергей Иван Николай Михаил Владимир Павел Артём Максим
Амина Мадина Марьям Хава Зарема Седа Малика Петимат Луиза Милана Хеда Айшат Марина Ирина
Елена Анна Ольга Наталья Татьяна Зулай Табарик Фатима Хадижат Хадижа Камила Ясмина Элина
Залина Асет Раиса Зура Мата Тамара Разет Альвина Ангелина Карина Кристина Лиана Яха
"""
KNOWN_GIVEN_KEYS = frozenset(phonetic_key(name) for name in _GIVEN_NAMES.split())


@lru_cache(maxsize=500_000)
def looks_like_surname(key: str) -> bool:
    if key in KNOWN_GIVEN_KEYS:
        return False
    folded = _fold_surname(key)
    return any(folded.endswith(ending) for ending in _SURNAME_ENDINGS)


def ends_like_surname_only(key: str) -> bool:
    """A surname ending that no given name of the region has (-ov, -ev; not -in)."""
    return looks_like_surname(key) and _fold_surname(key).endswith(_STRONG_SURNAME_ENDINGS)


@dataclass(frozen=True, slots=True)
class ParsedName:
    given: str | None
    surname: str | None
    patronymic: str | None


@lru_cache(maxsize=500_000)
def split_full_name(text: str | None, given_names: frozenset[str] = frozenset()) -> ParsedName:
    """Split "Кадыров Ахмед Магомедович" or "Akhmed Kadyrov" into keyed parts.

    Patronymics are recognised by their ending, or, in a name of three words with none
    (a typo in the ending: "Вахоивч"), as the word after the given name. The surname is
    the one word with a surname ending; else the one with an ending no given name has
    (-ov, -ev: "Alnasukhov Khusein", where -in also ends surnames); else the one word that
    is not a given name
    (KNOWN_GIVEN_KEYS, or `given_names`: the keys a list uses often as words, see
    frequent_given_keys); else by order: Cyrillic lists usually put the surname first,
    Latin ones last. Swapped orders are also caught by the comparisons.
    """
    if not text or not text.strip():
        return ParsedName(None, None, None)
    words = [word for word in _TOKEN_SPLIT.split(text.strip()) if name_key(word)]
    keys = [name_key(word) or "" for word in words]
    patronymic_indexes = [i for i, key in enumerate(keys) if looks_like_patronymic(key)]
    patronymic = None
    if patronymic_indexes and len(keys) > 1:
        index = patronymic_indexes[-1]
        patronymic = patronymic_key(words[index])
        words, keys = (
            words[:index] + words[index + 1 :],
            keys[:index] + keys[index + 1 :],
        )
    if not words:
        return ParsedName(None, None, patronymic)
    if len(words) == 1:
        if looks_like_surname(keys[0]):
            return ParsedName(None, surname_key(words[0]), patronymic)
        return ParsedName(keys[0], None, patronymic)
    surname_index = _surname_index(text, keys, given_names)
    rest = [i for i in range(len(keys)) if i != surname_index]
    if patronymic is None and len(rest) == 2:
        patronymic = patronymic_key(words[rest[1]])
        rest = rest[:1]
    given = "".join(keys[i] for i in rest)
    return ParsedName(given or None, surname_key(words[surname_index]), patronymic)


def _surname_index(text: str, keys: list[str], given_names: frozenset[str]) -> int:
    surnames = [i for i, key in enumerate(keys) if looks_like_surname(key)]
    if len(surnames) == 1:
        return surnames[0]
    strong = [i for i in surnames if ends_like_surname_only(keys[i])]
    if len(strong) == 1:
        return strong[0]
    candidates = surnames or list(range(len(keys)))
    not_given = [i for i in candidates
                 if keys[i] not in KNOWN_GIVEN_KEYS and keys[i] not in given_names]  # fmt: skip
    if len(not_given) == 1:
        return not_given[0]
    # Three words (a patronymic among them, its ending mistyped): the patronymic follows
    # the given name in either order, so the surname comes first, as in ФИО and passports.
    is_cyrillic = any("а" <= char.lower() <= "я" for char in text)
    return 0 if is_cyrillic or len(keys) > 2 else len(keys) - 1


def frequent_given_keys(full_names: Iterable[str | None], *, share: float = 0.002,
                        least: int = 5) -> frozenset[str]:  # fmt: skip
    """Keys of words a list of full names uses often that do not end like a patronymic:
    mostly its given names. A list repeats a few hundred given names across many people
    and spreads surnames over thousands, so frequency tells the two apart where endings
    do not (a surname with a typo in its ending, a given name ending in -in or -ina). A
    common surname that gets in is harmless: a surname ending still decides first."""
    counts: Counter[str] = Counter()
    total = 0
    for text in full_names:
        if not text:
            continue
        total += 1
        counts.update({key for word in _TOKEN_SPLIT.split(text.strip())
                       if (key := name_key(word))})  # fmt: skip
    floor = max(least, share * total)
    return frozenset(
        key for key, count in counts.items()
        if count >= floor and not looks_like_patronymic(key)
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class BirthRange:
    """Birth year as an inclusive range; `date` is ISO yyyy-mm-dd when a full date is known."""

    year_min: int | None
    year_max: int | None
    date: str | None = None


_UNKNOWN_BIRTH = BirthRange(None, None, None)


@lru_cache(maxsize=100_000)
def parse_birth(text: str | None) -> BirthRange:  # noqa: PLR0911 - one return per form
    """Read "1990", "1990-1992", "около 1990", "~1990", "1990-е", "12.03.1990", "19900312"."""
    if not text:
        return _UNKNOWN_BIRTH
    value = text.strip()
    for index, pattern in enumerate(_FULL_DATE):
        match = pattern.search(value)
        if match:
            parts = match.groups()
            if index == 0:
                day, month, year = int(parts[0]), int(parts[1]), int(parts[2])
            else:
                year, month, day = int(parts[0]), int(parts[1]), int(parts[2])
            if 1 <= month <= 12 and 1 <= day <= 31:
                return BirthRange(year, year, f"{year:04d}-{month:02d}-{day:02d}")
            return BirthRange(year, year, None)
    decade = _DECADE.search(value)
    if decade:
        start = int(decade.group(1)) if decade.group(1) else 1900 + int(decade.group(2))
        return BirthRange(start, start + 9, None)
    span = _RANGE.search(value)
    if span:
        first, second = int(span.group(1)), span.group(2)
        last = int(second) if len(second) == 4 else first // 100 * 100 + int(second[-2:])
        if first <= last <= first + 30:
            return BirthRange(first, last, None)
    year_match = _ANY_YEAR.search(value)
    if not year_match:
        return _UNKNOWN_BIRTH
    year = int(year_match.group(1))
    if _APPROXIMATE.search(value):
        return BirthRange(year - APPROXIMATE_YEARS, year + APPROXIMATE_YEARS, None)
    return BirthRange(year, year, None)


_PLACE_PREFIXES = re.compile(
    r"^(г\.|гор\.|город|с\.|село|пос\.|посёлок|поселок|ст\.|станица|р-н|район|"
    r"city of|town of|village of|v\.|st\.)\s*",
    re.IGNORECASE,
)
_PLACE_SUFFIXES = re.compile(
    r"\s*(район|р-н|district|raion|rayon|city|village|chechnya|чечня|чр)\.?$",
    re.IGNORECASE,
)


@lru_cache(maxsize=100_000)
def place_key(text: str | None) -> str | None:
    """Key of a place: prefixes like "г." or "село" dropped, then the phonetic key."""
    if not text:
        return None
    value = text.strip().split(",")[0]
    value = _PLACE_PREFIXES.sub("", value)
    value = _PLACE_SUFFIXES.sub("", value)
    return name_key(value.replace("-", " "))
