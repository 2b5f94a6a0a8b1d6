"""Gibbs sampler of the Bayesian latent-class capture-recapture model (LCMCR).

The model of Manrique-Vallier (2016, Biometrics 72:1246-1254), as its reference implementation
(the R package LCMCR, file NPLCM_CR_Basic_Freq.cpp) samples it:

- every person of the population (N people) belongs to one of K latent classes, with class
  weights nu from a truncated stick-breaking prior: V_k ~ Beta(1, alpha) for k < K, V_K = 1,
  nu_k = V_k * prod_{l<k} (1 - V_l); alpha ~ Gamma(shape a_alpha, rate b_alpha), both 0.25;
- within class k, being on list j is a coin flip with probability lambda_jk ~ Beta(1, 1),
  independently across lists (the lists are independent *given* the class: everything the
  lists share is carried by the classes);
- the prior on N is p(N) proportional to 1/N.

One sweep updates, in the reference's order: the classes of the observed people (per capture
pattern, a multinomial), lambda (Beta), the stick-breaking weights (Beta, drawn through log-gamma
variables so that tiny weights do not underflow), the number of people missed n0 (negative
binomial: the failures before n successes with success probability 1 - P(missed)), the classes
of the missed people (multinomial), and alpha (Gamma). Several chains run side by side: every
array has the chain as its first axis, so one numpy call advances all of them.

Each conditional is a separate function of plain arrays, so that a test can check it against
the joint density computed directly on a tiny table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from refuge.analysis.estimation.errors import EstimationError
from refuge.analysis.estimation.tables import CaptureTable

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
ProgressCallback = Callable[[float], None]

# Hyperpriors of the R package (lcmCR: a_alpha = b_alpha = 0.25) and its documented K = 10.
# Its lcmCR_PostSampl keeps 1,000 draws of every 10th sweep after 10,000 of burn-in; the
# population size mixes slowly (the Kosovo table needs about 40,000 sweeps per chain for 400
# effective draws over four chains), so the default runs 50,000 sweeps after the burn-in.
ALPHA_SHAPE = 0.25
ALPHA_RATE = 0.25
DEFAULT_MAX_CLASSES = 10
DEFAULT_CHAINS = 4
DEFAULT_BURN_IN = 10_000
DEFAULT_ITERATIONS = 50_000
DEFAULT_THIN = 10
# A run whose draws fail the convergence checks continues, from where its chains are, for
# another `iterations` sweeps, at most this many times, and is judged on all its kept draws:
# what an analyst does by hand with a slowly mixing chain, done before anyone reads a figure.
# Four: on the latent-class coverage study the runs that failed at the default length had
# chains that agreed but mixed slowly (bulk ESS about 380 after two extensions); three of the
# four passed after three or four (docs/analysis-estimation.md).
DEFAULT_EXTENSIONS = 4
MAX_EXTENSIONS = 10
# The reference runs 500 sweeps with alpha fixed before anything else, then orders the
# classes by weight; those sweeps come before the burn-in and are never kept.
WARM_UP = 500
# A class probability rounding to exactly 0 or 1 would make an observed pattern impossible.
_LAMBDA_FLOOR = 1e-12
# No chain may wander to more missed people than this (a runaway chain on data that bound
# nothing); the diagnostics then fail, which is what the analyst is told.
MAX_MISSED = 1e15
# Bounds on the settings: every run ends, at worst in about an hour on a quiet machine.
MAX_CLASSES_LIMIT = 50
MAX_CHAINS = 16
MAX_SWEEPS = 2_000_000


@dataclass(frozen=True, slots=True)
class SamplerSettings:
    """How long to run the chains, how many, and the truncation level K."""

    max_classes: int = DEFAULT_MAX_CLASSES
    chains: int = DEFAULT_CHAINS
    burn_in: int = DEFAULT_BURN_IN
    iterations: int = DEFAULT_ITERATIONS
    thin: int = DEFAULT_THIN
    extensions: int = DEFAULT_EXTENSIONS
    alpha_shape: float = ALPHA_SHAPE
    alpha_rate: float = ALPHA_RATE

    def __post_init__(self) -> None:
        problem = settings_problem(self)
        if problem:
            raise EstimationError(problem)

    @property
    def kept_per_chain(self) -> int:
        """Draws kept from each chain: every `thin`-th sweep after the burn-in."""
        return self.iterations // self.thin

    @property
    def sweeps_per_chain(self) -> int:
        """Every sweep a chain makes when it needs no extension: warm-up, burn-in, sampling."""
        return WARM_UP + self.burn_in + self.iterations


def settings_problem(settings: SamplerSettings) -> str | None:
    """Say what is wrong with these settings, or None. The bounds keep any run finite."""
    checks = [
        (
            1 <= settings.max_classes <= MAX_CLASSES_LIMIT,
            f"the number of latent classes must be between 1 and {MAX_CLASSES_LIMIT}",
        ),
        (
            2 <= settings.chains <= MAX_CHAINS,
            f"convergence can only be checked with 2 to {MAX_CHAINS} chains",
        ),
        (settings.thin >= 1, "thinning must be at least 1"),
        (
            0 <= settings.extensions <= MAX_EXTENSIONS,
            f"the chains can be run longer 0 to {MAX_EXTENSIONS} times",
        ),
        (0 <= settings.burn_in <= MAX_SWEEPS, f"burn-in must be between 0 and {MAX_SWEEPS:,}"),
        (settings.iterations <= MAX_SWEEPS, f"at most {MAX_SWEEPS:,} iterations"),
        (
            settings.iterations * (settings.extensions + 1) <= MAX_SWEEPS,
            f"at most {MAX_SWEEPS:,} iterations with every extension (iterations x "
            "(extensions + 1))",
        ),
        (
            settings.iterations >= 4 * settings.thin,
            "iterations must keep at least 4 draws per chain (iterations >= 4 x thinning)",
        ),
        (
            settings.alpha_shape > 0 and settings.alpha_rate > 0,
            "the prior of alpha needs a positive shape and rate",
        ),
    ]
    return next((message for passed, message in checks if not passed), None)


@dataclass(frozen=True, slots=True)
class CellData:
    """The observed capture patterns (one row each) and how many people have each."""

    patterns: FloatArray  # (M, J) of 0.0/1.0
    counts: IntArray  # (M,)
    single: NDArray[np.bool_]  # patterns held by one person: a categorical draw is enough
    several: NDArray[np.bool_]  # patterns held by more than one person
    observed: int  # people on at least one list

    @classmethod
    def from_table(cls, table: CaptureTable) -> CellData:
        """Keep only the patterns somebody has: the sampler never looks at empty cells."""
        counts = np.array(table.counts, dtype=np.int64)
        seen = counts > 0
        return cls.from_counts(table.patterns()[seen], counts[seen])

    @classmethod
    def from_counts(cls, patterns: NDArray[np.int8], counts: IntArray) -> CellData:
        """Observed patterns (non-empty rows) and their positive counts."""
        counts = np.asarray(counts, dtype=np.int64)
        return cls(
            patterns=np.asarray(patterns, dtype=np.float64),
            counts=counts,
            single=counts == 1,
            several=counts > 1,
            observed=int(counts.sum()),
        )


@dataclass(slots=True)
class ChainState:
    """The current values of every chain; axis 0 is the chain."""

    list_probabilities: FloatArray  # lambda, (C, J, K)
    log_weights: FloatArray  # log nu, (C, K)
    concentration: FloatArray  # alpha, (C,)
    missed: IntArray  # n0, (C,)
    observed_classes: IntArray  # observed people per pattern and class, (C, M, K)
    missed_classes: IntArray  # missed people per class, (C, K)


@dataclass(frozen=True, slots=True)
class PosteriorDraws:
    """Kept draws, one row per chain: the population size and what the diagnostics need."""

    population: IntArray  # N = observed + n0, (C, D)
    classes_used: IntArray  # classes holding anyone, (C, D)
    concentration: FloatArray  # alpha, (C, D)
    max_classes: int
    extensions: int = 0  # times the chains were run longer than `iterations`

    def followed_by(self, later: PosteriorDraws) -> PosteriorDraws:
        """These draws and the ones the same chains made after them, as one run."""
        return PosteriorDraws(
            np.concatenate([self.population, later.population], axis=1),
            np.concatenate([self.classes_used, later.classes_used], axis=1),
            np.concatenate([self.concentration, later.concentration], axis=1),
            self.max_classes,
            self.extensions + 1,
        )


# -- the conditionals ---------------------------------------------------------------------


def pattern_log_likelihoods(patterns: FloatArray, list_probabilities: FloatArray) -> FloatArray:
    """log P(pattern m | class k) for every chain: (C, M, K)."""
    log_out = np.log1p(-list_probabilities)
    log_odds = np.log(list_probabilities) - log_out
    # sum_j x_mj log(lambda_jk) + (1 - x_mj) log(1 - lambda_jk), as one matrix product.
    likelihoods: FloatArray = np.matmul(patterns, log_odds) + log_out.sum(axis=1)[:, None, :]
    return likelihoods


def class_probabilities(log_weights: FloatArray, log_likelihoods: FloatArray) -> FloatArray:
    """Normalise nu_k * P(pattern | k) over k (the last axis)."""
    joint = log_weights[:, None, :] + log_likelihoods
    joint -= joint.max(axis=-1, keepdims=True)
    probabilities = np.exp(joint)
    probabilities /= probabilities.sum(axis=-1, keepdims=True)
    return probabilities


def _one_hot(rng: np.random.Generator, probabilities: FloatArray) -> IntArray:
    cumulative = np.cumsum(probabilities, axis=-1)
    uniform = rng.random((*probabilities.shape[:-1], 1)) * cumulative[..., -1:]
    chosen = np.minimum((uniform >= cumulative).sum(axis=-1), probabilities.shape[-1] - 1)
    one_hot: IntArray = (np.arange(probabilities.shape[-1]) == chosen[..., None]).astype(np.int64)
    return one_hot


def draw_observed_classes(rng: np.random.Generator, data: CellData, state: ChainState) -> IntArray:
    """Classes of the observed people: per pattern, Multinomial(count, p(k | pattern))."""
    log_likelihoods = pattern_log_likelihoods(data.patterns, state.list_probabilities)
    probabilities = class_probabilities(state.log_weights, log_likelihoods)
    if not data.several.any():
        return _one_hot(rng, probabilities)
    if not data.single.any():
        return rng.multinomial(data.counts, probabilities)
    classes = np.empty(probabilities.shape, dtype=np.int64)
    classes[:, data.single] = _one_hot(rng, probabilities[:, data.single])
    classes[:, data.several] = rng.multinomial(
        data.counts[data.several], probabilities[:, data.several]
    )
    return classes


def draw_list_probabilities(
    rng: np.random.Generator, data: CellData, observed_classes: IntArray, missed_classes: IntArray
) -> FloatArray:
    """lambda_jk ~ Beta(1 + people of class k on list j, 1 + people of class k off list j).

    The missed people are off every list, so they count among the second for every j.
    """
    on_list = np.einsum("mj,cmk->cjk", data.patterns, observed_classes.astype(np.float64))
    in_class = observed_classes.sum(axis=1) + missed_classes  # (C, K)
    off_list = in_class[:, None, :] - on_list
    drawn = rng.beta(1.0 + on_list, 1.0 + off_list)
    clipped: FloatArray = np.clip(drawn, _LAMBDA_FLOOR, 1.0 - _LAMBDA_FLOOR)
    return clipped


def log_gamma_variates(rng: np.random.Generator, shape: FloatArray) -> FloatArray:
    """log of Gamma(shape, 1) variates, exact even for tiny shapes.

    G * U**(1/a) ~ Gamma(a) when G ~ Gamma(a + 1) and U ~ Uniform(0, 1] (Robert & Casella 2004,
    the trick the reference uses for a < 0.5); in logs nothing underflows.
    """
    uniform = 1.0 - rng.random(shape.shape)  # in (0, 1]
    return np.log(rng.standard_gamma(shape + 1.0)) + np.log(uniform) / shape


def draw_class_weights(
    rng: np.random.Generator, class_sizes: IntArray, concentration: FloatArray
) -> FloatArray:
    """log nu from the stick-breaking conditional: V_k ~ Beta(1 + n_k, alpha + sum_{l>k} n_l).

    `class_sizes` counts observed and missed people per class, (C, K). Returns (C, K).
    """
    sizes = class_sizes.astype(np.float64)
    later = sizes.sum(axis=1, keepdims=True) - np.cumsum(sizes, axis=1)
    log_a = log_gamma_variates(rng, 1.0 + sizes[:, :-1])
    log_b = log_gamma_variates(rng, concentration[:, None] + later[:, :-1])
    log_sum = np.logaddexp(log_a, log_b)
    log_break = log_a - log_sum  # log V_k
    log_rest = log_b - log_sum  # log (1 - V_k)
    before = np.cumsum(log_rest, axis=1) - log_rest  # sum_{l<k} log(1 - V_l)
    return np.concatenate([log_break + before, log_rest.sum(axis=1, keepdims=True)], axis=1)


def log_probability_missed(list_probabilities: FloatArray, log_weights: FloatArray) -> FloatArray:
    """log P(on no list) = log sum_k nu_k prod_j (1 - lambda_jk), per chain."""
    by_class = _log_missed_by_class(list_probabilities, log_weights)
    largest = by_class.max(axis=1)
    log_missed: FloatArray = largest + np.log(np.exp(by_class - largest[:, None]).sum(axis=1))
    return log_missed


def _log_missed_by_class(list_probabilities: FloatArray, log_weights: FloatArray) -> FloatArray:
    by_class: FloatArray = log_weights + np.log1p(-list_probabilities).sum(axis=1)
    return by_class


def draw_missed(rng: np.random.Generator, observed: int, log_missed: FloatArray) -> IntArray:
    """n0 ~ NegativeBinomial(observed, 1 - P(missed)): failures before `observed` successes.

    This is the conditional under the prior p(N) proportional to 1/N (the reference's comment:
    an improper prior p(n0 | n) proportional to n / (n0 + n)).
    """
    seen = -np.expm1(log_missed)
    floor = observed / (MAX_MISSED + observed)
    return rng.negative_binomial(observed, np.clip(seen, floor, 1.0)).astype(np.int64)


def draw_missed_classes(
    rng: np.random.Generator,
    missed: IntArray,
    list_probabilities: FloatArray,
    log_weights: FloatArray,
) -> IntArray:
    """Classes of the missed people: Multinomial(n0, nu_k prod_j (1 - lambda_jk), normalised)."""
    log_by_class = _log_missed_by_class(list_probabilities, log_weights)
    log_by_class -= log_by_class.max(axis=1, keepdims=True)
    probabilities = np.exp(log_by_class)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    return rng.multinomial(missed, probabilities).astype(np.int64)


def draw_concentration(
    rng: np.random.Generator,
    log_last_weight: FloatArray,
    max_classes: int,
    shape: float,
    rate: float,
) -> FloatArray:
    """alpha ~ Gamma(a + K - 1, rate b - log nu_K): the prior times K - 1 Beta(1, alpha) sticks."""
    return rng.gamma(shape + max_classes - 1.0, 1.0 / (rate - log_last_weight))


# -- the sampler --------------------------------------------------------------------------


def initial_state(data: CellData, settings: SamplerSettings) -> ChainState:
    """The reference's starting point: lambda at each list's share of the observed people,
    alpha = 0.3 / K, the first four classes holding 90% of the weight; nothing assigned yet."""
    chains, classes = settings.chains, settings.max_classes
    share = (data.counts @ data.patterns) / data.observed
    list_probabilities = np.clip(
        np.broadcast_to(share[None, :, None], (chains, len(share), classes)).copy(),
        _LAMBDA_FLOOR,
        1.0 - _LAMBDA_FLOOR,
    )
    if classes > 4:
        weights = np.r_[np.full(4, 0.9 / 4), np.full(classes - 4, 0.1 / (classes - 4))]
    else:
        weights = np.full(classes, 1.0 / classes)
    return ChainState(
        list_probabilities=list_probabilities,
        log_weights=np.tile(np.log(weights), (chains, 1)),
        concentration=np.full(chains, 0.3 / classes),
        missed=np.zeros(chains, dtype=np.int64),
        observed_classes=np.zeros((chains, len(data.counts), classes), dtype=np.int64),
        missed_classes=np.zeros((chains, classes), dtype=np.int64),
    )


def sweep(
    rng: np.random.Generator,
    data: CellData,
    state: ChainState,
    settings: SamplerSettings,
    *,
    update_concentration: bool = True,
) -> None:
    """One Gibbs scan over every conditional, in the reference's order, for every chain."""
    state.observed_classes = draw_observed_classes(rng, data, state)
    state.list_probabilities = draw_list_probabilities(
        rng, data, state.observed_classes, state.missed_classes
    )
    class_sizes = state.observed_classes.sum(axis=1) + state.missed_classes
    state.log_weights = draw_class_weights(rng, class_sizes, state.concentration)
    log_missed = log_probability_missed(state.list_probabilities, state.log_weights)
    state.missed = draw_missed(rng, data.observed, log_missed)
    state.missed_classes = draw_missed_classes(
        rng, state.missed, state.list_probabilities, state.log_weights
    )
    if update_concentration:
        state.concentration = draw_concentration(
            rng,
            state.log_weights[:, -1],
            settings.max_classes,
            settings.alpha_shape,
            settings.alpha_rate,
        )


