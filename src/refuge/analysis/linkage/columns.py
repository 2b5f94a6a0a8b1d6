"""Detect which CSV column holds which part of a person, from Russian or English headers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from refuge.analysis.linkage.errors import NoNameColumn, UnknownColumn


@dataclass(frozen=True, slots=True)
class ColumnRoles:
    """Which input columns hold names, birth and place (None: absent)."""

    full_name: tuple[str, ...] = ()
    given: str | None = None
    surname: str | None = None
    patronymic: str | None = None
    birth: str | None = None
    place: str | None = None

    @property
    def has_name(self) -> bool:
        return bool(self.full_name or self.given or self.surname)

    def used(self) -> tuple[str, ...]:
        singles = (self.given, self.surname, self.patronymic, self.birth, self.place)
        return self.full_name + tuple(column for column in singles if column)


# Order matters: the first role whose pattern matches a header takes it, so the specific
# ("given_name", "место рождения") come before the general ("name", "место").
_ROLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("place", re.compile(r"^мест|place|город|^сел|village|town|city|district|район")),
    ("birth", re.compile(
        r"birth|dob|born|рожд|^год$|^г_?р$|^д_?р$|^year$|^age$|^возраст$|^дата$|^date$")),
    ("patronymic", re.compile(r"отчеств|patronym|middle_?name|father_?s?_?name")),
    ("surname", re.compile(r"фамил|surname|last_?name|family_?name|^last$")),
    ("full_name", re.compile(r"фио|ф_и_о|full_?name|полное_имя|^name$|^person$|^имя_фамилия$|"
                             r"^фамилия_имя|^name_surname$|^names?$")),
    ("given", re.compile(r"^имя|given|first_?name|forename|^first$|^name_?given$")),
    ("place", re.compile(
        r"мест|город|сел|сёл|район|насел|district|place|city|town|village|settlement|"
        r"locat|region|suburb|address|адрес|^округ|аул|станиц")),
)  # fmt: skip


def _normalise_header(header: str) -> str:
    lowered = header.strip().lstrip("\ufeff").lower().replace("ё", "е")
    return re.sub(r"[\s.\-/]+", "_", lowered).strip("_")


def detect_roles(headers: Sequence[str], *, id_column: str | None = None) -> ColumnRoles:
    """Guess each column's role from its header; the id column is never given a role."""
    found: dict[str, list[str]] = {}
    for header in headers:
        if header == id_column:
            continue
        normalised = _normalise_header(header)
        for role, pattern in _ROLE_PATTERNS:
            if pattern.search(normalised):
                found.setdefault(role, []).append(header)
                break
    birth = found.get("birth", [])
    return ColumnRoles(
        full_name=tuple(found.get("full_name", [])[:1]),
        given=found.get("given", [None])[0],
        surname=found.get("surname", [None])[0],
        patronymic=found.get("patronymic", [None])[0],
        birth=birth[0] if birth else None,
        place=found.get("place", [None])[0],
    )


@dataclass(frozen=True, slots=True)
class RoleOverrides:
    """Roles named by the user; they replace what detection found."""

    name_columns: tuple[str, ...] = ()
    given: str | None = None
    surname: str | None = None
    patronymic: str | None = None
    birth: str | None = None
    place: str | None = None


def resolve_roles(
    headers: Sequence[str], overrides: RoleOverrides, *, id_column: str | None = None
) -> ColumnRoles:
    """Detect roles, apply the user's choices, check every named column exists."""
    for column in (*overrides.name_columns, overrides.given, overrides.surname,
                   overrides.patronymic, overrides.birth, overrides.place):  # fmt: skip
        if column is not None and column not in headers:
            raise UnknownColumn(f"Column {column!r} is not in the file.")
    roles = detect_roles(headers, id_column=id_column)
    if overrides.name_columns:
        roles = replace(roles, full_name=overrides.name_columns, given=None, surname=None)
    roles = replace(
        roles,
        given=overrides.given or roles.given,
        surname=overrides.surname or roles.surname,
        patronymic=overrides.patronymic or roles.patronymic,
        birth=overrides.birth or roles.birth,
        place=overrides.place or roles.place,
    )
    if (roles.given or roles.surname) and not overrides.name_columns:
        roles = replace(roles, full_name=())
    if not roles.has_name:
        raise NoNameColumn(
            "No name column found: name one with --name-columns, --given-name-column or "
            "--surname-column (headers seen: " + ", ".join(headers) + ")."
        )
    return roles
