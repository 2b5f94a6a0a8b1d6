"""What the estimator returns, and its JSON form."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from refuge.analysis.estimation.notes import Note


@dataclass(frozen=True, slots=True)
class ModelEstimate:
    """The estimate under one candidate model, for comparison with the selected one."""

    model: str
    terms: tuple[str, ...]
    estimate: float
    ci_low: float
    ci_high: float
    ic: float
    delta_ic: float


@dataclass(frozen=True, slots=True)
class StratumResult:
    """The estimate for one stratum of a stratified table."""

    name: str
    result: EstimateResult


@dataclass(frozen=True, slots=True)
class EstimateResult:
    """A population-size estimate with its 95% interval, model, warnings and method.

    `ci_high` is math.inf when the data give no upper bound. For a stratified table the
    figures are the sum over `strata`, `model` says so, and `ic` is None.
    """

    estimate: float
    ci_low: float
    ci_high: float
    confidence_level: float
    interval_method: str
    observed: int
    list_names: tuple[str, ...]
    model: str
    model_terms: tuple[str, ...]
    criterion: str
    ic: float | None
    search: str
    warnings: tuple[Note, ...]
    alternatives: tuple[ModelEstimate, ...]
    strata: tuple[StratumResult, ...]
    method: str

    @property
    def unobserved(self) -> float:
        """Estimated number of people on no list."""
        return self.estimate - self.observed


JsonValue = float | int | str | None | list["JsonValue"] | dict[str, "JsonValue"]


def _finite(value: float | None) -> float | None:
    # JSON has no infinity: an unbounded interval end is written as null (and warned about).
    if value is None or not math.isfinite(value):
        return None
    return round(value, 1)


def result_as_json(result: EstimateResult) -> dict[str, JsonValue]:
    """Return the result as a JSON-ready dict (infinite bounds become null)."""
    return {
        "estimate": _finite(result.estimate),
        "ci_low": _finite(result.ci_low),
        "ci_high": _finite(result.ci_high),
        "confidence_level": result.confidence_level,
        "interval_method": result.interval_method,
        "observed": result.observed,
        "unobserved": _finite(result.unobserved),
        "lists": list(result.list_names),
        "model": result.model,
        "model_terms": list(result.model_terms),
        "criterion": result.criterion,
        "ic": _finite(result.ic),
        "search": result.search,
        "warnings": [note.text for note in result.warnings],
        "notes": [note.as_json() for note in result.warnings],
        "alternatives": [_alternative_as_json(alternative) for alternative in result.alternatives],
        "strata": [
            {"stratum": stratum.name, **result_as_json(stratum.result)} for stratum in result.strata
        ],
        "method": result.method,
    }


def _alternative_as_json(alternative: ModelEstimate) -> dict[str, JsonValue]:
    return {
        "model": alternative.model,
        "terms": list(alternative.terms),
        "estimate": _finite(alternative.estimate),
        "ci_low": _finite(alternative.ci_low),
        "ci_high": _finite(alternative.ci_high),
        "ic": _finite(alternative.ic),
        "delta_ic": _finite(alternative.delta_ic),
    }


def result_as_text(result: EstimateResult) -> str:
    """Return a short plain-text report of the result."""
    lines = [
        (
            f"Estimated population: {_people(result.estimate)} (95% interval "
            f"{_people(result.ci_low)} to {_people(result.ci_high)}; {result.interval_method})"
        ),
        f"Observed on at least one list: {result.observed:,}",
        f"Model: {result.model} ({result.criterion.upper()} {_number(result.ic)}; {result.search})",
    ]
    for stratum in result.strata:
        inner = stratum.result
        lines.append(
            f"  stratum {stratum.name}: {_people(inner.estimate)} "
            f"({_people(inner.ci_low)} to {_people(inner.ci_high)}), observed {inner.observed:,}, {inner.model}"
        )
    if result.alternatives:
        lines.append("Other models:")
        lines += [
            f"  {_people(a.estimate)} ({_people(a.ci_low)} to {_people(a.ci_high)}), "
            f"delta {result.criterion.upper()} {a.delta_ic:.1f}: {a.model}"
            for a in result.alternatives
        ]
    lines += [f"Warning: {note.text}" for note in result.warnings]
    return "\n".join(lines)


def _people(value: float) -> str:
    return "unbounded" if math.isinf(value) else f"{value:,.0f}"


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"
