"""Comparisons of the model, written once for every Splink backend (DuckDB and Spark).

Each level is SQL on the normalised feature columns; string-similarity functions are named
by the backend's dialect (DuckDB `jaro_winkler_similarity`, Spark's `jaro_winkler` UDF).
Every non-null level has starting m and u values, so that a list too small to train on is
still linked sensibly with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from splink.internals.comparison_level_library import CustomLevel, ElseLevel
from splink.internals.comparison_library import CustomComparison

from refuge.analysis.linkage.identifiers import IdentifierKind


@dataclass(frozen=True, slots=True)
class Dialect:
    """SQL function names that differ between backends."""

    name: str
    jaro_winkler: str
    levenshtein: str = "levenshtein"
    damerau_levenshtein: str = "damerau_levenshtein"  # Spark: Splink's registered UDF


DUCKDB = Dialect("duckdb", jaro_winkler="jaro_winkler_similarity")
SPARK = Dialect("spark", jaro_winkler="jaro_winkler")


@dataclass(frozen=True, slots=True)
class IdentifierFeature:
    """A normalised identifier column of the feature table (`ident_3`) and its kind."""

    feature: str
    kind: IdentifierKind
    label: str  # the input column's header, for reports


def _level(
    sql: str,
    label: str,
    *,
    tf: str | None = None,
    null: bool = False,
    fixed_m: float | None = None,
) -> CustomLevel:
    level = CustomLevel(sql, label)
    if fixed_m is not None:
        # Rare levels that EM drives to an m of ~1e-310, which Splink then refuses.
        level.configure(m_probability=fixed_m, fix_m_probability=True)
    if tf is not None:
        level.configure(tf_adjustment_column=tf, tf_adjustment_weight=1.0)
    if null:
        level.configure(is_null_level=True)
    return level


def _null(column: str) -> CustomLevel:
    return _level(f"{column}_l IS NULL OR {column}_r IS NULL", "null", null=True)


def _exact(column: str, label: str = "exact", *, tf: bool = True) -> CustomLevel:
    return _level(f"{column}_l = {column}_r", label, tf=column if tf else None)


class _Sql:
    """SQL snippets in one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    def jw(self, column: str, threshold: float) -> str:
        return f"{self.dialect.jaro_winkler}({column}_l, {column}_r) >= {threshold}"

    def edits(self, column: str, edits: int) -> str:
        """Identifiers: Levenshtein distance (a digit or character left out, added, changed)."""
        return f"{self.dialect.levenshtein}({column}_l, {column}_r) <= {edits}"

    def typos(self, column: str, typos: int) -> str:
        """Names: one typo by Damerau-Levenshtein, so that two letters typed in the wrong
        order are one typo, as a letter left out is (Ислам / Исалм); two by Levenshtein,
        which counts such a swap as two and so still finds it. DuckDB's Damerau is ~20x
        slower than its Levenshtein (a million records: +235 s of processor time when both
        levels used it), so it is computed once per pair, and the cheap Jaro-Winkler test
        goes first and rules out most pairs."""
        function = self.dialect.damerau_levenshtein if typos == 1 else self.dialect.levenshtein
        distance = f"{function}({column}_l, {column}_r) <= {typos}"
        return (
            f"CASE WHEN {self.dialect.jaro_winkler}({column}_l, {column}_r) < 0.8 THEN false "
            f"ELSE {distance} END"
        )


_SWAPPED = "given_fold_l = surname_key_r AND surname_key_l = given_fold_r"

# Starting m and u of each non-null level, in order, roughly as trained on generated and
# FEBRL records. Training replaces them; they stand when a list is too small to train on.
STARTING_M_U: dict[str, tuple[tuple[float, float], ...]] = {
    "surname": ((0.75, 1e-3), (0.02, 1e-6), (0.15, 8e-4), (0.05, 2e-3), (0.02, 2e-4),
                (0.01, 1e-2), (0.01, 0.986)),
    "given_name": ((0.8, 1.5e-2), (0.02, 1e-6), (0.12, 5e-3), (0.03, 1e-2), (0.02, 2e-2),
                   (0.01, 2e-2), (0.01, 0.93)),
    "patronymic": ((0.8, 2.6e-2), (0.08, 5e-3), (0.04, 8e-3), (0.06, 1e-2), (0.02, 0.95)),
    "birth": ((0.05, 1e-5), (0.01, 0.04), (0.47, 8e-3), (0.4, 3e-2), (0.01, 1e-5), (0.07, 6e-2),
              (1e-4, 0.9)),
    "place": ((0.72, 7e-2), (1e-3, 1e-5), (0.28, 0.93)),
    "sex": ((0.99, 0.6), (0.01, 0.4)),
    "age_group": ((0.9, 0.3), (0.1, 0.7)),
    IdentifierKind.PHONE: ((0.85, 1e-6), (0.05, 1e-5), (0.05, 1e-4), (0.05, 0.9999)),
    IdentifierKind.DOCUMENT: ((0.85, 1e-6), (0.08, 1e-5), (0.02, 1e-4), (0.05, 0.9999)),
    IdentifierKind.ADDRESS: ((0.7, 1e-4), (0.15, 5e-4), (0.1, 1e-2), (0.05, 0.989)),
    IdentifierKind.POSTCODE: ((0.85, 1e-3), (0.1, 1e-2), (0.05, 0.989)),
    IdentifierKind.EMAIL: ((0.9, 1e-6), (0.05, 1e-5), (0.05, 0.99999)),
    IdentifierKind.REGION: ((0.9, 0.2), (0.1, 0.8)),
    IdentifierKind.OTHER: ((0.85, 1e-5), (0.1, 1e-4), (0.05, 0.9999)),
}  # fmt: skip


