"""Walk the console as each demo operator (and the public pages) the way a person clicks.

Used by tests/test_russian_pages.py (no untranslated English on a Russian page) and
tests/test_phone_width.py (nothing wider than a 360 px phone). The world is `refuge demo`'s:
one operator per role, reports, calls, cases, events, so every page has something on it.

What counts as an untranslated English sentence (`english_runs`): three or more Latin words in
a row (letters, apostrophes and hyphens; separated by spaces, commas, colons or semicolons) in
the visible text or in a title/placeholder/aria-label/alt attribute of a page. Ignored, because
they are not interface text: the content of script, style, code, pre, kbd, samp and textarea
elements and of elements marked translate="no"; words with digits, underscores, dots or
slashes (usernames, hashes, file and zone names, references), abbreviations and names with two
capitals (MSK, JPEG, WebP), which need three ordinary words beside them to count; and data
entered by people, here
the demo's own records, which are written in English (any run found inside a string literal of
a refuge/*/demo.py module or in the gazetteer's English place names).
"""

from __future__ import annotations

import ast
import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from refuge.accounts.demo import DEMO_OPERATORS, DEMO_PASSWORD
from refuge.accounts.models import Operator
from refuge.testing import log_in

SOURCE = Path(__file__).resolve().parents[1] / "src" / "refuge"
DEMO_USERNAMES = tuple(username for username, _role, _intake in DEMO_OPERATORS)
# Downloads and actions a GET must not reach; everything else linked from a page is visited.
SKIPPED = re.compile(r"/export|\.csv|\.json|\.pdf|/download|/logout|/file")
PAGES_PER_ROUTE = 3  # a few objects of each kind: their pages differ by what they hold
WORD = r"[A-Za-z][A-Za-z'’-]*"
ENGLISH_RUN = re.compile(rf"(?<![\w./@-]){WORD}(?:[ \t\n]*[,;:]?[ \t\n]+{WORD}){{2,}}(?![\w/@])")
IGNORED_ELEMENTS = frozenset({"script", "style", "code", "pre", "kbd", "samp", "textarea"})
VOID_ELEMENTS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
# Abbreviations and names written the same in Russian (MSK, JPEG, WebP, TOTP): not a word.
ACRONYM = re.compile(r"[A-Z][A-Za-z]*[A-Z][A-Za-z]*")
LEADING_ACRONYMS = re.compile(r"^(?:[A-Z][A-Za-z]*[A-Z][A-Za-z]*[,;:]?\s+)+")
TRAILING_ACRONYMS = re.compile(r"(?:[,;:]?\s+[A-Z][A-Za-z]*[A-Z][A-Za-z]*)+$")


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    html: str


Fetch = Callable[[str], Page]


def seed_demo(settings: object, data_dir: Path) -> str:
    """Seed `refuge demo`'s world into the test database; return the demo mailbox receipt."""
    settings.DATA_DIR = data_dir  # type: ignore[attr-defined]
    settings.STATIC_ROOT = data_dir / "static"  # type: ignore[attr-defined]
    out = io.StringIO()
    call_command("demo", stdout=out)
    match = re.search(r"Demo receipt[^:]*: ([0-9 ]{19})", out.getvalue())
    assert match is not None, "the demo printed no receipt"
    return match.group(1)


def demo_client(username: str) -> Client:
    client = Client()
    log_in(client, Operator.objects.get(username=username), password=DEMO_PASSWORD)
    return client


def client_fetch(client: Client) -> Fetch:
    def fetch(url: str) -> Page:
        response = client.get(url)
        is_html = response.get("Content-Type", "").startswith("text/html")
        return Page(url, response.status_code, response.content.decode() if is_html else "")

    return fetch


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def console_links(html: str) -> list[str]:
    """Same-site console links of a page, Russian addresses only, without fragments."""
    parser = _Links()
    parser.feed(html)
    links = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/console/"):
            continue
        if SKIPPED.search(parts.path):
            continue
        links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def _route(url: str) -> str:
    try:
        return str(resolve(urlsplit(url).path).route)
    except Resolver404:
        return url


def crawl(
    fetch: Fetch,
    start: Iterable[str] = ("/console/",),
    limit: int = 120,
    per_route: int = PAGES_PER_ROUTE,
) -> list[Page]:
    """Breadth-first over console links, a few pages per route, at most `limit` pages."""
    queue = list(start)
    seen: set[str] = set()
    visited: dict[str, int] = {}
    pages: list[Page] = []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        route = _route(url)
        if url in seen or visited.get(route, 0) >= per_route:
            continue
        seen.add(url)
        visited[route] = visited.get(route, 0) + 1
        page = fetch(url)
        pages.append(page)
        queue.extend(link for link in console_links(page.html) if link not in seen)
    return pages


class _ShownText(HTMLParser):
    """Text a reader sees (and the attributes a browser shows), minus code-like elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.chunks: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        hidden = tag in IGNORED_ELEMENTS or values.get("translate") == "no"
        if not hidden and not self._hidden():
            self.chunks.extend(str(values[name]) for name in SHOWN_ATTRIBUTES if values.get(name))
            is_button = tag == "input" and values.get("type") in {"submit", "button"}
            if is_button and values.get("value"):
                self.chunks.append(str(values["value"]))
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden() and data.strip():
            self.chunks.append(data)


def shown_text(html: str) -> list[str]:
    parser = _ShownText()
    parser.feed(html)
    return parser.chunks


def known_data() -> tuple[str, ...]:
    """Text people entered, as far as the crawl's world goes: the demo's records (string
    literals of every refuge/*/demo.py) and the gazetteer's English place names."""
    literals: set[str] = set()
    for module in SOURCE.glob("*/demo.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
    gazetteer = SOURCE / "documentation" / "data" / "gazetteer.csv"
    with gazetteer.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            literals.update(value for key, value in row.items() if key and key.endswith("_en"))
    return tuple(literals)


def _without_acronyms(run: str) -> str:
    """The run without the abbreviations at its ends ("MSK: ...", "... PDF")."""
    return TRAILING_ACRONYMS.sub("", LEADING_ACRONYMS.sub("", run))


def english_runs(html: str, data: Iterable[str] = ()) -> list[str]:
    """Untranslated-looking English in a page: see the module's docstring for what is ignored."""
    known = tuple(" ".join(item.split()) for item in data)
    runs = []
    for chunk in shown_text(html):
        for match in ENGLISH_RUN.finditer(chunk):
            run = _without_acronyms(" ".join(match.group(0).split()))
            words = [word for word in re.split(r"[\s,;:]+", run) if not ACRONYM.fullmatch(word)]
            if len(words) >= 3 and not any(run in item for item in known):
                runs.append(run)
    return runs
