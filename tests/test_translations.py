"""Russian is complete: every app's catalogue translates every message it holds."""

from __future__ import annotations

from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "refuge"
CATALOGUES = sorted(SOURCE.glob("*/locale/ru/LC_MESSAGES/django.po"))


def test_every_app_with_pages_has_a_russian_catalogue() -> None:
    apps = {path.parts[-5] for path in CATALOGUES}
    assert {
        "intake",
        "hotline",
        "cases",
        "documentation",
        "analysis",
        "accounts",
        "approvals",
        "audit",
    } <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parts[-5])
def test_the_russian_catalogue_is_complete(path: Path) -> None:
    catalogue = polib.pofile(str(path))
    assert catalogue.metadata["Language"] == "ru"
    assert not [entry.msgid for entry in catalogue.untranslated_entries()]
    assert not [entry.msgid for entry in catalogue.fuzzy_entries()]
    plural_forms = catalogue.metadata.get("Plural-Forms", "")
    count = int(plural_forms.split("nplurals=")[1].split(";")[0])
    assert all(len(entry.msgstr_plural) == count for entry in catalogue if entry.msgid_plural)
