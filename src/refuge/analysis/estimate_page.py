"""What the estimate page shows of a job: both methods side by side, in the reader's language.

The worker stores the estimator's JSON (English sentences for the command line, plus codes and
values). Here the codes become sentences through Django's translations, so a Russian analyst
reads Russian, whatever language the worker ran in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from refuge.analysis.estimation.tables import capture_patterns
from refuge.analysis.models import EstimateJob, EstimateJobStatus
from refuge.documentation.choices import SourceKind

NOTES: Mapping[str, Any] = {
    "no_one": gettext_lazy("No one is on any list."),
    "too_few_lists": gettext_lazy(
        "Latent classes need at least three lists that hold someone; this table has "
        "%(count)s. With two lists no model can tell people who are hard to find apart from "
        "lists that avoid each other."
    ),
    "one_pattern": gettext_lazy(
        "Everyone observed has the same capture pattern (%(pattern)s): the table shows nothing "
        "about how the lists overlap, so it cannot tell how many people were missed."
    ),
    "no_overlaps": gettext_lazy(
        "No one is on more than one list: without overlaps nothing ties the lists together, "
        "and no capture-recapture method can estimate the people missed."
    ),
    "empty_list": gettext_lazy("The list “%(list)s” has no one on it and is left out."),
    "three_lists": gettext_lazy(
        "Only three lists: a latent-class model has more unknowns than a three-list table has "
        "cells, so its estimate leans on the prior and its interval is wide."
    ),
    "few_overlaps": gettext_lazy(
        "Only %(count)s people are on more than one list: the estimate rests on very few "
        "overlaps and can change a lot with a few records."
    ),
    "many_lists": gettext_lazy(
        "%(lists)s lists: %(patterns)s of the %(cells)s possible capture patterns hold anyone; "
        "the latent-class model is built for such sparse tables, but a run takes longer."
    ),
    "truncation": gettext_lazy(
        "All %(classes)s latent classes held someone in %(share)s%% of the draws: the limit on "
        "the number of classes may be holding the model back; run again with more classes."
    ),
    "huge": gettext_lazy(
        "The estimate is more than %(factor)s times the number observed: it extrapolates far "
        "beyond the data."
    ),
    "two_lists": gettext_lazy(
        "Only two lists: the estimate assumes that being on one list does not change the chance "
        "of being on the other (independence), and two lists cannot check that."
    ),
    "lists_apart": gettext_lazy(
        "Lists that share no one, so their interaction cannot be estimated: %(pairs)s."
    ),
    "unsupported_models": gettext_lazy(
        "%(count)s candidate models were left out: empty cells or margins leave them without a "
        "finite estimate."
    ),
    "open_ended": gettext_lazy("The data give no upper bound: the interval is open-ended."),
    "close_models": gettext_lazy(
        "Models almost as well supported (within %(delta)s of the best %(criterion)s) estimate "
        "from %(low)s to %(high)s: the choice of model matters as much as the interval shows."
    ),
    "saturated": gettext_lazy(
        "The model has as many parameters as the table has cells: it fits exactly, so nothing "
        "in the data can check it."
    ),
    "poor_fit": gettext_lazy(
        "Even the selected model fits the table poorly (deviance %(deviance)s on %(df)s degrees "
        "of freedom): the lists depend on each other in ways two-way terms do not capture."
    ),
    "rhat": gettext_lazy(
        "The chains disagree (R-hat %(value)s; it must be below %(limit)s): the sampler has not "
        "settled on one answer, so its numbers are not shown. Run it longer."
    ),
    "ess_bulk": gettext_lazy(
        "Too few independent draws for the middle of the distribution (effective sample size "
        "%(value)s; at least %(limit)s are needed): the estimate is not reliable yet. Run it "
        "longer."
    ),
    "ess_tail": gettext_lazy(
        "Too few independent draws for the ends of the interval (effective sample size "
        "%(value)s; at least %(limit)s are needed): the interval is not reliable yet. Run it "
        "longer."
    ),
    "stratum_not_converged": gettext_lazy("The chains of stratum %(stratum)s did not converge."),
    "extended": gettext_lazy(
        "The chains had not settled after %(sweeps)s sweeps, so they were run longer "
        "(extensions: %(times)s; %(total)s sweeps in all) and judged on all their draws."
    ),
    "requested": gettext_lazy("The method you asked for."),
    "requested_failed": gettext_lazy(
        "The method you asked for gives no estimate for this table (see below); the other "
        "method is shown for comparison, not as the answer."
    ),
    "requested_unconverged": gettext_lazy(
        "The latent-class chains did not converge, so there is no latent-class estimate to "
        "report; the log-linear one is shown for comparison, not as the answer."
    ),
    "auto_lcmcr": gettext_lazy(
        "Chosen automatically: latent classes, because there are three or more lists and the "
        "chains converged. Unlike log-linear models, they allow for people who are hard to find "
        "on every list."
    ),
    "auto_lcmcr_only": gettext_lazy(
        "Chosen automatically: latent classes, because no log-linear model could be fitted."
    ),
    "auto_loglinear_lists": gettext_lazy(
        "Chosen automatically: log-linear, because latent classes need at least three lists "
        "that hold someone."
    ),
    "auto_loglinear_failed": gettext_lazy(
        "Chosen automatically: log-linear, because the latent-class estimate could not be made."
    ),
    "auto_loglinear_unconverged": gettext_lazy(
        "Chosen automatically: log-linear, because the latent-class chains did not converge."
    ),
    "auto_none": gettext_lazy(
        "No estimate can be given: no log-linear model could be fitted and the latent-class "
        "chains did not converge."
    ),
}
METHOD_NAMES = {
    "loglinear": pgettext_lazy("estimation method", "Log-linear models"),
    "lcmcr": pgettext_lazy("estimation method", "Latent classes (LCMCR)"),
}


def list_label(kind: str) -> str:
    """A list is a kind of source: its name in the reader's language."""
    return str(SourceKind(kind).label) if kind in SourceKind.values else kind


