"""Generate a synthetic list of Russian and Chechen people with duplicates and a known truth.

Each person gets several records, as different organisations and testimonies would write
them: in Cyrillic or in Latin under one of several transliteration systems, with typos,
missing patronymics and birth years, years as ranges or "около 1990", swapped name
order, the masculine form of a woman's surname, and a place spelled in many ways.
Nobody in this data is real; names are drawn from common name lists.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def _words(text: str) -> list[str]:
    return text.split()


MALE = _words("""Ахмед Магомед Ислам Рамзан Хасан Ибрагим Зелимхан Руслан Адам Аслан Муса Хамзат
Висита Саид Лема Ризван Шамиль Тимур Ахмат Умар Алихан Анзор Арби Арсен Асланбек Бислан
Вахид Ваха Джабраил Докка Идрис Иса Исмаил Казбек Мовсар Муслим Резван Салман Сулейман
Турпал Усман Юсуп Якуб Ильяс Абдул Али Алви Хусейн Мухаммад Лечи Сайд-Хасан Супьян Шарпудин
Эльдар Юнус Ясин Абубакар Адлан Айндин Алик Апти Бувайсар Вайхан Джамал Ибрахим Зияудин
Курбан Магомед-Эми Мансур Мурад Нурди Рашид Рустам Саламбек Сайхан Тамерлан Хож-Ахмед
Ширвани Эмин Юсуф Абдурахман Бекхан Гелани Дауд Жабраил Заурбек Магомедсалах Николай
Александр Дмитрий Сергей Андрей Алексей Евгений Юрий""")
FEMALE = _words("""Амина Мадина Марьям Хава Зарема Седа Малика Петимат Луиза Милана Хеда Айшат Зулай
Табарик Фатима Хадижат Камила Ясмина Элина Залина Асет Раиса Зура Тамара Разет Альвина
Лиана Яха Жанна Зайнап Кокаш Лейла Макка Мата Нура Патимат Роза Сацита Тоита Хазман
Хутмат Эльза Юлиана Ольга Наталья Елена""")
SURNAME_ROOTS = _words("""Кадыр Дуд Масхад Ахмад Иса Хасан Умар Герихан Байсар Бисултан Муса Магомад Алиев
Гайрбек Даудов Делимхан Закри Ибрагим Идрис Исмаил Каим Мурадов Муцулхан Нохчи Садул
Тагир Темирхан Турпал Хамзат Цуев Чабаев Шаип Эльмурз Юсуп Ямадаев Абдурахман Айдамир
Арсанук Астемир Ацаев Бакар Бетиргири Вайсих Гаджи Гапур Давлетмирз Джабраил Жамалд
Зайнди Ильяс Кагерман Лечхаджи Межид Мовлди Насух Саидахмед Сайпудин Султанбек Тапа
Умхадж Хазбулат Хож Шамсуд Эдилсултан Юнус Янгулб Абуезид Аламбек Бачаев Висаит Гелисхан
Джамбек Дуки Заурбек Исрапил Кюри Лабазан Махмуд Муслим Нажуд Осман Рамзан Саламбек Тимур
Увайс Хамид Хусейн Шарип Эми Ясин Бексолт Вахит Гойсум Джунид Зелимхан""")
SURNAME_SUFFIXES = (
    "ов",
    "ев",
    "аев",
    "иев",
    "ханов",
    "султанов",
    "гереев",
    "хаджиев",
    "алиев",
)
PLACES = _words("""Грозный Аргун Гудермес Шали Урус-Мартан Курчалой Ачхой-Мартан Наурская Шелковская
Ведено Итум-Кали Шатой Серноводское Знаменское Ассиновская Бамут Самашки Алхан-Юрт
Алхан-Кала Старые-Атаги Новые-Атаги Чечен-Аул Джалка Майртуп Ойсхар Цоци-Юрт Бачи-Юрт
Гелдаган Мескер-Юрт Автуры Сержень-Юрт Катыр-Юрт Валерик Гойты Гехи Рошни-Чу Кень-Юрт
Толстой-Юрт Петропавловская Бердыкель""")
PLACE_PREFIXES = ("г. ", "с. ", "село ", "")

_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "з": "z", "и": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "э": "e", "ь": "", "ъ": "", "е": "e", "ё": "e", "ы": "y",
}  # fmt: skip
SYSTEMS: dict[str, dict[str, str]] = {
    # GOST R 52535.1-2006 / ICAO Doc 9303 (2013): Russian passports.
    "icao": {"ж": "zh", "й": "i", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
             "ъ": "ie", "ю": "iu", "я": "ia"},
    # BGN/PCGN 1947.
    "bgn": {"ж": "zh", "й": "y", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
            "ь": "'", "ю": "yu", "я": "ya", "ё": "ë"},
    # ISO 9 with its diacritics.
    "iso9": {"ж": "ž", "й": "j", "х": "h", "ц": "c", "ч": "č", "ш": "š", "щ": "ŝ", "ь": "ʹ",
             "ю": "û", "я": "â", "ё": "ë", "э": "è"},
    # Scholarly, ASCII.
    "scholarly": {"ж": "zh", "й": "j", "х": "kh", "ц": "c", "ч": "ch", "ш": "sh", "щ": "shch",
                  "ю": "ju", "я": "ja"},
    # German-speaking organisations.
    "german": {"ж": "sh", "й": "j", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
               "щ": "schtsch", "в": "w", "ю": "ju", "я": "ja", "ы": "y"},
    # Informal English, as people type their own names.
    "informal": {"ж": "j", "й": "y", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch",
                 "ю": "yu", "я": "ya", "ы": "i", "ё": "yo"},
}  # fmt: skip
# Systems the name keys were NOT written from (names.py folds the six above): French and
# Polish spellings, Czech/Slovak háčeks (dž, č), Spanish (j for Х). They keep the
# benchmark from testing the keys only on their own tables.
HELD_OUT_SYSTEMS: dict[str, dict[str, str]] = {
    "french": {"ж": "j", "й": "ï", "х": "kh", "ц": "ts", "ч": "tch", "ш": "ch", "щ": "chtch",
               "у": "ou", "ю": "iou", "я": "ia", "ы": "y", "э": "e", "ё": "io"},
    "polish": {"ж": "ż", "й": "j", "х": "ch", "ц": "c", "ч": "cz", "ш": "sz", "щ": "szcz",
               "ю": "ju", "я": "ja", "ы": "y", "ё": "jo", "ь": ""},
    "czech": {"ж": "ž", "й": "j", "х": "ch", "ц": "c", "ч": "č", "ш": "š", "щ": "šč",
              "ю": "ju", "я": "ja", "ы": "y", "ё": "jo"},
    "spanish": {"ж": "zh", "й": "i", "х": "j", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch",
                "ю": "iu", "я": "ia", "ы": "y", "ё": "io"},
}  # fmt: skip
SYSTEMS.update(HELD_OUT_SYSTEMS)
_SYSTEM_NAMES = tuple(SYSTEMS)
_VOWELS = set("аеёиоуыэюя")


def transliterate_with(text: str, system: str) -> str:
    """Write Cyrillic text in Latin under one of SYSTEMS, title-cased like a list would."""
    table = SYSTEMS[system]
    out: list[str] = []
    previous = ""
    for char in text:
        lower = char.lower()
        if lower == "е" and system in ("bgn", "informal") and (not previous or previous in _VOWELS):
            latin = "ye"
        elif (
            lower == "е" and system in ("polish", "czech") and (not previous or previous in _VOWELS)
        ):
            latin = "je"
        elif (
            lower == "д" and system in ("czech",) and text[len(out) : len(out) + 2].lower() == "дж"
        ) or (lower == "д" and system == "informal" and text[len(out) : len(out) + 2] == "дж"):
            latin = "d"
        elif lower in table:
            latin = table[lower]
        elif lower in _BASE:
            latin = _BASE[lower]
        else:
            latin = char
        out.append(latin)
        previous = lower if lower.isalpha() else ""
    joined = "".join(out)
    if system == "informal":
        joined = joined.replace("dj", "j")
    return "-".join(part[:1].upper() + part[1:] for part in joined.split("-"))


def _patronymic(father: str, female: bool) -> str:
    stem = father.split("-", maxsplit=1)[0]
    if stem[-1] in "йь":
        stem = stem[:-1] + "ев"
    elif stem[-1] in "ао":
        stem = stem[:-1] + "ов"
    elif stem[-1] in "жшчщц":
        stem = stem + "ев"
    else:
        stem = stem + "ов"
    return stem + ("на" if female else "ич")


def _feminine(surname: str) -> str:
    return surname + "а" if surname.endswith(("ов", "ев", "ин")) else surname


@dataclass(frozen=True, slots=True)
class Person:
    entity_id: int
    female: bool
    given: str
    surname: str  # masculine form
    patronymic: str
    birth_year: int
    birth_month: int
    birth_day: int
    place: str


SURNAME_PREFIXES = _words("""Аб Ал Ба Би Га Ге Да Ду Ел За Ис Ка Ла Ма Му На Са Су Та Ту Ха Цу Ча Ша Эл
Юн Яр Ах Бе Ви Гу Дж Ма Ор""")
SURNAME_COUNT = 20_000


def _surnames(rng: random.Random) -> list[str]:
    """About 20,000 surnames: real roots with patronymic-like suffixes, some compounded."""
    roots = [root.removesuffix("ов").removesuffix("ев") for root in SURNAME_ROOTS]
    surnames = {root + suffix for root in roots for suffix in SURNAME_SUFFIXES}
    while len(surnames) < SURNAME_COUNT:
        root = rng.choice(roots)
        surnames.add(rng.choice(SURNAME_PREFIXES) + root.lower() + rng.choice(SURNAME_SUFFIXES))
    return sorted(surnames)


def _zipf_choice(rng: random.Random, items: list[str], weights: list[float]) -> str:
    return rng.choices(items, weights)[0]


def make_people(count: int, *, seed: int = 7) -> list[Person]:
    """Draw `count` distinct people, with realistically skewed name frequencies."""
    rng = random.Random(seed)
    surnames = _surnames(rng)
    male_weights = [1 / (rank + 3) for rank in range(len(MALE))]
    female_weights = [1 / (rank + 3) for rank in range(len(FEMALE))]
    surname_weights = [1 / (rank + 10) ** 0.7 for rank in range(len(surnames))]
    rng.shuffle(surnames)
    place_weights = [1 / (rank + 1) for rank in range(len(PLACES))]
    people = []
    for entity_id in range(count):
        female = rng.random() < 0.35
        given = _zipf_choice(
            rng, FEMALE if female else MALE, female_weights if female else male_weights
        )
        father = _zipf_choice(rng, MALE, male_weights)
        people.append(
            Person(
                entity_id=entity_id,
                female=female,
                given=given,
                surname=_zipf_choice(rng, surnames, surname_weights),
                patronymic=_patronymic(father, female),
                birth_year=rng.randint(1945, 2008),
                birth_month=rng.randint(1, 12),
                birth_day=rng.randint(1, 28),
                place=_zipf_choice(rng, PLACES, place_weights),
            )
        )
    return people


_CYRILLIC_LETTERS = "абвгдежзийклмнопрстуфхцчшщыэюя"
_LATIN_LETTERS = "abcdefghijklmnoprstuvyz"


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    alphabet = _CYRILLIC_LETTERS if any("а" <= c.lower() <= "я" for c in word) else _LATIN_LETTERS
    position = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:position] + word[position + 1 :]
    if kind == 1:
        return word[:position] + rng.choice(alphabet) + word[position:]
    if kind == 2:
        return word[:position] + rng.choice(alphabet) + word[position + 1 :]
    return word[: position - 1] + word[position] + word[position - 1] + word[position + 1 :]


def _birth_text(rng: random.Random, person: Person) -> str:
    year = person.birth_year + (rng.choice((-1, 1)) if rng.random() < 0.04 else 0)
    roll = rng.random()
    if roll < 0.15:
        return ""
    if roll < 0.27:
        low = year - rng.randint(0, 2)
        return f"{low}-{low + rng.randint(1, 3)}"
    if roll < 0.37:
        return rng.choice(("около ", "~", "примерно ", "ок. ", "c. ")) + str(year)
    if roll < 0.57:
        if rng.random() < 0.5:
            return f"{person.birth_day:02d}.{person.birth_month:02d}.{year}"
        return f"{year}-{person.birth_month:02d}-{person.birth_day:02d}"
    return str(year)


def make_record(
    rng: random.Random, person: Person, systems: tuple[str, ...] = _SYSTEM_NAMES
) -> dict[str, str]:
    """One record of this person, as some organisation or testimony would write it."""
    surname = _feminine(person.surname) if person.female else person.surname
    if person.female and rng.random() < 0.12:
        surname = person.surname  # the masculine (family) form
    patronymic = person.patronymic if rng.random() < 0.55 else ""
    place = person.place if rng.random() < 0.85 else rng.choice(PLACES)
    if rng.random() < 0.15:
        place = ""
    fields = {
        "given": person.given,
        "surname": surname,
        "patronymic": patronymic,
        "place": place,
    }
    for key in ("given", "surname", "patronymic"):
        if fields[key] and rng.random() < 0.12:
            fields[key] = _typo(rng, fields[key])
    if rng.random() < 0.55:
        system = rng.choice(systems)
        fields = {key: transliterate_with(value, system) for key, value in fields.items()}
    if fields["place"]:
        prefix = rng.choice(PLACE_PREFIXES)
        fields["place"] = prefix + fields["place"]
    if rng.random() < 0.1:
        fields["given"], fields["surname"] = fields["surname"], fields["given"]
    return {
        "фамилия": fields["surname"],
        "имя": fields["given"],
        "отчество": fields["patronymic"],
        "год рождения": _birth_text(rng, person),
        "место": fields["place"],
    }


def _person_identifiers(person: Person, seed: int) -> tuple[str, str]:
    """A person's mobile number (10 digits after +7) and passport (series + number)."""
    rng = random.Random(seed * 1_000_003 + person.entity_id)
    phone = "9" + "".join(rng.choice("0123456789") for _ in range(9))
    passport = "".join(rng.choice("0123456789") for _ in range(10))
    return phone, passport


