"""Every page fits a phone.

In a real Chromium, each demo operator's console (crawled the way they click, one page of each
kind) fits a 360 px screen, and the public pages a person at risk sees fit 320 px: nothing is
wider than the screen (a wide table scrolls inside its own box, the page does not). Each page
that does not fit is named with its width.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from refuge.accounts.demo import DEMO_OPERATORS
from refuge.testing import CHROMIUM, chromium_page
from tests.console_crawl import Fetch, Page, crawl, demo_client, seed_demo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
CONSOLE_WIDTH = 360
PUBLIC_WIDTH = 320
PAGES_PER_ROLE = 20  # one page of each kind: the same template lays out its kind alike
# One operator per role (the second coordinator sees what the first does).
ROLES = tuple(dict.fromkeys(role for _username, role, _intake in DEMO_OPERATORS))
USERNAMES = [next(name for name, role, _ in DEMO_OPERATORS if role == wanted) for wanted in ROLES]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    with chromium_page(viewport={"width": CONSOLE_WIDTH, "height": 740}) as page:
        yield page


def _measuring(page: Any, base: str, too_wide: list[str], who: str) -> Fetch:
    """Fetch through the browser, noting each page wider than the screen."""

    def fetch(url: str) -> Page:
        response = page.goto(base + url)
        width = int(page.evaluate("document.documentElement.scrollWidth"))
        if width > page.viewport_size["width"] + 1:
            too_wide.append(f"{who} {url}: {width} px")
        return Page(url, response.status if response else 0, page.content())

    return fetch


def _as(page: Any, base: str, client: Client) -> None:
    """The browser takes over a logged-in test client's session."""
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {"name": name, "value": cookie.value, "url": base}
            for name, cookie in client.cookies.items()
        ]
    )


def test_every_page_fits_a_phone(
    browser: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    receipt = seed_demo(settings, tmp_path)
    base, page = live_server.url, browser
    too_wide: list[str] = []

    for username in USERNAMES:
        _as(page, base, demo_client(username))
        pages = crawl(_measuring(page, base, too_wide, username), limit=PAGES_PER_ROLE, per_route=1)
        assert len(pages) > 3, f"{username} reached almost nothing: the crawl is broken"
        assert all(seen.status < 500 for seen in pages)

    page.context.clear_cookies()
    page.set_viewport_size({"width": PUBLIC_WIDTH, "height": 640})
    public = _measuring(page, base, too_wide, "reporter")
    for url in (reverse("intake:report"), reverse("intake:mailbox")):
        public(url)
    page.fill("#receipt", receipt)
    page.click("form[action$='/mailbox/open/'] button[type=submit]")
    page.wait_for_selector("form[action$='/mailbox/write/']")
    public(reverse("intake:mailbox"))  # the opened mailbox, with the demo's conversation

    assert not too_wide, "Pages wider than the phone:\n" + "\n".join(too_wide)
