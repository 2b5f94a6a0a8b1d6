"""Point 5: normalisation joins spellings of one value and keeps different ones apart."""

from __future__ import annotations

import pytest

from refuge.vault.normalise import fold_handle, fold_name, normalise_phone

SAME_NAMES = [
    ("Ахмед", "Akhmed", "Ahmed", "ahmed ", "  AHMED"),
    ("Юсуп", "Yusup", "Iusup"),
    ("Евгений", "Evgeny", "Yevgeniy", "Evgenii", "Evgeniy"),
    ("Жанна", "Zhanna", "Janna"),
    ("Цой", "Tsoi", "Tsoy"),
    ("Фёдор", "Федор", "Fyodor", "Fedor"),
    ("Мария", "Maria", "Mariya"),
    ("Дмитрий", "Dmitry", "Dmitriy", "Dmitrii"),
    ("Алексей", "Alexey", "Aleksei", "Aleksey"),
    ("Хадижат", "Khadizhat", "Hadijat"),
    ("Джамал", "Dzhamal", "Djamal"),
    ("Щукин", "Shchukin", "Schukin"),
    ("Сергеев", "Sergeyev", "Sergeev"),
    ("Зелимхан", "Zelimkhan", "Zelimhan"),
    ("Хасан", "Khasan", "Hassan", "Hasan"),
    ("Петров Иван", "Ivan Petrov", "ivan  PETROV", "Петров-Иван"),
    ("Яхьяев", "Yakhyaev", "Iahiaev"),
]

DIFFERENT_NAMES = [
    ("Магомед", "Магомет"),
    ("Иван", "Иван Петров"),
    ("Ислам", "Салам"),
    ("Ахмед", "Ахмад"),
    ("Шамиль", "Щамиль ибн"),
    ("Чечен", "Цецен"),
    ("Анна", "Яна"),
]


@pytest.mark.parametrize("spellings", SAME_NAMES, ids=lambda group: group[0])
def test_spellings_of_one_name_fold_together(spellings: tuple[str, ...]) -> None:
    folded = {fold_name(spelling) for spelling in spellings}
    assert len(folded) == 1, folded


@pytest.mark.parametrize(("left", "right"), DIFFERENT_NAMES)
def test_different_names_stay_apart(left: str, right: str) -> None:
    assert fold_name(left) != fold_name(right)


def test_name_folding_drops_signs_and_palochka() -> None:
    assert fold_name("ХӀасан") == fold_name("Хасан")
    assert fold_name("Ильяс") == fold_name("Ilyas")
    assert fold_name("!!!") == ""


@pytest.mark.parametrize(
    "spelling",
    [
        "8 928 555-01-23",
        "+7 (928) 555 01 23",
        "89285550123",
        "+79285550123",
        "7 928 555 0123",
    ],
)
def test_russian_phone_spellings_normalise_to_e164(spelling: str) -> None:
    assert normalise_phone(spelling) == "+79285550123"


def test_foreign_numbers_keep_their_country() -> None:
    assert normalise_phone("+995 555 12 34 56") == "+995555123456"
    assert normalise_phone("+995 555 12 34 56") != normalise_phone("8 555 12 34 56")


def test_unparseable_numbers_fall_back_to_their_digits() -> None:
    assert normalise_phone("доб. 12") == "12"
    assert normalise_phone("телефон не знаю") == ""


def test_handles_fold_case_spaces_and_at_sign() -> None:
    assert fold_handle("@Ahmed_95 ") == fold_handle("ahmed_95") == "ahmed_95"
