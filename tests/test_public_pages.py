"""The public pages: no script, no trace, light enough for 2G, and every POST answers 303."""

from __future__ import annotations

import gettext as gettext_module
import gzip
import re
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.utils.translation import trans_real

from refuge.intake.tests.support import form_token, open_mailbox, report_data

pytestmark = pytest.mark.django_db

PAGE_BUDGET_BYTES = 10 * 1024
FIELD_TAG = re.compile(r"<(input|textarea|select)\b[^>]*>")
SUBRESOURCE = re.compile(
    r"<(?:script|img|iframe|audio|video|source|embed|object)\b|<link\b(?![^>]*href=\"data:)"
    r"[^>]*>|url\(",
    re.IGNORECASE,
)


@pytest.fixture(autouse=True)
def _public_settings(settings, tmp_path: Path) -> None:
    settings.INTAKE_MIN_FILL_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path
    call_command("compilecatalogues", verbosity=0)
    trans_real._translations = {}  # type: ignore[attr-defined]
    trans_real._default = None  # type: ignore[attr-defined]
    gettext_module._translations.clear()  # type: ignore[attr-defined]  # its file cache


def _public_pages() -> dict[str, tuple[Client, str]]:
    """Every public page, each reached the way a reporter reaches it."""
    pages: dict[str, tuple[Client, str]] = {}
    for path in ("/", "/en/", "/mailbox/", "/en/mailbox/"):
        client = Client()
        pages[path] = (client, client.get(path).content.decode())
    client = Client()
    response = client.post("/", report_data(client))
    pages["receipt"] = (client, client.get(response.headers["Location"]).content.decode())
    receipt = re.search(r'class="receipt">([0-9 ]+)<', pages["receipt"][1])
    assert receipt is not None
    pages["mailbox with thread"] = (client, open_mailbox(client, receipt.group(1)).content.decode())
    return pages


def test_no_page_carries_script_a_third_party_resource_or_a_form_memory(db) -> None:
    for name, (_client, html) in _public_pages().items():
        assert "<script" not in html.lower(), name
        assert not re.search(r"<[^>]*\s(?:on[a-z]+|style)=", html), name  # no inline code
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html), name
        assert re.search(r'<form class="exit" method="post" action="(?:/en)?/exit/"', html), name
        for form in re.findall(r"<form\b[^>]*>", html):
            assert 'autocomplete="off"' in form, (name, form)
        for field in FIELD_TAG.finditer(html):
            assert 'autocomplete="off"' in field.group(0), (name, field.group(0))


def test_headers_forbid_script_and_storage_and_cookies_die_with_the_browser(db) -> None:
    for name, (client, _html) in _public_pages().items():
        path = {"receipt": "/mailbox/", "mailbox with thread": "/mailbox/"}.get(name, name)
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'none'" in policy, name
        assert "connect-src 'none'" in policy, name
        assert "no-store" in response.headers["Cache-Control"], name
        for morsel in client.cookies.values():
            assert not morsel["expires"], (name, morsel.key)
            assert not morsel["max-age"], (name, morsel.key)


def test_every_post_answers_303_to_a_get_page(db) -> None:
    client = Client()
    posts = [
        ("/", report_data(client)),
        ("/", {"token": form_token(client)}),
        ("/mailbox/open/", {"receipt": "1234 1234 1234 1234"}),
        ("/mailbox/write/", {"body": "x"}),
        ("/mailbox/leave/", {}),
        ("/mailbox/erase/", {"up_to": "1"}),
        ("/en/", {}),
    ]
    for path, data in posts:
        response = client.post(path, data)
        assert response.status_code == 303, path
        assert client.get(response.headers["Location"]).status_code == 200, path


def _weight(client: Client, path: str) -> tuple[int, int]:
    """Gzipped bytes of the page and its subresources, and the number of requests."""
    html = client.get(path).content
    stylesheets = re.findall(rb'<link rel="stylesheet" href="/static/([^"]+)"', html)
    total = len(gzip.compress(html))
    for name in stylesheets:
        located = finders.find(name.decode())
        assert located is not None
        total += len(gzip.compress(Path(str(located)).read_bytes()))
    return total, 1 + len(SUBRESOURCE.findall(html.decode()))


def test_the_report_page_fits_in_10_kb_gzipped_in_two_requests(db) -> None:
    for path in ("/", "/en/"):
        total, requests = _weight(Client(), path)
        assert total <= PAGE_BUDGET_BYTES, (path, total)
        assert requests <= 2, (path, requests)


def test_the_page_needs_no_fonts_or_images_and_fits_320_pixels(db) -> None:
    located = finders.find("refuge/public.css")
    assert located is not None
    css = Path(str(located)).read_text()
    assert "@font-face" not in css
    assert "url(" not in css
    assert "width=device-width" in Client().get("/").content.decode()
    # Nothing has a fixed width wider than a 320 px screen.
    widths = [int(value) for value in re.findall(r"(?<![-\w])width:(\d+)px", css)]
    assert all(width <= 320 for width in widths)


def test_the_russian_catalogue_of_the_intake_is_complete() -> None:
    catalogue = Path(__file__).resolve().parents[1] / "src/refuge/intake/locale/ru/LC_MESSAGES"
    po = polib.pofile(str(catalogue / "django.po"))
    assert len(po) > 50
    assert not po.untranslated_entries()
    assert not po.fuzzy_entries()


def test_russian_by_default_and_english_one_link_away(db) -> None:
    russian = Client().get("/").content.decode()
    assert '<html lang="ru">' in russian
    assert "Быстрый выход" in russian
    assert '<a href="/en/"' in russian
    english = Client().get("/en/").content.decode()
    assert "Quick exit" in english
    assert '<a href="/"' in english
