"""Compile the .po catalogues to .mo with polib, so a machine without GNU gettext can build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib  # type: ignore[import-untyped]
from django.conf import settings
from django.core.management.base import BaseCommand

from refuge.core.durable import write_atomically


class Command(BaseCommand):
    help = "Compile every translation catalogue (.po) to its binary form (.mo)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        # Each app keeps its own catalogue in <app>/locale; LOCALE_PATHS holds shared ones.
        roots = [Path(settings.PACKAGE_DIR), *map(Path, settings.LOCALE_PATHS)]
        po_paths = {path for root in roots for path in root.glob("**/locale/*/LC_MESSAGES/*.po")}
        for po_path in sorted(po_paths):
            _write_atomically(po_path.with_suffix(".mo"), polib.pofile(str(po_path)).to_binary())
            count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")


def _write_atomically(path: Path, content: bytes) -> None:
    """Replace the file in one step, and only when it changes: a process reading catalogues
    meanwhile (another server worker, a parallel test) sees the old file or the new, never
    half of one. Readable by all, as a plainly written file would be: not secret."""
    if path.exists() and path.read_bytes() == content:
        return
    write_atomically(path, content, mode=0o644)
