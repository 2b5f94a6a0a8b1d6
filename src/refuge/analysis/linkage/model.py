"""The Splink model: normalised feature columns, comparisons, blocking, EM training.

Everything runs in an in-memory DuckDB whose spilling to disk is switched off unless the
caller names a spill directory (see `open_database`): names must never reach the disk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.comparison_level_library import CustomLevel, ElseLevel
from splink.internals.comparison_library import CustomComparison
from splink.internals.exceptions import EMTrainingException

from refuge.analysis.linkage.names import (
    KNOWN_GIVEN_KEYS,
    looks_like_surname,
    name_key,
    parse_birth,
    patronymic_key,
    place_key,
    split_full_name,
    surname_key,
    tokens,
)

Progress = Callable[[str, float], None]
FEATURE_COLUMNS = (
    "given_key", "given_fold", "surname_key", "patronymic_key", "name_pair",
    "birth_min", "birth_max", "birth_date", "place_key", "sex", "surname_skeleton",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """How DuckDB may use the machine.

    spill_directory: None forbids DuckDB to write temporary files (a run that does not
    fit in memory fails instead); a directory allows spilling there, and it must be
    one the organisation controls (encrypted, or a RAM-backed tmpfs), since spilled
    blocks hold names in clear.
    """

    memory_limit: str = "8GB"
    threads: int | None = None
    spill_directory: Path | None = None


def open_database(options: EngineOptions) -> duckdb.DuckDBPyConnection:
    """Open an in-memory DuckDB that keeps names off the disk."""
    connection = duckdb.connect(":memory:")
    # DuckDB's in-memory default spills to "./.tmp": always set it explicitly.
    if options.spill_directory is None:
        connection.execute("SET temp_directory = ''")
    else:
        options.spill_directory.mkdir(parents=True, exist_ok=True)
        connection.execute("SET temp_directory = ?", [str(options.spill_directory)])
    connection.execute(f"SET memory_limit = '{_safe_size(options.memory_limit)}'")
    connection.execute("SET preserve_insertion_order = false")
    connection.execute("SET enable_progress_bar = false")
    if options.threads:
        connection.execute(f"SET threads = {int(options.threads)}")
    return connection


def _safe_size(value: str) -> str:
    if not all(char.isalnum() or char in ". " for char in value):
        raise ValueError("memory_limit must look like '8GB'")
    return value


@dataclass(frozen=True, slots=True)
class NameParts:
    """Raw text of one record's person fields (None when absent)."""

    full_name: str | None = None
    given: str | None = None
    surname: str | None = None
    patronymic: str | None = None
    birth: str | None = None
    place: str | None = None


def features(parts: NameParts) -> dict[str, Any]:
    """The normalised columns of one record."""
    given = name_key(parts.given)
    surname = surname_key(parts.surname)
    patronymic = patronymic_key(parts.patronymic)
    if parts.full_name and not (given or surname):
        parsed = split_full_name(parts.full_name)
        given, surname = parsed.given, parsed.surname
        patronymic = patronymic or parsed.patronymic
    given, surname, raw_surname = _unswap(parts, given, surname)
    given_fold = surname_key(given) if given else None
    birth = parse_birth(parts.birth)
    pair = "|".join(sorted(key for key in (given_fold, surname) if key)) or None
    return {
        "given_key": given,
        "given_fold": given_fold,
        "surname_key": surname,
        "patronymic_key": patronymic,
        "name_pair": pair,
        "birth_min": birth.year_min,
        "birth_max": birth.year_max,
        "birth_date": birth.date,
        "place_key": place_key(parts.place),
        "sex": _sex(raw_surname, parts.patronymic or parts.full_name),
        "surname_skeleton": _skeleton(surname),
    }


def _skeleton(key: str | None) -> str | None:
    """Consonants of a key: vowel typos and vowel spellings (ie/e, y/i) do not change it."""
    if not key:
        return None
    consonants = "".join(char for char in key if char not in "aeiou")
    return consonants if len(consonants) >= 3 else key


def _sex(raw_surname: str | None, patronymic_text: str | None) -> str | None:
    """F or M where the patronymic or a feminine surname says so; None otherwise.

    A masculine surname says nothing: women are often listed under the family form.
    """
    for key in tokens(patronymic_text):
        if key.endswith(("vna", "ihna")):
            return "F"
        if key.endswith(("vih", "evih")) or (key.endswith("ih") and len(key) > 5):
            return "M"
    feminine = raw_surname is not None and raw_surname.endswith(("ova", "eva", "ina", "ska"))
    if feminine and raw_surname not in KNOWN_GIVEN_KEYS and len(raw_surname or "") > 5:
        return "F"
    return None


