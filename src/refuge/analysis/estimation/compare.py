"""Both estimators on one table, side by side, and which of them gives the headline figure.

The rule of `--method auto` (docs/analysis-estimation.md, "Which method"):
1. the latent-class estimate when the table has three or more lists that hold someone and its
   chains converged (R-hat below 1.01, at least 400 effective draws, bulk and tail);
2. otherwise the log-linear estimate, saying why the latent-class one is not the headline;
3. the latent-class estimate when no log-linear model can be fitted and its chains converged;
4. no headline when neither can be given (the reasons are reported).
Both methods always run, so the analyst always sees the other number and its assumptions.
An explicit `--method` is honoured: if that method gives nothing trustworthy, there is no
headline figure (the other method is still shown, for comparison, not as the answer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from refuge.analysis.estimation.errors import EstimationError
from refuge.analysis.estimation.estimate import estimate_from_table
from refuge.analysis.estimation.latent_class import ProgressCallback, SamplerSettings
from refuge.analysis.estimation.lcmcr import LatentClassResult, estimate_latent_class
from refuge.analysis.estimation.loglinear import Criterion
from refuge.analysis.estimation.notes import Note, NoteError
from refuge.analysis.estimation.results import EstimateResult
from refuge.analysis.estimation.tables import CaptureTable


class Method(StrEnum):
    """Which estimator gives the headline figure."""

    AUTO = "auto"
    LOGLINEAR = "loglinear"
    LCMCR = "lcmcr"


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why one method gave no estimate: the message, and its Note when it has one."""

    message: str
    note: Note | None = None


@dataclass(frozen=True, slots=True)
class ComparedEstimate:
    """Both methods' results (or refusals) and the one chosen for the headline, if any."""

    requested: Method
    chosen: Method | None
    choice: Note
    observed: int
    loglinear: EstimateResult | Refusal
    lcmcr: LatentClassResult | Refusal

    @property
    def headline(self) -> EstimateResult | LatentClassResult | None:
        """The result whose numbers are the answer, or None when there is none to give."""
        if self.chosen is Method.LOGLINEAR:
            return self.loglinear if isinstance(self.loglinear, EstimateResult) else None
        if self.chosen is Method.LCMCR:
            return self.lcmcr if isinstance(self.lcmcr, LatentClassResult) else None
        return None


def estimate_by_method(
    table: CaptureTable,
    *,
    method: Method = Method.AUTO,
    settings: SamplerSettings | None = None,
    seed: int | None = None,
    criterion: Criterion = Criterion.BIC,
    model_terms: Sequence[str] | None = None,
    progress: ProgressCallback | None = None,
) -> ComparedEstimate:
    """Run both estimators and choose the headline by `method` (see the module's rule).

    Raises EstimationError only when neither method can estimate anything from the table.
    """
    loglinear: EstimateResult | Refusal
    try:
        loglinear = estimate_from_table(table, criterion=criterion, model_terms=model_terms)
    except EstimationError as error:
        loglinear = Refusal(str(error))
    lcmcr: LatentClassResult | Refusal
    try:
        lcmcr = estimate_latent_class(table, settings=settings, seed=seed, progress=progress)
    except NoteError as error:
        lcmcr = Refusal(str(error), error.note)
    except EstimationError as error:
        lcmcr = Refusal(str(error))
    if isinstance(loglinear, Refusal) and isinstance(lcmcr, Refusal):
        raise EstimationError(f"{loglinear.message}; latent classes: {lcmcr.message}")
    chosen, choice = choose(method, loglinear, lcmcr)
    return ComparedEstimate(method, chosen, choice, table.observed, loglinear, lcmcr)


def choose(
    method: Method, loglinear: EstimateResult | Refusal, lcmcr: LatentClassResult | Refusal
) -> tuple[Method | None, Note]:
    """Apply the rule: which method's numbers are the headline, and the reason."""
    lcmcr_usable = isinstance(lcmcr, LatentClassResult) and lcmcr.converged
    loglinear_usable = isinstance(loglinear, EstimateResult)
    if method is Method.LOGLINEAR:
        if loglinear_usable:
            return Method.LOGLINEAR, Note("requested", {"method": "log-linear"})
        return None, Note("requested_failed", {"method": "log-linear"})
    if method is Method.LCMCR:
        if lcmcr_usable:
            return Method.LCMCR, Note("requested", {"method": "latent-class"})
        if isinstance(lcmcr, LatentClassResult):
            return None, Note("requested_unconverged", {})
        return None, Note("requested_failed", {"method": "latent-class"})
    return _automatic(loglinear_usable, lcmcr_usable, lcmcr)


def _automatic(
    loglinear_usable: bool, lcmcr_usable: bool, lcmcr: LatentClassResult | Refusal
) -> tuple[Method | None, Note]:
    if lcmcr_usable:
        code = "auto_lcmcr" if loglinear_usable else "auto_lcmcr_only"
        return Method.LCMCR, Note(code, {})
    if not loglinear_usable:
        return None, Note("auto_none", {})
    if isinstance(lcmcr, LatentClassResult):
        return Method.LOGLINEAR, Note("auto_loglinear_unconverged", {})
    if lcmcr.note is not None and lcmcr.note.code == "too_few_lists":
        return Method.LOGLINEAR, Note("auto_loglinear_lists", {})
    return Method.LOGLINEAR, Note("auto_loglinear_failed", {})
