"""Confidence intervals for the population size.

One table: profile likelihood for N under the multinomial model (Cormack 1992), the method of
Rcapture. For a fixed N the unobserved cell is N - observed, and the best fit of the model to the
completed table gives the profile log-likelihood of N. The interval is every N whose profile
log-likelihood is within chi2(1, level)/2 of its maximum. Unlike an interval for the expected
count of the unobserved cell, it also carries the chance variation of how many people happened
to be missed.

A sum over strata: parametric bootstrap. Each stratum's table is redrawn from its fitted model,
the same model is refitted, the estimates are summed; the percentile interval of the sums is
reported. Strata are independent, so this carries each stratum's uncertainty into the total.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2

from refuge.analysis.estimation.errors import EstimationError
from refuge.analysis.estimation.loglinear import (
    FloatArray,
    ModelFit,
    fit_poisson,
    mle_exists,
)
from refuge.analysis.estimation.tables import CaptureTable, capture_patterns

# Past this many times the observed count an upper bound means nothing: report it as unbounded.
UNBOUNDED_FACTOR = 1_000
# Log-linear parameters of counts of people stay far below this unless the fit diverges.
_DIVERGENT_PARAMETER = 15.0


@dataclass(frozen=True, slots=True)
class Interval:
    """A confidence interval for the population size; `high` is math.inf when unbounded."""

    low: float
    high: float


class _MultinomialProfile:
    """Profile log-likelihood of the population size N under one log-linear model."""

    def __init__(self, table: CaptureTable, fit: ModelFit) -> None:
        patterns = np.vstack(
            [np.zeros((1, len(table.list_names)), dtype=np.int8), table.patterns()]
        )
        self.design = fit.model.design(patterns)
        self.counts = np.array([0.0, *table.counts])
        self.observed = table.observed
        self.start: FloatArray | None = None

    def __call__(self, population: float) -> float:
        counts = self.counts.copy()
        counts[0] = max(population - self.observed, 0.0)
        # Consecutive calls ask for nearby N, so the last solution is a good start.
        poisson = fit_poisson(self.design, counts, self.start) or fit_poisson(self.design, counts)
        if poisson is None:
            raise EstimationError("the profile likelihood could not be computed for this model")
        self.start = poisson.parameters
        # Poisson and multinomial likelihoods differ by the Poisson probability of the total.
        return float(
            poisson.log_likelihood
            + population
            - population * math.log(population)
            + gammaln(population + 1)
        )


def profile_interval(table: CaptureTable, fit: ModelFit, *, level: float = 0.95) -> Interval:
    """Return the profile-likelihood interval for the population size under the fitted model."""
    profile = _MultinomialProfile(table, fit)
    observed = float(table.observed)
    peak_population, peak = _profile_maximum(profile, observed, fit.estimate)
    threshold = float(chi2.ppf(level, 1)) / 2.0

    def shortfall(population: float) -> float:
        return peak - profile(population) - threshold

    # With no one in the all-zero cell the completed table can sit on the boundary (no MLE);
    # a millionth of a person more always has one and changes nothing that is reported.
    lowest = observed + 1e-6
    low = observed
    if shortfall(lowest) > 0:
        low = brentq(shortfall, lowest, peak_population, xtol=1e-3)
    return Interval(low, _upper_bound(shortfall, peak_population, observed))


def _profile_maximum(
    profile: Callable[[float], float], observed: float, estimate: float
) -> tuple[float, float]:
    """Maximise the profile over N >= observed, near the conditional estimate."""
    upper = observed + 3.0 * (estimate - observed) + 10.0
    search = minimize_scalar(
        lambda n: -profile(n),
        bounds=(observed, upper),
        method="bounded",
        options={"xatol": 1e-3},
    )
    candidates = [(float(search.x), -float(search.fun)), (estimate, profile(estimate))]
    return max(candidates, key=lambda candidate: candidate[1])


def _upper_bound(
    shortfall: Callable[[float], float], peak_population: float, observed: float
) -> float:
    """Find where the profile drops below the threshold above the peak, or report math.inf."""
    step = max(peak_population - observed, 1.0)
    inner = peak_population
    while shortfall(peak_population + step) <= 0:
        inner = peak_population + step
        step *= 2.0
        if peak_population + step > UNBOUNDED_FACTOR * observed:
            return math.inf
    return float(brentq(shortfall, inner, peak_population + step, xtol=1e-3))


def bootstrap_sum_interval(
    strata: Sequence[tuple[CaptureTable, ModelFit]],
    *,
    level: float = 0.95,
    replicates: int = 400,
    seed: int = 20_140_601,
) -> Interval:
    """Return a parametric-bootstrap percentile interval for the sum of the strata's estimates."""
    rng = np.random.default_rng(seed)
    totals = np.zeros(replicates)
    for table, fit in strata:
        totals += _replicate_estimates(table, fit, rng, replicates)
    totals.sort()
    tail = (1.0 - level) / 2.0
    low_index = math.floor(tail * replicates)
    high_index = min(math.ceil((1.0 - tail) * replicates) - 1, replicates - 1)
    return Interval(float(totals[low_index]), float(totals[high_index]))


def _replicate_estimates(
    table: CaptureTable, fit: ModelFit, rng: np.random.Generator, replicates: int
) -> FloatArray:
    """Draw tables from the fitted model and refit the same model to each."""
    population = max(round(fit.estimate), table.observed)
    expected = np.array([fit.unobserved, *fit.fitted])
    design = fit.model.design(capture_patterns(len(table.list_names)))
    # Replicates resemble the data, so the data's solution is a good starting point for IRLS.
    start = np.array(fit.parameters)
    estimates = np.empty(replicates)
    for index in range(replicates):
        counts = rng.multinomial(population, expected / expected.sum())[1:].astype(np.float64)
        estimates[index] = _refit_estimate(design, counts, start)
    return estimates


def _refit_estimate(design: FloatArray, counts: FloatArray, start: FloatArray) -> float:
    # A replicate the model cannot fit has no finite estimate: count it as infinite, so that
    # such draws widen the interval instead of silently disappearing.
    poisson = fit_poisson(design, counts, start) or fit_poisson(design, counts)
    if poisson is None:
        return math.inf
    # IRLS "converges" towards a missing MLE with parameters running away and fitted counts
    # vanishing; only then is the (slower) existence check worth running.
    looks_divergent = (
        np.abs(poisson.parameters).max() > _DIVERGENT_PARAMETER or poisson.fitted.min() < 1e-6
    )
    if looks_divergent and not mle_exists(design, counts):
        return math.inf
    return float(counts.sum() + math.exp(poisson.parameters[0]))
