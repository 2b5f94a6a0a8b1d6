"""`refuge estimate LISTS.csv [--json]`: multiple systems estimation from a capture table."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.analysis.estimation import (
    Criterion,
    estimate_from_table,
    read_capture_table,
    result_as_json,
    result_as_text,
)
from refuge.core.errors import DomainError

# Input and data problems exit with 2, like a usage error: the run produced no estimate.
BAD_INPUT_EXIT_CODE = 2


class Command(BaseCommand):
    help = (
        "Estimate how many people are on none of the lists (log-linear multiple systems estimation). "
        "LISTS.csv has one 0/1 column per list and a 'count' column, one row per capture pattern; "
        "an optional 'stratum' column asks for an estimate per stratum and their sum."
    )
    # Pure computation on a file: it must run without a database or the app's checks.
    requires_system_checks = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("lists_csv", metavar="LISTS.csv", help="capture table (CSV)")
        parser.add_argument(
            "--json", action="store_true", help="print the result as one JSON object"
        )
        parser.add_argument(
            "--criterion",
            choices=[criterion.value for criterion in Criterion],
            default=Criterion.BIC.value,
            help="information criterion that selects the model (default: bic)",
        )
        parser.add_argument(
            "--model",
            metavar="TERMS",
            help="fit this model instead of searching: comma-separated interactions such as "
            "'A:B,B:C', or 'independence'",
        )
        parser.add_argument(
            "--encoding",
            help="encoding of a file that is not UTF-8 (e.g. cp1251); UTF-8 is the default",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            table = read_capture_table(options["lists_csv"], encoding=options["encoding"])
            result = estimate_from_table(
                table,
                criterion=Criterion(options["criterion"]),
                model_terms=_model_terms(options["model"]),
            )
        except DomainError as error:
            raise CommandError(str(error), returncode=BAD_INPUT_EXIT_CODE) from None
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    result_as_json(result),
                    indent=2,
                    ensure_ascii=False,
                    allow_nan=False,
                )
            )
        else:
            self.stdout.write(result_as_text(result))


def _model_terms(option: str | None) -> list[str] | None:
    if option is None:
        return None
    if option.strip().lower() == "independence":
        return []
    return [term.strip() for term in option.split(",") if term.strip()]
