"""The Splink model: normalised feature columns, blocking and unsupervised training.

Comparisons are in comparisons.py, the backends (DuckDB in memory, Spark) in engines.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd
from splink import Linker, SettingsCreator, block_on
from splink.internals.exceptions import EMTrainingException, SplinkException

from refuge.analysis.linkage.comparisons import IdentifierFeature
from refuge.analysis.linkage.identifiers import IdentifierKind, identifier_key
from refuge.analysis.linkage.names import (
    KNOWN_GIVEN_KEYS,
    bare_consonants,
    coarse_key,
    consonant_skeleton,
    ends_like_surname_only,
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


@dataclass(frozen=True, slots=True)
class NameParts:
    """Raw text of one record's person fields (None when absent)."""

    full_name: str | None = None
    given: str | None = None
    surname: str | None = None
    patronymic: str | None = None
    birth: str | None = None
    place: str | None = None
    sex: str | None = None
    age_group: str | None = None
    identifiers: tuple[tuple[IdentifierKind, str | None], ...] = ()


_SEX_WORDS = {
    "м": "M", "муж": "M", "мужской": "M", "мужчина": "M", "m": "M", "male": "M", "man": "M",
    "ж": "F", "жен": "F", "женский": "F", "женщина": "F", "f": "F", "female": "F",
    "woman": "F", "non_binary": "X", "небинарный": "X", "небинарная": "X",
}  # fmt: skip


def sex_from_text(text: str | None) -> str | None:
    """M, F or X from a gender column's word; None when unstated or unknown."""
    if not text:
        return None
    return _SEX_WORDS.get(text.strip().lower().rstrip("."))