def _comparison(levels: list[Any], output_column_name: str, starting: str) -> CustomComparison:
    starting_values = iter(STARTING_M_U[starting])
    for level in levels[1:]:
        m, u = next(starting_values)
        level.configure(m_probability=m, u_probability=u)
    return CustomComparison(levels, output_column_name=output_column_name)


def _name_comparisons(sql: _Sql) -> list[CustomComparison]:
    return [
        _comparison(
            [
                _null("surname_key"),
                _exact("surname_key", "exact key"),
                _level(_SWAPPED, "swapped with given name", fixed_m=0.02),
                _level(sql.typos("surname_key", 1), "one edit"),
                _level(sql.typos("surname_key", 2), "two edits"),
                _level("surname_coarse_l = surname_coarse_r", "same sound skeleton"),
                _level(sql.jw("surname_key", 0.9), "jaro-winkler >= 0.9"),
                ElseLevel(),
            ],
            "surname",
            "surname",
        ),
        _comparison(
            [
                _null("given_key"),
                _exact("given_key", "exact key"),
                _level(_SWAPPED, "swapped with surname", fixed_m=0.02),
                _level(sql.typos("given_key", 1), "one edit"),
                _level("given_coarse_l = given_coarse_r", "same sound skeleton"),
                _level(sql.typos("given_key", 2), "two edits"),
                _level(sql.jw("given_key", 0.88), "jaro-winkler >= 0.88"),
                ElseLevel(),
            ],
            "given_name",
            "given_name",
        ),
        _comparison(
            [
                _null("patronymic_key"),
                _exact("patronymic_key", "same father's name"),
                _level(sql.typos("patronymic_key", 1), "one edit"),
                _level("patronymic_coarse_l = patronymic_coarse_r", "same sound skeleton"),
                _level(sql.jw("patronymic_key", 0.88), "jaro-winkler >= 0.88"),
                ElseLevel(),
            ],
            "patronymic",
            "patronymic",
        ),
    ]


def _birth_comparison() -> CustomComparison:
    return _comparison(
        [
            _null("birth_min"),
            _level("birth_date_l = birth_date_r", "same full date"),
            # Two full dates whose day or month differ: the year alone agreeing says little.
            _level(
                "birth_date_l IS NOT NULL AND birth_date_r IS NOT NULL "
                "AND right(birth_date_l, 5) <> right(birth_date_r, 5)",
                "different full dates",
            ),
            _level(
                "birth_min_l = birth_max_l AND birth_min_r = birth_max_r "
                "AND birth_min_l = birth_min_r",
                "same year",
            ),
            _level("birth_min_l <= birth_max_r AND birth_min_r <= birth_max_l", "ranges overlap"),
            _level(
                "right(birth_date_l, 5) = right(birth_date_r, 5) "
                "AND abs(birth_min_l - birth_min_r) <= 1",
                "same day, year off by one",
            ),
            _level(
                "greatest(birth_min_l, birth_min_r) - least(birth_max_l, birth_max_r) <= 2",
                "within 2 years",
            ),
            ElseLevel(),
        ],
        "birth",
        "birth",
    )


def _identifier_levels(sql: _Sql, feature: IdentifierFeature) -> list[Any]:
    column, kind = feature.feature, feature.kind
    if kind is IdentifierKind.PHONE:
        middle = [
            _level(f"right({column}_l, 7) = right({column}_r, 7)", "same last 7 digits"),
            _level(sql.edits(column, 1), "one digit differs"),
        ]
    elif kind is IdentifierKind.DOCUMENT:
        middle = [
            _level(sql.edits(column, 1), "one character differs"),
            _level(sql.edits(column, 2), "two characters differ"),
        ]
    elif kind is IdentifierKind.ADDRESS:
        middle = [
            _level(sql.jw(column, 0.92), "jaro-winkler >= 0.92"),
            _level(sql.jw(column, 0.8), "jaro-winkler >= 0.8"),
        ]
    elif kind in (IdentifierKind.POSTCODE, IdentifierKind.OTHER):
        middle = [_level(sql.edits(column, 1), "one character differs")]
    elif kind is IdentifierKind.EMAIL:
        middle = [_level(sql.edits(column, 2), "up to two typos")]
    else:  # REGION: a coarse code, equal or not
        middle = []
    return [_null(column), _exact(column), *middle, ElseLevel()]


def refuge_comparisons(
    identifiers: Sequence[IdentifierFeature] = (),
    *,
    dialect: Dialect = DUCKDB,
    with_age_group: bool = False,
) -> list[CustomComparison]:
    """Comparisons on names, birth, place, sex and every identifier column."""
    sql = _Sql(dialect)
    comparisons = [
        *_name_comparisons(sql),
        _birth_comparison(),
        _comparison(
            [
                _null("place_key"),
                _exact("place_key", "same place"),
                _level(sql.jw("place_key", 0.88), "jaro-winkler >= 0.88"),
                ElseLevel(),
            ],
            "place",
            "place",
        ),
        _comparison([_null("sex"), _exact("sex", "same", tf=False), ElseLevel()], "sex", "sex"),
    ]
    if with_age_group:
        comparisons.append(
            _comparison(
                [_null("age_group"), _exact("age_group", "same", tf=False), ElseLevel()],
                "age_group",
                "age_group",
            )
        )
    for feature in identifiers:
        comparisons.append(
            _comparison(_identifier_levels(sql, feature), feature.feature, feature.kind)
        )
    return comparisons
