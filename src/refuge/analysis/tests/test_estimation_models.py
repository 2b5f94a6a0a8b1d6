"""Log-linear MSE against answers known by hand: Lincoln-Petersen, closed forms, identifiability."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln

from refuge.analysis.estimation import (
    CaptureTable,
    Criterion,
    EstimationError,
    LoglinearModel,
    estimate_from_table,
    fit_model,
)
from refuge.analysis.estimation.intervals import profile_interval
from refuge.analysis.estimation.search import search_models

TWO_LISTS = CaptureTable.from_patterns(("A", "B"), {(1, 1): 30, (1, 0): 70, (0, 1): 45})
THREE_LISTS = CaptureTable.from_patterns(
    ("A", "B", "C"),
    {
        (1, 1, 1): 8,
        (1, 1, 0): 20,
        (1, 0, 1): 15,
        (0, 1, 1): 12,
        (1, 0, 0): 60,
        (0, 1, 0): 50,
        (0, 0, 1): 40,
    },
)


def _lincoln_petersen_profile(
    population: float, on_first: int, on_second: int, observed: int
) -> float:
    """Multinomial log-likelihood of N for two independent lists, maximised by hand."""

    def binomial_part(caught: int) -> float:
        missed = population - caught
        return caught * math.log(caught / population) + (
            missed * math.log(missed / population) if missed else 0.0
        )

    return float(
        gammaln(population + 1)
        - gammaln(population - observed + 1)
        + binomial_part(on_first)
        + binomial_part(on_second)
    )


def test_two_lists_give_the_lincoln_petersen_estimate() -> None:
    result = estimate_from_table(TWO_LISTS)

    assert result.estimate == pytest.approx(100 * 75 / 30)
    assert result.model_terms == ()
    assert any("only two lists" in warning for warning in (note.text for note in result.warnings))


def test_two_list_interval_matches_the_hand_computed_profile_likelihood() -> None:
    def profile(population: float) -> float:
        return _lincoln_petersen_profile(population, 100, 75, 145)

    peak = minimize_scalar(lambda n: -profile(n), bounds=(145, 1000), method="bounded").x
    drop = 3.841458820694124 / 2

    def shortfall(population: float) -> float:
        return profile(peak) - profile(population) - drop

    result = estimate_from_table(TWO_LISTS)

    assert result.ci_low == pytest.approx(brentq(shortfall, 145, peak), abs=0.05)
    assert result.ci_high == pytest.approx(brentq(shortfall, peak, 2000), abs=0.05)


def test_saturated_three_list_model_equals_the_closed_form() -> None:
    table = THREE_LISTS
    closed_form = 8 * 60 * 50 * 40 / (20 * 15 * 12)

    fit = fit_model(table, LoglinearModel.all_two_way(table.list_names))

    assert fit.unobserved == pytest.approx(closed_form, rel=1e-8)
    assert fit.estimate == pytest.approx(table.observed + closed_form, rel=1e-8)


def test_independent_lists_select_independence_and_recover_the_population() -> None:
    # Expected counts of 10,000 people caught independently with chances 0.5, 0.4 and 0.3.
    chances = (0.5, 0.4, 0.3)
    table = CaptureTable.from_patterns(
        ("A", "B", "C"),
        {
            pattern: round(
                10_000
                * math.prod(c if bit else 1 - c for bit, c in zip(pattern, chances, strict=True))
            )
            for pattern in [(a, b, c) for a in (0, 1) for b in (0, 1) for c in (0, 1)]
            if any(pattern)
        },
    )

    result = estimate_from_table(table)

    assert result.model_terms == ()
    assert result.estimate == pytest.approx(10_000, rel=0.002)
    assert result.ci_low < 10_000 < result.ci_high


def test_saturated_model_with_an_empty_cell_is_refused_as_unidentifiable() -> None:
    # No one is on all three lists: the saturated model would need log(0).
    table = CaptureTable.from_patterns(
        ("A", "B", "C"),
        {
            (1, 1, 0): 5,
            (1, 0, 1): 4,
            (0, 1, 1): 3,
            (1, 0, 0): 20,
            (0, 1, 0): 30,
            (0, 0, 1): 25,
        },
    )

    with pytest.raises(EstimationError, match="no finite estimate"):
        fit_model(table, LoglinearModel.all_two_way(table.list_names))
    assert LoglinearModel.all_two_way(table.list_names) not in {
        fit.model for fit in search_models(table, Criterion.BIC).fits
    }


def test_lists_sharing_no_one_get_no_interaction_and_a_warning() -> None:
    table = CaptureTable.from_patterns(
        ("A", "B", "C"),
        {(1, 0, 1): 10, (0, 1, 1): 12, (1, 0, 0): 40, (0, 1, 0): 50, (0, 0, 1): 30},
    )

    result = estimate_from_table(table)

    assert "A:B" not in result.model_terms
    assert any(
        "share no one" in warning and "A/B" in warning
        for warning in (note.text for note in result.warnings)
    )
    with pytest.raises(EstimationError):
        fit_model(table, LoglinearModel.from_terms(table.list_names, ["A:B"]))


def test_a_list_with_no_one_is_left_out_with_a_warning() -> None:
    table = CaptureTable.from_patterns(
        ("A", "B", "C"), {(1, 1, 0): 30, (1, 0, 0): 70, (0, 1, 0): 45}
    )

    result = estimate_from_table(table)

    assert result.list_names == ("A", "B")
    assert result.estimate == pytest.approx(250)
    assert any(
        "list C has no one" in warning for warning in (note.text for note in result.warnings)
    )


def test_one_populated_list_is_refused() -> None:
    table = CaptureTable.from_patterns(("A", "B"), {(1, 0): 30})

    with pytest.raises(EstimationError, match="at least two lists"):
        estimate_from_table(table)


def test_tiny_overlap_warns_of_a_huge_estimate_and_few_overlaps() -> None:
    table = CaptureTable.from_patterns(("A", "B"), {(1, 1): 1, (1, 0): 60, (0, 1): 50})

    result = estimate_from_table(table)

    assert result.estimate == pytest.approx(61 * 51)
    assert any(
        "more than 10 times" in warning for warning in (note.text for note in result.warnings)
    )
    assert any(
        "only 1 people are on more than one list" in warning
        for warning in (note.text for note in result.warnings)
    )


def test_no_overlap_at_all_is_refused() -> None:
    table = CaptureTable.from_patterns(("A", "B"), {(1, 0): 60, (0, 1): 50})

    with pytest.raises(EstimationError, match="no log-linear model"):
        estimate_from_table(table)


def test_analyst_can_name_the_model() -> None:
    table = THREE_LISTS

    result = estimate_from_table(table, model_terms=["A:B"])

    assert result.model == "main effects + A:B"
    assert result.estimate == pytest.approx(
        fit_model(table, LoglinearModel(("A", "B", "C"), ((0, 1),))).estimate
    )
    with pytest.raises(EstimationError, match="not an interaction"):
        estimate_from_table(table, model_terms=["A:Z"])


def test_profile_interval_contains_the_estimate_and_starts_at_or_above_observed() -> None:
    table = THREE_LISTS
    for model in (
        LoglinearModel(table.list_names),
        LoglinearModel.all_two_way(table.list_names),
    ):
        fit = fit_model(table, model)

        interval = profile_interval(table, fit)

        assert table.observed <= interval.low < fit.estimate < interval.high < math.inf


def test_aic_never_prefers_a_smaller_model_than_bic() -> None:
    # log(n) > 2 whenever more than 7 people are observed, so BIC penalises terms more.
    table = THREE_LISTS

    by_aic = search_models(table, Criterion.AIC).best
    by_bic = search_models(table, Criterion.BIC).best

    assert by_aic.model.parameter_count >= by_bic.model.parameter_count


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=500), min_size=7, max_size=7))
def test_saturated_model_matches_the_closed_form_on_any_positive_table(
    counts: list[int],
) -> None:
    table = CaptureTable(("A", "B", "C"), tuple(counts))
    n = table.count
    closed_form = (
        n((1, 1, 1))
        * n((1, 0, 0))
        * n((0, 1, 0))
        * n((0, 0, 1))
        / (n((1, 1, 0)) * n((1, 0, 1)) * n((0, 1, 1)))
    )

    fit = fit_model(table, LoglinearModel.all_two_way(table.list_names))

    assert fit.unobserved == pytest.approx(closed_form, rel=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(min_value=1, max_value=2_000),
    st.integers(min_value=1, max_value=2_000),
    st.integers(min_value=1, max_value=2_000),
)
def test_two_lists_always_give_lincoln_petersen(
    both: int, first_only: int, second_only: int
) -> None:
    table = CaptureTable.from_patterns(
        ("A", "B"), {(1, 1): both, (1, 0): first_only, (0, 1): second_only}
    )

    fit = fit_model(table, LoglinearModel(table.list_names))

    expected = (both + first_only) * (both + second_only) / both
    assert fit.estimate == pytest.approx(expected, rel=1e-6)


def test_log_linear_warnings_carry_codes_the_page_says_in_russian() -> None:
    from refuge.analysis.estimate_page import note_text
    from refuge.analysis.estimation.results import result_as_json

    side: Any = result_as_json(estimate_from_table(TWO_LISTS))

    assert side["warnings"][0].startswith("only two lists")  # the command line's English
    assert side["notes"][0]["code"] == "two_lists"
    assert note_text(side["notes"][0]).startswith("Только два списка")


def test_every_note_of_the_estimators_has_a_russian_sentence_on_the_page() -> None:
    from django.utils import translation

    from refuge.analysis.estimate_page import NOTES
    from refuge.analysis.estimation.notes import TEXTS

    assert set(TEXTS) <= set(NOTES)
    with translation.override("en"):
        english = {code: str(NOTES[code]) for code in TEXTS}
    with translation.override("ru"):
        untranslated = [code for code in TEXTS if str(NOTES[code]) == english[code]]
    assert untranslated == []
