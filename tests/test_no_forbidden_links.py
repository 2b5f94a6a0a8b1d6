"""No link leads a role to a 403.

On the demo installation (every app's demo data), each demo operator logs in and follows every
console link reachable from the home page, breadth first. A link that answers 403 is a link
the page should not have offered that role. A few URLs of each shape are enough (the
documentation has many events alike), and a 500 fails the test by itself.
"""

from __future__ import annotations

import io
import re
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from refuge.accounts.demo import DEMO_OPERATORS, DEMO_PASSWORD
from refuge.accounts.models import Operator
from refuge.testing import log_in

HOME = "/console/"
PER_SHAPE = 2  # URLs visited per path shape (digits folded)
MAX_PAGES = 250  # per role: a safety net, far above what the demo holds


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(base: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        absolute = urljoin(base, href)
        parts = urlsplit(absolute)
        if parts.netloc not in ("", "testserver") or not parts.path.startswith(HOME):
            continue  # another site, the public intake, or another language's copy
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", url)


def crawl(client: Client) -> tuple[int, list[str]]:
    """Follow every console link from the home page; return pages seen and the 403s."""
    queue: deque[tuple[str, str]] = deque([(HOME, "(start)")])
    seen: set[str] = {HOME}
    shapes: dict[str, int] = {}
    forbidden: list[str] = []
    pages = 0
    while queue and pages < MAX_PAGES:
        url, referrer = queue.popleft()
        response = client.get(url)
        pages += 1
        if response.status_code == 403:
            forbidden.append(f"{url} (linked from {referrer})")
            continue
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        for link in _links(url, response.content.decode()):
            shape = _shape(link.split("?")[0]) + ("?" if "?" in link else "")
            if link in seen or shapes.get(shape, 0) >= PER_SHAPE:
                continue
            seen.add(link)
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append((link, url))
    return pages, forbidden


@pytest.fixture
def demo(db: Any, settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("demo", stdout=io.StringIO())


@pytest.mark.parametrize("username", [username for username, _role, _intake in DEMO_OPERATORS])
def test_no_console_link_answers_403(demo: None, username: str) -> None:
    client = Client()
    log_in(client, Operator.objects.get(username=username), password=DEMO_PASSWORD)

    pages, forbidden = crawl(client)

    assert pages > 3, f"{username} reached almost nothing: the crawl is broken"
    assert not forbidden, f"{username} is offered links that answer 403: {forbidden}"
