"""Pairwise precision, recall and F1 of a clustering against a known truth.

Pairs are counted per cluster with n*(n-1)/2, never enumerated, so a million records
score in a second.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PairwiseScore:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int


def _pairs(counts: Counter[Hashable]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def pairwise_score(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> PairwiseScore:
    """Score cluster labels against true entity labels, record by record."""
    if len(predicted) != len(truth):
        raise ValueError("predicted and truth must label the same records")
    predicted_pairs = _pairs(Counter(predicted))
    true_pairs = _pairs(Counter(truth))
    correct = _pairs(Counter(zip(predicted, truth, strict=True)))
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScore(precision, recall, f1, true_pairs, predicted_pairs, correct)
