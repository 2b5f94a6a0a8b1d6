"""Populations drawn from a latent-class world, to check both estimators against the truth.

Each person belongs to a class; within a class every list finds them with the class's own
probability, independently of the other lists. A large class hard to find on every list and a
small class easy to find on most is the heterogeneity log-linear models cannot see. The five
designs are the simulations of Manrique-Vallier (2016, Biometrics, section 5; the same values
are in HRDAG's StanLCMCR repository): 2,000 people, five lists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np

from refuge.analysis.estimation.errors import EstimationError
from refuge.analysis.estimation.estimate import estimate_from_table
from refuge.analysis.estimation.latent_class import SamplerSettings
from refuge.analysis.estimation.lcmcr import estimate_latent_class
from refuge.analysis.estimation.tables import CaptureTable


@dataclass(frozen=True, slots=True)
class LatentClassDesign:
    """Class sizes and, per class, each list's probability of finding a person."""

    sizes: tuple[int, ...]
    capture: tuple[tuple[float, ...], ...]

    @property
    def size(self) -> int:
        """The true population size."""
        return sum(self.sizes)


MANRIQUE_VALLIER_2016 = (
    LatentClassDesign(
        (1800, 200), ((0.033, 0.033, 0.099, 0.132, 0.033), (0.660, 0.825, 0.759, 0.990, 0.693))
    ),
    LatentClassDesign(
        (1600, 400), ((0.013, 0.013, 0.099, 0.132, 0.033), (0.560, 0.825, 0.759, 0.990, 0.593))
    ),
    LatentClassDesign(
        (1600, 400), ((0.113, 0.113, 0.199, 0.232, 0.133), (0.860, 0.925, 0.859, 0.990, 0.793))
    ),
    LatentClassDesign(
        (1600, 200, 200),
        ((0.1, 0.05, 0.15, 0.2, 0.1), (0.5, 0.4, 0.6, 0.4, 0.5), (0.8, 0.9, 0.6, 0.7, 0.7)),
    ),
    LatentClassDesign(
        (1600, 400), ((0.113, 0.113, 0.199, 0.832, 0.733), (0.860, 0.925, 0.859, 0.190, 0.193))
    ),
)


def simulate_latent_class_table(
    design: LatentClassDesign, rng: np.random.Generator
) -> CaptureTable:
    """Draw one population from the design and return the capture table of those observed."""
    chances = np.repeat(np.array(design.capture), design.sizes, axis=0)
    captured = (rng.random(chances.shape) < chances).astype(np.int8)
    observed = captured[captured.any(axis=1)]
    patterns, counts = np.unique(observed, axis=0, return_counts=True)
    names = tuple(chr(ord("A") + index) for index in range(chances.shape[1]))
    return CaptureTable.from_patterns(
        names,
        {
            tuple(int(bit) for bit in pattern): int(count)
            for pattern, count in zip(patterns, counts, strict=True)
        },
    )


@dataclass(frozen=True, slots=True)
class MethodCoverage:
    """How one method did over the simulated populations."""

    runs: int
    covered: int
    without_estimate: int
    relative_errors: tuple[float, ...]

    @property
    def coverage(self) -> float:
        """Share of runs whose 95% interval held the truth (no estimate counts as a miss)."""
        return self.covered / self.runs

    @property
    def median_relative_error(self) -> float:
        """Median of estimate / truth - 1 over the runs that gave an estimate."""
        return float(np.median(self.relative_errors)) if self.relative_errors else float("nan")


@dataclass(frozen=True, slots=True)
class ComparedCoverage:
    """Both methods over the same populations."""

    lcmcr: MethodCoverage
    loglinear: MethodCoverage


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """One simulated population: (estimate, low, high) per method, None where none was given."""

    run: int
    design: int
    truth: int
    observed: int
    lcmcr: tuple[float, float, float] | None
    loglinear: tuple[float, float, float] | None
    lcmcr_extensions: int = 0  # times the latent-class chains were run longer


def latent_class_coverage_study(
    designs: Sequence[LatentClassDesign] = MANRIQUE_VALLIER_2016,
    *,
    runs: int,
    seed: int,
    settings: SamplerSettings,
    on_run: Callable[[RunOutcome], None] | None = None,
    processes: int = 1,
) -> ComparedCoverage:
    """Estimate `runs` simulated populations (design r mod len(designs)) with both methods.

    Run r draws its population from the generator seeded with (seed, r) and its sampler seed
    is r, so any single run can be repeated alone, and the result does not depend on
    `processes` (runs estimated side by side in that many processes). `on_run`, if given, is
    told each run's outcome as soon as it is known (the bench prints it: a long study shows its
    progress).
    """
    one_run = partial(simulate_and_estimate, tuple(designs), seed, settings)
    outcomes: list[RunOutcome] = []
    if processes > 1:
        with ProcessPoolExecutor(max_workers=processes) as pool:
            for outcome in pool.map(one_run, range(runs)):
                outcomes.append(outcome)
                if on_run is not None:
                    on_run(outcome)
    else:
        for run in range(runs):
            outcomes.append(one_run(run))
            if on_run is not None:
                on_run(outcomes[-1])
    truths = [outcome.truth for outcome in outcomes]
    return ComparedCoverage(
        _tally([outcome.lcmcr for outcome in outcomes], truths),
        _tally([outcome.loglinear for outcome in outcomes], truths),
    )


def simulate_and_estimate(
    designs: Sequence[LatentClassDesign], seed: int, settings: SamplerSettings, run: int
) -> RunOutcome:
    """Run `run` of a coverage study: its population, and both methods' intervals."""
    design = designs[run % len(designs)]
    table = simulate_latent_class_table(design, np.random.default_rng([seed, run]))
    latent, extensions = _latent(table, settings, run)
    return RunOutcome(
        run,
        run % len(designs),
        design.size,
        table.observed,
        latent,
        _loglinear(table),
        extensions,
    )


def _latent(
    table: CaptureTable, settings: SamplerSettings, seed: int
) -> tuple[tuple[float, float, float] | None, int]:
    """The latent-class interval (None without one) and how often its chains were extended."""
    try:
        result = estimate_latent_class(table, settings=settings, seed=seed)
    except EstimationError:
        return None, 0
    extensions = result.diagnostics.extensions
    if result.estimate is None or result.ci_low is None or result.ci_high is None:
        return None, extensions
    return (result.estimate, result.ci_low, result.ci_high), extensions


def _loglinear(table: CaptureTable) -> tuple[float, float, float] | None:
    try:
        result = estimate_from_table(table, alternatives=0)
    except EstimationError:
        return None
    return result.estimate, result.ci_low, result.ci_high


def _tally(
    outcomes: Sequence[tuple[float, float, float] | None], truths: Sequence[int]
) -> MethodCoverage:
    covered = sum(
        1
        for outcome, truth in zip(outcomes, truths, strict=True)
        if outcome is not None and outcome[1] <= truth <= outcome[2]
    )
    errors = tuple(
        outcome[0] / truth - 1.0
        for outcome, truth in zip(outcomes, truths, strict=True)
        if outcome is not None
    )
    missing = sum(1 for outcome in outcomes if outcome is None)
    return MethodCoverage(len(outcomes), covered, missing, errors)