def _unswap(
    parts: NameParts, given: str | None, surname: str | None
) -> tuple[str | None, str | None, str | None]:
    """Put a surname typed into the given-name field (and vice versa) back in place.

    Returns the given key, the folded surname key and the surname's unfolded key.
    """
    raw_surname = "".join(tokens(parts.surname)) or None
    if not (given and surname and parts.given and raw_surname):
        return given, surname, raw_surname
    raw_given = "".join(tokens(parts.given))
    given_is_surname = looks_like_surname(raw_given)
    surname_is_given = raw_surname in KNOWN_GIVEN_KEYS or not looks_like_surname(raw_surname)
    if given_is_surname and surname_is_given:
        return raw_surname, surname_key(parts.given), raw_given
    return given, surname, raw_surname


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


def _dl(column: str, edits: int) -> str:
    # Levenshtein, not Damerau-Levenshtein: DuckDB's Damerau is ~20x slower, and a
    # transposition then counts as two edits. The cheap Jaro-Winkler test goes first.
    return (
        f"CASE WHEN jaro_winkler_similarity({column}_l, {column}_r) < 0.8 THEN false "
        f"ELSE levenshtein({column}_l, {column}_r) <= {edits} END"
    )


def _jw(column: str, threshold: float) -> str:
    return f"jaro_winkler_similarity({column}_l, {column}_r) >= {threshold}"


_SWAPPED = "given_fold_l = surname_key_r AND surname_key_l = given_fold_r"


# Starting m and u of each non-null level, in order, roughly as trained on 40,000 generated
# records. Training replaces them; they stand when a list is too small to train on (a few
# testimonies), so that such a run still links the obvious duplicates.
_STARTING_M_U: dict[str, tuple[tuple[float, float], ...]] = {
    "surname": (
        (0.75, 1e-3),
        (0.02, 1e-6),
        (0.15, 8e-4),
        (0.05, 2e-3),
        (0.01, 1e-2),
        (0.02, 0.986),
    ),
    "given_name": (
        (0.8, 1.5e-2),
        (0.02, 1e-6),
        (0.12, 5e-3),
        (0.05, 2e-2),
        (0.01, 0.96),
    ),
    "patronymic": ((0.8, 2.6e-2), (0.18, 8e-3), (0.02, 0.966)),
    "birth": (
        (0.05, 1e-5),
        (0.47, 8e-3),
        (0.4, 3e-2),
        (0.01, 1e-5),
        (0.07, 6e-2),
        (1e-4, 0.9),
    ),
    "place": ((0.72, 7e-2), (1e-3, 1e-5), (0.28, 0.93)),
    "sex": ((0.99, 0.6), (0.01, 0.4)),
    "extra": ((0.9, 1e-2), (0.05, 5e-3), (0.02, 1e-2), (0.03, 0.975)),
}


def _comparison(
    levels: list[Any], output_column_name: str, starting: str | None = None
) -> CustomComparison:
    starting_values = iter(_STARTING_M_U[starting or output_column_name])
    for level in levels[1:]:
        m, u = next(starting_values)
        level.configure(m_probability=m, u_probability=u)
    return CustomComparison(levels, output_column_name=output_column_name)


