"""The estimator on published capture tables (/work/shared/data/mse, read-only)."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from refuge.analysis.estimation import (
    CaptureTable,
    EstimationError,
    LoglinearModel,
    estimate_from_table,
    fit_model,
    read_capture_table,
)

REPO_ROOT = Path(__file__).resolve().parents[4]


def _data_dir() -> Path | None:
    """The shared data sits at ../shared from a main checkout, ../../shared from a worktree in wt/."""
    candidates = [
        REPO_ROOT / ".." / "shared" / "data" / "mse",
        REPO_ROOT / ".." / ".." / "shared" / "data" / "mse",
    ]
    if "REFUGE_MSE_DATA_DIR" in os.environ:
        candidates.insert(0, Path(os.environ["REFUGE_MSE_DATA_DIR"]))
    return next((path for path in candidates if path.is_dir()), None)


DATA_DIR = _data_dir()
pytestmark = pytest.mark.skipif(
    DATA_DIR is None,
    reason="published MSE tables not found at ../shared/data/mse (or REFUGE_MSE_DATA_DIR)",
)


def _table(name: str) -> CaptureTable:
    assert DATA_DIR is not None
    return read_capture_table(DATA_DIR / name)


def _closed_form_unobserved(table: CaptureTable) -> float:
    """n000 = n111 * n100 * n010 * n001 / (n110 * n101 * n011) (README of the data)."""
    n = table.count
    return (
        n((1, 1, 1))
        * n((1, 0, 0))
        * n((0, 1, 0))
        * n((0, 0, 1))
        / (n((1, 1, 0)) * n((1, 0, 1)) * n((0, 1, 1)))
    )


def _three_list_subtables() -> list[tuple[str, CaptureTable]]:
    if DATA_DIR is None:
        return []
    subtables = []
    for path in sorted(DATA_DIR.glob("*.csv")):
        table = read_capture_table(path)
        for keep in itertools.combinations(table.list_names, 3):
            subtables.append((f"{path.stem}[{','.join(keep)}]", table.collapse(keep)))
    return subtables


def test_hepatitis_saturated_model_equals_the_closed_form() -> None:
    table = _table("hepatitis_a_taiwan_1995_3lists.csv")

    fit = fit_model(table, LoglinearModel.all_two_way(table.list_names))

    assert table.observed == 271
    assert fit.unobserved == pytest.approx(_closed_form_unobserved(table), rel=1e-7)


def test_saturated_model_equals_the_closed_form_on_every_three_list_subtable() -> None:
    compared = refused = 0
    for name, table in _three_list_subtables():
        model = LoglinearModel.all_two_way(table.list_names)
        if 0 in table.counts:
            # An empty cell has a fitted count of zero under the saturated model: no finite MLE.
            with pytest.raises(EstimationError):
                fit_model(table, model)
            refused += 1
            continue
        assert fit_model(table, model).unobserved == pytest.approx(
            _closed_form_unobserved(table), rel=1e-6
        ), name
        compared += 1
    assert compared >= 30
    assert refused >= 1


def test_published_tables_have_the_documented_observed_totals() -> None:
    assert _table("kosovo_1999_4lists.csv").observed == 4_400
    assert _table("uk_modern_slavery_2013_5lists.csv").observed == 2_744
    assert _table("hiv_rome_1990_4lists.csv").observed == 1_896


def test_uk_modern_slavery_estimate_is_in_the_published_range() -> None:
    # Silverman (2014): about 10,000 to 13,000 victims in 2013.
    result = estimate_from_table(_table("uk_modern_slavery_2013_6lists.csv"), alternatives=0)

    assert "stepwise" in result.search
    assert 10_000 <= result.estimate <= 13_000
    assert result.ci_low < result.estimate < result.ci_high


def test_kosovo_estimate_brackets_the_observed_and_reports_alternatives() -> None:
    # Ball et al. (2002) published about 10,500 from estimates stratified by place and time; the
    # pooled four-list table selects a model that estimates more, and one close to it is reported.
    result = estimate_from_table(_table("kosovo_1999_4lists.csv"))

    assert 4_400 < result.ci_low < result.estimate < result.ci_high
    assert 9_000 < result.estimate < 20_000
    assert len(result.alternatives) == 5
    assert any(9_000 < alternative.estimate < 12_000 for alternative in result.alternatives)
