"""`refuge reindex`: remake every blind index under a new key with the configured Argon2id cost.

The upgrade step for installations made before blind indexes were slow (docs/vault.md, "Blind
indexes"), and the way to change REFUGE_BLIND_INDEX_* or retire an index key that may have
leaked. Needs k trustees' recovery shares (`--share`, or one per line on standard input): the
values are read again from their sealed records. The rebuilt recovery key lives in this
process's memory only.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.vault.errors import VaultError
from refuge.vault.recovery import ShareError, recover_private_key
from refuge.vault.reindex import reindex

EXIT_BAD_SHARES = 2
PROGRESS_EVERY = 200


class Command(BaseCommand):
    help = (
        "Remake every blind index under a new key with the configured Argon2id cost "
        "(needs k recovery shares)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--share",
            action="append",
            default=[],
            help="one printed share (repeat); without it, read stdin lines",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        shares = options["share"] or [
            line for line in sys.stdin.read().splitlines() if line.strip()
        ]
        try:
            private_key = recover_private_key(shares)
        except ShareError as error:
            raise CommandError(str(error), returncode=EXIT_BAD_SHARES) from None
        except VaultError as error:
            raise CommandError(str(error)) from None
        try:
            result = reindex(recovery_private_key=private_key, progress=self._progress)
        except VaultError as error:
            raise CommandError(str(error)) from None
        finally:
            del private_key
        self.stdout.write(
            f"{result.indexes} blind index(es) remade with {result.scheme} "
            f"(m={result.memory_kib} KiB, t={result.iterations}) under a new key in "
            f"{result.seconds} s; {result.dropped} whose value could no longer be read were "
            f"removed. The previous key ({result.previous_scheme or 'none'}) was shredded."
        )

    def _progress(self, done: int) -> None:
        if done % PROGRESS_EVERY == 0:
            self.stderr.write(f"  {done} values indexed ...")
