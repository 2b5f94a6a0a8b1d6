"""Bayesian latent-class estimation (LCMCR): check the table, run the chains, judge them.

`estimate_latent_class(table, settings=..., seed=...)` returns the posterior median of the
population size with a 95% credible interval, or, when the chains have not converged, no
numbers at all and the reasons in words (`LatentClassResult.converged` is False). A table with
strata is estimated per stratum, and the total is the sum of the strata's posterior draws
(draw by draw: the strata's posteriors are independent).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from refuge.analysis.estimation.convergence import (
    ESS_LIMIT,
    RHAT_LIMIT,
    convergence_summary,
)
from refuge.analysis.estimation.errors import EstimationError
from refuge.analysis.estimation.latent_class import (
    CellData,
    PosteriorDraws,
    ProgressCallback,
    SamplerSettings,
    run_chains,
)
from refuge.analysis.estimation.notes import Note, input_notes, prepared_for_latent_classes
from refuge.analysis.estimation.tables import CaptureTable

CREDIBLE_LEVEL = 0.95
# The truncation K binds when every class holds someone in more than this share of draws.
TRUNCATION_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class ChainDiagnostics:
    """How far the chains can be trusted, with each failed check as a Note."""

    chains: int
    draws_per_chain: int
    extensions: int  # times the chains were run longer because the checks failed
    rhat: float
    ess_bulk: float
    ess_tail: float
    classes_used_median: float
    all_classes_share: float
    max_classes: int
    problems: tuple[Note, ...]

    @property
    def converged(self) -> bool:
        """The chains agree and carry enough independent draws."""
        return not self.problems


@dataclass(frozen=True, slots=True)
class LatentClassResult:
    """The latent-class estimate of one table (or the sum of its strata).

    When `converged` is False, `estimate`, `ci_low` and `ci_high` are None: the chains did not
    settle, and their numbers must not be read as a result.
    """

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    observed: int
    list_names: tuple[str, ...]
    settings: SamplerSettings
    seed: int
    diagnostics: ChainDiagnostics
    warnings: tuple[Note, ...]
    strata: tuple[tuple[str, LatentClassResult], ...] = ()
    draws: NDArray[np.int64] = field(
        default_factory=lambda: np.zeros((0, 0), dtype=np.int64), repr=False, compare=False
    )

    @property
    def converged(self) -> bool:
        """Every chain (and every stratum's) passed the convergence checks."""
        return self.diagnostics.converged

    @property
    def model(self) -> str:
        """The model in a few words."""
        return (
            f"latent classes (Dirichlet process, at most {self.settings.max_classes} classes; "
            "LCMCR)"
        )


def new_seed() -> int:
    """A fresh seed for a run whose caller gave none (reported, so the run can be repeated)."""
    return secrets.randbelow(2**31)


def estimate_latent_class(
    table: CaptureTable,
    *,
    settings: SamplerSettings | None = None,
    seed: int | None = None,
    progress: ProgressCallback | None = None,
) -> LatentClassResult:
    """Estimate the population size under the latent-class model (posterior median, 95%).

    Raises EstimationError when the table cannot support a latent-class estimate at all.
    """
    settings = settings or SamplerSettings()
    seed = new_seed() if seed is None else seed
    if not table.strata:
        return _estimate_single(table, settings, seed, 0, progress)
    results = []
    for index, stratum in enumerate(table.strata):
        scaled = _scaled_progress(progress, index, len(table.strata))
        try:
            results.append(_estimate_single(stratum.table, settings, seed, index, scaled))
        except EstimationError as error:
            raise EstimationError(
                f"stratum {stratum.name!r}: {error}; merge it with a neighbouring stratum "
                "or leave it out"
            ) from None
    names = [stratum.name for stratum in table.strata]
    return _summed(table, names, results, settings, seed)


def _scaled_progress(
    progress: ProgressCallback | None, index: int, count: int
) -> ProgressCallback | None:
    if progress is None:
        return None
    report = progress
    return lambda fraction: report((index + fraction) / count)


def _estimate_single(
    table: CaptureTable,
    settings: SamplerSettings,
    seed: int,
    index: int,
    progress: ProgressCallback | None,
) -> LatentClassResult:
    prepared, dropped = prepared_for_latent_classes(table)
    notes = [*dropped, *input_notes(prepared)]
    rng = np.random.default_rng([seed, index])
    draws = run_chains(CellData.from_table(prepared), settings, rng, progress, settled=_settled)
    diagnostics = _diagnose(draws, settings)
    notes += _extension_notes(draws, settings)
    return _result(
        prepared,
        draws.population,
        diagnostics=diagnostics,
        settings=settings,
        seed=seed,
        notes=notes,
    )


def _extension_notes(draws: PosteriorDraws, settings: SamplerSettings) -> list[Note]:
    if not draws.extensions:
        return []
    values = {
        "sweeps": settings.iterations,
        "times": draws.extensions,
        "total": settings.iterations * (draws.extensions + 1),
    }
    return [Note("extended", values)]


def _summed(
    table: CaptureTable,
    names: Sequence[str],
    results: Sequence[LatentClassResult],
    settings: SamplerSettings,
    seed: int,
) -> LatentClassResult:
    # A stratum whose chains were run longer has more draws: the sum pairs the latest ones.
    shortest = min(result.draws.shape[1] for result in results)
    total = np.sum([result.draws[:, -shortest:] for result in results], axis=0)
    summary = convergence_summary(total)
    classes = [result.diagnostics for result in results]
    problems = _convergence_problems(summary.rhat, summary.ess_bulk, summary.ess_tail)
    problems += [
        Note("stratum_not_converged", {"stratum": name})
        for name, result in zip(names, results, strict=True)
        if not result.converged
    ]
    diagnostics = ChainDiagnostics(
        chains=settings.chains,
        draws_per_chain=total.shape[1],
        extensions=max(item.extensions for item in classes),
        rhat=summary.rhat,
        ess_bulk=summary.ess_bulk,
        ess_tail=summary.ess_tail,
        classes_used_median=max(item.classes_used_median for item in classes),
        all_classes_share=max(item.all_classes_share for item in classes),
        max_classes=settings.max_classes,
        problems=tuple(problems),
    )
    notes = [
        note.in_stratum(name)
        for name, result in zip(names, results, strict=True)
        for note in result.warnings
    ]
    strata = tuple(zip(names, results, strict=True))
    return _result(
        table,
        total,
        diagnostics=diagnostics,
        settings=settings,
        seed=seed,
        notes=notes,
        strata=strata,
    )


def _result(
    table: CaptureTable,
    population: NDArray[np.int64],
    *,
    diagnostics: ChainDiagnostics,
    settings: SamplerSettings,
    seed: int,
    notes: Sequence[Note],
    strata: tuple[tuple[str, LatentClassResult], ...] = (),
) -> LatentClassResult:
    tail = (1.0 - CREDIBLE_LEVEL) / 2.0
    low, median, high = (float(value) for value in np.quantile(population, [tail, 0.5, 1.0 - tail]))
    notes = [*notes, *_estimate_notes(table.observed, median, diagnostics)]
    converged = diagnostics.converged
    return LatentClassResult(
        estimate=median if converged else None,
        ci_low=low if converged else None,
        ci_high=high if converged else None,
        observed=table.observed,
        list_names=table.list_names,
        settings=settings,
        seed=seed,
        diagnostics=diagnostics,
        warnings=tuple(notes),
        strata=strata,
        draws=population,
    )


def _settled(draws: PosteriorDraws) -> bool:
    """Whether the draws so far pass the convergence checks (else the chains run longer)."""
    summary = convergence_summary(draws.population)
    return not _convergence_problems(summary.rhat, summary.ess_bulk, summary.ess_tail)


def _diagnose(draws: PosteriorDraws, settings: SamplerSettings) -> ChainDiagnostics:
    summary = convergence_summary(draws.population)
    return ChainDiagnostics(
        chains=settings.chains,
        draws_per_chain=draws.population.shape[1],
        extensions=draws.extensions,
        rhat=summary.rhat,
        ess_bulk=summary.ess_bulk,
        ess_tail=summary.ess_tail,
        classes_used_median=float(np.median(draws.classes_used)),
        all_classes_share=float(np.mean(draws.classes_used >= draws.max_classes)),
        max_classes=draws.max_classes,
        problems=tuple(_convergence_problems(summary.rhat, summary.ess_bulk, summary.ess_tail)),
    )


def _convergence_problems(rhat: float, ess_bulk: float, ess_tail: float) -> list[Note]:
    problems = []
    if not rhat < RHAT_LIMIT:  # also catches NaN
        problems.append(Note("rhat", {"value": round(rhat, 3), "limit": RHAT_LIMIT}))
    if not ess_bulk >= ESS_LIMIT:
        problems.append(Note("ess_bulk", {"value": round(ess_bulk), "limit": ESS_LIMIT}))
    if not ess_tail >= ESS_LIMIT:
        problems.append(Note("ess_tail", {"value": round(ess_tail), "limit": ESS_LIMIT}))
    return problems


def _estimate_notes(observed: int, median: float, diagnostics: ChainDiagnostics) -> list[Note]:
    notes = []
    if diagnostics.all_classes_share > TRUNCATION_SHARE:
        notes.append(
            Note(
                "truncation",
                {
                    "share": round(100 * diagnostics.all_classes_share),
                    "classes": diagnostics.max_classes,
                },
            )
        )
    if diagnostics.converged and median > 10 * observed:
        notes.append(Note("huge", {"factor": 10}))
    return notes
