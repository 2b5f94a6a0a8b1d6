"""`refuge report`: print every published figure, recomputed from the data by the page's code."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from refuge.analysis.reports import build_report, linkage_text, method_text, report_csv
from refuge.analysis.statistics import StatisticsFilter
from refuge.core.management.arguments import plain_text


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}", returncode=2) from error


class Command(BaseCommand):
    help = "Recompute the anonymised report's figures (same code and suppression as the page)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=str)
        parser.add_argument("--until", type=str)
        parser.add_argument("--violation", action="append", default=[], type=plain_text)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--language", choices=["ru", "en"], default="en")

    def handle(self, *args: Any, **options: Any) -> None:
        statistics_filter = StatisticsFilter(
            since=_date(options["since"]) if options["since"] else None,
            until=_date(options["until"]) if options["until"] else None,
            violations=tuple(options["violation"]),
        )
        with translation.override(options["language"]):
            report = build_report(statistics_filter, language=options["language"])
            if options["format"] == "csv":
                self.stdout.write(report_csv(report).decode("utf-8"), ending="")
                return
            document = {
                "summary": {row.key: row.shown for row in report.summary_rows},
                "sections": {
                    title: {row.key: row.shown for row in rows} for title, rows in report.sections
                },
                "method": method_text(report.summary.threshold),
                "linkage": {"run": report.summary.linkage.run_id, "text": linkage_text(report)},
            }
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
