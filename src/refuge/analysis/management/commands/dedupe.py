"""`refuge dedupe INPUT.csv --id-column COL --out CLUSTERS.csv`: a thin wrapper."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.analysis.linkage import (
    EngineOptions,
    LinkageError,
    LinkageSettings,
    RoleOverrides,
    dedupe_csv,
)

_STAGES = {
    "reading": "reading the file",
    "normalising": "normalising names",
    "training": "training the model (EM, no labels)",
    "scoring": "scoring candidate pairs",
    "clustering": "clustering",
    "writing": "writing clusters",
}


class Command(BaseCommand):
    # The run touches no database, model or URL: Django's checks would only slow it down.
    requires_system_checks: list[str] = []
    help = (
        "Find records of the same person in a CSV (names in Cyrillic or Latin) and write "
        "ID,cluster_id: records sharing a cluster_id are judged the same person."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "input", type=Path, help="CSV file, UTF-8 (with or without BOM) or cp1251"
        )
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
        parser.add_argument("--encoding", help="input encoding (default: UTF-8, else cp1251)")
        parser.add_argument("--threshold", type=float, default=LinkageSettings().threshold,
                            help="match probability at which two records are linked")  # fmt: skip
        parser.add_argument("--memory-limit", default=EngineOptions().memory_limit)
        parser.add_argument(
            "--spill-dir", type=Path,
            help="let DuckDB spill to this directory when memory runs out; names are written "
            "there in clear, so use an encrypted or RAM-backed directory (default: no spilling)",
        )  # fmt: skip
        parser.add_argument("--quiet", action="store_true", help="no progress on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0.0 < options["threshold"] < 1.0:
            raise CommandError("--threshold must be between 0 and 1.", returncode=2)
        overrides = RoleOverrides(
            name_columns=tuple(options["name_columns"]),
            given=options["given_name_column"],
            surname=options["surname_column"],
            patronymic=options["patronymic_column"],
            birth=options["birth_column"],
            place=options["place_column"],
        )
        settings = LinkageSettings(
            threshold=options["threshold"],
            engine=EngineOptions(
                memory_limit=options["memory_limit"],
                spill_directory=options["spill_dir"],
            ),
        )
        started = time.monotonic()
        last_stage = ""

        def progress(stage: str, fraction: float) -> None:
            nonlocal last_stage
            if options["quiet"] or stage == last_stage:
                return
            last_stage = stage
            elapsed = time.monotonic() - started
            self.stderr.write(f"[{elapsed:6.1f}s] {_STAGES.get(stage, stage)}")

        try:
            run = dedupe_csv(
                options["input"], options["out"], id_column=options["id_column"],
                overrides=overrides, encoding=options["encoding"], settings=settings,
                progress=progress,
            )  # fmt: skip
        except (LinkageError, ValueError) as error:
            raise CommandError(str(error), returncode=2) from error
        except OSError as error:
            raise CommandError(
                f"Cannot write {options['out']}: {error.strerror}", returncode=2
            ) from error
        if not options["quiet"]:
            self.stderr.write(
                f"{run.record_count} records, {run.result.cluster_count} clusters "
                f"({run.encoding}); columns used: {', '.join(run.roles.used())}"
            )