def note_text(note: Mapping[str, Any]) -> str:
    """A note of the estimator ({code, values, text}) in the reader's language."""
    template = NOTES.get(str(note.get("code")))
    if template is None:
        return str(note.get("text", ""))
    values = dict(note.get("values") or {})
    if "list" in values:
        values["list"] = list_label(str(values["list"]))
    values = {
        key: _number(value) if isinstance(value, int | float) else value
        for key, value in values.items()
    }
    sentence = str(template) % values
    stratum = values.get("in_stratum")
    return (
        _("Stratum %(stratum)s: %(note)s") % {"stratum": stratum, "note": sentence}
        if stratum is not None
        else sentence
    )


def _number(value: float) -> str:
    """Whole numbers grouped; small fractions (R-hat 1.006, limit 1.01) with their digits."""
    if float(value).is_integer() or abs(value) >= 100:
        return number_format(round(value), 0, force_grouping=True)
    digits = f"{value:.3f}".rstrip("0").split(".")[1]
    return number_format(value, len(digits), force_grouping=True)


def people(value: float | None) -> str:
    """A number of people as the reader writes it, or a dash."""
    return "—" if value is None else number_format(round(value), 0, force_grouping=True)


@dataclass(frozen=True, slots=True)
class MethodColumn:
    """One method's cells in the side-by-side table, and what to say under it."""

    name: str
    estimate: str
    interval: str
    model: str
    check: str
    has_estimate: bool
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EstimatePage:
    """Everything the job page shows."""

    lists: list[str]
    patterns: list[tuple[list[int], int]]
    running: bool
    percent: int
    headline: str | None = None
    choice: str | None = None
    columns: list[MethodColumn] = field(default_factory=list)
    # The next-best log-linear models: (model, estimate, interval).
    alternatives: list[tuple[str, str, str]] = field(default_factory=list)


