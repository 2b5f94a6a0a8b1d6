"""Detect which CSV column holds which part of a person, from Russian or English headers.

Every identifying column is used: names, birth, place, and identifiers (phones, documents,
addresses, postcodes, e-mail, regions, other identifiers). A column whose header says
nothing known is reported as ignored and never used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from refuge.analysis.linkage.errors import NoNameColumn, UnknownColumn
from refuge.analysis.linkage.identifiers import IdentifierKind


@dataclass(frozen=True, slots=True)
class IdentifierColumn:
    """An identifying column other than a name, birth or place, and its kind."""

    column: str
    kind: IdentifierKind


@dataclass(frozen=True, slots=True)
class ColumnRoles:
    """Which input columns hold names, birth, place, sex and identifiers (None: absent)."""

    full_name: tuple[str, ...] = ()
    given: str | None = None
    surname: str | None = None
    patronymic: str | None = None
    birth: str | None = None
    place: str | None = None
    sex: str | None = None
    identifiers: tuple[IdentifierColumn, ...] = ()
    ignored: tuple[str, ...] = field(default=(), compare=False)

    @property
    def has_name(self) -> bool:
        return bool(self.full_name or self.given or self.surname)

    def used(self) -> tuple[str, ...]:
        singles = (self.given, self.surname, self.patronymic, self.birth, self.place, self.sex)
        return (
            self.full_name
            + tuple(column for column in singles if column)
            + tuple(identifier.column for identifier in self.identifiers)
        )


_KINDS = {kind.value: kind for kind in IdentifierKind}

# Order matters: the first role whose pattern matches a header takes it, so the specific
# ("given_name", "место рождения", "адрес") come before the general ("name", "место").
_ROLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"e_?mail|эл_?почта|электронн|^почта$|^mail$")),
    ("phone", re.compile(r"телефон|^тел$|^тел_|phone|mobile|^моб|^tel$|^whatsapp$|^сотов")),
    ("postcode", re.compile(r"индекс|postcode|post_?code|^zip|postal")),
    ("document", re.compile(
        r"паспорт|документ|passport|document|^doc_?(no|num|number)?$|soc_?sec|^ssn$|снилс|"
        r"^инн$|national_?id|id_?number|^серия")),
    ("address", re.compile(r"адрес|address|улиц|street|^дом$|^house|^квартир")),
    ("region", re.compile(r"регион|област|республик|^край$|^state$|^region$|^oblast")),
    ("sex", re.compile(r"^пол$|^gender$|^sex$|^пол_")),
    ("other", re.compile(r"other_?id|иные_?ид|идентификатор|other_?identifier|^telegram|^vk$")),
    ("place", re.compile(r"^мест|place|город|^сел|village|town|city|district|район|suburb")),
    ("birth", re.compile(
        r"birth|dob|born|рожд|^год$|^г_?р$|^д_?р$|^year$|^age$|^возраст$|^дата$|^date$")),
    ("patronymic", re.compile(r"отчеств|patronym|middle_?name|father_?s?_?name")),
    ("surname", re.compile(r"фамил|surname|last_?name|family_?name|^last$")),
    ("full_name", re.compile(r"фио|ф_и_о|full_?name|полное_имя|^name$|^person$|^имя_фамилия$|"
                             r"^фамилия_имя|^name_surname$|^names?$")),
    ("given", re.compile(r"^имя|given|first_?name|forename|^first$|^name_?given$")),
    ("place", re.compile(
        r"мест|город|сел|сёл|район|насел|district|place|city|town|village|settlement|"
        r"locat|suburb|^округ|аул|станиц")),
)  # fmt: skip


def _normalise_header(header: str) -> str:
    lowered = header.strip().lstrip("\ufeff").lower().replace("ё", "е")
    return re.sub(r"[\s.\-/]+", "_", lowered).strip("_")


def _role_of_header(header: str) -> str | None:
    normalised = _normalise_header(header)
    for role, pattern in _ROLE_PATTERNS:
        if pattern.search(normalised):
            return role
    return None


def detect_roles(headers: Sequence[str], *, id_column: str | None = None) -> ColumnRoles:
    """Guess each column's role from its header; the id column is never given a role."""
    found: dict[str, list[str]] = {}
    identifiers: list[IdentifierColumn] = []
    ignored: list[str] = []
    for header in headers:
        if header == id_column:
            continue
        role = _role_of_header(header)
        if role in _KINDS:
            identifiers.append(IdentifierColumn(header, _KINDS[str(role)]))
        elif role is None or (role != "full_name" and role in found):
            ignored.append(header)  # unknown, or a second column for a one-column role
        else:
            found.setdefault(role, []).append(header)
    return ColumnRoles(
        full_name=tuple(found.get("full_name", [])[:1]),
        given=found.get("given", [None])[0],
        surname=found.get("surname", [None])[0],
        patronymic=found.get("patronymic", [None])[0],
        birth=found.get("birth", [None])[0],
        place=found.get("place", [None])[0],
        sex=found.get("sex", [None])[0],
        identifiers=tuple(identifiers),
        ignored=tuple(ignored),
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
    sex: str | None = None
    identifiers: tuple[IdentifierColumn, ...] = ()
    ignore: tuple[str, ...] = ()

    def named(self) -> tuple[str, ...]:
        singles = (self.given, self.surname, self.patronymic, self.birth, self.place, self.sex)
        return (
            *self.name_columns,
            *(column for column in singles if column is not None),
            *(identifier.column for identifier in self.identifiers),
            *self.ignore,
        )


def resolve_roles(
    headers: Sequence[str], overrides: RoleOverrides, *, id_column: str | None = None
) -> ColumnRoles:
    """Detect roles, apply the user's choices, check every named column exists."""
    for column in overrides.named():
        if column not in headers:
            raise UnknownColumn(f"Column {column!r} is not in the file.")
    named = set(overrides.named())
    detected = detect_roles(
        [header for header in headers if header not in named], id_column=id_column
    )
    roles = _apply(detected, overrides)
    if not roles.has_name and not roles.identifiers:
        raise NoNameColumn(
            "No name column found: name one with --name-columns, --given-name-column or "
            "--surname-column (headers seen: " + ", ".join(headers) + ")."
        )
    return roles


_SINGLE_ROLES = ("given", "surname", "patronymic", "birth", "place", "sex")


def _apply(roles: ColumnRoles, overrides: RoleOverrides) -> ColumnRoles:
    displaced = [
        getattr(roles, role)
        for role in _SINGLE_ROLES
        if getattr(overrides, role) and getattr(roles, role)
    ]
    if overrides.name_columns:
        displaced += [column for column in (roles.given, roles.surname) if column]
        roles = replace(roles, full_name=overrides.name_columns, given=None, surname=None)
    roles = replace(roles, ignored=roles.ignored + tuple(displaced))
    roles = replace(
        roles,
        given=overrides.given or roles.given,
        surname=overrides.surname or roles.surname,
        patronymic=overrides.patronymic or roles.patronymic,
        birth=overrides.birth or roles.birth,
        place=overrides.place or roles.place,
        sex=overrides.sex or roles.sex,
        identifiers=roles.identifiers + overrides.identifiers,
        ignored=roles.ignored + overrides.ignore,
    )
    if (roles.given or roles.surname) and not overrides.name_columns and roles.full_name:
        roles = replace(roles, full_name=(), ignored=roles.ignored + roles.full_name)
    return roles
