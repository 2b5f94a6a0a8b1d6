"""Latent-class intervals on a population drawn from a latent-class world (known size).

Coverage is a rate over many populations: that study (100 populations, `lcmcr_coverage`) is
in the bench, `make bench BENCH=estimate`, too long for the suite. Here one population of
the third design of Manrique-Vallier (2016), with a fixed seed and short chains, goes through
the same study code, so that the suite notices if the sampler stops finding the truth or
the study stops counting it.
"""

from __future__ import annotations

import pytest

from refuge.analysis.estimation import SamplerSettings
from refuge.analysis.estimation.latent_simulation import (
    MANRIQUE_VALLIER_2016,
    RunOutcome,
    latent_class_coverage_study,
)

pytestmark = pytest.mark.slow

SHORT_CHAINS = SamplerSettings(chains=4, burn_in=500, iterations=2_500, thin=2)


def test_the_latent_class_interval_covers_a_population_log_linear_misses() -> None:
    study = latent_class_coverage_study(
        (MANRIQUE_VALLIER_2016[2],), runs=1, seed=20_260_105, settings=SHORT_CHAINS
    )

    assert study.lcmcr.covered == 1, study.lcmcr
    assert abs(study.lcmcr.median_relative_error) < 0.05, study.lcmcr
    # The classes' heterogeneity misleads the log-linear model search (here far too high).
    assert study.loglinear.covered == 0, study.loglinear
    assert abs(study.loglinear.median_relative_error) > 0.5, study.loglinear


def test_runs_side_by_side_give_the_same_outcomes_as_one_after_another() -> None:
    tiny = SamplerSettings(chains=2, burn_in=100, iterations=400, thin=2)
    outcomes: dict[int, list[RunOutcome]] = {1: [], 2: []}
    for processes, seen in outcomes.items():
        latent_class_coverage_study(
            MANRIQUE_VALLIER_2016[:2],
            runs=2,
            seed=7,
            settings=tiny,
            on_run=seen.append,
            processes=processes,
        )

    assert [outcome.run for outcome in outcomes[2]] == [0, 1]
    assert outcomes[2] == outcomes[1]