def _phone_text(rng: random.Random, phone: str) -> str:
    roll = rng.random()
    if roll < 0.02:
        return phone[:3] + "O" + phone[4:]  # a letter O typed for a zero: unreadable
    if roll < 0.35:
        return f"+7 ({phone[:3]}) {phone[3:6]}-{phone[6:8]}-{phone[8:]}"
    if roll < 0.65:
        return "8" + phone
    if roll < 0.85:
        return f"+7{phone}"
    return f"8 {phone[:3]} {phone[3:]}"


def _passport_text(rng: random.Random, passport: str) -> str:
    if rng.random() < 0.05:  # one digit mistyped
        position = rng.randrange(len(passport))
        passport = passport[:position] + rng.choice("0123456789") + passport[position + 1 :]
    roll = rng.random()
    if roll < 0.4:
        return f"{passport[:2]} {passport[2:4]} {passport[4:]}"
    if roll < 0.7:
        return passport
    return f"{passport[:4]} №{passport[4:]}"


def with_identifiers(
    rng: random.Random, person: Person, record: dict[str, str], seed: int
) -> dict[str, str]:
    """Add a phone (45% of records) and a passport number (30%) to a generated record."""
    phone, passport = _person_identifiers(person, seed)
    return {
        **record,
        "телефон": _phone_text(rng, phone) if rng.random() < 0.45 else "",
        "паспорт": _passport_text(rng, passport) if rng.random() < 0.3 else "",
    }