def refuge_comparisons(extra_columns: Sequence[str] = ()) -> list[CustomComparison]:
    """Comparisons on the phonetic keys, aware of swaps, ranges and patronymics."""
    comparisons = [
        _comparison(
            [
                _level("surname_key_l IS NULL OR surname_key_r IS NULL", "null", null=True),
                _level("surname_key_l = surname_key_r", "exact key", tf="surname_key"),
                _level(_SWAPPED, "swapped with given name", fixed_m=0.02),
                _level(_dl("surname_key", 1), "one edit"),
                _level(_dl("surname_key", 2), "two edits"),
                _level(_jw("surname_key", 0.9), "jaro-winkler >= 0.9"),
                ElseLevel(),
            ],
            output_column_name="surname",
        ),
        _comparison(
            [
                _level("given_key_l IS NULL OR given_key_r IS NULL", "null", null=True),
                _level("given_key_l = given_key_r", "exact key", tf="given_key"),
                _level(_SWAPPED, "swapped with surname", fixed_m=0.02),
                _level(_dl("given_key", 1), "one edit"),
                _level(_jw("given_key", 0.88), "jaro-winkler >= 0.88"),
                ElseLevel(),
            ],
            output_column_name="given_name",
        ),
        _comparison(
            [
                _level(
                    "patronymic_key_l IS NULL OR patronymic_key_r IS NULL",
                    "null",
                    null=True,
                ),
                _level(
                    "patronymic_key_l = patronymic_key_r",
                    "same father's name",
                    tf="patronymic_key",
                ),
                _level(_jw("patronymic_key", 0.88), "jaro-winkler >= 0.88"),
                ElseLevel(),
            ],
            output_column_name="patronymic",
        ),
        _comparison(
            [
                _level("birth_min_l IS NULL OR birth_min_r IS NULL", "null", null=True),
                _level("birth_date_l = birth_date_r", "same full date"),
                _level(
                    "birth_min_l = birth_max_l AND birth_min_r = birth_max_r "
                    "AND birth_min_l = birth_min_r",
                    "same year",
                ),
                _level(
                    "birth_min_l <= birth_max_r AND birth_min_r <= birth_max_l",
                    "ranges overlap",
                ),
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
            output_column_name="birth",
        ),
        _comparison(
            [
                _level("place_key_l IS NULL OR place_key_r IS NULL", "null", null=True),
                _level("place_key_l = place_key_r", "same place", tf="place_key"),
                _level(_jw("place_key", 0.88), "jaro-winkler >= 0.88"),
                ElseLevel(),
            ],
            output_column_name="place",
        ),
    ]
    comparisons.append(
        _comparison(
            [
                _level("sex_l IS NULL OR sex_r IS NULL", "null", null=True),
                _level("sex_l = sex_r", "same"),
                ElseLevel(),
            ],
            output_column_name="sex",
        )
    )
    for column in extra_columns:
        comparisons.append(
            _comparison(
                [
                    _level(
                        f'"{column}_l" IS NULL OR "{column}_r" IS NULL',
                        "null",
                        null=True,
                    ),
                    _level(f'"{column}_l" = "{column}_r"', "exact"),
                    _level(
                        f'levenshtein("{column}_l", "{column}_r") <= 1',
                        "levenshtein <= 1",
                    ),
                    _level(
                        f'levenshtein("{column}_l", "{column}_r") <= 2',
                        "levenshtein <= 2",
                    ),
                    ElseLevel(),
                ],
                output_column_name=column,
                starting="extra",
            )
        )
    return comparisons


def refuge_blocking() -> list[Any]:
    """Blocking on keys, so that rules survive transliteration and swapped order.

    Each rule was kept for the true pairs that only it finds on the generated set, and
    checked for the pairs it costs at a million records (see docs/analysis-linkage.md).
    """
    return [
        block_on("name_pair"),
        block_on("given_key", "substr(surname_key, 1, 4)"),
        block_on("surname_key", "substr(given_key, 1, 3)"),
        block_on("surname_key", "birth_min"),
        block_on("surname_key", "patronymic_key"),
        block_on("birth_date", "substr(surname_key, 1, 2)"),
        block_on("given_key", "surname_skeleton"),
    ]


@dataclass(frozen=True, slots=True)
class TrainingPlan:
    """How to train: deterministic rules for the prior, then EM sessions."""

    deterministic_rules: tuple[str, ...]
    recall: float
    em_rules: tuple[Any, ...]
    u_max_pairs: float = 3e6
    em_max_pairs: float | None = 2e6


def refuge_training() -> TrainingPlan:
    return TrainingPlan(
        deterministic_rules=(
            "l.name_pair = r.name_pair AND l.birth_min = r.birth_min",
            "l.name_pair = r.name_pair AND l.patronymic_key = r.patronymic_key",
        ),
        recall=0.7,
        em_rules=(
            block_on("given_key", "surname_key"),
            block_on("patronymic_key", "birth_min"),
        ),
    )


def train(linker: Linker, plan: TrainingPlan, progress: Progress) -> None:
    """Estimate the prior, u by random sampling and m by EM; no labels are used."""
    training = linker.training
    # A step that finds too little data (a handful of records, no pair in a training
    # block) fails; the starting values then stand for what it would have estimated.
    settings = linker._settings_obj  # Splink has no public accessor for the prior
    starting_prior = settings._probability_two_random_records_match
    with suppress(*_TRAINING_FAILURES):
        training.estimate_probability_two_random_records_match(
            list(plan.deterministic_rules), recall=plan.recall
        )
    if not 0.0 < settings._probability_two_random_records_match < 1.0:
        settings._probability_two_random_records_match = (
            starting_prior  # no pair was found
        )
    progress("training", 0.2)
    with suppress(*_TRAINING_FAILURES):
        training.estimate_u_using_random_sampling(max_pairs=plan.u_max_pairs, seed=1)
    for index, rule in enumerate(plan.em_rules):
        progress("training", 0.3 + 0.7 * index / len(plan.em_rules))
        with suppress(*_TRAINING_FAILURES):
            training.estimate_parameters_using_expectation_maximisation(
                rule,
                max_pairs=plan.em_max_pairs,
                estimate_without_term_frequencies=True,
            )
    progress("training", 1.0)


_TRAINING_FAILURES = (EMTrainingException, ValueError, ZeroDivisionError)


def build_linker(
    tables: Sequence[pd.DataFrame],
    db_api: DuckDBAPI,
    *,
    comparisons: Sequence[Any],
    blocking: Sequence[Any],
    link_type: str = "dedupe_only",
) -> Linker:
    """Register the feature tables and create a Linker over them."""
    records = sum(len(table) for table in tables)
    settings = SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        # Until training estimates it: about one duplicate per record.
        probability_two_random_records_match=min(0.5, max(1e-7, 1 / max(records, 1))),
        comparisons=list(comparisons),
        blocking_rules_to_generate_predictions=list(blocking),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    registered = [db_api.register(table) for table in tables]
    source = registered[0] if len(registered) == 1 else registered
    return Linker(source, settings, log_level=None)


def quiet_splink() -> None:
    """Splink logs progress at INFO and training notes at WARNING (no data in either);
    a command's stderr gets our own progress lines instead."""
    logging.getLogger("splink").setLevel(logging.ERROR)
