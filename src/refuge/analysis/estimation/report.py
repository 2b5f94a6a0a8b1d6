"""JSON and plain text of the latent-class result and of both methods side by side."""

from __future__ import annotations

import math

from refuge.analysis.estimation.compare import ComparedEstimate, Refusal
from refuge.analysis.estimation.latent_class import WARM_UP
from refuge.analysis.estimation.lcmcr import CREDIBLE_LEVEL, ChainDiagnostics, LatentClassResult
from refuge.analysis.estimation.results import EstimateResult, JsonValue, result_as_json

INTERVAL_METHOD = (
    "95% credible interval: the 2.5% and 97.5% quantiles of the posterior draws of N; "
    "the estimate is their median"
)
LOGLINEAR_ASSUMPTIONS = (
    "Log-linear: a closed population and correctly matched records; whatever ties the lists "
    "together is a dependence between pairs of lists (one organisation referring people to "
    "another). It cannot see people who are hard to find on every list at once, and then "
    "counts too low."
)
LCMCR_ASSUMPTIONS = (
    "Latent classes: a closed population and correctly matched records; people differ in how "
    "easy they are to find, and a few groups (classes) of people who are alike describe that; "
    "within a group the lists find people independently. It allows for people hard to find "
    "everywhere, but reads a strong referral between two lists as such a group."
)


def _rounded(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, 1)


def latent_class_method_text(result: LatentClassResult) -> str:
    """Describe the method and this run in words, for a published report."""
    settings = result.settings
    return (
        "Bayesian latent-class multiple systems estimation (Manrique-Vallier 2016, Biometrics; "
        "the model and Gibbs sampler of the R package LCMCR, reimplemented in numpy). Every "
        f"person belongs to one of at most {settings.max_classes} latent classes, weighted by a "
        "truncated stick-breaking (Dirichlet process) prior whose concentration has a "
        f"Gamma({settings.alpha_shape:g}, {settings.alpha_rate:g}) prior; within a class, being "
        "on one list is independent of being on another, each with its own probability "
        "(uniform prior). Classes capture heterogeneity: people hard to find on every list form "
        "their own class. The prior on the population size N is proportional to 1/N. "
        f"{settings.chains} chains, each with a {WARM_UP}-sweep warm-up, {settings.burn_in:,} "
        f"sweeps of burn-in and {settings.iterations:,} sweeps of which every "
        f"{settings.thin}th was kept (seed {result.seed}); chains that failed the checks below "
        f"continued for another {settings.iterations:,} sweeps, at most {settings.extensions} "
        "times, and were judged on all their kept draws. The estimate is the posterior median "
        "of N and the interval the 2.5% and 97.5% quantiles of its draws. Convergence is "
        "checked with the rank-normalised split R-hat (below 1.01) and the bulk and tail "
        "effective sample sizes (at least 400) of N (Vehtari et al. 2021); a run that fails "
        "them reports no numbers. With strata, each stratum is estimated on its own and the "
        "draws are summed draw by draw."
    )


def diagnostics_as_json(diagnostics: ChainDiagnostics) -> dict[str, JsonValue]:
    """Convergence figures of N and the checks that failed."""
    return {
        "converged": diagnostics.converged,
        "chains": diagnostics.chains,
        "draws_per_chain": diagnostics.draws_per_chain,
        "extensions": diagnostics.extensions,
        "rhat": round(diagnostics.rhat, 4) if math.isfinite(diagnostics.rhat) else None,
        "ess_bulk": _rounded(diagnostics.ess_bulk),
        "ess_tail": _rounded(diagnostics.ess_tail),
        "classes_used_median": diagnostics.classes_used_median,
        "all_classes_used_share": round(diagnostics.all_classes_share, 4),
        "max_classes": diagnostics.max_classes,
        "problems": [note.as_json() for note in diagnostics.problems],
    }


def latent_class_as_json(result: LatentClassResult) -> dict[str, JsonValue]:
    """The latent-class result; no estimate or interval when the chains did not converge."""
    settings = result.settings
    unobserved = None if result.estimate is None else result.estimate - result.observed
    return {
        "estimate": _rounded(result.estimate),
        "ci_low": _rounded(result.ci_low),
        "ci_high": _rounded(result.ci_high),
        "converged": result.converged,
        "confidence_level": CREDIBLE_LEVEL,
        "interval_method": INTERVAL_METHOD,
        "observed": result.observed,
        "unobserved": _rounded(unobserved),
        "lists": list(result.list_names),
        "model": result.model,
        "seed": result.seed,
        "settings": {
            "max_classes": settings.max_classes,
            "chains": settings.chains,
            "warm_up": WARM_UP,
            "burn_in": settings.burn_in,
            "iterations": settings.iterations,
            "thin": settings.thin,
            "extensions": settings.extensions,
            "alpha_prior": [settings.alpha_shape, settings.alpha_rate],
        },
        "diagnostics": diagnostics_as_json(result.diagnostics),
        "warnings": [note.text for note in result.warnings],
        "notes": [note.as_json() for note in result.warnings],
        "strata": [
            {"stratum": name, **latent_class_as_json(stratum)} for name, stratum in result.strata
        ],
        "method": latent_class_method_text(result),
        "assumptions": LCMCR_ASSUMPTIONS,
    }


