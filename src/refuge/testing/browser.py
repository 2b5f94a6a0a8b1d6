"""A real Chromium page for the browser tests (Debian's package driven by Playwright)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

CHROMIUM = "/usr/bin/chromium"  # Debian's package: Playwright's own browser download fails here
# How long a page may take to answer before a browser test fails: generous, because CI runs on
# a shared two-core machine that is sometimes overloaded; a real hang still fails.
BROWSER_TIMEOUT_MS = 90_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@contextlib.contextmanager
def chromium_page(**context_options: Any) -> Iterator[Any]:
    """A page of a real (Debian) Chromium driven by Playwright, closed cleanly afterwards.

    Callers set DJANGO_ALLOW_ASYNC_UNSAFE (Playwright's sync API runs an event loop in the
    test's thread; the test's own ORM calls stay synchronous).
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="ru-RU", **context_options)
        page = context.new_page()
        page.set_default_timeout(BROWSER_TIMEOUT_MS)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # ORM calls made while Playwright's loop runs use a connection of their own:
            # close it, or PostgreSQL refuses to drop the test database.
            connections.close_all()
