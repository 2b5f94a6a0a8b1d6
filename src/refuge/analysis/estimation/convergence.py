"""Convergence diagnostics of Markov chains: rank-normalised split R-hat and effective sample size.

The definitions of Vehtari, Gelman, Simpson, Carpenter and Bürkner (2021), "Rank-normalization,
folding, and localization: an improved R-hat for assessing convergence of MCMC", Bayesian
Analysis 16:667-718, which Stan and ArviZ report:

- every chain is split in half, so a chain that drifts disagrees with itself;
- draws are replaced by the normal quantiles of their ranks over all chains, so heavy tails
  and discrete values (the population size is a whole number) do not break the statistics;
- R-hat is the larger of the R-hat of the rank-normalised draws (the bulk) and of their
  distances from the median (the spread); far above 1 means the chains disagree;
- the bulk effective sample size is computed on the rank-normalised draws, the tail one on
  whether each draw is below the 5% and the 95% quantiles (the smaller of the two);
  both use Geyer's initial monotone sequence of autocorrelations.
The paper recommends R-hat below 1.01 and at least 400 effective draws (100 per chain for 4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm, rankdata

FloatArray = NDArray[np.float64]

RHAT_LIMIT = 1.01
ESS_LIMIT = 400


@dataclass(frozen=True, slots=True)
class ConvergenceSummary:
    """R-hat and effective sample sizes of one quantity over several chains."""

    rhat: float
    ess_bulk: float
    ess_tail: float


def convergence_summary(draws: NDArray[np.generic]) -> ConvergenceSummary:
    """Diagnose draws of shape (chains, draws per chain).

    Draws that never vary are a degenerate posterior, not a failure: R-hat 1 and every draw
    counted as effective.
    """
    values = np.asarray(draws, dtype=np.float64)
    if values.ndim != 2 or values.shape[0] < 2 or values.shape[1] < 4:
        raise ValueError("convergence needs at least two chains of at least four draws")
    if np.ptp(values) == 0:
        return ConvergenceSummary(1.0, float(values.size), float(values.size))
    return ConvergenceSummary(rhat(values), ess_bulk(values), ess_tail(values))


def split_chains(values: FloatArray) -> FloatArray:
    """Each chain cut into its first and second half (a middle odd draw is dropped)."""
    half = values.shape[1] // 2
    return np.concatenate([values[:, :half], values[:, -half:]], axis=0)


def rank_normalise(values: FloatArray) -> FloatArray:
    """Normal scores of the ranks over all chains (average ranks for ties, Blom's offset)."""
    ranks = rankdata(values, method="average").reshape(values.shape)
    return np.asarray(norm.ppf((ranks - 0.375) / (values.size + 0.25)), dtype=np.float64)


def basic_rhat(values: FloatArray) -> float:
    """Gelman-Rubin potential scale reduction of chains (no splitting, no ranks)."""
    length = values.shape[1]
    within = float(np.mean(np.var(values, axis=1, ddof=1)))
    between = length * float(np.var(np.mean(values, axis=1), ddof=1))
    if within == 0:
        return math.inf if between > 0 else 1.0
    pooled = (length - 1) / length * within + between / length
    return math.sqrt(pooled / within)


def rhat(values: FloatArray) -> float:
    """Rank-normalised split R-hat: the larger of the bulk and the folded (spread) R-hat."""
    split = split_chains(values)
    bulk = basic_rhat(rank_normalise(split))
    folded = basic_rhat(rank_normalise(np.abs(split - np.median(split))))
    return max(bulk, folded)


def ess_bulk(values: FloatArray) -> float:
    """Effective sample size of the rank-normalised split chains."""
    return basic_ess(rank_normalise(split_chains(values)))


def ess_tail(values: FloatArray) -> float:
    """Smaller effective sample size of being below the 5% and above the 95% quantile."""
    split = split_chains(values)
    sizes = []
    for level in (0.05, 0.95):
        below = (split <= np.quantile(split, level)).astype(np.float64)
        sizes.append(basic_ess(below))
    return min(sizes)


def autocovariances(values: FloatArray) -> FloatArray:
    """Autocovariance of each chain at every lag (biased estimator, divided by n), via FFT."""
    length = values.shape[1]
    centred = values - values.mean(axis=1, keepdims=True)
    size = 1 << (2 * length - 1).bit_length()
    spectrum = np.fft.rfft(centred, n=size, axis=1)
    return np.asarray(
        np.fft.irfft(spectrum * np.conj(spectrum), n=size, axis=1)[:, :length] / length,
        dtype=np.float64,
    )


def basic_ess(values: FloatArray) -> float:
    """Effective sample size of several chains (Geyer's initial monotone sequence estimator).

    With rho_t the autocorrelation at lag t combined over chains, the pair sums
    P_k = rho_2k + rho_2k+1 are kept while positive, made non-increasing, and
    tau = -1 + 2 * sum(P_k); the effective size is chains * draws / tau.
    """
    chains, length = values.shape
    covariances = autocovariances(values)
    within = float(covariances[:, 0].mean()) * length / (length - 1)
    pooled = within * (length - 1) / length + float(np.var(values.mean(axis=1), ddof=1))
    total = chains * length
    if pooled == 0:
        return float(total)
    correlations = 1.0 - (within - covariances.mean(axis=0)) / pooled
    correlations[0] = 1.0
    usable = length - length % 2
    pair_sums = correlations[:usable:2] + correlations[1:usable:2]
    negative = np.flatnonzero(pair_sums <= 0)
    kept = pair_sums[: negative[0]] if len(negative) else pair_sums
    tau = -1.0 + 2.0 * float(np.minimum.accumulate(kept).sum())
    # Stan's safeguard: no chain is credited with more than log10-scaled antithetic gains.
    return float(total / max(tau, 1.0 / math.log10(total)))
