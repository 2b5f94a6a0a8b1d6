"""Name keys, surname genders, patronymics, full-name splitting, birth ranges, places."""

from __future__ import annotations

import pytest

from refuge.analysis.linkage.model import NameParts, features
from refuge.analysis.linkage.names import (
    BirthRange,
    bare_consonants,
    coarse_key,
    consonant_skeleton,
    frequent_given_keys,
    name_key,
    parse_birth,
    patronymic_key,
    phonetic_key,
    place_key,
    split_full_name,
    surname_key,
)


@pytest.mark.parametrize(
    "spellings",
    [
        ("Ахмед", "Akhmed", "Ahmed", "Achmed", "AHMED"),
        ("Хасан", "Khasan", "Hasan", "Chasan", "Hassan"),
        ("Юсуп", "Yusup", "Iusup", "Jusup", "Ûsup"),
        ("Ясин", "Yasin", "Iasin", "Jasin", "Âsin"),
        ("Ильяс", "Ilyas", "Il'yas", "Ilias", "Ilʹâs"),
        ("Джабраил", "Dzhabrail", "Jabrail", "Djabrail", "Zhabrail"),
        ("Шамиль", "Shamil", "Shamil'", "Šamilʹ", "Schamil"),
        ("Щукин", "Shchukin", "Schukin", "Ŝukin"),
        ("Цуев", "Tsuev", "Cuev", "Tzuev"),
        ("Зелимхан", "Zelimkhan", "Zelimhan", "Zelimchan"),
        ("Дмитрий", "Dmitriy", "Dmitrii", "Dmitry", "Dmitrij"),
        ("Хамзат", "Khamzat", "Hamzat", "Chamzat"),
        ("Айшат", "Ayshat", "Aishat", "Ajšat"),
        ("Эльза", "El'za", "Elza"),
        ("Мусаев", "Musayev", "Musaev", "Mussaev"),
    ],
)
def test_spellings_of_one_name_share_a_key(spellings: tuple[str, ...]) -> None:
    keys = {phonetic_key(spelling) for spelling in spellings}
    assert len(keys) == 1, keys


def test_different_names_keep_different_keys() -> None:
    names = ["Ахмед", "Ахмат", "Магомед", "Муса", "Умар", "Ислам", "Руслан", "Рамзан"]
    assert len({phonetic_key(name) for name in names}) == len(names)


@pytest.mark.parametrize(
    ("feminine", "masculine"),
    [
        ("Кадырова", "Kadyrov"),
        ("Дудаева", "Dudayev"),
        ("Масхадова", "Maskhadov"),
        ("Ильина", "Ilyin"),
        ("Жуковская", "Zhukovsky"),
        ("Zhukovskaya", "Жуковский"),
    ],
)
def test_feminine_surnames_match_the_masculine_form(feminine: str, masculine: str) -> None:
    assert surname_key(feminine) == surname_key(masculine)


def test_given_names_ending_like_surnames_are_not_folded_as_surnames() -> None:
    assert phonetic_key("Амина") != phonetic_key("Амин")
    parsed = split_full_name("Амина Исаева")
    assert (parsed.given, parsed.surname) == ("amina", surname_key("Исаев"))


@pytest.mark.parametrize(
    "text",
    ["Ахмедович", "Akhmedovich", "Ahmedovna", "Ахмедовна", "Achmedowitsch", "Ахмед"],
)
def test_patronymic_reduces_to_the_fathers_name(text: str) -> None:
    assert patronymic_key(text) == phonetic_key("Ахмед")


def test_missing_patronymic_is_none() -> None:
    assert patronymic_key("") is None
    assert patronymic_key(None) is None


@pytest.mark.parametrize(
    "text",
    [
        "Кадыров Ахмед Магомедович",
        "Ахмед Магомедович Кадыров",
        "Akhmed Kadyrov",
        "KADYROV Akhmed",
    ],
)
def test_full_names_split_in_either_order(text: str) -> None:
    parsed = split_full_name(text)
    assert parsed.given == phonetic_key("Ахмед")
    assert parsed.surname == surname_key("Кадыров")


def test_full_name_patronymic_is_found() -> None:
    assert split_full_name("Кадырова Зарема Ахмедовна").patronymic == phonetic_key("Ахмед")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990", BirthRange(1990, 1990)),
        ("1990-1992", BirthRange(1990, 1992)),
        ("1990–92", BirthRange(1990, 1992)),
        ("около 1990", BirthRange(1988, 1992)),
        ("~1990", BirthRange(1988, 1992)),
        ("ок. 1990 г.р.", BirthRange(1988, 1992)),
        ("примерно 1990", BirthRange(1988, 1992)),
        ("c. 1990", BirthRange(1988, 1992)),
        ("1990-е", BirthRange(1990, 1999)),
        ("1990s", BirthRange(1990, 1999)),
        ("12.03.1990", BirthRange(1990, 1990, "1990-03-12")),
        ("1990-03-12", BirthRange(1990, 1990, "1990-03-12")),
        ("19900312", BirthRange(1990, 1990, "1990-03-12")),
        ("", BirthRange(None, None)),
        ("не известно", BirthRange(None, None)),
        (None, BirthRange(None, None)),
    ],
)
def test_birth_years_ranges_and_dates_are_parsed(text: str | None, expected: BirthRange) -> None:
    assert parse_birth(text) == expected


