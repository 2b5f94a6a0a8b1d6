"""R-hat and effective sample size against ArviZ's, and their behaviour on known chains."""

from __future__ import annotations

import numpy as np
import pytest

from refuge.analysis.estimation.convergence import convergence_summary


def _draws() -> dict[str, np.ndarray]:
    """The draws the reference values below were computed on (same generator, same order)."""
    rng = np.random.default_rng(3)

    def autoregressive(phi: float, shape: tuple[int, int]) -> np.ndarray:
        noise = rng.normal(size=shape)
        out = np.empty(shape)
        out[:, 0] = noise[:, 0] / np.sqrt(1 - phi**2)
        for t in range(1, shape[1]):
            out[:, t] = phi * out[:, t - 1] + noise[:, t]
        return out

    cases = {"iid": rng.normal(size=(4, 500)), "ar9": autoregressive(0.9, (4, 500))}
    shifted = autoregressive(0.5, (4, 500))
    shifted[1] += 0.8
    cases["shift"] = shifted
    cases["discrete"] = np.round(np.exp(autoregressive(0.7, (3, 300)) + 3))
    return cases


# ArviZ 0.23.4 on the same draws: az.rhat(x, method="rank"), az.ess(x, method="bulk"|"tail").
ARVIZ = {
    "iid": (1.000235327270204, 1937.1395521535926, 1993.7318353902665),
    "ar9": (1.0455976468709616, 111.15255511192512, 203.9993397869743),
    "shift": (1.0479515237089743, 85.69845587838665, 767.9365335954811),
    "discrete": (1.0256866477145492, 126.48164731544644, 406.04451143686157),
}


@pytest.mark.parametrize("case", sorted(ARVIZ))
def test_rhat_and_ess_agree_with_arviz(case: str) -> None:
    rhat, bulk, tail = ARVIZ[case]

    summary = convergence_summary(_draws()[case])

    assert summary.rhat == pytest.approx(rhat, rel=1e-9)
    # ArviZ adds half of the last even autocorrelation pair ("improved" Geyer); we do not.
    assert summary.ess_bulk == pytest.approx(bulk, rel=0.01)
    assert summary.ess_tail == pytest.approx(tail, rel=0.01)


def test_independent_chains_are_converged_and_fully_effective() -> None:
    draws = np.random.default_rng(8).normal(size=(4, 2000))

    summary = convergence_summary(draws)

    assert summary.rhat < 1.01
    assert 0.9 * draws.size < summary.ess_bulk < 1.1 * draws.size


def test_chains_stuck_in_different_places_fail_rhat() -> None:
    draws = np.random.default_rng(9).normal(size=(4, 1000))
    draws[2] += 3.0

    assert convergence_summary(draws).rhat > 1.1


def test_autocorrelated_chains_have_the_expected_effective_size() -> None:
    # AR(1) with phi = 0.8: the effective size is n (1 - phi) / (1 + phi) = n / 9.
    rng = np.random.default_rng(10)
    draws = np.empty((4, 20_000))
    draws[:, 0] = rng.normal(size=4) / 0.6
    for t in range(1, draws.shape[1]):
        draws[:, t] = 0.8 * draws[:, t - 1] + rng.normal(size=4)

    assert convergence_summary(draws).ess_bulk == pytest.approx(draws.size / 9, rel=0.15)


def test_a_constant_quantity_counts_as_converged() -> None:
    summary = convergence_summary(np.full((4, 100), 271))

    assert summary.rhat == 1.0
    assert summary.ess_bulk == summary.ess_tail == 400


def test_one_chain_cannot_be_diagnosed() -> None:
    with pytest.raises(ValueError, match="at least two chains"):
        convergence_summary(np.zeros((1, 100)))
