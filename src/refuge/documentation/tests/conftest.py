from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.testing import keyring_for, make_operator
from refuge.vault.keyring import activated


@pytest.fixture
def lawyer(db: Any) -> Any:
    return make_operator("lawyer1", Role.LAWYER)


@pytest.fixture
def as_lawyer(lawyer: Operator) -> Iterator[Any]:
    """Act as the lawyer in service tests: their keyring is the current one."""
    with activated(keyring_for(lawyer)):
        yield lawyer


@pytest.fixture(autouse=True)
def _evidence_dir(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request to /en/ leaves English active in the test's thread: start each test in ru."""
    from django.utils import translation

    with translation.override("ru"):
        yield
