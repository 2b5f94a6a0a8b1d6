"""Small-cell suppression that holds: primary, then complementary (secondary) suppression.

Primary: a cell from 1 to threshold-1 could single a person out and is hidden.
Secondary: a hidden cell must not be recoverable from the published cells of the report by
any linear recomputation (a row total minus the shown cells, two tables sharing a total,
or bounds: two hidden cells summing to 2 are both 1). Every suppressed cell is audited by
linear programming over all the report's equations with what the page tells an outsider:
a cell shown "<5" lies in 1..4, a cell hidden for protection ("×") is 5 or more (else it
would have been "<5"), zeros are absent rows. While a hidden cell is pinned to one value,
the smallest published cell of an equation that pins it is hidden too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

CellId = tuple[str, str]  # (table, key)


@dataclass(frozen=True, slots=True)
class Equation:
    """Published relation: the cells `parts` add up to the cell `total`."""

    total: CellId
    parts: tuple[CellId, ...]


@dataclass(frozen=True, slots=True)
class Interval:
    low: float
    high: float  # inf when unbounded

    @property
    def pinned(self) -> bool:
        return self.high - self.low < 1.0 - 1e-9


def primary(values: Mapping[CellId, int], threshold: int) -> set[CellId]:
    return {cell for cell, value in values.items() if 0 < value < threshold}


def _bounds(value: int, threshold: int) -> tuple[int, int | None]:
    return (1, threshold - 1) if 0 < value < threshold else (threshold, None)


def feasible_intervals(
    values: Mapping[CellId, int],
    equations: Sequence[Equation],
    hidden: set[CellId],
    *,
    threshold: int,
) -> dict[CellId, Interval]:
    """What an outsider can work out about each hidden cell from everything published."""
    unknowns = sorted(hidden)
    if not unknowns:
        return {}
    position = {cell: index for index, cell in enumerate(unknowns)}
    rows, right = [], []
    for equation in equations:
        row = np.zeros(len(unknowns))
        constant = 0.0
        for cell, sign in [(equation.total, -1.0)] + [(part, 1.0) for part in equation.parts]:
            if cell in position:
                row[position[cell]] += sign
            else:
                constant += sign * values[cell]
        if row.any():
            rows.append(row)
            right.append(-constant)
    matrix = np.array(rows) if rows else None
    vector = np.array(right) if rows else None
    bounds = [_bounds(values[cell], threshold) for cell in unknowns]
    intervals = {}
    for cell, index in position.items():
        objective = np.zeros(len(unknowns))
        objective[index] = 1.0
        low = linprog(objective, A_eq=matrix, b_eq=vector, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=matrix, b_eq=vector, bounds=bounds, method="highs")
        upper = float("inf") if high.status == 3 else -float(high.fun)  # 3: unbounded
        intervals[cell] = Interval(float(low.fun), upper)
    return intervals


def suppress(
    values: Mapping[CellId, int], equations: Sequence[Equation], *, threshold: int
) -> set[CellId]:
    """The cells to hide: primary ones, plus as few others as the greedy audit needs."""
    hidden = primary(values, threshold)
    while True:
        intervals = feasible_intervals(values, equations, hidden, threshold=threshold)
        pinned = sorted(cell for cell, interval in intervals.items() if interval.pinned)
        if not pinned:
            return hidden
        extra = _complement(values, equations, hidden, pinned[0])
        if extra is None:
            # Nothing left to hide in its equations: hide everything they touch.
            for equation in equations:
                hidden |= {equation.total, *equation.parts} & values.keys()
            return {cell for cell in hidden if values[cell] > 0}
        hidden.add(extra)


def _complement(
    values: Mapping[CellId, int],
    equations: Sequence[Equation],
    hidden: set[CellId],
    cell: CellId,
) -> CellId | None:
    """The smallest published non-zero cell sharing an equation with `cell` (parts first,
    totals last: hiding a total hides a headline number)."""
    candidates: list[tuple[int, int, CellId]] = []
    for equation in equations:
        members = (equation.total, *equation.parts)
        if cell not in members:
            continue
        for member in equation.parts:
            if member not in hidden and values[member] > 0:
                candidates.append((0, values[member], member))
        if equation.total not in hidden and values[equation.total] > 0:
            candidates.append((1, values[equation.total], equation.total))
    return min(candidates)[2] if candidates else None