def _side_as_json(side: EstimateResult | LatentClassResult | Refusal) -> dict[str, JsonValue]:
    if isinstance(side, Refusal):
        note = side.note.as_json() if side.note else None
        return {"error": side.message, "error_note": note}
    if isinstance(side, EstimateResult):
        return {**result_as_json(side), "assumptions": LOGLINEAR_ASSUMPTIONS}
    return latent_class_as_json(side)


def compared_as_json(compared: ComparedEstimate) -> dict[str, JsonValue]:
    """The headline method's fields at the top (null when there is none), both methods below."""
    headline = compared.headline
    top: dict[str, JsonValue]
    if headline is None:
        top = {
            "estimate": None,
            "ci_low": None,
            "ci_high": None,
            "model": None,
            "observed": compared.observed,
        }
    else:
        top = _side_as_json(headline)
    return {
        **top,
        "method_requested": compared.requested.value,
        "method_used": compared.chosen.value if compared.chosen else None,
        "method_choice": compared.choice.as_json(),
        "loglinear": _side_as_json(compared.loglinear),
        "lcmcr": _side_as_json(compared.lcmcr),
    }


def _people(value: float | None) -> str:
    if value is None:
        return "-"
    return "unbounded" if math.isinf(value) else f"{value:,.0f}"


def _column(side: EstimateResult | LatentClassResult | Refusal) -> list[str]:
    """Estimate, interval, model and status of one method, one cell each."""
    if isinstance(side, Refusal):
        return ["-", "-", "-", "no estimate (see below)"]
    if isinstance(side, EstimateResult):
        return [
            _people(side.estimate),
            f"{_people(side.ci_low)} to {_people(side.ci_high)}",
            side.model,
            "profile likelihood, 95%",
        ]
    if not side.converged:
        return ["-", "-", side.model, "chains did not converge"]
    return [
        _people(side.estimate),
        f"{_people(side.ci_low)} to {_people(side.ci_high)}",
        side.model,
        f"R-hat {side.diagnostics.rhat:.3f}, ESS {side.diagnostics.ess_bulk:,.0f}",
    ]


def compared_as_text(compared: ComparedEstimate) -> str:
    """Both methods side by side, the choice, diagnostics and warnings, in plain text."""
    headline = compared.headline
    lines = []
    if headline is None or headline.estimate is None:
        lines.append("No estimate can be given (see below).")
    else:
        lines.append(
            f"Estimated population: {_people(headline.estimate)} (95% interval "
            f"{_people(headline.ci_low)} to {_people(headline.ci_high)})"
        )
    lines += [
        f"Observed on at least one list: {compared.observed:,}",
        f"Why this figure: {compared.choice.text}",
        "",
    ]
    labels = ["estimate", "95% interval", "model", "check"]
    left, right = _column(compared.loglinear), _column(compared.lcmcr)
    width = max(len(cell) for cell in [*left, "log-linear"]) + 2
    lines.append(f"{'':14}{'log-linear':{width}}latent classes (LCMCR)")
    lines += [f"{label:14}{a:{width}}{b}" for label, a, b in zip(labels, left, right, strict=True)]
    lines += [
        "",
        *_details("log-linear", compared.loglinear),
        *_details("latent classes", compared.lcmcr),
        "",
        "Assumptions:",
        f"  {LOGLINEAR_ASSUMPTIONS}",
        f"  {LCMCR_ASSUMPTIONS}",
    ]
    return "\n".join(lines)


def _details(label: str, side: EstimateResult | LatentClassResult | Refusal) -> list[str]:
    if isinstance(side, Refusal):
        return [f"No estimate ({label}): {side.message}"]
    if isinstance(side, EstimateResult):
        lines = [
            f"  stratum {stratum.name}: {_people(stratum.result.estimate)}"
            for stratum in side.strata
        ]
        return lines + [f"Warning ({label}): {note.text}" for note in side.warnings]
    diagnostics = side.diagnostics
    lines = [
        f"{label}: {diagnostics.chains} chains x {diagnostics.draws_per_chain:,} draws, "
        f"R-hat {diagnostics.rhat:.3f}, effective sample size {diagnostics.ess_bulk:,.0f} "
        f"(bulk) / {diagnostics.ess_tail:,.0f} (tail), seed {side.seed}"
    ]
    lines += [
        f"  stratum {name}: {_people(stratum.estimate)} "
        f"({_people(stratum.ci_low)} to {_people(stratum.ci_high)})"
        for name, stratum in side.strata
    ]
    lines += [f"NOT CONVERGED ({label}): {problem.text}" for problem in diagnostics.problems]
    return lines + [f"Warning ({label}): {note.text}" for note in side.warnings]
