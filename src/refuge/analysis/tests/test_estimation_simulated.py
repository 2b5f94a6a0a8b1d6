"""Simulated populations of known size: the model found, intervals covering, stratified sums.

Coverage as a rate over many populations (200 plain, 100 stratified) is measured by the bench
(`make bench BENCH=estimate`: mse_coverage, mse_coverage_stratified), too long for the suite;
here single seeded populations, and ten small three-list ones, go through the same code.
"""

from __future__ import annotations

import numpy as np
import pytest

from refuge.analysis.estimation import (
    CaptureTable,
    EstimationError,
    Stratum,
    estimate_from_table,
)
from refuge.analysis.estimation.simulate import (
    PopulationDesign,
    coverage_study,
    simulate_capture_table,
    simulate_captures,
)

# Fixed seeds: the suite sees the same populations on every run and every machine.
SEED = 2_024


def test_simulated_population_has_the_designed_size_and_dependence() -> None:
    design = PopulationDesign(size=20_000)

    captures = simulate_captures(design, np.random.default_rng(SEED))

    assert captures.shape == (20_000, 4)
    rates = captures.mean(axis=0)
    assert rates[[0, 2, 3]] == pytest.approx([0.30, 0.20, 0.30], abs=0.01)
    assert rates[1] > 0.25 + 0.05  # B is raised by the referrals from A
    on_a = captures[:, 0] == 1
    assert captures[on_a, 1].mean() > 1.8 * captures[~on_a, 1].mean()  # the referral A -> B
    assert captures[on_a, 2].mean() == pytest.approx(captures[~on_a, 2].mean(), abs=0.02)


def test_the_selected_model_finds_the_planted_dependence() -> None:
    table = simulate_capture_table(PopulationDesign(), np.random.default_rng(SEED))

    result = estimate_from_table(table)

    assert "A:B" in result.model_terms
    assert result.ci_low <= 2_000 <= result.ci_high


def test_three_list_population_is_covered_too() -> None:
    design = PopulationDesign(size=3_000, capture_means=(0.3, 0.25, 0.35))

    summary = coverage_study({"all": design}, runs=10, seed=SEED)

    assert summary.coverage >= 0.9


def _strata_table() -> CaptureTable:
    rng = np.random.default_rng(SEED)
    north = simulate_capture_table(PopulationDesign(size=1_500), rng)
    south = simulate_capture_table(
        PopulationDesign(size=800, capture_means=(0.15, 0.2, 0.25, 0.1)), rng
    )
    pooled = tuple(a + b for a, b in zip(north.counts, south.counts, strict=True))
    return CaptureTable(
        north.list_names, pooled, (Stratum("north", north), Stratum("south", south))
    )


def test_stratified_estimate_is_the_sum_of_the_strata_estimates_with_a_wider_interval() -> None:
    table = _strata_table()

    result = estimate_from_table(table, bootstrap_replicates=200)

    alone = [estimate_from_table(stratum.table, alternatives=0) for stratum in table.strata]
    assert [stratum.name for stratum in result.strata] == ["north", "south"]
    assert result.estimate == pytest.approx(sum(single.estimate for single in alone))
    assert [s.result.estimate for s in result.strata] == pytest.approx(
        [single.estimate for single in alone]
    )
    assert result.observed == table.observed
    assert "bootstrap" in result.interval_method
    assert result.ci_low < result.estimate < result.ci_high
    assert result.ci_low <= 1_500 + 800 <= result.ci_high  # the true total
    # Uncertainties add up: the sum is less certain than either of its parts.
    total_width = result.ci_high - result.ci_low
    assert all(total_width > single.ci_high - single.ci_low for single in alone)


def test_a_stratum_that_cannot_be_estimated_is_named() -> None:
    good = CaptureTable.from_patterns(("A", "B"), {(1, 1): 30, (1, 0): 70, (0, 1): 45})
    apart = CaptureTable.from_patterns(("A", "B"), {(1, 0): 7, (0, 1): 4})
    table = CaptureTable(
        good.list_names,
        tuple(a + b for a, b in zip(good.counts, apart.counts, strict=True)),
        (Stratum("2023", good), Stratum("2024", apart)),
    )

    with pytest.raises(EstimationError, match="stratum '2024'"):
        estimate_from_table(table)
