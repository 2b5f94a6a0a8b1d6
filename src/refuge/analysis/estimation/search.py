"""Model search over the hierarchical log-linear models with main effects and two-way terms.

Only pairs of lists that share someone can interact. With at most ten such pairs (always so with
five lists or fewer; at most 1,024 models) every model is fitted. Beyond that the number of
models explodes (six lists: 32,768; eight: 268 million), so a greedy forward-backward
stepwise search starts from independence and takes, at each step, the single addition or removal
of an interaction that lowers the criterion most, until none does.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from refuge.analysis.estimation.errors import EstimationError
from refuge.analysis.estimation.loglinear import (
    Criterion,
    LoglinearModel,
    ModelFit,
    Pair,
    fit_model,
)
from refuge.analysis.estimation.tables import CaptureTable

EXHAUSTIVE_PAIR_LIMIT = 10


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Every model fitted by the search, best (lowest criterion) first."""

    fits: tuple[ModelFit, ...]
    criterion: Criterion
    method: str
    unsupported: int

    @property
    def best(self) -> ModelFit:
        """The selected model."""
        return self.fits[0]


class _FitCache:
    """Fits each model once; remembers the models the data cannot support."""

    def __init__(self, table: CaptureTable) -> None:
        self.table = table
        self.fits: dict[LoglinearModel, ModelFit | None] = {}

    def fit(self, model: LoglinearModel) -> ModelFit | None:
        if model not in self.fits:
            try:
                self.fits[model] = fit_model(self.table, model)
            except EstimationError:
                self.fits[model] = None
        return self.fits[model]

    def result(self, criterion: Criterion, method: str) -> SearchResult:
        fitted = [fit for fit in self.fits.values() if fit is not None]
        if not fitted:
            raise EstimationError(
                "no log-linear model can be fitted: the lists overlap too little "
                "(empty cells or margins leave every model unidentified)"
            )
        fitted.sort(
            key=lambda fit: (
                fit.information_criterion(criterion),
                fit.model.parameter_count,
            )
        )
        unsupported = sum(fit is None for fit in self.fits.values())
        return SearchResult(tuple(fitted), criterion, method, unsupported)


def search_models(table: CaptureTable, criterion: Criterion) -> SearchResult:
    """Fit the candidate models and rank them by the criterion (exhaustive, or stepwise if many)."""
    candidates = overlapping_pairs(table)
    cache = _FitCache(table)
    if len(candidates) <= EXHAUSTIVE_PAIR_LIMIT:
        for size in range(len(candidates) + 1):
            for pairs in itertools.combinations(candidates, size):
                cache.fit(LoglinearModel(table.list_names, pairs))
        method = f"all {len(cache.fits)} models with main effects and any two-way interactions"
        return cache.result(criterion, method)
    steps = _stepwise(cache, candidates, criterion)
    method = (
        f"forward-backward stepwise search over {len(candidates)} two-way interactions "
        f"from independence ({steps} steps, {len(cache.fits)} models fitted)"
    )
    return cache.result(criterion, method)


def overlapping_pairs(table: CaptureTable) -> list[Pair]:
    """Pairs of lists that share at least one person.

    An interaction between lists that share no one has no finite estimate, so it is no candidate.
    """
    patterns = table.patterns()
    pairs = []
    for i, j in itertools.combinations(range(len(table.list_names)), 2):
        shared = sum(
            count for row, count in zip(patterns, table.counts, strict=True) if row[i] and row[j]
        )
        if shared > 0:
            pairs.append((i, j))
    return pairs


def _stepwise(cache: _FitCache, candidates: list[Pair], criterion: Criterion) -> int:
    """Greedy forward-backward search; returns the number of steps taken."""
    current = cache.fit(LoglinearModel(cache.table.list_names))
    if current is None:
        return 0
    steps = 0
    # Each step strictly lowers the criterion, so the loop ends; the bound is a safety net.
    for steps in range(1, 4 * len(candidates) + 1):
        neighbours = [
            current.model.without_pair(pair)
            if pair in current.model.interactions
            else current.model.with_pair(pair)
            for pair in candidates
        ]
        fits = [fit for fit in map(cache.fit, neighbours) if fit is not None]
        best = min(fits, key=lambda fit: fit.information_criterion(criterion), default=None)
        if (
            best is None
            or best.information_criterion(criterion)
            >= current.information_criterion(criterion) - 1e-9
        ):
            return steps - 1
        current = best
    return steps
