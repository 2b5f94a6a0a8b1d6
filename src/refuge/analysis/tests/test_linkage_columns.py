"""Column roles from Russian and English headers, and the user's overrides."""

from __future__ import annotations

import pytest

from refuge.analysis.linkage.columns import (
    ColumnRoles,
    RoleOverrides,
    detect_roles,
    resolve_roles,
)
from refuge.analysis.linkage.errors import NoNameColumn, UnknownColumn


def test_russian_headers() -> None:
    roles = detect_roles(
        ["№", "Фамилия", "Имя", "Отчество", "Год рождения", "Место жительства"],
        id_column="№",
    )
    assert roles == ColumnRoles(
        given="Имя",
        surname="Фамилия",
        patronymic="Отчество",
        birth="Год рождения",
        place="Место жительства",
    )


def test_english_headers() -> None:
    roles = detect_roles(
        ["id", "given_name", "surname", "date_of_birth", "district"], id_column="id"
    )
    assert (roles.given, roles.surname, roles.birth, roles.place) == (
        "given_name",
        "surname",
        "date_of_birth",
        "district",
    )


@pytest.mark.parametrize("header", ["ФИО", "Ф.И.О.", "full_name", "Full Name", "name"])
def test_full_name_headers(header: str) -> None:
    assert detect_roles(["id", header], id_column="id").full_name == (header,)


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("дата рождения", "birth"),
        ("Д.Р.", "birth"),
        ("DOB", "birth"),
        ("year_of_birth", "birth"),
        ("год", "birth"),
        ("место рождения", "place"),
        ("place_of_birth", "place"),
        ("город", "place"),
        ("село", "place"),
        ("Населённый пункт", "place"),
        ("First name", "given"),
        ("Last Name", "surname"),
        ("middle_name", "patronymic"),
    ],
)
def test_single_headers(header: str, role: str) -> None:
    roles = detect_roles(["id", "ФИО", header], id_column="id")
    assert getattr(roles, role) == header


def test_header_with_bom_is_recognised() -> None:
    assert detect_roles(["\ufeffФамилия", "Имя"]).surname == "\ufeffФамилия"


def test_id_column_gets_no_role() -> None:
    assert detect_roles(["name", "место"], id_column="name").full_name == ()


def test_overrides_replace_detection() -> None:
    headers = ["id", "col_a", "col_b", "Фамилия", "когда"]
    roles = resolve_roles(
        headers,
        RoleOverrides(given="col_a", birth="когда", place="col_b"),
        id_column="id",
    )
    assert (roles.given, roles.surname, roles.birth, roles.place) == (
        "col_a",
        "Фамилия",
        "когда",
        "col_b",
    )


def test_name_columns_override_makes_full_names() -> None:
    roles = resolve_roles(["id", "a", "b"], RoleOverrides(name_columns=("a", "b")), id_column="id")
    assert roles.full_name == ("a", "b")


def test_separate_name_columns_win_over_a_full_name_column() -> None:
    roles = resolve_roles(["ФИО", "Фамилия", "Имя"], RoleOverrides())
    assert roles.full_name == ()
    assert roles.surname == "Фамилия"


def test_no_name_column_is_refused() -> None:
    with pytest.raises(NoNameColumn, match="No name column"):
        resolve_roles(["id", "год рождения", "место"], RoleOverrides(), id_column="id")


def test_unknown_override_column_is_refused() -> None:
    with pytest.raises(UnknownColumn, match="'nope'"):
        resolve_roles(["id", "ФИО"], RoleOverrides(surname="nope"), id_column="id")
