"""Compile the .po catalogues to .mo with polib, so a machine without GNU gettext can build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib  # type: ignore[import-untyped]
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every translation catalogue (.po) to its binary form (.mo)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        # Each app keeps its own catalogue in <app>/locale; LOCALE_PATHS holds shared ones.
        roots = [Path(settings.PACKAGE_DIR), *map(Path, settings.LOCALE_PATHS)]
        po_paths = {path for root in roots for path in root.glob("**/locale/*/LC_MESSAGES/*.po")}
        for po_path in sorted(po_paths):
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
