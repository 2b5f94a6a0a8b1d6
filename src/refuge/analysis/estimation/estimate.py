"""Estimate a population from a capture table: pick a model, fit it, bound it, say what to doubt."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2

from refuge.analysis.estimation.errors import EstimationError
from refuge.analysis.estimation.intervals import (
    bootstrap_sum_interval,
    profile_interval,
)
from refuge.analysis.estimation.loglinear import (
    Criterion,
    LoglinearModel,
    ModelFit,
    fit_model,
    poisson_log_likelihood,
)
from refuge.analysis.estimation.notes import Note
from refuge.analysis.estimation.results import (
    EstimateResult,
    ModelEstimate,
    StratumResult,
)
from refuge.analysis.estimation.search import (
    SearchResult,
    overlapping_pairs,
    search_models,
)
from refuge.analysis.estimation.tables import CaptureTable, Stratum

CONFIDENCE_LEVEL = 0.95
PROFILE_METHOD = "profile likelihood (multinomial, Cormack 1992)"
BOOTSTRAP_METHOD = (
    "parametric bootstrap of the sum over strata ({replicates} replicates, percentile)"
)
# Fewer people than this on two or more lists: the estimate leans on a handful of overlaps.
FEW_OVERLAPS = 20
# An estimate this many times the observed count mostly extrapolates from the model.
HUGE_FACTOR = 10
# Models this close in the criterion are about equally supported by the data.
CLOSE_DELTA_IC = 2.0
# A deviance this unlikely under the selected model means the model misses real structure.
POOR_FIT_P_VALUE = 0.01
# Past this many lists the table has thousands of cells and the stepwise search refits a model
# of that size hundreds of times: minutes to hours. The latent-class model has no such limit.
MAX_LOGLINEAR_LISTS = 10


@dataclass(frozen=True, slots=True)
class _SingleTable:
    result: EstimateResult
    table: CaptureTable
    fit: ModelFit


def estimate_from_table(
    table: CaptureTable,
    *,
    criterion: Criterion = Criterion.BIC,
    model_terms: Sequence[str] | None = None,
    alternatives: int = 5,
    bootstrap_replicates: int = 400,
) -> EstimateResult:
    """Estimate the population size (observed plus unobserved) with a 95% interval.

    The model is chosen by `criterion` among log-linear models with main effects and two-way
    interactions, unless `model_terms` names one (e.g. ["A:B"]; [] is independence).
    `alternatives` next-best models are reported with their own estimates and intervals.
    A stratified table is estimated per stratum and summed. Raises EstimationError when the data
    cannot support any estimate.
    """
    if table.strata:
        return _estimate_stratified(
            table, criterion, model_terms, alternatives, bootstrap_replicates
        )
    return _estimate_single(table, criterion, model_terms, alternatives).result


def _estimate_single(
    table: CaptureTable,
    criterion: Criterion,
    model_terms: Sequence[str] | None,
    alternatives: int,
) -> _SingleTable:
    prepared, notes = _drop_empty_lists(table)
    notes += _overlap_warnings(prepared)
    if model_terms is None:
        search = search_models(prepared, criterion)
    else:
        chosen_model = LoglinearModel.from_terms(prepared.list_names, model_terms)
        search = SearchResult(
            (fit_model(prepared, chosen_model),),
            criterion,
            "model named by the analyst",
            0,
        )
    chosen = search.best
    interval = profile_interval(prepared, chosen, level=CONFIDENCE_LEVEL)
    others = tuple(
        _model_estimate(prepared, fit, chosen, criterion)
        for fit in search.fits[1 : 1 + alternatives]
    )
    notes += _fit_warnings(search, chosen, interval.high, others)
    notes += _goodness_of_fit_warnings(prepared, chosen)
    result = EstimateResult(
        estimate=chosen.estimate,
        ci_low=interval.low,
        ci_high=interval.high,
        confidence_level=CONFIDENCE_LEVEL,
        interval_method=PROFILE_METHOD,
        observed=prepared.observed,
        list_names=prepared.list_names,
        model=chosen.model.describe(),
        model_terms=chosen.model.terms,
        criterion=criterion.value,
        ic=chosen.information_criterion(criterion),
        search=search.method,
        warnings=tuple(notes),
        alternatives=others,
        strata=(),
        method=method_text(criterion, search.method, PROFILE_METHOD),
    )
    return _SingleTable(result, prepared, chosen)


def _estimate_stratified(
    table: CaptureTable,
    criterion: Criterion,
    model_terms: Sequence[str] | None,
    alternatives: int,
    replicates: int,
) -> EstimateResult:
    singles = [
        _estimate_stratum(stratum, criterion, model_terms, alternatives) for stratum in table.strata
    ]
    interval = bootstrap_sum_interval(
        [(single.table, single.fit) for single in singles],
        level=CONFIDENCE_LEVEL,
        replicates=replicates,
    )
    # A stratum without an upper bound leaves the sum without one, whatever the draws say.
    unbounded = any(math.isinf(single.result.ci_high) for single in singles)
    interval_method = BOOTSTRAP_METHOD.format(replicates=replicates)
    strata = tuple(
        StratumResult(stratum.name, single.result)
        for stratum, single in zip(table.strata, singles, strict=True)
    )
    search = "in each stratum separately (see each stratum)"
    return EstimateResult(
        estimate=sum(single.result.estimate for single in singles),
        ci_low=interval.low,
        ci_high=math.inf if unbounded else interval.high,
        confidence_level=CONFIDENCE_LEVEL,
        interval_method=interval_method,
        observed=table.observed,
        list_names=table.list_names,
        model=f"per stratum ({len(singles)} strata), summed",
        model_terms=(),
        criterion=criterion.value,
        ic=None,
        search=search,
        warnings=tuple(
            note.in_stratum(stratum.name) for stratum in strata for note in stratum.result.warnings
        ),
        alternatives=(),
        strata=strata,
        method=f"{method_text(criterion, search, PROFILE_METHOD)} "
        f"{_stratified_text(interval_method)}",
    )


def _estimate_stratum(
    stratum: Stratum,
    criterion: Criterion,
    model_terms: Sequence[str] | None,
    alternatives: int,
) -> _SingleTable:
    try:
        return _estimate_single(stratum.table, criterion, model_terms, alternatives)
    except EstimationError as error:
        raise EstimationError(
            f"stratum {stratum.name!r}: {error}; merge it with a neighbouring stratum "
            "or leave it out"
        ) from None


def _drop_empty_lists(table: CaptureTable) -> tuple[CaptureTable, list[Note]]:
    """Leave out lists that hold no one (their main effect would be minus infinity)."""
    if table.observed == 0:
        raise EstimationError("no one is on any list")
    totals = table.list_totals()
    kept = [name for name, total in zip(table.list_names, totals, strict=True) if total > 0]
    notes = [
        Note("empty_list", {"list": name})
        for name, total in zip(table.list_names, totals, strict=True)
        if total == 0
    ]
    if len(kept) < 2:
        raise EstimationError(
            f"only {len(kept)} list holds anyone: multiple systems estimation needs at least two lists"
        )
    if len(kept) > MAX_LOGLINEAR_LISTS:
        raise EstimationError(
            f"{len(kept)} lists: log-linear models over them have {2 ** len(kept) - 1:,} cells and "
            f"the model search would take hours, so they are limited to {MAX_LOGLINEAR_LISTS} "
            "lists; merge lists, or rely on the latent-class estimate"
        )
    return (table.collapse(kept) if notes else table), notes


def _overlap_warnings(table: CaptureTable) -> list[Note]:
    notes = []
    if len(table.list_names) == 2:
        notes.append(Note("two_lists", {}))
    on_several = total_on_several_lists(table)
    if on_several < FEW_OVERLAPS:
        notes.append(Note("few_overlaps", {"count": on_several}))
    overlapping = set(overlapping_pairs(table))
    apart = [
        f"{table.list_names[i]}/{table.list_names[j]}"
        for i in range(len(table.list_names))
        for j in range(i + 1, len(table.list_names))
        if (i, j) not in overlapping
    ]
    if apart:
        notes.append(Note("lists_apart", {"pairs": ", ".join(apart)}))
    return notes


def _fit_warnings(
    search: SearchResult,
    chosen: ModelFit,
    upper: float,
    others: Sequence[ModelEstimate],
) -> list[Note]:
    notes = []
    if search.unsupported:
        notes.append(Note("unsupported_models", {"count": search.unsupported}))
    if chosen.estimate > HUGE_FACTOR * chosen.observed:
        notes.append(Note("huge", {"factor": HUGE_FACTOR}))
    if math.isinf(upper):
        notes.append(Note("open_ended", {}))
    close = [other for other in others if other.delta_ic <= CLOSE_DELTA_IC]
    if close:
        low = min(chosen.estimate, *(other.estimate for other in close))
        high = max(chosen.estimate, *(other.estimate for other in close))
        if high > 1.25 * low:
            notes.append(
                Note(
                    "close_models",
                    {
                        "delta": CLOSE_DELTA_IC,
                        "criterion": search.criterion.value.upper(),
                        "low": low,
                        "high": high,
                    },
                )
            )
    return notes


def _goodness_of_fit_warnings(table: CaptureTable, chosen: ModelFit) -> list[Note]:
    residual_df = len(table.counts) - chosen.model.parameter_count
    if residual_df == 0:
        return [Note("saturated", {})]
    counts = np.array(table.counts, dtype=np.float64)
    deviance = 2.0 * (poisson_log_likelihood(counts, counts) - chosen.log_likelihood)
    if chi2.sf(deviance, residual_df) < POOR_FIT_P_VALUE:
        return [Note("poor_fit", {"deviance": float(deviance), "df": residual_df})]
    return []


def _model_estimate(
    table: CaptureTable, fit: ModelFit, chosen: ModelFit, criterion: Criterion
) -> ModelEstimate:
    interval = profile_interval(table, fit, level=CONFIDENCE_LEVEL)
    ic = fit.information_criterion(criterion)
    return ModelEstimate(
        model=fit.model.describe(),
        terms=fit.model.terms,
        estimate=fit.estimate,
        ci_low=interval.low,
        ci_high=interval.high,
        ic=ic,
        delta_ic=ic - chosen.information_criterion(criterion),
    )


def method_text(criterion: Criterion, search: str, interval_method: str) -> str:
    """Describe the method in words, for a published report."""
    chooser = {
        Criterion.BIC: "the Bayesian information criterion (BIC, sample size = people observed)",
        Criterion.AIC: "Akaike's information criterion (AIC)",
    }[criterion]
    return (
        "Multiple systems estimation with log-linear models (Poisson regression on the counts of "
        "each capture pattern). Candidate models have every list's main effect and any set of "
        "two-way interactions between lists, which allow for pairs of lists that tend to record "
        f"the same people (or to avoid each other); models searched: {search}. The model was "
        f"chosen by {chooser}. The number of people on no list is the fitted count of the "
        f"all-zero pattern. The 95% interval is a {interval_method} interval. It does not include "
        "the uncertainty of choosing the model, which is why the estimates of the next-best "
        "models are reported too. All models assume a closed population, correctly matched "
        "records, and no dependence between lists beyond the two-way terms."
    )


def _stratified_text(interval_method: str) -> str:
    return (
        "Each stratum was estimated separately, with its own model, and the estimates were "
        f"summed; the interval of the sum is a {interval_method} interval."
    )


def total_on_several_lists(table: CaptureTable) -> int:
    """Number of people on two or more lists (the overlaps that carry the estimate)."""
    on_several = table.patterns().sum(axis=1) >= 2
    return int(np.array(table.counts)[on_several].sum())
