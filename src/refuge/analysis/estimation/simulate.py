"""Simulated populations of known size, to check that the intervals cover the truth.

Each person has their own chance of being on each list (drawn from a Beta distribution around
the list's mean: capture is heterogeneous), and being on one list raises the odds of being on a
second one (one positive dependence, like a referral from one organisation to another).
By default the heterogeneity is independent between lists. Heterogeneity shared by all lists
(`shared_spread`: people hard to reach for everyone) biases every MSE estimate downwards; the
benchmark measures how much, but the coverage target does not cover it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from refuge.analysis.estimation.errors import EstimationError
from refuge.analysis.estimation.estimate import estimate_from_table
from refuge.analysis.estimation.loglinear import Criterion
from refuge.analysis.estimation.tables import CaptureTable, Stratum


@dataclass(frozen=True, slots=True)
class PopulationDesign:
    """A population of known size and known dependence between lists."""

    size: int = 2_000
    capture_means: tuple[float, ...] = (0.30, 0.25, 0.20, 0.30)
    # Beta concentration (a + b): the smaller, the more capture chances vary between people.
    concentration: float = 6.0
    dependent_pair: tuple[int, int] = (0, 1)
    odds_ratio: float = 4.0
    # Standard deviation of a per-person shift of the log-odds of capture on every list at once
    # (some people are hard to reach for everyone). 0 keeps the lists' heterogeneity independent.
    shared_spread: float = 0.0

    @property
    def list_names(self) -> tuple[str, ...]:
        """Names A, B, C, ... one per list."""
        return tuple(chr(ord("A") + index) for index in range(len(self.capture_means)))


@dataclass(frozen=True, slots=True)
class CoverageSummary:
    """How often the 95% interval covered the true size over simulated populations."""

    runs: int
    covered: int
    failures: int
    mean_estimate: float

    @property
    def coverage(self) -> float:
        """Share of runs whose interval contained the truth (failures count as misses)."""
        return self.covered / self.runs


def simulate_captures(design: PopulationDesign, rng: np.random.Generator) -> NDArray[np.int8]:
    """Return one 0/1 row per person of the population: which lists recorded them."""
    means = np.array(design.capture_means)
    chances = rng.beta(
        means * design.concentration,
        (1 - means) * design.concentration,
        size=(design.size, len(means)),
    )
    if design.shared_spread:
        chances = _shift_log_odds(
            chances, rng.normal(0.0, design.shared_spread, size=(design.size, 1))
        )
    first, second = design.dependent_pair
    captures = np.zeros_like(chances, dtype=np.int8)
    captures[:, first] = rng.random(design.size) < chances[:, first]
    odds = chances[:, second] / (1 - chances[:, second])
    odds = np.where(captures[:, first] == 1, odds * design.odds_ratio, odds)
    for column in range(len(means)):
        if column == first:
            continue
        chance = odds / (1 + odds) if column == second else chances[:, column]
        captures[:, column] = rng.random(design.size) < chance
    return captures


def _shift_log_odds(
    chances: NDArray[np.float64], shift: NDArray[np.float64]
) -> NDArray[np.float64]:
    log_odds = np.log(chances / (1 - chances)) + shift
    return 1 / (1 + np.exp(-log_odds))


def simulate_capture_table(design: PopulationDesign, rng: np.random.Generator) -> CaptureTable:
    """Simulate one population and return the capture table of the people observed."""
    captures = simulate_captures(design, rng)
    observed = captures[captures.any(axis=1)]
    patterns, counts = np.unique(observed, axis=0, return_counts=True)
    return CaptureTable.from_patterns(
        design.list_names,
        {
            tuple(int(bit) for bit in pattern): int(count)
            for pattern, count in zip(patterns, counts, strict=True)
        },
    )


def simulate_stratified_table(
    designs: Mapping[str, PopulationDesign], rng: np.random.Generator
) -> CaptureTable:
    """Simulate one population per stratum (same lists) and return the stratified table."""
    strata = tuple(
        Stratum(name, simulate_capture_table(design, rng)) for name, design in designs.items()
    )
    pooled = np.sum([stratum.table.counts for stratum in strata], axis=0)
    return CaptureTable(strata[0].table.list_names, tuple(int(count) for count in pooled), strata)


def coverage_study(
    designs: Mapping[str, PopulationDesign],
    *,
    runs: int,
    seed: int,
    criterion: Criterion = Criterion.BIC,
    bootstrap_replicates: int = 200,
) -> CoverageSummary:
    """Estimate `runs` simulated populations (one stratum per design) and count covering intervals.

    Run r uses the generator seeded with (seed, r), so any single run can be reproduced alone.
    """
    truth = sum(design.size for design in designs.values())
    covered = failures = 0
    estimates = []
    for run in range(runs):
        rng = np.random.default_rng([seed, run])
        if len(designs) == 1:
            table = simulate_capture_table(next(iter(designs.values())), rng)
        else:
            table = simulate_stratified_table(designs, rng)
        try:
            result = estimate_from_table(
                table,
                criterion=criterion,
                alternatives=0,
                bootstrap_replicates=bootstrap_replicates,
            )
        except EstimationError:
            failures += 1
            continue
        estimates.append(result.estimate)
        covered += result.ci_low <= truth <= result.ci_high
    mean_estimate = float(np.mean(estimates)) if estimates else float("nan")
    return CoverageSummary(runs, covered, failures, mean_estimate)
