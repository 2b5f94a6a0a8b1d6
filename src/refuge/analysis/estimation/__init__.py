"""Multiple systems estimation: how many people are on none of the lists?

Public API (published numbers call this, not the modules behind it):
- read_capture_table(path_or_file) -> CaptureTable, raising CaptureTableError
- estimate_from_table(table) -> EstimateResult, raising EstimationError
- result_as_json(result) / result_as_text(result)
- estimate_latent_class(table, settings=SamplerSettings(...), seed=...) -> LatentClassResult
  (Bayesian latent-class model, LCMCR; no numbers when its chains did not converge)
- estimate_by_method(table, method=Method.AUTO, ...) -> ComparedEstimate: both methods side by
  side and the headline chosen by the documented rule; compared_as_json / compared_as_text
Both errors are refuge.core.errors.DomainError: their messages are safe to show.
"""

from refuge.analysis.estimation.compare import (
    ComparedEstimate,
    Method,
    Refusal,
    estimate_by_method,
)
from refuge.analysis.estimation.errors import CaptureTableError, EstimationError
from refuge.analysis.estimation.estimate import estimate_from_table, method_text
from refuge.analysis.estimation.latent_class import SamplerSettings
from refuge.analysis.estimation.lcmcr import (
    ChainDiagnostics,
    LatentClassResult,
    estimate_latent_class,
)
from refuge.analysis.estimation.loglinear import (
    Criterion,
    LoglinearModel,
    ModelFit,
    fit_model,
)
from refuge.analysis.estimation.notes import Note, NoteError
from refuge.analysis.estimation.report import (
    compared_as_json,
    compared_as_text,
    latent_class_as_json,
)
from refuge.analysis.estimation.results import (
    EstimateResult,
    ModelEstimate,
    StratumResult,
    result_as_json,
    result_as_text,
)
from refuge.analysis.estimation.tables import CaptureTable, Stratum, read_capture_table

__all__ = [
    "CaptureTable",
    "CaptureTableError",
    "ChainDiagnostics",
    "ComparedEstimate",
    "Criterion",
    "EstimateResult",
    "EstimationError",
    "LatentClassResult",
    "LoglinearModel",
    "Method",
    "ModelEstimate",
    "ModelFit",
    "Note",
    "NoteError",
    "Refusal",
    "SamplerSettings",
    "Stratum",
    "StratumResult",
    "compared_as_json",
    "compared_as_text",
    "estimate_by_method",
    "estimate_from_table",
    "estimate_latent_class",
    "fit_model",
    "latent_class_as_json",
    "method_text",
    "read_capture_table",
    "result_as_json",
    "result_as_text",
]