def order_classes_by_weight(state: ChainState) -> None:
    """Relabel each chain's classes from the heaviest down (the reference does this once,
    after its warm-up; labels carry no meaning, but the stick-breaking prior is not
    symmetric in them)."""
    order = np.argsort(-state.log_weights, axis=1, kind="stable")  # (C, K)
    rows = np.arange(order.shape[0])[:, None]
    state.log_weights = state.log_weights[rows, order]
    state.missed_classes = state.missed_classes[rows, order]
    state.list_probabilities = np.take_along_axis(
        state.list_probabilities, order[:, None, :], axis=2
    )
    state.observed_classes = np.take_along_axis(state.observed_classes, order[:, None, :], axis=2)


class Chains:
    """The chains of one run, advanced sweep by sweep from the reference's starting point.

    `burn_in()` runs the warm-up and the burn-in; each `sample(sweeps)` then continues the
    chains from where they are and keeps every `thin`-th sweep. Progress is reported as the
    share of `planned` sweeps done (the caller raises `planned` when it extends the run).
    """

    def __init__(
        self,
        data: CellData,
        settings: SamplerSettings,
        rng: np.random.Generator,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.data, self.settings, self.rng, self.progress = data, settings, rng, progress
        self.state = initial_state(data, settings)
        self.done = 0
        self.planned = settings.sweeps_per_chain
        self._report_every = max(self.planned // 100, 1)

    def burn_in(self) -> None:
        """The warm-up (alpha fixed, then the classes ordered by weight) and the burn-in."""
        for _ in range(WARM_UP + self.settings.burn_in):
            self._sweep()
            if self.done == WARM_UP:
                order_classes_by_weight(self.state)

    def sample(self, sweeps: int) -> PosteriorDraws:
        """`sweeps` more sweeps of every chain, keeping every `thin`-th."""
        thin, state = self.settings.thin, self.state
        kept = sweeps // thin
        population = np.empty((self.settings.chains, kept), dtype=np.int64)
        classes_used = np.empty((self.settings.chains, kept), dtype=np.int64)
        concentration = np.empty((self.settings.chains, kept))
        for step in range(sweeps):
            self._sweep()
            slot = (step + 1) // thin - 1
            if (step + 1) % thin == 0 and slot < kept:
                population[:, slot] = self.data.observed + state.missed
                sizes = state.observed_classes.sum(axis=1) + state.missed_classes
                classes_used[:, slot] = (sizes > 0).sum(axis=1)
                concentration[:, slot] = state.concentration
        return PosteriorDraws(population, classes_used, concentration, self.settings.max_classes)

    def _sweep(self) -> None:
        sweep(
            self.rng,
            self.data,
            self.state,
            self.settings,
            update_concentration=self.done >= WARM_UP,
        )
        self.done += 1
        if self.progress is not None and (
            self.done % self._report_every == 0 or self.done == self.planned
        ):
            self.progress(min(self.done / self.planned, 1.0))


def run_chains(
    data: CellData,
    settings: SamplerSettings,
    rng: np.random.Generator,
    progress: ProgressCallback | None = None,
    *,
    settled: Callable[[PosteriorDraws], bool] | None = None,
) -> PosteriorDraws:
    """Run every chain through warm-up, burn-in and sampling; keep every `thin`-th draw.

    With `settled` (a judgement of the draws so far), draws it rejects are followed by
    another `iterations` sweeps of the same chains, at most `settings.extensions` times."""
    chains = Chains(data, settings, rng, progress)
    chains.burn_in()
    draws = chains.sample(settings.iterations)
    while settled is not None and draws.extensions < settings.extensions and not settled(draws):
        chains.planned += settings.iterations
        draws = draws.followed_by(chains.sample(settings.iterations))
    return draws
