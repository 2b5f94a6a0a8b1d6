"""Warnings and refusals of the latent-class estimator, as codes with values.

A Note names what the analyst should know by a stable code and the numbers that go with it.
`Note.text` is the English sentence (the command line, JSON); the app renders the same code
in the reader's language (refuge.analysis.estimate_page.NOTES). Refusals raise NoteError, an
EstimationError that carries its Note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from refuge.analysis.estimation.errors import EstimationError
from refuge.analysis.estimation.results import JsonValue
from refuge.analysis.estimation.tables import CaptureTable

NoteValue = str | int | float
# Fewer people than this on two or more lists: the estimate leans on a handful of overlaps.
FEW_OVERLAPS = 20
# From this many lists on, most capture patterns are necessarily empty.
MANY_LISTS = 10

TEXTS: Mapping[str, str] = {
    # refusals
    "no_one": "no one is on any list",
    "too_few_lists": (
        "latent-class estimation needs at least three lists that hold someone; this table has "
        "{count}: with two lists no model can tell people who are hard to find apart from "
        "lists that avoid each other"
    ),
    "one_pattern": (
        "everyone observed has the same capture pattern ({pattern}): the table shows nothing "
        "about how the lists overlap, so it cannot tell how many people were missed"
    ),
    "no_overlaps": (
        "no one is on more than one list: without overlaps between lists nothing ties them "
        "together, and no capture-recapture method can estimate the people missed"
    ),
    # warnings
    "empty_list": "list {list} has no one on it and is left out",
    "three_lists": (
        "only three lists: a latent-class model has more unknowns than a three-list table has "
        "cells, so its estimate leans on the prior and its interval is wide"
    ),
    "few_overlaps": (
        "only {count} people are on more than one list: the estimate rests on very few "
        "overlaps and can change a lot with a few records"
    ),
    "many_lists": (
        "{lists} lists: {patterns} of the {cells} possible capture patterns hold anyone; the "
        "latent-class model is built for such sparse tables, but a run takes longer"
    ),
    "truncation": (
        "all {classes} latent classes held someone in {share}% of the draws: the limit on the "
        "number of classes may be holding the model back; run again with more classes"
    ),
    "huge": (
        "the estimate is more than {factor} times the number observed: it extrapolates far "
        "beyond the data"
    ),
    # warnings of the log-linear models
    "two_lists": (
        "only two lists: the estimate assumes that being on one list does not change the chance "
        "of being on the other (independence), and two lists cannot check that"
    ),
    "lists_apart": "lists that share no one, so their interaction cannot be estimated: {pairs}",
    "unsupported_models": (
        "{count} candidate models were left out: empty cells or margins leave them without a "
        "finite estimate"
    ),
    "open_ended": (
        "the data give no upper bound: the interval is open-ended (ci_high is null in JSON)"
    ),
    "close_models": (
        "models almost as well supported (within {delta:g} of the best {criterion}) estimate "
        "from {low:,.0f} to {high:,.0f}: the choice of model matters as much as the interval "
        "shows"
    ),
    "saturated": (
        "the model has as many parameters as the table has cells: it fits exactly, so nothing "
        "in the data can check it"
    ),
    "poor_fit": (
        "even the selected model fits the table poorly (deviance {deviance:.1f} on {df} "
        "degrees of freedom): the lists depend on each other in ways two-way terms do not "
        "capture"
    ),
    # failed convergence checks
    "rhat": (
        "the chains disagree (R-hat {value}; it must be below {limit}): the sampler has not "
        "settled on one answer, so its numbers are not shown; run it longer (more burn-in and "
        "iterations)"
    ),
    "ess_bulk": (
        "too few independent draws for the middle of the distribution (effective sample size "
        "{value}; at least {limit} are needed): the estimate is not reliable yet; run it longer"
    ),
    "ess_tail": (
        "too few independent draws for the ends of the interval (effective sample size {value}; "
        "at least {limit} are needed): the interval is not reliable yet; run it longer"
    ),
    "stratum_not_converged": "the chains of stratum {stratum} did not converge",
    "extended": (
        "the chains had not settled after {sweeps:,} sweeps, so they were run longer "
        "(extensions: {times}; {total:,} sweeps in all) and judged on all their draws"
    ),
    # which method gives the headline figure, and why
    "requested": "the {method} estimate, as requested",
    "requested_failed": (
        "no {method} estimate can be given for this table (see below); the other method is "
        "shown for comparison, not as the answer"
    ),
    "requested_unconverged": (
        "the latent-class chains did not converge, so there is no latent-class estimate to "
        "report; the log-linear one is shown for comparison, not as the answer"
    ),
    "auto_lcmcr": (
        "automatic choice: latent classes, because there are three or more lists and the chains "
        "converged; unlike log-linear models, latent classes allow for people who are hard to "
        "find on every list"
    ),
    "auto_lcmcr_only": (
        "automatic choice: latent classes, because no log-linear model could be fitted"
    ),
    "auto_loglinear_lists": (
        "automatic choice: log-linear, because latent classes need at least three lists that "
        "hold someone"
    ),
    "auto_loglinear_failed": (
        "automatic choice: log-linear, because the latent-class estimate could not be made"
    ),
    "auto_loglinear_unconverged": (
        "automatic choice: log-linear, because the latent-class chains did not converge; run "
        "them longer to compare"
    ),
    "auto_none": (
        "no estimate can be given: no log-linear model could be fitted and the latent-class "
        "chains did not converge; run them longer"
    ),
}


@dataclass(frozen=True, slots=True)
class Note:
    """Something the analyst must know, as a code and its values."""

    code: str
    values: Mapping[str, NoteValue]

    @property
    def text(self) -> str:
        """The English sentence."""
        sentence = TEXTS[self.code].format(**self.values)
        stratum = self.values.get("in_stratum")
        return f"stratum {stratum}: {sentence}" if stratum is not None else sentence

    def in_stratum(self, name: str) -> Note:
        """The same note, said of one stratum."""
        return Note(self.code, {**self.values, "in_stratum": name})

    def as_json(self) -> dict[str, JsonValue]:
        """Code, values and the English sentence."""
        values: dict[str, JsonValue] = dict(self.values)
        return {"code": self.code, "values": values, "text": self.text}


class NoteError(EstimationError):
    """The table cannot support a latent-class estimate; `note` says why."""

    def __init__(self, note: Note) -> None:
        super().__init__(note.text)
        self.note = note


def prepared_for_latent_classes(table: CaptureTable) -> tuple[CaptureTable, list[Note]]:
    """Drop lists that hold no one and refuse tables that cannot support the model."""
    if table.observed == 0:
        raise NoteError(Note("no_one", {}))
    totals = table.list_totals()
    kept = [name for name, total in zip(table.list_names, totals, strict=True) if total > 0]
    dropped = [
        Note("empty_list", {"list": name})
        for name, total in zip(table.list_names, totals, strict=True)
        if total == 0
    ]
    if len(kept) < 3:
        raise NoteError(Note("too_few_lists", {"count": len(kept)}))
    prepared = table.collapse(kept) if dropped else table
    counts = np.array(prepared.counts)
    seen = np.flatnonzero(counts > 0)
    if len(seen) == 1:
        pattern = "".join(str(bit) for bit in prepared.patterns()[seen[0]])
        raise NoteError(Note("one_pattern", {"pattern": pattern}))
    if people_on_several_lists(prepared) == 0:
        raise NoteError(Note("no_overlaps", {}))
    return prepared, dropped


def input_notes(table: CaptureTable) -> list[Note]:
    """Warnings about the table itself (not about the run)."""
    notes = []
    lists = len(table.list_names)
    if lists == 3:
        notes.append(Note("three_lists", {}))
    overlaps = people_on_several_lists(table)
    if overlaps < FEW_OVERLAPS:
        notes.append(Note("few_overlaps", {"count": overlaps}))
    if lists >= MANY_LISTS:
        patterns = sum(1 for count in table.counts if count > 0)
        notes.append(
            Note("many_lists", {"lists": lists, "patterns": patterns, "cells": 2**lists - 1})
        )
    return notes


def people_on_several_lists(table: CaptureTable) -> int:
    """Number of people on two or more lists (the overlaps that carry any estimate)."""
    on_several = table.patterns().sum(axis=1) >= 2
    return int(np.array(table.counts, dtype=np.int64)[on_several].sum())
