"""`refuge compilecatalogues`: .mo files replaced in one step, and only when they change."""

from __future__ import annotations

import gettext
from pathlib import Path

from django.conf import settings
from django.core.management import call_command


def _catalogues() -> list[Path]:
    return sorted(Path(settings.PACKAGE_DIR).glob("*/locale/ru/LC_MESSAGES/django.mo"))


def test_an_unchanged_catalogue_is_not_rewritten_and_no_temporary_file_stays() -> None:
    call_command("compilecatalogues", verbosity=0)
    before = {path: path.stat().st_mtime_ns for path in _catalogues()}

    call_command("compilecatalogues", verbosity=0)

    assert len(before) >= 9
    assert {path: path.stat().st_mtime_ns for path in _catalogues()} == before
    assert not list(Path(settings.PACKAGE_DIR).glob("*/locale/*/LC_MESSAGES/.compiling-*"))
    for path in before:  # each one a whole catalogue that gettext reads
        with path.open("rb") as handle:
            assert gettext.GNUTranslations(handle).info()["language"] == "ru"