@pytest.mark.parametrize(
    "spellings",
    [
        ("г. Грозный", "Grozny", "Groznyy", "Groznyj", "город Грозный"),
        ("Урус-Мартан", "Urus-Martan", "с. Урус-Мартан", "Urus Martan"),
        ("село Шали", "Shali", "Šali", "Schali"),
    ],
)
def test_place_spellings_share_a_key(spellings: tuple[str, ...]) -> None:
    assert len({place_key(spelling) for spelling in spellings}) == 1


@pytest.mark.parametrize(
    "spellings",
    [
        # Х as kh, h, German/Polish ch, Spanish j: one coarse key, though their keys differ.
        ("Хасанов", "Khasanov", "Chasanov", "Jasanov"),
        # Ш as sh, French ch, Polish sz; the -iev / -iyev / -iew endings.
        ("Элшаипгереев", "Elshaipgereev", "Elchaipgereev", "Elszaipgerejew"),
        # Дж as dzh, dž, German dsh; Х as h, German ch.
        ("Хаджиев", "Khadzhiev", "Chadshiew", "Hadžiev", "Hajiev"),
    ],
)
def test_spellings_the_keys_do_not_fold_share_a_coarse_key(spellings: tuple[str, ...]) -> None:
    keys = {coarse_key(surname_key(spelling)) for spelling in spellings}
    assert len(keys) == 1, keys


def test_coarse_keys_still_tell_different_names_apart() -> None:
    assert coarse_key(surname_key("Кадыров")) != coarse_key(surname_key("Касымов"))
    assert coarse_key(phonetic_key("Ахмед")) != coarse_key(phonetic_key("Мадина"))
    assert coarse_key(None) is None


def test_german_dsh_is_dzh() -> None:
    assert phonetic_key("Dshabrail") == phonetic_key("Джабраил") == phonetic_key("Dschabrail")


@pytest.mark.parametrize(
    "text", ["Вахитгереев Саид Аликовч", "Vakhitgereev Said Alikovch", "Саид Аликовч Вахитгереев"]
)
def test_a_patronymic_with_a_mistyped_ending_is_found_by_position(text: str) -> None:
    parsed = split_full_name(text)
    assert parsed.given == phonetic_key("Саид")
    assert parsed.surname == surname_key("Вахитгереев")
    assert parsed.patronymic is not None
    assert parsed.patronymic.startswith("alik")


def test_the_lists_own_frequent_words_tell_a_given_name_from_a_surname() -> None:
    # "Emin" ends like a surname (-in) and is in no built-in list of given names; so does
    # the surname "Tamezhidlain".
    names = [f"Surname{index}ov Emin" for index in range(8)] + ["Tamezhidlain Emin"]
    given_names = frequent_given_keys(names)
    assert phonetic_key("Emin") in given_names
    parsed = split_full_name("Tamezhidlain Emin", given_names)
    assert (parsed.given, parsed.surname) == (phonetic_key("Emin"), surname_key("Tamezhidlain"))
    # Without the list's counts, two surname-like words fall back to Latin order.
    assert split_full_name("Tamezhidlain Emin").surname == surname_key("Emin")


@pytest.mark.parametrize(
    ("text", "surname", "given"),
    [
        ("Dzhlabazangereev Mein Sharpudinovich", "Dzhlabazangereev", "Mein"),  # Эмин mistyped
        ("Alnasukhov Khusein", "Alnasukhov", "Khusein"),
        ("Isbaisarev Ziiaudin Jamzatovich", "Isbaisarev", "Ziiaudin"),
        ("Tsuzaindisultanova Mdina Akhmedovna", "Tsuzaindisultanova", "Mdina"),
    ],
)
def test_an_ending_no_given_name_has_tells_the_surname_where_both_end_like_one(
    text: str, surname: str, given: str
) -> None:
    # -in (and feminine -ina) ends surnames and given names alike; -ov and -ev only surnames.
    parsed = split_full_name(text)
    assert (parsed.surname, parsed.given) == (surname_key(surname), phonetic_key(given))


@pytest.mark.parametrize(
    ("surname_field", "given_field"),
    [
        ("Амина", "Исаева"),  # a known given name under "surname"
        ("Mein", "Dzhlabazangereev"),  # an unknown one ending in -in, beside an -ev surname
    ],
)
def test_a_surname_typed_into_the_given_name_field_is_put_back(
    surname_field: str, given_field: str
) -> None:
    row = features(NameParts(given=given_field, surname=surname_field))
    assert (row["surname_key"], row["given_key"]) == (
        surname_key(given_field),
        name_key(surname_field),
    )


def test_two_surnames_of_the_same_kind_stay_where_they_were_typed() -> None:
    row = features(NameParts(given="Kadyrov", surname="Isaev"))
    assert (row["surname_key"], row["given_key"]) == (surname_key("Isaev"), name_key("Kadyrov"))


def test_the_consonant_keys_for_blocking() -> None:
    # Bare consonants drop h and j, which spelling systems add or drop most.
    assert {bare_consonants(name_key(name)) for name in ("Ахмед", "Ajmed", "Amed")} == {"md"}
    # The skeleton keeps every consonant; a key with fewer than three stays whole.
    assert consonant_skeleton(surname_key("Кадыров")) == "kdrv"
    assert consonant_skeleton(name_key("Иса")) == name_key("Иса")
