"""The latent-class estimator end to end: exact answers, seeds, strata, refusals, diagnostics."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from scipy.special import betaln, gammaln

from refuge.analysis.estimation import (
    CaptureTable,
    CaptureTableError,
    EstimationError,
    LatentClassResult,
    NoteError,
    Refusal,
    SamplerSettings,
    Stratum,
    estimate_by_method,
    estimate_latent_class,
    read_capture_table,
)

# Short chains, never extended (the tests of extension say so themselves).
QUICK = SamplerSettings(
    max_classes=5, chains=2, burn_in=300, iterations=1_200, thin=2, extensions=0
)
TABLE = CaptureTable.from_patterns(
    ("A", "B", "C", "D"),
    {
        (1, 0, 0, 0): 60,
        (0, 1, 0, 0): 50,
        (0, 0, 1, 0): 40,
        (0, 0, 0, 1): 45,
        (1, 1, 0, 0): 20,
        (1, 0, 1, 0): 15,
        (0, 1, 1, 0): 12,
        (0, 0, 1, 1): 10,
        (1, 1, 1, 0): 8,
        (1, 1, 1, 1): 3,
    },
)


def _exact_independence_posterior(table: CaptureTable, top: int) -> tuple[np.ndarray, np.ndarray]:
    """p(N | table) with one class (lists independent, lambda_j ~ Beta(1, 1), p(N) ~ 1/N).

    p(N | table) ~ (1/N) N! / (N - n)! prod_j B(n_j + 1, N - n_j + 1): the table's likelihood
    with every lambda_j integrated out, computed directly on every N from n to `top`.
    """
    observed = table.observed
    population = np.arange(observed, top, dtype=np.float64)
    log_p = -np.log(population) + gammaln(population + 1) - gammaln(population - observed + 1)
    for on_list in table.list_totals():
        log_p += betaln(on_list + 1, population - on_list + 1)
    probabilities = np.exp(log_p - log_p.max())
    return population, probabilities / probabilities.sum()


def test_one_class_matches_the_exact_posterior_of_independent_lists() -> None:
    settings = SamplerSettings(max_classes=1, chains=4, burn_in=500, iterations=5_000, thin=1)

    result = estimate_latent_class(TABLE, settings=settings, seed=11)

    population, probabilities = _exact_independence_posterior(TABLE, 2_000)
    cumulative = np.cumsum(probabilities)
    for level in (0.025, 0.5, 0.975):
        exact = population[np.searchsorted(cumulative, level)]
        drawn = np.quantile(result.draws, level)
        assert drawn == pytest.approx(exact, abs=max(2.0, 0.01 * exact)), level
    assert result.converged
    assert result.estimate == np.quantile(result.draws, 0.5)


def test_same_seed_same_draws_other_seed_other_draws() -> None:
    first = estimate_latent_class(TABLE, settings=QUICK, seed=5)
    again = estimate_latent_class(TABLE, settings=QUICK, seed=5)
    other = estimate_latent_class(TABLE, settings=QUICK, seed=6)

    assert np.array_equal(first.draws, again.draws)
    assert not np.array_equal(first.draws, other.draws)
    assert first.seed == 5
    assert first.draws.shape == (2, 600)


def test_a_run_too_short_to_converge_shows_no_numbers_and_says_why() -> None:
    settings = SamplerSettings(max_classes=5, chains=4, burn_in=0, iterations=40, thin=1)

    result = estimate_latent_class(TABLE, settings=settings, seed=2)

    assert not result.converged
    assert result.estimate is result.ci_low is result.ci_high is None
    codes = {problem.code for problem in result.diagnostics.problems}
    assert "ess_bulk" in codes
    assert all("run it longer" in problem.text for problem in result.diagnostics.problems)


def test_strata_sum_posterior_draws_not_point_estimates() -> None:
    other = CaptureTable.from_patterns(
        TABLE.list_names,
        {
            (1, 0, 0, 0): 30,
            (0, 1, 0, 0): 35,
            (0, 0, 1, 0): 20,
            (0, 0, 0, 1): 25,
            (1, 1, 0, 0): 9,
            (0, 1, 1, 1): 6,
        },
    )
    pooled = tuple(a + b for a, b in zip(TABLE.counts, other.counts, strict=True))
    table = CaptureTable(
        TABLE.list_names, pooled, (Stratum("north", TABLE), Stratum("south", other))
    )

    result = estimate_latent_class(table, settings=QUICK, seed=3)

    (north_name, north), (south_name, south) = result.strata
    assert (north_name, south_name) == ("north", "south")
    assert np.array_equal(result.draws, north.draws + south.draws)
    assert result.observed == TABLE.observed + other.observed
    if result.converged:
        assert result.estimate == np.quantile(north.draws + south.draws, 0.5)
    assert not np.array_equal(north.draws, south.draws)


def test_a_stratum_run_longer_than_another_is_summed_on_its_latest_draws() -> None:
    larger = CaptureTable.from_patterns(
        TABLE.list_names,
        {
            tuple(pattern): 20 * count
            for pattern, count in zip(TABLE.patterns().tolist(), TABLE.counts, strict=True)
        },
    )
    pooled = tuple(a + b for a, b in zip(TABLE.counts, larger.counts, strict=True))
    table = CaptureTable(
        TABLE.list_names, pooled, (Stratum("north", TABLE), Stratum("south", larger))
    )
    settings = SamplerSettings(max_classes=1, chains=4, burn_in=100, iterations=700, thin=1)

    result = estimate_latent_class(table, settings=settings, seed=3)

    (_, north), (_, south) = result.strata
    assert (north.diagnostics.extensions, south.diagnostics.extensions) == (0, 1)
    assert np.array_equal(result.draws, north.draws + south.draws[:, -700:])
    assert result.diagnostics.draws_per_chain == 700


def test_progress_rises_to_one() -> None:
    seen: list[float] = []

    estimate_latent_class(TABLE, settings=QUICK, seed=1, progress=seen.append)

    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert 50 <= len(seen) <= 101


def test_chains_that_fail_the_checks_continue_where_they_were_and_say_so() -> None:
    short = SamplerSettings(max_classes=5, chains=4, burn_in=0, iterations=60, thin=1, extensions=2)
    once = replace(short, extensions=0)
    seen: list[float] = []

    unextended = estimate_latent_class(TABLE, settings=once, seed=2)
    extended = estimate_latent_class(TABLE, settings=short, seed=2, progress=seen.append)

    assert not unextended.converged
    assert extended.diagnostics.extensions == 2
    assert extended.diagnostics.draws_per_chain == 180
    # The same chains, continued: their first draws are the unextended run's draws.
    assert np.array_equal(extended.draws[:, :60], unextended.draws)
    notes = [note for note in extended.warnings if note.code == "extended"]
    assert [note.values for note in notes] == [{"sweeps": 60, "times": 2, "total": 180}]
    assert "run longer (extensions: 2; 180 sweeps in all)" in notes[0].text
    # Progress is the share of the sweeps planned so far: it goes back once per extension.
    assert seen[-1] == 1.0
    assert sum(later < earlier for earlier, later in itertools.pairwise(seen)) == 2


def test_chains_that_pass_the_checks_are_not_extended() -> None:
    settings = SamplerSettings(max_classes=1, chains=4, burn_in=500, iterations=5_000, thin=1)

    result = estimate_latent_class(TABLE, settings=settings, seed=11)

    assert result.converged
    assert result.diagnostics.extensions == 0
    assert result.draws.shape == (4, 5_000)
    assert "extended" not in {note.code for note in result.warnings}


def test_a_list_that_holds_no_one_is_left_out_with_a_warning() -> None:
    with_empty_list = {
        (*pattern, 0): count
        for pattern, count in zip(TABLE.patterns().tolist(), TABLE.counts, strict=True)
    }
    table = CaptureTable.from_patterns(("A", "B", "C", "D", "E"), with_empty_list)

    result = estimate_latent_class(table, settings=QUICK, seed=1)

    assert result.list_names == ("A", "B", "C", "D")
    assert result.warnings[0].code == "empty_list"
    assert result.warnings[0].text == "list E has no one on it and is left out"


@pytest.mark.parametrize(
    ("patterns", "code", "message"),
    [
        ({(1, 1, 0): 5, (1, 0, 0): 7}, "too_few_lists", "at least three lists"),
        ({(1, 1, 0): 40}, "too_few_lists", "at least three lists"),
        ({(1, 1, 1): 40}, "one_pattern", r"same capture pattern \(111\)"),
        ({(1, 0, 0): 40, (0, 1, 0): 30, (0, 0, 1): 20}, "no_overlaps", "no one is on more"),
        ({}, "no_one", "no one is on any list"),
    ],
)
def test_tables_that_cannot_support_latent_classes_are_refused_with_a_reason(
    patterns: dict[tuple[int, ...], int], code: str, message: str
) -> None:
    table = CaptureTable.from_patterns(("A", "B", "C"), patterns)

    with pytest.raises(NoteError, match=message) as raised:
        estimate_latent_class(table, settings=QUICK, seed=1)
    assert raised.value.note.code == code


def test_fifteen_lists_run_quickly_with_a_warning_and_log_linear_declines() -> None:
    rng = np.random.default_rng(15)
    names = tuple(f"L{index}" for index in range(15))
    rows = rng.random((3_000, 15)) < np.where(rng.random((3_000, 1)) < 0.3, 0.3, 0.05)
    rows = rows[rows.any(axis=1)].astype(int)
    patterns, counts = np.unique(rows, axis=0, return_counts=True)
    table = CaptureTable.from_patterns(
        names, {tuple(map(int, p)): int(c) for p, c in zip(patterns, counts, strict=True)}
    )
    brief = SamplerSettings(max_classes=5, chains=2, burn_in=0, iterations=100, thin=1)

    compared = estimate_by_method(table, settings=brief, seed=1)

    assert isinstance(compared.loglinear, Refusal)
    assert "15 lists" in compared.loglinear.message
    assert "limited to 10 lists" in compared.loglinear.message
    result = compared.lcmcr
    assert isinstance(result, LatentClassResult)
    note = next(note for note in result.warnings if note.code == "many_lists")
    assert note.values["lists"] == 15
    assert note.values["cells"] == 32_767
    assert "15 lists" in note.text


def test_negative_and_fractional_counts_are_refused_before_any_estimate(tmp_path) -> None:
    with pytest.raises(CaptureTableError, match="negative"):
        CaptureTable(("A", "B"), (1, -2, 3))
    with pytest.raises(CaptureTableError, match="whole numbers"):
        CaptureTable(("A", "B"), (1, 2.5, 3))  # type: ignore[arg-type]
    path = tmp_path / "lists.csv"
    path.write_text("A,B,C,count\n1,1,0,2.5\n1,0,0,4\n", encoding="utf-8")
    with pytest.raises(CaptureTableError, match="whole non-negative"):
        read_capture_table(path)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"chains": 1}, "2 to 16 chains"),
        ({"max_classes": 0}, "between 1 and 50"),
        ({"thin": 0}, "thinning must be at least 1"),
        ({"iterations": 30, "thin": 10}, "at least 4 draws per chain"),
        ({"iterations": 10**9}, "at most 2,000,000 iterations"),
        ({"burn_in": -1}, "burn-in must be between"),
        ({"extensions": 11}, "run longer 0 to 10 times"),
        ({"iterations": 1_000_000, "extensions": 2}, "with every extension"),
        ({"iterations": 500_000}, "with every extension"),  # four extensions by default
    ],
)
def test_settings_that_could_not_finish_or_be_checked_are_refused(
    changes: dict[str, int], message: str
) -> None:
    with pytest.raises(EstimationError, match=message):
        SamplerSettings(**changes)
