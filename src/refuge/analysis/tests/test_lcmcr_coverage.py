"""Latent-class intervals on populations drawn from latent-class worlds (known sizes).

The full study (100 populations, `lcmcr_coverage`) is in the bench: `make bench BENCH=estimate`.
This slow test runs ten of the same populations (two per design of Manrique-Vallier 2016) with
shorter chains, so that `make test` notices if the sampler stops finding the truth.
"""

from __future__ import annotations

import pytest

from refuge.analysis.estimation import SamplerSettings
from refuge.analysis.estimation.latent_simulation import latent_class_coverage_study

pytestmark = pytest.mark.slow


def test_latent_class_intervals_cover_where_log_linear_undercounts() -> None:
    settings = SamplerSettings(chains=4, burn_in=2_000, iterations=8_000, thin=4)

    study = latent_class_coverage_study(runs=10, seed=20_260_103, settings=settings)

    assert study.lcmcr.covered >= 8, study.lcmcr
    assert study.loglinear.median_relative_error < 0, study.loglinear
    assert abs(study.lcmcr.median_relative_error) < abs(study.loglinear.median_relative_error)
