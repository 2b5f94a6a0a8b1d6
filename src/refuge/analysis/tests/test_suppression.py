"""Suppression that holds: no hidden cell can be worked out from what a report publishes."""

from __future__ import annotations

import itertools
import random
from datetime import date

import numpy as np
import pytest
from django.utils import translation

from refuge.analysis.reports import SUMMARY, build_report
from refuge.analysis.statistics import StatisticsFilter
from refuge.analysis.suppression import Equation, feasible_intervals, suppress
from refuge.analysis.tests.test_statistics import _document
from refuge.documentation.choices import SourceKind, ViolationType
from refuge.testing import keyring_for
from refuge.vault import api as vault


def _district_table() -> tuple[dict, list[Equation]]:
    # One small cell suppressed, which the total would give back: 29 acts, districts 19 + 8
    # shown, "<5" = 2.
    values = {("s", "acts"): 29, ("d", "a"): 19, ("d", "b"): 8, ("d", "c"): 2}
    return values, [Equation(("s", "acts"), (("d", "a"), ("d", "b"), ("d", "c")))]


def _recomputable(values, equations, hidden, threshold=5) -> list:
    """Every hidden cell whose value follows from the published cells, by any linear
    combination of the report's equations and the bounds an outsider knows."""
    intervals = feasible_intervals(values, equations, hidden, threshold=threshold)
    return [cell for cell, interval in intervals.items() if interval.pinned]


def _solve_by_subtraction(values, equations, hidden) -> dict:
    """The plain attack: an equation with one hidden cell gives it away."""
    found = {}
    for equation in equations:
        members = [(equation.total, -1), *((part, 1) for part in equation.parts)]
        unknown = [(cell, sign) for cell, sign in members if cell in hidden]
        if len(unknown) == 1:
            cell, sign = unknown[0]
            known = sum(sign * values[c] for c, sign in members if c not in hidden)
            found[cell] = -known * sign
    return found


def test_primary_suppression_alone_is_undone_by_subtraction() -> None:
    values, equations = _district_table()
    hidden = {("d", "c")}
    assert _solve_by_subtraction(values, equations, hidden) == {("d", "c"): 2}
    assert _recomputable(values, equations, hidden) == [("d", "c")]


def test_secondary_suppression_hides_a_complement() -> None:
    values, equations = _district_table()
    hidden = suppress(values, equations, threshold=5)
    assert hidden == {("d", "c"), ("d", "b")}
    assert _solve_by_subtraction(values, equations, hidden) == {}
    assert _recomputable(values, equations, hidden) == []


def test_two_small_cells_summing_to_their_lower_bound_are_protected() -> None:
    # 1 + 1 hidden with the rest shown: the sum 2 forces both to 1; a third cell must go.
    values = {("s", "t"): 12, ("x", "a"): 10, ("x", "b"): 1, ("x", "c"): 1}
    equations = [Equation(("s", "t"), (("x", "a"), ("x", "b"), ("x", "c")))]
    hidden = suppress(values, equations, threshold=5)
    assert ("x", "a") in hidden
    assert _recomputable(values, equations, hidden) == []


def test_tables_sharing_a_total_are_protected_together() -> None:
    # Two breakdowns of the same 30 acts: hiding in one must not be undone through the other.
    values = {
        ("s", "acts"): 30,
        ("m", "jan"): 27,
        ("m", "feb"): 3,
        ("v", "beat"): 20,
        ("v", "kill"): 6,
        ("v", "det"): 4,
    }
    equations = [
        Equation(("s", "acts"), (("m", "jan"), ("m", "feb"))),
        Equation(("s", "acts"), (("v", "beat"), ("v", "kill"), ("v", "det"))),
    ]
    hidden = suppress(values, equations, threshold=5)
    assert {("m", "feb"), ("v", "det")} <= hidden
    assert _recomputable(values, equations, hidden) == []


@pytest.mark.parametrize("seed", range(25))
def test_random_reports_leave_nothing_recomputable(seed: int) -> None:
    rng = random.Random(seed)
    values, equations = {}, []
    for total_name in ("acts", "people"):
        total = rng.randint(8, 60)
        values[("s", total_name)] = total
        for table in range(rng.randint(1, 3)):
            parts = _partition(rng, total)
            cells = tuple((f"{total_name}{table}", str(index)) for index in range(len(parts)))
            values.update(dict(zip(cells, parts, strict=True)))
            equations.append(Equation(("s", total_name), cells))
    hidden = suppress(values, equations, threshold=5)
    assert {cell for cell, value in values.items() if 0 < value < 5} <= hidden
    assert _recomputable(values, equations, hidden) == []
    assert _every_combination_fails(values, equations, hidden)


def _partition(rng: random.Random, total: int) -> list[int]:
    cuts = sorted(rng.sample(range(1, total), rng.randint(1, min(5, total - 1))))
    return [b - a for a, b in itertools.pairwise([0, *cuts, total])]


def _every_combination_fails(values, equations, hidden) -> bool:
    """Every linear combination of the equations (coefficients -2..2) that isolates one
    hidden cell has other hidden cells in it: none reveals a value by itself."""
    hidden_list = sorted(hidden)
    if not hidden_list:
        return True
    rows = []
    for equation in equations:
        row = np.zeros(len(hidden_list))
        for cell, sign in [(equation.total, -1), *((p, 1) for p in equation.parts)]:
            if cell in hidden:
                row[hidden_list.index(cell)] += sign
        rows.append(row)
    for coefficients in itertools.product(range(-2, 3), repeat=len(rows)):
        combined = sum(
            (c * r for c, r in zip(coefficients, rows, strict=True)), np.zeros(len(hidden_list))
        )
        if np.count_nonzero(combined) == 1:
            return False
    return True


@pytest.mark.django_db
def test_published_report_cannot_be_recomputed(operator_factory) -> None:
    from refuge.accounts.roles import Role

    chief = operator_factory("chief", Role.COORDINATOR)
    with vault.activated(keyring_for(chief)):
        _document(
            chief,
            names=[f"Person {i}" for i in range(9)],
            violation=ViolationType.ARBITRARY_DETENTION,
            kind=SourceKind.TESTIMONY,
            origin="a",
            day=date(2017, 3, 10),
        )
        _document(
            chief,
            names=["Alone", "Other"],
            violation=ViolationType.KILLING,
            kind=SourceKind.TESTIMONY,
            origin="b",
            day=date(2017, 4, 10),
        )
    with translation.override("en"):
        report = build_report(StatisticsFilter(), language="en")
    shown = {(SUMMARY, row.key): row for row in report.summary_rows}
    titles = {"By month": "month", "By violation": "violation", "By district": "district"}
    equations = []
    for title, rows in report.sections:
        for row in rows:
            shown[(titles.get(title, title), row.key)] = row
        if title in titles:
            equations.append(
                Equation((SUMMARY, "acts"), tuple((titles[title], row.key) for row in rows))
            )
    hidden = {cell for cell, row in shown.items() if row.is_suppressed}
    values = {cell: row.count for cell, row in shown.items()}
    assert ("violation", "killing") in hidden
    assert ("violation", "arbitrary_detention") in hidden  # the complement
    assert shown[("violation", "arbitrary_detention")].shown == "×"
    assert _recomputable(values, equations, hidden) == []
    assert _solve_by_subtraction(values, equations, hidden) == {}
