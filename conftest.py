"""Fixtures shared by every app's tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from refuge.vault.keyring import Keyring, activated


def pytest_configure(config: pytest.Config) -> None:
    """Compile the translation catalogues once (in the controller, not in each xdist worker)."""
    if hasattr(config, "workerinput"):
        return
    import gettext

    from django.core.management import call_command
    from django.utils.translation import trans_real

    call_command("compilecatalogues", verbosity=0)
    # Catalogues looked up before they were compiled are cached as empty: forget them. So are
    # .mo files read then, in gettext's own cache by path: without clearing it too, the first
    # run after a catalogue changed would still see the previous translations.
    trans_real._translations.clear()
    trans_real._default = None
    gettext._translations.clear()  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request to /en/ leaves English active in the thread: start every test in Russian."""
    from django.utils import translation

    translation.activate("ru")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_keyring() -> Iterator[Keyring]:
    """Each test starts with an empty keyring, as an anonymous request does."""
    with activated(Keyring()) as keyring:
        yield keyring


@pytest.fixture
def operator_factory(db: Any) -> Callable[..., Any]:
    from refuge.core.testing import make_operator

    return make_operator


@pytest.fixture
def coordinator(operator_factory: Callable[..., Any]) -> Any:
    from refuge.accounts.roles import Role

    return operator_factory("coord", Role.COORDINATOR, intake=True)


@pytest.fixture
def hotline_operator(operator_factory: Callable[..., Any]) -> Any:
    from refuge.accounts.roles import Role

    return operator_factory("hotline1", Role.OPERATOR, intake=True)
