"""`refuge estimate LISTS.csv [--json] [--method auto|loglinear|lcmcr]`: multiple systems estimation."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.analysis.estimation import (
    Criterion,
    Method,
    SamplerSettings,
    compared_as_json,
    compared_as_text,
    estimate_by_method,
    read_capture_table,
)
from refuge.analysis.estimation.latent_class import (
    DEFAULT_BURN_IN,
    DEFAULT_CHAINS,
    DEFAULT_EXTENSIONS,
    DEFAULT_ITERATIONS,
    DEFAULT_MAX_CLASSES,
    DEFAULT_THIN,
)
from refuge.core.errors import DomainError

# Input and data problems exit with 2, like a usage error: the run produced no estimate.
BAD_INPUT_EXIT_CODE = 2
# The table was fine, but the chosen method gave nothing to report (e.g. chains that did not
# converge); the report is printed all the same.
NO_ESTIMATE_EXIT_CODE = 3


def _count(text: str) -> int:
    """A whole number written plainly (argparse turns ValueError into a usage error)."""
    if not text.isascii() or not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a whole number")
    return int(text)


class Command(BaseCommand):
    help = (
        "Estimate how many people are on none of the lists, with log-linear models and with "
        "latent classes (LCMCR) side by side. LISTS.csv has one 0/1 column per list and a "
        "'count' column, one row per capture pattern; an optional 'stratum' column asks for an "
        "estimate per stratum and their sum. Exit code 2: the input cannot be estimated; 3: the "
        "chosen method gave no trustworthy estimate (the report says why)."
    )
    # Pure computation on a file: it must run without a database or the app's checks.
    requires_system_checks = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("lists_csv", metavar="LISTS.csv", help="capture table (CSV)")
        parser.add_argument(
            "--json", action="store_true", help="print the result as one JSON object"
        )
        parser.add_argument(
            "--method",
            choices=[method.value for method in Method],
            default=Method.AUTO.value,
            help="whose figure is the headline (both are always shown): auto (default; latent "
            "classes when they can be used and converged, else log-linear), loglinear, lcmcr",
        )
        parser.add_argument(
            "--criterion",
            choices=[criterion.value for criterion in Criterion],
            default=Criterion.BIC.value,
            help="information criterion that selects the log-linear model (default: bic)",
        )
        parser.add_argument(
            "--model",
            metavar="TERMS",
            help="fit this log-linear model instead of searching: comma-separated interactions "
            "such as 'A:B,B:C', or 'independence'",
        )
        self._add_sampler_arguments(parser)
        parser.add_argument(
            "--encoding",
            help="encoding of a file that is not UTF-8 (e.g. cp1251); UTF-8 is the default",
        )

    def _add_sampler_arguments(self, parser: CommandParser) -> None:
        group = parser.add_argument_group("latent classes (LCMCR)")
        group.add_argument(
            "--seed",
            type=_count,
            help="seed of the sampler, to repeat a run (default: a new one, printed in the report)",
        )
        group.add_argument(
            "--burn-in",
            type=_count,
            default=DEFAULT_BURN_IN,
            help=f"sweeps discarded before keeping draws (default {DEFAULT_BURN_IN:,})",
        )
        group.add_argument(
            "--iterations",
            type=_count,
            default=DEFAULT_ITERATIONS,
            help=f"sweeps after the burn-in (default {DEFAULT_ITERATIONS:,})",
        )
        group.add_argument(
            "--thin",
            type=_count,
            default=DEFAULT_THIN,
            help=f"keep every THIN-th sweep (default {DEFAULT_THIN})",
        )
        group.add_argument(
            "--extensions",
            type=_count,
            default=DEFAULT_EXTENSIONS,
            help="times the chains continue for another ITERATIONS sweeps when they fail the "
            f"convergence checks (default {DEFAULT_EXTENSIONS}; 0: never)",
        )
        group.add_argument(
            "--chains",
            type=_count,
            default=DEFAULT_CHAINS,
            help=f"independent chains, for R-hat (default {DEFAULT_CHAINS})",
        )
        group.add_argument(
            "--max-classes",
            type=_count,
            default=DEFAULT_MAX_CLASSES,
            help=f"truncation K of the stick-breaking prior (default {DEFAULT_MAX_CLASSES})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            table = read_capture_table(options["lists_csv"], encoding=options["encoding"])
            settings = SamplerSettings(
                max_classes=options["max_classes"],
                chains=options["chains"],
                burn_in=options["burn_in"],
                iterations=options["iterations"],
                thin=options["thin"],
                extensions=options["extensions"],
            )
            compared = estimate_by_method(
                table,
                method=Method(options["method"]),
                settings=settings,
                seed=options["seed"],
                criterion=Criterion(options["criterion"]),
                model_terms=_model_terms(options["model"]),
                progress=self._progress if options["verbosity"] >= 2 else None,
            )
        except DomainError as error:
            raise CommandError(str(error), returncode=BAD_INPUT_EXIT_CODE) from None
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    compared_as_json(compared), indent=2, ensure_ascii=False, allow_nan=False
                )
            )
        else:
            self.stdout.write(compared_as_text(compared))
        headline = compared.headline
        if headline is None or headline.estimate is None:
            raise CommandError(compared.choice.text, returncode=NO_ESTIMATE_EXIT_CODE)

    def _progress(self, fraction: float) -> None:
        sys.stderr.write(f"\rlatent classes: {fraction:4.0%}")
        if fraction >= 1:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _model_terms(option: str | None) -> list[str] | None:
    if option is None:
        return None
    if option.strip().lower() == "independence":
        return []
    return [term.strip() for term in option.split(",") if term.strip()]
