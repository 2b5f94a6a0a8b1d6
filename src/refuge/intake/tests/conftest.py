from __future__ import annotations

import gettext as gettext_module
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _intake_settings(settings: Any, tmp_path: Path) -> None:
    """Forms may be sent at once (tests are fast typists); files go to a fresh folder."""
    settings.INTAKE_MIN_FILL_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues() -> None:
    """The Russian pages need the compiled catalogue (.mo files are not committed)."""
    from django.core.management import call_command
    from django.utils.translation import trans_real

    call_command("compilecatalogues", verbosity=0)
    trans_real._translations = {}  # type: ignore[attr-defined]  # forget catalogues loaded before they were compiled
    trans_real._default = None  # type: ignore[attr-defined]
    gettext_module._translations.clear()  # type: ignore[attr-defined]  # its file cache
