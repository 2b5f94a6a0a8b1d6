"""Each conditional of the LCMCR Gibbs sampler against a direct computation on a tiny table.

The direct computation never uses the sampler's formulas: it evaluates the model's joint
density (written out below from its definition, person by person) at every value a variable
can take, holding the others fixed, and normalises. The sampler's function is then called on
many copies of the same state at once (the chain axis), and its draws must follow that
distribution: a chi-square test for discrete variables, a Kolmogorov-Smirnov distance for
continuous ones. Seeds are fixed, so the tests are deterministic.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.special import gammaln
from scipy.stats import chisquare

from refuge.analysis.estimation.latent_class import (
    ALPHA_RATE,
    ALPHA_SHAPE,
    CellData,
    ChainState,
    draw_class_weights,
    draw_concentration,
    draw_list_probabilities,
    draw_missed,
    draw_missed_classes,
    draw_observed_classes,
    log_probability_missed,
)

COPIES = 20_000
# Kolmogorov-Smirnov: the largest CDF distance 20,000 draws reach with probability 0.001.
KS_LIMIT = 1.95 / math.sqrt(COPIES)

# A tiny table over three lists: patterns and counts of the people observed.
PATTERNS = np.array([[1, 1, 0], [1, 0, 0], [0, 1, 1], [0, 0, 1]], dtype=np.float64)
COUNTS = np.array([2, 1, 1, 2], dtype=np.int64)
# A fixed state with K = 3 classes.
LAMBDA = np.array([[0.7, 0.2, 0.05], [0.6, 0.3, 0.1], [0.5, 0.4, 0.15]])  # (J, K)
BREAKS = np.array([0.5, 0.6])  # stick-breaking V_1, V_2; V_3 = 1
ALPHA = 0.8
# Classes of each observed person (in pattern order: 2 + 1 + 1 + 2 people) and of 3 missed.
OBSERVED_CLASSES = np.array([0, 1, 0, 2, 1, 0])
MISSED_CLASSES = np.array([2, 2, 1])


def _weights(breaks: np.ndarray) -> np.ndarray:
    rest = np.cumprod(np.r_[1.0, 1.0 - breaks])
    return np.r_[breaks, 1.0] * rest


def _people() -> np.ndarray:
    """One row per observed person, then one all-zero row per missed person."""
    observed = np.repeat(PATTERNS, COUNTS, axis=0)
    return np.vstack([observed, np.zeros((len(MISSED_CLASSES), 3))])


def log_joint(
    people: np.ndarray, classes: np.ndarray, lam: np.ndarray, breaks: np.ndarray, alpha: float
) -> float:
    """log p(classes, people's patterns, lambda, V, alpha | N), from the model's definition."""
    weights = _weights(breaks)
    total = 0.0
    for person, k in zip(people, classes, strict=True):
        total += math.log(weights[k])
        for j, on_list in enumerate(person):
            total += math.log(lam[j, k] if on_list else 1.0 - lam[j, k])
    for v in breaks:  # Beta(1, alpha) sticks
        total += math.log(alpha) + (alpha - 1.0) * math.log(1.0 - v)
    # Gamma(shape, rate) prior of alpha; lambda's Beta(1, 1) prior is constant.
    total += (ALPHA_SHAPE - 1.0) * math.log(alpha) - ALPHA_RATE * alpha
    return total


def _classes() -> np.ndarray:
    return np.r_[OBSERVED_CLASSES, MISSED_CLASSES]


def _state(copies: int = COPIES) -> ChainState:
    counts_by_cell = np.zeros((len(COUNTS), 3), dtype=np.int64)
    cell_of_person = np.repeat(np.arange(len(COUNTS)), COUNTS)
    for cell, k in zip(cell_of_person, OBSERVED_CLASSES, strict=True):
        counts_by_cell[cell, k] += 1
    missed = np.bincount(MISSED_CLASSES, minlength=3)
    return ChainState(
        list_probabilities=np.tile(LAMBDA, (copies, 1, 1)),
        log_weights=np.tile(np.log(_weights(BREAKS)), (copies, 1)),
        concentration=np.full(copies, ALPHA),
        missed=np.full(copies, len(MISSED_CLASSES), dtype=np.int64),
        observed_classes=np.tile(counts_by_cell, (copies, 1, 1)),
        missed_classes=np.tile(missed, (copies, 1)),
    )


def _data() -> CellData:
    return CellData.from_counts(PATTERNS, COUNTS)  # type: ignore[arg-type]


def _ks_distance(draws: np.ndarray, grid: np.ndarray, log_density: np.ndarray) -> float:
    """Largest distance between the draws' CDF and the CDF of a density known on a grid."""
    density = np.exp(log_density - log_density.max())
    cdf = np.cumsum((density[1:] + density[:-1]) / 2 * np.diff(grid))
    cdf = np.r_[0.0, cdf] / cdf[-1]
    empirical = np.searchsorted(np.sort(draws), grid, side="right") / len(draws)
    return float(np.abs(empirical - cdf).max())


def _chi_square_p(
    observed_counts: dict[tuple[int, ...], int], probabilities: dict[tuple[int, ...], float]
) -> float:
    keys = sorted(probabilities)
    observed = np.array([observed_counts.get(key, 0) for key in keys], dtype=np.float64)
    expected = np.array([probabilities[key] for key in keys]) * observed.sum()
    assert set(observed_counts) <= set(keys), "the sampler drew an impossible value"
    return float(chisquare(observed, expected).pvalue)


@pytest.mark.parametrize("cell", range(len(COUNTS)))
def test_observed_classes_follow_the_joint_density(cell: int) -> None:
    # Every labelled assignment of classes to the people of this cell, summed by class counts.
    people, classes = _people(), _classes()
    first = int(COUNTS[:cell].sum())
    rows = slice(first, first + int(COUNTS[cell]))
    exact: dict[tuple[int, ...], float] = {}
    for assignment in itertools.product(range(3), repeat=int(COUNTS[cell])):
        trial = classes.copy()
        trial[rows] = assignment
        counts = tuple(int(c) for c in np.bincount(assignment, minlength=3))
        exact[counts] = exact.get(counts, 0.0) + math.exp(
            log_joint(people, trial, LAMBDA, BREAKS, ALPHA)
        )
    total = sum(exact.values())
    exact = {key: value / total for key, value in exact.items()}

    drawn = draw_observed_classes(np.random.default_rng(1), _data(), _state())

    assert (drawn.sum(axis=2) == COUNTS).all()
    observed: dict[tuple[int, ...], int] = {}
    for row in drawn[:, cell, :]:
        key = tuple(int(c) for c in row)
        observed[key] = observed.get(key, 0) + 1
    assert _chi_square_p(observed, exact) > 0.001


@pytest.mark.parametrize(("j", "k"), [(0, 0), (2, 1), (1, 2)])
def test_list_probabilities_follow_the_joint_density(j: int, k: int) -> None:
    people, classes = _people(), _classes()
    grid = np.linspace(1e-4, 1 - 1e-4, 4001)
    log_density = []
    for value in grid:
        lam = LAMBDA.copy()
        lam[j, k] = value
        log_density.append(log_joint(people, classes, lam, BREAKS, ALPHA))
    state = _state()

    drawn = draw_list_probabilities(
        np.random.default_rng(2), _data(), state.observed_classes, state.missed_classes
    )

    assert _ks_distance(drawn[:, j, k], grid, np.array(log_density)) < KS_LIMIT


def _log_joint_in_breaks(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """log_joint as a function of (V_1, V_2) on a grid, less the terms free of them."""
    classes = _classes()
    weights = [first, (1.0 - first) * second, (1.0 - first) * (1.0 - second)]
    total = sum(np.log(weights[k]) for k in classes)
    return total + (ALPHA - 1.0) * (np.log1p(-first) + np.log1p(-second))


def test_the_vectorised_joint_in_the_breaks_differs_from_the_joint_by_a_constant() -> None:
    points = [(0.5, 0.6), (0.2, 0.9), (0.7, 0.1)]
    differences = [
        log_joint(_people(), _classes(), LAMBDA, np.array(point), ALPHA)
        - float(_log_joint_in_breaks(np.array(point[0]), np.array(point[1])))
        for point in points
    ]
    assert np.allclose(differences, differences[0])


@pytest.mark.parametrize("which", [0, 1])
def test_class_weights_follow_the_joint_density(which: int) -> None:
    grid = np.linspace(1e-4, 1 - 1e-4, 1201)
    # The joint of (V_1, V_2) on a grid, summed over the other break: the marginal of one.
    surface = _log_joint_in_breaks(grid[:, None], grid[None, :])
    peak = surface.max()
    marginal = np.log(np.exp(surface - peak).sum(axis=1 - which)) + peak
    state = _state()
    sizes = state.observed_classes.sum(axis=1) + state.missed_classes

    log_weights = draw_class_weights(np.random.default_rng(3), sizes, state.concentration)

    weights = np.exp(log_weights)
    assert np.allclose(weights.sum(axis=1), 1.0)
    breaks = weights[:, 0] if which == 0 else weights[:, 1] / (1.0 - weights[:, 0])
    assert _ks_distance(breaks, grid, marginal) < KS_LIMIT


def test_missed_count_follows_the_likelihood_of_the_table() -> None:
    # p(n0 | lambda, nu, table) from the table's likelihood and the prior p(N) ~ 1/N:
    # N! / (n0! prod n_m!) * P(missed)^n0 * prod P(pattern m)^n_m / N, with N = n + n0.
    weights = _weights(BREAKS)
    missed_probability = float(np.sum(weights * np.prod(1.0 - LAMBDA, axis=0)))
    observed = int(COUNTS.sum())
    values = np.arange(0, 400)
    population = observed + values
    log_p = (
        gammaln(population + 1)
        - gammaln(values + 1)
        - np.log(population)
        + values * math.log(missed_probability)
    )
    exact = np.exp(log_p - log_p.max())
    exact /= exact.sum()
    state = _state()
    log_missed = log_probability_missed(state.list_probabilities, state.log_weights)
    assert np.allclose(np.exp(log_missed), missed_probability)

    drawn = draw_missed(np.random.default_rng(4), observed, log_missed)

    top = int(np.searchsorted(np.cumsum(exact), 0.999))
    observed_counts: dict[tuple[int, ...], int] = {
        (min(int(value), top),): 0 for value in values[: top + 1]
    }
    for value in drawn:
        observed_counts[(min(int(value), top),)] += 1
    probabilities: dict[tuple[int, ...], float] = {
        (int(value),): float(exact[value]) for value in values[:top]
    }
    probabilities[(top,)] = float(exact[top:].sum())
    assert _chi_square_p(observed_counts, probabilities) > 0.001


def test_missed_classes_follow_the_joint_density() -> None:
    people, classes = _people(), _classes()
    missed_rows = slice(len(OBSERVED_CLASSES), None)
    exact: dict[tuple[int, ...], float] = {}
    for assignment in itertools.product(range(3), repeat=len(MISSED_CLASSES)):
        trial = classes.copy()
        trial[missed_rows] = assignment
        counts = tuple(int(c) for c in np.bincount(assignment, minlength=3))
        exact[counts] = exact.get(counts, 0.0) + math.exp(
            log_joint(people, trial, LAMBDA, BREAKS, ALPHA)
        )
    total = sum(exact.values())
    exact = {key: value / total for key, value in exact.items()}
    state = _state()

    drawn = draw_missed_classes(
        np.random.default_rng(5), state.missed, state.list_probabilities, state.log_weights
    )

    observed: dict[tuple[int, ...], int] = {}
    for row in drawn:
        observed[tuple(int(c) for c in row)] = observed.get(tuple(int(c) for c in row), 0) + 1
    assert _chi_square_p(observed, exact) > 0.001


def test_concentration_follows_the_joint_density() -> None:
    people, classes = _people(), _classes()
    grid = np.linspace(1e-4, 40.0, 8001)
    log_density = np.array([log_joint(people, classes, LAMBDA, BREAKS, a) for a in grid])
    state = _state()

    drawn = draw_concentration(
        np.random.default_rng(6), state.log_weights[:, -1], 3, ALPHA_SHAPE, ALPHA_RATE
    )

    assert _ks_distance(drawn, grid, log_density) < KS_LIMIT
