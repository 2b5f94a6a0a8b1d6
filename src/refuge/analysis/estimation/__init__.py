"""Multiple systems estimation: how many people are on none of the lists?

Public API (published numbers call this, not the modules behind it):
- read_capture_table(path_or_file) -> CaptureTable, raising CaptureTableError
- estimate_from_table(table) -> EstimateResult, raising EstimationError
- result_as_json(result) / result_as_text(result)
Both errors are refuge.core.errors.DomainError: their messages are safe to show.
"""

from refuge.analysis.estimation.errors import CaptureTableError, EstimationError
from refuge.analysis.estimation.estimate import estimate_from_table, method_text
from refuge.analysis.estimation.loglinear import (
    Criterion,
    LoglinearModel,
    ModelFit,
    fit_model,
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
    "Criterion",
    "EstimateResult",
    "EstimationError",
    "LoglinearModel",
    "ModelEstimate",
    "ModelFit",
    "Stratum",
    "StratumResult",
    "estimate_from_table",
    "fit_model",
    "method_text",
    "read_capture_table",
    "result_as_json",
    "result_as_text",
]