def estimate_page(job: EstimateJob) -> EstimatePage:
    """Prepare the job page: capture patterns, progress, and both methods when done."""
    lists = [list_label(name) for name in job.list_names]
    patterns = [
        (row, count)
        for row, count in zip(
            capture_patterns(len(job.list_names)).tolist(), job.counts, strict=True
        )
        if count
    ]
    running = job.status in (EstimateJobStatus.QUEUED, EstimateJobStatus.RUNNING)
    page = EstimatePage(lists, patterns, running, int(job.progress * 100))
    if job.status != EstimateJobStatus.DONE or not job.result:
        return page
    result = job.result
    columns = [_loglinear_column(result["loglinear"]), _lcmcr_column(result["lcmcr"])]
    alternatives = [
        (
            str(other["model"]),
            people(other["estimate"]),
            f"{people(other['ci_low'])} – {_upper(other['ci_high'])}",
        )
        for other in result["loglinear"].get("alternatives", [])
    ]
    return EstimatePage(
        lists,
        patterns,
        running,
        100,
        _headline(result),
        note_text(result["method_choice"]),
        columns,
        alternatives,
    )


def _upper(value: float | None) -> str:
    """The upper end of an interval: JSON null means the data give no upper bound."""
    return people(value) if value is not None else _("unbounded")


def _headline(result: Mapping[str, Any]) -> str | None:
    if result.get("estimate") is None or result.get("method_used") is None:
        return None
    return _(
        "%(method)s: about %(estimate)s people in all (95%% interval %(low)s to %(high)s); "
        "%(observed)s are documented."
    ) % {
        "estimate": people(result["estimate"]),
        "low": people(result["ci_low"]),
        "high": _upper(result["ci_high"]),
        "method": METHOD_NAMES[result["method_used"]],
        "observed": people(result["observed"]),
    }


def _refused(name: str, side: Mapping[str, Any]) -> MethodColumn:
    note = side.get("error_note")
    reason = note_text(note) if note else str(side.get("error", ""))
    return MethodColumn(name, "—", "—", "—", _("no estimate"), False, [reason])


def _loglinear_column(side: Mapping[str, Any]) -> MethodColumn:
    name = str(METHOD_NAMES["loglinear"])
    if "error" in side:
        return _refused(name, side)
    return MethodColumn(
        name,
        people(side["estimate"]),
        f"{people(side['ci_low'])} – {_upper(side['ci_high'])}",
        side["model"],
        _("profile likelihood; model chosen by %(criterion)s")
        % {"criterion": str(side["criterion"]).upper()},
        True,
        [note_text(note) for note in side.get("notes", [])]
        or [str(warning) for warning in side.get("warnings", [])],
    )


def _lcmcr_column(side: Mapping[str, Any]) -> MethodColumn:
    name = str(METHOD_NAMES["lcmcr"])
    if "error" in side:
        return _refused(name, side)
    diagnostics = side["diagnostics"]
    model = _("at most %(classes)s latent classes") % {"classes": side["settings"]["max_classes"]}
    check = _("%(chains)s chains × %(draws)s draws; R-hat %(rhat)s; effective draws %(ess)s") % {
        "chains": diagnostics["chains"],
        "draws": _number(diagnostics["draws_per_chain"]),
        "rhat": _number(diagnostics["rhat"]) if diagnostics["rhat"] is not None else "—",
        "ess": _number(round(min(diagnostics["ess_bulk"] or 0, diagnostics["ess_tail"] or 0))),
    }
    notes = [note_text(note) for note in side.get("notes", [])]
    problems = [note_text(note) for note in diagnostics["problems"]]
    if not side["converged"]:
        return MethodColumn(name, _("not converged"), "—", model, check, False, notes, problems)
    return MethodColumn(
        name,
        people(side["estimate"]),
        f"{people(side['ci_low'])} – {people(side['ci_high'])}",
        model,
        check,
        True,
        notes,
    )
