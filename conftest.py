"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
import stat
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
    trans_real._translations.clear()  # type: ignore[attr-defined]
    trans_real._default = None  # type: ignore[attr-defined]
    gettext._translations.clear()  # type: ignore[attr-defined]


#: Fixtures through which a test reaches the database (pytest-django's, and the live server's).
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


def uses_database(item: pytest.Item) -> bool:
    """Whether a test touches the database: a `django_db` or `database` mark, or a fixture
    (directly or through another fixture) that opens it."""
    if item.get_closest_marker("django_db") or item.get_closest_marker("database"):
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


#: Modules whose tests are marked `slow`, so that `make test-fast` leaves them out (`make test`
#: runs them): they start real servers and child processes and kill them, fuzz every form and
#: command, crawl every demo operator's console, or run linkage and estimation end to end.
SLOW_MODULES = frozenset(
    {
        "test_crash_consistency",
        "test_durability",
        "test_migrations",
        "test_seized_disk",
        "test_at_rest",
        "test_fuzz_commands",
        "test_fuzz_forms",
        "test_no_forbidden_links",
        "test_russian_pages",
        "test_estimation_command",
        "test_linkage_command",
        "test_linkage_identifiers",
        "test_linking",
    }
)


def drives_a_browser(item: pytest.Item) -> bool:
    """Whether a test drives Chromium: through the live server, or refuge.testing's page."""
    module = getattr(item, "module", None)
    return "live_server" in getattr(item, "fixturenames", ()) or any(
        hasattr(module, name) for name in ("chromium_page", "journey_browsers")
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests `browser` and the slow modules' tests `slow`, whoever wrote them
    (`make test-fast` deselects both). With REFUGE_TEST_DATABASE_ONLY=1 (a quick check
    on a second database; `make test` runs the whole suite on both), keep only the tests that
    touch the database."""
    for item in items:
        if drives_a_browser(item):
            item.add_marker(pytest.mark.browser)
        module = getattr(item, "module", None)
        if module is not None and module.__name__.rpartition(".")[2] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
    if os.environ.get("REFUGE_TEST_DATABASE_ONLY") != "1":
        return
    kept = [item for item in items if uses_database(item)]
    deselected = [item for item in items if not uses_database(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _migration_seeds(request: pytest.FixtureRequest) -> None:
    """A transactional test empties every table when it ends, the rows the migrations seed
    (case stages, the gazetteer) included: put them back before each transactional test, so
    that none depends on which tests ran before it on its worker. (Django's serialized
    rollback would do it too, but breaks as soon as one transactional test does not use it.)"""
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    from refuge.documentation.gazetteer import load_gazetteer

    importlib.import_module("refuge.cases.migrations.0002_seed_stages").seed_stages(apps, None)
    place = apps.get_model("documentation", "Place")
    if not place.objects.exists():
        load_gazetteer(place)


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


@pytest.fixture(autouse=True)
def _machine_left_whole() -> Iterator[None]:
    """Fail the test that replaces the machine's /dev/null with a plain file: the suite runs as
    root under CI, and every program that discards output through it breaks until it is made
    again (a fuzzed `backup /dev/null --overwrite` once did this)."""
    yield
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode), f"this test replaced {os.devnull}"


@pytest.fixture
def operator_factory(db: Any) -> Callable[..., Any]:
    from refuge.testing import make_operator

    return make_operator


@pytest.fixture
def coordinator(operator_factory: Callable[..., Any]) -> Any:
    from refuge.accounts.roles import Role

    return operator_factory("coord", Role.COORDINATOR, intake=True)


@pytest.fixture
def hotline_operator(operator_factory: Callable[..., Any]) -> Any:
    from refuge.accounts.roles import Role

    return operator_factory("hotline1", Role.OPERATOR, intake=True)
