"""A Russian page holds no untranslated English sentence.

Every demo operator walks the console in Russian the way they click (tests/console_crawl.py),
and a person at risk walks the public pages: the report form, its errors, the receipt, the
mailbox closed and opened. A run of three or more English words a person would read (text,
title, placeholder, label) fails the test, with the page it was on; the records the demo
itself holds (written in English) are not interface text and are left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.console_crawl import (
    DEMO_USERNAMES,
    Page,
    client_fetch,
    crawl,
    demo_client,
    english_runs,
    known_data,
    seed_demo,
)

pytestmark = pytest.mark.django_db


def _untranslated(pages: list[Page]) -> list[str]:
    data = known_data()
    found = []
    for page in pages:
        assert page.status < 500, f"{page.url} answered {page.status}"
        found += [f"{page.url}: {run!r}" for run in english_runs(page.html, data)]
    return found


def public_pages(client: Client, receipt: str) -> list[Page]:
    """What a person at risk sees, in Russian: each step of the report and of the mailbox."""
    fetch = client_fetch(client)

    def posted(url: str, data: dict[str, str]) -> Page:
        response = client.post(url, data, follow=True)
        return Page(f"POST {url}", response.status_code, response.content.decode())

    pages = [
        fetch(reverse("intake:report")),
        fetch(reverse("intake:mailbox")),
        posted(reverse("intake:report"), {}),
        posted(reverse("intake:mailbox_open"), {"receipt": "1234 5678 9012 3456"}),
        posted(reverse("intake:mailbox_open"), {"receipt": receipt}),
    ]
    pages.append(posted(reverse("intake:mailbox_write"), {"body": ""}))
    return pages


def test_the_example_of_an_untranslated_sentence_is_caught() -> None:
    html = (
        "<main><p>Заявка принята.</p><p>Your report was sent</p>"
        '<input placeholder="Type your message here"><code>git log --oneline -1</code>'
        '<p translate="no">Refuge Open Source Project</p><p>Демо: Car wash detentions</p>'
        "</main>"
    )

    assert english_runs(html, ["Car wash detentions"]) == [
        "Your report was sent",
        "Type your message here",
    ]


def test_no_russian_page_shows_untranslated_english(settings: Any, tmp_path: Path) -> None:
    receipt = seed_demo(settings, tmp_path)
    found = _untranslated(public_pages(Client(), receipt))
    for username in DEMO_USERNAMES:
        pages = crawl(client_fetch(demo_client(username)))
        assert len(pages) > 3, f"{username} reached almost nothing: the crawl is broken"
        found += [f"{username} {line}" for line in _untranslated(pages)]

    assert not found, "English on Russian pages:\n" + "\n".join(found)
