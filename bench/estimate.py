"""Benchmark of multiple systems estimation: coverage of the 95% interval on simulated populations.

Run from the repository root: `python -m bench.estimate [--runs 200]`. Every population is drawn
from a fixed seed, so the figures are reproducible. Figures written to .bench/results.json:
- mse_coverage: share of runs whose interval covers the true size (4 lists, heterogeneous capture,
  one positive dependence A -> B, BIC); the target is at least 0.90.
- mse_coverage_aic: the same populations with models chosen by AIC instead.
- mse_coverage_stratified: two strata of different catchability, estimated per stratum and summed.
- mse_coverage_shared_heterogeneity: people hard to reach for every list at once; a known
  failure of MSE, measured here so that it is not forgotten (no target).
- mse_relative_bias*: mean estimate / true size - 1, for the first and the last.
- mse_seconds_per_estimate: wall time of one 4-list estimate with its alternatives.
- lcmcr_s_per_10k_iter: wall time of 10,000 sweeps of the latent-class sampler (the default 4
  chains side by side) on a 5-list table of about 5,000 people observed; the goal is under 10 s.
  lcmcr_cpu_s_per_10k_iter is the processor time of the same run (less sensitive to a loaded
  machine), lcmcr_speed_observed the size of the table.
- lcmcr_coverage: share of 95% credible intervals covering the true size over --lcmcr-runs
  (default 100) populations drawn from latent-class worlds (the five designs of Manrique-Vallier
  2016, 2,000 people, five lists); a run whose chains did not converge counts as a miss
  (lcmcr_unconverged_runs says how many; lcmcr_extended_runs how many runs' chains were run
  longer, by the estimator's own extensions, before they passed or failed).
  mse_coverage_latent_class and the median relative errors (lcmcr_median_relative_error,
  mse_median_relative_error_latent_class) compare the log-linear estimator on the same
  populations. lcmcr_coverage_seconds is the study's wall time; each run's outcome is printed on
  stderr as it finishes. The chains are a quarter of the estimator's default length unless
  --lcmcr-length default is given (about four times longer); lcmcr_coverage_sweeps records the
  sweeps per chain (warm-up and burn-in included) the figure rests on. --lcmcr-processes N
  estimates N populations side by side (same figures); --lcmcr-seed draws other populations
  (lcmcr_coverage_seed records which).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from bench.results import record
from refuge.analysis.estimation import Criterion, SamplerSettings, estimate_from_table
from refuge.analysis.estimation.latent_class import WARM_UP, CellData, run_chains
from refuge.analysis.estimation.latent_simulation import (
    LatentClassDesign,
    RunOutcome,
    latent_class_coverage_study,
    simulate_latent_class_table,
)
from refuge.analysis.estimation.simulate import (
    CoverageSummary,
    PopulationDesign,
    coverage_study,
    simulate_capture_table,
)

SEED = 20_260_101
DEPENDENT = {"all": PopulationDesign()}
STRATIFIED = {
    "north": PopulationDesign(size=1_500),
    "south": PopulationDesign(size=800, capture_means=(0.15, 0.20, 0.25, 0.10)),
}
SHARED = {"all": PopulationDesign(shared_spread=1.0)}


def _relative_bias(summary: CoverageSummary, designs: dict[str, PopulationDesign]) -> float:
    truth = sum(design.size for design in designs.values())
    return round(summary.mean_estimate / truth - 1.0, 4)


def _seconds_per_estimate() -> float:
    table = simulate_capture_table(PopulationDesign(), np.random.default_rng(SEED))
    started = time.perf_counter()
    estimate_from_table(table)
    return round(time.perf_counter() - started, 3)


# About 5,000 of 8,800 people observed on five lists (the third design of Manrique-Vallier 2016
# with more people): the table of the speed figure.
SPEED_DESIGN = LatentClassDesign(
    (7_000, 900, 900),
    ((0.1, 0.05, 0.15, 0.2, 0.1), (0.5, 0.4, 0.6, 0.4, 0.5), (0.8, 0.9, 0.6, 0.7, 0.7)),
)
# Coverage runs: four chains of 15,500 sweeps each (2,000 draws kept per chain).
COVERAGE_SETTINGS = SamplerSettings(burn_in=3_000, iterations=12_000, thin=6)


def _lcmcr_speed() -> dict[str, float | int]:
    table = simulate_latent_class_table(SPEED_DESIGN, np.random.default_rng(SEED))
    settings = SamplerSettings(burn_in=0, iterations=10_000 - WARM_UP, thin=10)
    wall, cpu = time.perf_counter(), time.process_time()
    run_chains(CellData.from_table(table), settings, np.random.default_rng(SEED))
    return {
        "lcmcr_s_per_10k_iter": round(time.perf_counter() - wall, 2),
        "lcmcr_cpu_s_per_10k_iter": round(time.process_time() - cpu, 2),
        "lcmcr_speed_observed": table.observed,
    }


def _show(outcome: RunOutcome) -> None:
    def interval(result: tuple[float, float, float] | None) -> str:
        if result is None:
            return "no estimate"
        hit = "covers" if result[1] <= outcome.truth <= result[2] else "MISSES"
        return f"{result[0]:.0f} [{result[1]:.0f}, {result[2]:.0f}] {hit}"

    print(
        f"run {outcome.run} design {outcome.design + 1} truth {outcome.truth} "
        f"observed {outcome.observed}: lcmcr {interval(outcome.lcmcr)}"
        f"{f' (run longer x{outcome.lcmcr_extensions})' if outcome.lcmcr_extensions else ''}; "
        f"log-linear {interval(outcome.loglinear)}",
        file=sys.stderr,
        flush=True,
    )


LCMCR_LENGTHS = {"quarter": COVERAGE_SETTINGS, "default": SamplerSettings()}
LCMCR_SEED = SEED + 3


def _lcmcr_coverage(
    runs: int, settings: SamplerSettings, processes: int, seed: int
) -> dict[str, float | int]:
    started = time.perf_counter()
    extended: list[bool] = []

    def show(outcome: RunOutcome) -> None:
        extended.append(outcome.lcmcr_extensions > 0)
        _show(outcome)

    study = latent_class_coverage_study(
        runs=runs, seed=seed, settings=settings, on_run=show, processes=processes
    )
    return {
        "lcmcr_coverage_seconds": round(time.perf_counter() - started),
        "lcmcr_coverage": round(study.lcmcr.coverage, 4),
        "lcmcr_coverage_runs": runs,
        "lcmcr_coverage_seed": seed,
        "lcmcr_coverage_sweeps": settings.sweeps_per_chain,
        "lcmcr_unconverged_runs": study.lcmcr.without_estimate,
        "lcmcr_extended_runs": sum(extended),
        "lcmcr_median_relative_error": round(study.lcmcr.median_relative_error, 4),
        "mse_coverage_latent_class": round(study.loglinear.coverage, 4),
        "mse_median_relative_error_latent_class": round(study.loglinear.median_relative_error, 4),
    }


def main() -> None:
    """Run the coverage studies and record their figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200, help="simulated populations per study")
    parser.add_argument(
        "--lcmcr-runs",
        type=int,
        default=100,
        help="latent-class populations for lcmcr_coverage (at least 100)",
    )
    parser.add_argument(
        "--lcmcr-length",
        choices=sorted(LCMCR_LENGTHS),
        default="quarter",
        help="chain length of the coverage runs: a quarter of the default, or the default",
    )
    parser.add_argument(
        "--lcmcr-processes",
        type=int,
        default=1,
        help="coverage runs estimated side by side (the figures do not depend on it)",
    )
    parser.add_argument(
        "--lcmcr-seed",
        type=int,
        default=LCMCR_SEED,
        help="the populations' seed: another draws another 100 (a setting chosen on one set of "
        "populations is tested on another)",
    )
    parser.add_argument(
        "--only",
        choices=["lcmcr", "loglinear"],
        help="run only the latent-class or only the log-linear figures",
    )
    options = parser.parse_args()
    if options.only != "loglinear":
        record(_lcmcr_speed())
        record(
            _lcmcr_coverage(
                options.lcmcr_runs,
                LCMCR_LENGTHS[options.lcmcr_length],
                options.lcmcr_processes,
                options.lcmcr_seed,
            )
        )
    if options.only == "lcmcr":
        return
    runs = options.runs
    dependent = coverage_study(DEPENDENT, runs=runs, seed=SEED)
    by_aic = coverage_study(DEPENDENT, runs=runs, seed=SEED, criterion=Criterion.AIC)
    stratified = coverage_study(STRATIFIED, runs=max(runs // 2, 1), seed=SEED + 1)
    shared = coverage_study(SHARED, runs=max(runs // 2, 1), seed=SEED + 2)
    record(
        {
            "mse_coverage": round(dependent.coverage, 4),
            "mse_coverage_runs": dependent.runs,
            "mse_relative_bias": _relative_bias(dependent, DEPENDENT),
            "mse_coverage_aic": round(by_aic.coverage, 4),
            "mse_coverage_stratified": round(stratified.coverage, 4),
            "mse_coverage_shared_heterogeneity": round(shared.coverage, 4),
            "mse_relative_bias_shared_heterogeneity": _relative_bias(shared, SHARED),
            "mse_seconds_per_estimate": _seconds_per_estimate(),
        }
    )


if __name__ == "__main__":
    main()
