"""Log-linear models of a capture table: fitting (Poisson GLM, statsmodels) and existence checks.

A model has every list's main effect plus a set of two-way interactions. Under it the expected
count of the all-zero cell (people on no list) is exp(intercept), the number we estimate.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import statsmodels.api as sm
from numpy.typing import NDArray
from scipy.optimize import linprog
from scipy.special import gammaln, xlogy

from refuge.analysis.estimation.errors import EstimationError
from refuge.analysis.estimation.tables import CaptureTable

Pair = tuple[int, int]
FloatArray = NDArray[np.float64]

# exp(beta) beyond this is numerically meaningless for counts of people: treat as divergence.
_MAX_LOG_COUNT = 30.0


class Criterion(StrEnum):
    """Information criterion used to rank models (lower is better)."""

    AIC = "aic"
    BIC = "bic"


@dataclass(frozen=True, slots=True)
class LoglinearModel:
    """Main effects of every list plus the two-way interactions `interactions` (list positions)."""

    list_names: tuple[str, ...]
    interactions: tuple[Pair, ...] = ()

    def __post_init__(self) -> None:
        # A canonical order makes equal models equal (and hashable the same way).
        object.__setattr__(self, "interactions", tuple(sorted(set(self.interactions))))

    @classmethod
    def all_two_way(cls, list_names: Sequence[str]) -> LoglinearModel:
        """Every two-way interaction: for three lists, the saturated identifiable model."""
        return cls(tuple(list_names), tuple(itertools.combinations(range(len(list_names)), 2)))

    @classmethod
    def from_terms(cls, list_names: Sequence[str], terms: Sequence[str]) -> LoglinearModel:
        """Build a model from interaction names like "A:B" (list names joined by a colon)."""
        names = tuple(list_names)
        return cls(names, tuple(_parse_term(names, term) for term in terms))

    @property
    def terms(self) -> tuple[str, ...]:
        """Interaction names, e.g. ("A:B", "B:C")."""
        return tuple(f"{self.list_names[i]}:{self.list_names[j]}" for i, j in self.interactions)

    @property
    def parameter_count(self) -> int:
        """Intercept, one main effect per list, one parameter per interaction."""
        return 1 + len(self.list_names) + len(self.interactions)

    def describe(self) -> str:
        """Human-readable model, e.g. "main effects + A:B + C:D"."""
        if not self.interactions:
            return "main effects only (independence)"
        return " + ".join(("main effects", *self.terms))

    def design(self, patterns: NDArray[np.int8]) -> FloatArray:
        """Design matrix: intercept, main effects, then one product column per interaction."""
        columns = [np.ones(len(patterns)), *patterns.T.astype(np.float64)]
        columns += [patterns[:, i] * patterns[:, j] for i, j in self.interactions]
        return np.column_stack(columns).astype(np.float64)

    def with_pair(self, pair: Pair) -> LoglinearModel:
        """This model with one more interaction."""
        return LoglinearModel(self.list_names, (*self.interactions, pair))

    def without_pair(self, pair: Pair) -> LoglinearModel:
        """This model with one interaction removed."""
        return LoglinearModel(self.list_names, tuple(p for p in self.interactions if p != pair))


def _parse_term(list_names: tuple[str, ...], term: str) -> Pair:
    # List names may themselves contain ":", so try every split point.
    for position, character in enumerate(term):
        left, right = term[:position].strip(), term[position + 1 :].strip()
        if character == ":" and left in list_names and right in list_names and left != right:
            first, second = sorted((list_names.index(left), list_names.index(right)))
            return first, second
    raise EstimationError(f"{term!r} is not an interaction of two of the lists {list(list_names)}")


@dataclass(frozen=True, slots=True)
class PoissonFit:
    """Maximum-likelihood fit of a Poisson log-linear model."""

    parameters: FloatArray
    fitted: FloatArray
    log_likelihood: float


@dataclass(frozen=True, slots=True)
class ModelFit:
    """A model fitted to the observed cells of a capture table."""

    model: LoglinearModel
    log_likelihood: float
    observed: int
    unobserved: float
    fitted: tuple[float, ...]
    parameters: tuple[float, ...]

    @property
    def estimate(self) -> float:
        """Estimated population: observed plus the fitted all-zero cell."""
        return self.observed + self.unobserved

    def information_criterion(self, criterion: Criterion) -> float:
        """AIC, or BIC with the number of people observed as the sample size (as Rcapture does)."""
        penalty = 2.0 if criterion is Criterion.AIC else math.log(max(self.observed, 2))
        return -2.0 * self.log_likelihood + penalty * self.model.parameter_count


def poisson_log_likelihood(counts: FloatArray, fitted: FloatArray) -> float:
    """Poisson log-likelihood of (possibly non-integer) counts given their fitted means."""
    return float(np.sum(xlogy(counts, fitted) - fitted - gammaln(counts + 1.0)))


def fit_poisson(
    design: FloatArray, counts: FloatArray, start: FloatArray | None = None
) -> PoissonFit | None:
    """Fit a Poisson GLM (log link) by IRLS; return None if it does not converge to finite values."""
    with warnings.catch_warnings():
        # Non-convergence and overflow are reported through the return value, not as warnings.
        warnings.simplefilter("ignore")
        try:
            result = sm.GLM(counts, design, family=sm.families.Poisson()).fit(start_params=start)
        except (ValueError, np.linalg.LinAlgError, FloatingPointError):
            return None
    parameters = np.asarray(result.params, dtype=np.float64)
    if (
        not result.converged
        or not np.all(np.isfinite(parameters))
        or parameters[0] > _MAX_LOG_COUNT
    ):
        return None
    fitted = np.asarray(result.fittedvalues, dtype=np.float64)
    return PoissonFit(parameters, fitted, poisson_log_likelihood(counts, fitted))


def mle_exists(design: FloatArray, counts: FloatArray) -> bool:
    """Tell whether the Poisson MLE exists (all fitted counts finite and positive).

    Haberman (1974): it exists iff some strictly positive table has the same sufficient
    statistics as the data (design' counts). Zero margins and empty cells can break this, and then
    some parameter runs off to infinity; a linear programme finds out before we fit.
    """
    if np.all(counts > 0):
        return True  # the data themselves are such a table
    cells, parameters = design.shape
    # Variables: the table m (cells) and a floor s; maximise s subject to m >= s, design' m = design' y.
    objective = np.r_[np.zeros(cells), -1.0]
    floor_rows = np.c_[-np.eye(cells), np.ones(cells)]
    result = linprog(
        objective,
        A_ub=floor_rows,
        b_ub=np.zeros(cells),
        A_eq=np.c_[design.T, np.zeros(parameters)],
        b_eq=design.T @ counts,
        bounds=[(0.0, None)] * cells + [(0.0, 1.0)],
        method="highs",
    )
    return bool(result.status == 0 and -result.fun > 1e-7)


def unsupported_reason(table: CaptureTable, model: LoglinearModel) -> str | None:
    """Say why the data cannot identify this model, or None when they can."""
    design = model.design(table.patterns())
    if np.linalg.matrix_rank(design) < model.parameter_count:
        return f"{model.describe()} has more parameters than the table can identify"
    if not mle_exists(design, np.array(table.counts, dtype=np.float64)):
        return f"{model.describe()} has no finite estimate: empty cells or margins leave it unidentified"
    return None


def fit_model(table: CaptureTable, model: LoglinearModel) -> ModelFit:
    """Fit the model to the observed cells; raise EstimationError if the data cannot support it."""
    reason = unsupported_reason(table, model)
    if reason is not None:
        raise EstimationError(reason)
    counts = np.array(table.counts, dtype=np.float64)
    fit = fit_poisson(model.design(table.patterns()), counts)
    if fit is None:
        raise EstimationError(f"{model.describe()} did not converge to a finite estimate")
    return ModelFit(
        model=model,
        log_likelihood=fit.log_likelihood,
        observed=table.observed,
        unobserved=math.exp(fit.parameters[0]),
        fitted=tuple(float(value) for value in fit.fitted),
        parameters=tuple(float(value) for value in fit.parameters),
    )