def generate(
    records: int,
    *,
    people: int | None = None,
    seed: int = 7,
    systems: tuple[str, ...] = _SYSTEM_NAMES,
    identifiers: bool = False,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (entity_id, record) pairs: `records` records of about `people` people.

    Records per person follow a skewed distribution (many people appear once, some in
    many lists); the order is shuffled so that duplicates are not adjacent.
    """
    person_count = people if people is not None else max(1, records * 2 // 5)
    rng = random.Random(seed + 1)
    population = make_people(person_count, seed=seed)
    owners = list(range(person_count))
    extra = [rng.randrange(person_count) for _ in range(max(0, records - person_count))]
    owners = (owners + extra)[:records]
    rng.shuffle(owners)
    for owner in owners:
        record = make_record(rng, population[owner], systems)
        if identifiers:
            record = with_identifiers(rng, population[owner], record, seed)
        yield owner, record


def systems_encodable_in(encoding: str) -> tuple[str, ...]:
    """The transliteration systems whose every letter (either case) `encoding` can hold."""

    def holds(letters: str) -> bool:
        try:
            (letters + letters.upper()).encode(encoding)
        except UnicodeEncodeError:
            return False
        return True

    return tuple(
        name
        for name, table in SYSTEMS.items()
        if holds("".join(table.values()) + "".join(_BASE.values()))
    )


def write_csv(
    path: Path,
    records: int,
    *,
    people: int | None = None,
    seed: int = 7,
    encoding: str = "utf-8",
    identifiers: bool = False,
) -> dict[str, int]:
    """Write a generated list to `path` with an `id` column; return id -> entity_id.

    Systems whose letters the encoding cannot hold are left out (in cp1251: ISO 9, BGN's ë,
    French ï, Polish and Czech diacritics). `identifiers` adds phone and passport columns.
    """
    systems = systems_encodable_in(encoding)
    truth: dict[str, int] = {}
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        header = ["id", "фамилия", "имя", "отчество", "год рождения", "место"]
        writer.writerow(header + (["телефон", "паспорт"] if identifiers else []))
        generated = generate(records, people=people, seed=seed, systems=systems,
                             identifiers=identifiers)  # fmt: skip
        for index, (entity_id, record) in enumerate(generated):
            record_id = f"r{index}"
            truth[record_id] = entity_id
            writer.writerow([record_id, *record.values()])
    return truth
