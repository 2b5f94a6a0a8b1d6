"""`refuge dedupe INPUT.csv [MORE.csv ...] --id-column COL --out CLUSTERS.csv`: a thin wrapper."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.analysis.linkage import (
    EngineKind,
    EngineOptions,
    IdentifierColumn,
    IdentifierKind,
    LinkageError,
    LinkageSettings,
    RoleOverrides,
    dedupe_csv,
)

_STAGES = {
    "reading": "reading the file",
    "normalising": "normalising names and identifiers",
    "training": "training the model (EM, no labels)",
    "scoring": "scoring candidate pairs",
    "clustering": "clustering (average linkage)",
    "writing": "writing clusters",
}
_IDENTIFIER_OPTIONS = {
    "phone_column": IdentifierKind.PHONE,
    "document_column": IdentifierKind.DOCUMENT,
    "address_column": IdentifierKind.ADDRESS,
    "postcode_column": IdentifierKind.POSTCODE,
    "email_column": IdentifierKind.EMAIL,
    "region_column": IdentifierKind.REGION,
    "other_column": IdentifierKind.OTHER,
}


class Command(BaseCommand):
    # The run touches no database, model or URL: Django's checks would only slow it down.
    requires_system_checks: list[str] = []
    help = (
        "Find records of the same person in CSV files (names in Cyrillic or Latin) and write "
        "ID,cluster_id: records sharing a cluster_id are judged the same person."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "input", type=Path, nargs="+",
            help="CSV files, UTF-8 (with or without BOM) or cp1251; several files are linked "
            "to each other (and each deduplicated unless --link-only)",
        )  # fmt: skip
        parser.add_argument("--id-column", required=True, help="column holding each record's id")
        parser.add_argument("--out", required=True, type=Path, help="where to write ID,cluster_id")
        parser.add_argument("--name-columns", nargs="+", default=(), help="columns with full names")
        parser.add_argument("--given-name-column")
        parser.add_argument("--surname-column")
        parser.add_argument("--patronymic-column")
        parser.add_argument(
            "--birth-column", help="birth date or year; ranges like 1990-1992 are fine"
        )
        parser.add_argument("--place-column")
        parser.add_argument("--sex-column", help="gender: м/ж, male/female, ...")
        for option in _IDENTIFIER_OPTIONS:
            parser.add_argument(f"--{option.replace('_', '-')}", action="append", default=[],
                                help="may be given more than once")  # fmt: skip
        parser.add_argument("--ignore-column", action="append", default=[],
                            help="a column not to use even if its header is recognised")  # fmt: skip
        parser.add_argument("--link-only", action="store_true",
                            help="the files are lists each already deduplicated: link across "
                            "them only, never two records of one file")  # fmt: skip
        parser.add_argument("--encoding", help="input encoding (default: UTF-8, else cp1251)")
        parser.add_argument("--threshold", type=float, default=LinkageSettings().threshold,
                            help="mean match probability at which average linkage still "
                            "merges two groups")  # fmt: skip
        parser.add_argument("--engine", choices=[kind.value for kind in EngineKind],
                            default=EngineKind.DUCKDB.value,
                            help="duckdb (in memory, default) or spark (needs refuge[spark]; "
                            "local mode unless REFUGE_SPARK_MASTER names a cluster)")  # fmt: skip
        parser.add_argument("--memory-limit", default=EngineOptions().memory_limit)
        parser.add_argument(
            "--spill-dir", type=Path,
            help="let DuckDB spill to this directory when memory runs out; names are written "
            "there in clear, so use an encrypted or RAM-backed directory (default: no spilling)",
        )  # fmt: skip
        parser.add_argument("--report", type=Path,
                            help="also write the run's report (columns, training, method) as "
                            "JSON; it holds counts, never values")  # fmt: skip
        parser.add_argument("--quiet", action="store_true", help="no progress on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0.0 < options["threshold"] < 1.0:
            raise CommandError("--threshold must be between 0 and 1.", returncode=2)
        settings = LinkageSettings(
            threshold=options["threshold"],
            link_only=options["link_only"],
            review_limit=0,
            engine=EngineOptions(
                kind=EngineKind(options["engine"]),
                memory_limit=options["memory_limit"],
                spill_directory=options["spill_dir"],
            ),
        )
        try:
            run = dedupe_csv(
                options["input"], options["out"], id_column=options["id_column"],
                overrides=_overrides(options), encoding=options["encoding"], settings=settings,
                progress=self._progress(options["quiet"]),
            )  # fmt: skip
        except (LinkageError, ValueError) as error:
            raise CommandError(str(error), returncode=2) from error
        except OSError as error:
            raise CommandError(
                f"Cannot write {options['out']}: {error.strerror}", returncode=2
            ) from error
        if options["report"]:
            options["report"].write_text(
                json.dumps({**asdict(run.report), "lines": run.report.lines()},
                           ensure_ascii=False, indent=2), encoding="utf-8")  # fmt: skip
        if not options["quiet"]:
            self.stderr.write(
                f"{run.record_count} records, {run.result.cluster_count} clusters ({run.encoding})"
            )
            for line in run.report.lines():
                self.stderr.write(f"  {line}")

    def _progress(self, quiet: bool) -> Any:
        started = time.monotonic()
        last_stage = ""

        def progress(stage: str, fraction: float) -> None:
            nonlocal last_stage
            if quiet or stage == last_stage:
                return
            last_stage = stage
            elapsed = time.monotonic() - started
            self.stderr.write(f"[{elapsed:6.1f}s] {_STAGES.get(stage, stage)}")

        return progress


def _overrides(options: dict[str, Any]) -> RoleOverrides:
    identifiers = tuple(
        IdentifierColumn(column, kind)
        for option, kind in _IDENTIFIER_OPTIONS.items()
        for column in options[option]
    )
    return RoleOverrides(
        name_columns=tuple(options["name_columns"]),
        given=options["given_name_column"],
        surname=options["surname_column"],
        patronymic=options["patronymic_column"],
        birth=options["birth_column"],
        place=options["place_column"],
        sex=options["sex_column"],
        identifiers=identifiers,
        ignore=tuple(options["ignore_column"]),
    )