def features(parts: NameParts, given_names: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The normalised columns of one record (`given_names`: see names.frequent_given_keys)."""
    given = name_key(parts.given)
    surname = surname_key(parts.surname)
    patronymic = patronymic_key(parts.patronymic)
    if parts.full_name and not (given or surname):
        parsed = split_full_name(parts.full_name, given_names)
        given, surname = parsed.given, parsed.surname
        patronymic = patronymic or parsed.patronymic
    given, surname, raw_surname = _unswap(parts, given, surname)
    given_fold = surname_key(given) if given else None
    birth = parse_birth(parts.birth)
    pair = "|".join(sorted(key for key in (given_fold, surname) if key)) or None
    row: dict[str, Any] = {
        "given_key": given,
        "given_fold": given_fold,
        "surname_key": surname,
        "patronymic_key": patronymic,
        "name_pair": pair,
        "birth_min": birth.year_min,
        "birth_max": birth.year_max,
        "birth_date": birth.date,
        "place_key": place_key(parts.place),
        "sex": sex_from_text(parts.sex) or _sex(raw_surname, parts.patronymic or parts.full_name),
        "surname_skeleton": consonant_skeleton(surname),
        "surname_coarse": coarse_key(surname),
        "given_coarse": coarse_key(given_fold),
        "patronymic_coarse": coarse_key(patronymic),
        "coarse_pair": "|".join(
            sorted(key for key in (coarse_key(surname), coarse_key(given_fold)) if key)
        )
        or None,
        "surname_bare": bare_consonants(surname),
        "birth_decade": birth.year_min // 10 if birth.year_min is not None else None,
        "age_group": parts.age_group or None,
    }
    for index, (kind, text) in enumerate(parts.identifiers):
        row[f"ident_{index}"] = identifier_key(kind, text)
    return row


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
    surname_is_given = (
        raw_surname in KNOWN_GIVEN_KEYS
        or not looks_like_surname(raw_surname)
        # "Mein" (Эмин mistyped) under surname, "Dzhlabazangereev" under given name
        or (ends_like_surname_only(raw_given) and not ends_like_surname_only(raw_surname))
    )
    if given_is_surname and surname_is_given:
        return raw_surname, surname_key(parts.given), raw_given
    return given, surname, raw_surname


_STRONG_KINDS = (IdentifierKind.DOCUMENT, IdentifierKind.PHONE, IdentifierKind.EMAIL)


def refuge_blocking(identifiers: Sequence[IdentifierFeature] = ()) -> list[Any]:
    """Blocking on keys, so that rules survive transliteration and swapped order.

    Each name rule was kept for the true pairs that only it finds on the generated set, and
    checked for the pairs it costs at a million records (see docs/analysis-linkage.md).
    Strong identifiers (documents, phones, e-mail) block on their own; addresses and
    postcodes together with the birth year.
    """
    rules = [
        block_on("name_pair"),
        block_on("given_key", "substr(surname_key, 1, 4)"),
        block_on("surname_key", "substr(given_key, 1, 3)"),
        block_on("surname_key", "birth_min"),
        block_on("surname_key", "patronymic_key"),
        block_on("birth_date", "substr(surname_key, 1, 2)"),
        block_on("given_key", "surname_skeleton"),
        # For typos and spellings the keys do not fold: partial keys, each with a second
        # field so that no block grows with the list's most common surname alone.
        block_on("surname_skeleton", "substr(given_fold, 1, 1)"),
        block_on("substr(surname_key, 1, 3)", "substr(given_fold, 1, 1)", "birth_decade"),
        block_on("right(surname_key, 5)", "substr(given_fold, 1, 1)", "birth_min"),
        block_on("given_key", "place_key", "birth_min"),
        block_on("given_key", "patronymic_key"),
        # Spellings that trade h/kh/ch/j, sh/ch/zh, ts/c/z, and typos at either end of a
        # name: coarse keys (names.coarse_key, in either order), bare consonants, and keys
        # cut at one end.
        block_on("coarse_pair"),
        block_on("surname_bare", "right(given_key, 2)"),
        block_on("surname_key", "right(given_key, 2)"),
        block_on("right(surname_key, 6)", "given_coarse", "birth_decade"),
        block_on("substr(surname_key, 1, 5)", "given_coarse"),
    ]
    for feature in identifiers:
        if feature.kind in _STRONG_KINDS:
            rules.append(block_on(feature.feature))
        elif feature.kind in (IdentifierKind.ADDRESS, IdentifierKind.POSTCODE):
            rules.append(block_on(feature.feature, "birth_min"))
    return rules


@dataclass(frozen=True, slots=True)
class TrainingPlan:
    """How to train: deterministic rules for the prior, then EM sessions."""

    deterministic_rules: tuple[str, ...]
    recall: float
    em_rules: tuple[Any, ...]
    u_max_pairs: float = 1e6
    em_max_pairs: float | None = 2e6


def refuge_training(
    filled: dict[str, float], identifiers: Sequence[IdentifierFeature] = ()
) -> TrainingPlan:
    """A plan for the columns this list fills (`filled`: feature -> share of records).

    Each EM session estimates the m of every comparison not in its blocking rule, so the
    sessions block on disjoint columns: names in one, birth or an identifier in another.
    """
    strong = [f.feature for f in identifiers if f.kind in _STRONG_KINDS
              and filled.get(f.feature, 0.0) >= 0.2]  # fmt: skip
    deterministic = [
        "l.name_pair = r.name_pair AND l.birth_min = r.birth_min",
        "l.name_pair = r.name_pair AND l.patronymic_key = r.patronymic_key",
        *(f"l.{feature} = r.{feature}" for feature in strong),
    ]
    em_rules: list[Any] = [block_on("given_key", "surname_key")]
    if filled.get("birth_date", 0.0) >= 0.3:
        em_rules.append(block_on("birth_date"))
    else:
        em_rules.append(block_on("patronymic_key", "birth_min"))
    em_rules.extend(block_on(feature) for feature in strong[:1])
    return TrainingPlan(deterministic_rules=tuple(deterministic), recall=0.7,
                        em_rules=tuple(em_rules))  # fmt: skip


@dataclass(slots=True)
class TrainingLog:
    """What training did; a step that could not run says why, and the starting values stand."""

    steps: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def trained(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        if not self.failed:
            return "trained without labels: " + "; ".join(self.steps)
        return (
            "could not train fully (" + "; ".join(self.failed) + "): linked with the model's "
            "starting values for what was not estimated"
        )


_TRAINING_FAILURES = (EMTrainingException, SplinkException, ValueError, ZeroDivisionError)


def train(linker: Linker, plan: TrainingPlan, progress: Progress) -> TrainingLog:
    """Estimate the prior, u by random sampling and m by EM; no labels are used."""
    log = TrainingLog()
    training = linker.training
    settings = linker._settings_obj  # Splink has no public accessor for the prior
    starting_prior = settings._probability_two_random_records_match
    _step(log, "prior from deterministic rules", lambda: (
        training.estimate_probability_two_random_records_match(
            list(plan.deterministic_rules), recall=plan.recall)))  # fmt: skip
    if not 0.0 < settings._probability_two_random_records_match < 1.0:
        settings._probability_two_random_records_match = starting_prior
        log.failed.append("no pair matched the deterministic rules")
    progress("training", 0.2)
    _step(log, "u by random sampling", lambda: training.estimate_u_using_random_sampling(
        max_pairs=plan.u_max_pairs, seed=1))  # fmt: skip
    for index, rule in enumerate(plan.em_rules):
        progress("training", 0.3 + 0.7 * index / len(plan.em_rules))
        _step(log, f"m by EM session {index + 1}", partial(
            training.estimate_parameters_using_expectation_maximisation, rule,
            max_pairs=plan.em_max_pairs, estimate_without_term_frequencies=True))  # fmt: skip
    progress("training", 1.0)
    return log


def _step(log: TrainingLog, name: str, action: Callable[[], object]) -> None:
    # A step that finds too little data (a handful of records, no pair in a training block)
    # fails; the starting values then stand for what it would have estimated.
    try:
        action()
    except _TRAINING_FAILURES as error:
        log.failed.append(f"{name}: {type(error).__name__}")
    else:
        log.steps.append(name)


def build_linker(
    tables: Sequence[pd.DataFrame] | Sequence[Any],
    db_api: Any,
    *,
    comparisons: Sequence[Any],
    blocking: Sequence[Any],
    link_type: str = "dedupe_only",
    record_count: int,
    keep_levels: bool = False,
) -> Linker:
    """Register the feature tables and create a Linker over them."""
    settings = SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        # Until training estimates it: about one duplicate per record.
        probability_two_random_records_match=min(0.5, max(1e-7, 1 / max(record_count, 1))),
        comparisons=list(comparisons),
        blocking_rules_to_generate_predictions=list(blocking),
        # The comparison levels of each pair (gamma columns) come with the matching columns;
        # they are kept only when the caller shows evidence (a million-record run does not).
        retain_matching_columns=keep_levels,
        retain_intermediate_calculation_columns=False,
    )
    source = tables[0] if len(tables) == 1 else list(tables)
    return _linker(source, settings, db_api)


def _linker(source: Any, settings: SettingsCreator, db_api: Any) -> Linker:
    registered = (
        [db_api.register(table) for table in source]
        if isinstance(source, list)
        else db_api.register(source)
    )
    return Linker(registered, settings, log_level=None)


def quiet_splink() -> None:
    """Splink logs progress at INFO and training notes at WARNING (no data in either);
    a command's stderr gets our own progress lines instead."""
    logging.getLogger("splink").setLevel(logging.ERROR)
