"""Reusable steps of the person's journey in a real Chromium, for browser tests.

    with journey_browsers(live_server.url, profile_dir=tmp_path / "reporter") as (reporter, desk):
        receipt = reporter.send_report(body=..., contact="...", photo=jpeg_with_gps())
        desk.log_in(operator)
        desk.open_contact(contact_id)
        ...

The reporter is a persistent Chromium profile (so its History database can be read after the
journey) at 320 px with JavaScript off, in Russian; the operator ("desk") is another Chromium
at 360 px. Every step waits for the page it leads to and can take a screenshot
(`shot("name")` writes /tmp/<prefix>-<name>.png).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connections
from django.urls import reverse

from refuge.accounts.models import Operator
from refuge.testing import CHROMIUM, CHROMIUM_ARGS, TEST_PASSWORD, current_code

REPORTER_VIEWPORT = {"width": 320, "height": 640}
OPERATOR_VIEWPORT = {"width": 360, "height": 740}
SCREENSHOT_PREFIX = "/tmp/journey-intake"


@dataclass
class Reporter:
    """A person at risk on a cheap phone: JavaScript off, Russian, 320 px."""

    page: Any
    base: str
    shots: list[str] = field(default_factory=list)

    def shot(self, name: str) -> str:
        path = f"{SCREENSHOT_PREFIX}-reporter-{name}.png"
        self.page.screenshot(path=path, full_page=True)
        self.shots.append(path)
        return path

    def text(self) -> str:
        return str(self.page.inner_text("body"))

    def send_report(
        self,
        *,
        body: str,
        urgency: str = "detained",
        reporter_kind: str = "other",
        contact: str = "",
        photo: bytes | None = None,
    ) -> str:
        """Fill the report form and send it; returns the receipt the next page shows."""
        self.page.goto(self.base + reverse("intake:report"))
        self.page.check(f"input[name=urgency][value={urgency}]")
        self.page.check(f"input[name=reporter_kind][value={reporter_kind}]")
        self.page.fill("#body", body)
        if contact:
            self.page.fill("#contact", contact)
        if photo is not None:
            self.page.set_input_files(
                "#attachments",
                files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": photo}],
            )
        self.page.click(
            "form[action='/'] button[type=submit], form[action='/en/'] button[type=submit]"
        )
        self.page.wait_for_selector(".receipt")
        return str(self.page.inner_text(".receipt")).strip()

    def open_mailbox(self, receipt: str) -> str:
        self.page.goto(self.base + reverse("intake:mailbox"))
        self.page.fill("#receipt", receipt)
        self.page.click("form[action$='/mailbox/open/'] button[type=submit]")
        self.page.wait_for_selector("form[action$='/mailbox/write/']")
        return self.text()

    def write(self, text: str) -> str:
        self.page.fill("#body", text)
        self.page.click("form[action$='/mailbox/write/'] button[type=submit]")
        self.page.wait_for_selector("p.note[role=status]")
        return self.text()

    def erase_read_replies(self) -> str:
        self.page.click("form[action$='/mailbox/erase/'] button[type=submit]")
        self.page.wait_for_selector("p.note[role=status]")
        return self.text()

    def quick_exit(self) -> str:
        """Tap the red bar; returns the URL the browser lands on."""
        self.page.click("form.exit button")
        self.page.wait_for_load_state()
        return str(self.page.url)

    def back(self) -> str:
        self.page.go_back()
        self.page.wait_for_load_state()
        return self.text()


@dataclass
class Desk:
    """An operator in the console, on a 360 px phone."""

    page: Any
    base: str
    shots: list[str] = field(default_factory=list)

    def shot(self, name: str) -> str:
        path = f"{SCREENSHOT_PREFIX}-operator-{name}.png"
        self.page.screenshot(path=path, full_page=True)
        self.shots.append(path)
        return path

    def text(self) -> str:
        return str(self.page.inner_text("main"))

    def log_in(self, operator: Operator) -> None:
        self.page.goto(self.base + reverse("accounts:login"))
        self.page.fill("input[name=username]", operator.username)
        self.page.fill("input[name=password]", TEST_PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("input[name=code]")
        self.page.fill("input[name=code]", current_code(operator))
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("header.top")

    def switch_to(self, operator: Operator) -> None:
        """The same phone handed to a colleague: the session ends, the other logs in."""
        self.page.context.clear_cookies()
        self.log_in(operator)

    def open_case(self, contact_id: int, *, pseudonym: str) -> str:
        """From the contact's page, open a case for the person; returns the case file's text."""
        self.open_contact(contact_id)
        with self.page.expect_navigation():
            self.page.click(f"main a[href$='/cases/open/{contact_id}/']")
        self.page.fill("input[name=pseudonym]", pseudonym)
        with self.page.expect_navigation():  # until loaded, the report's photo too
            self.page.click("main form button[type=submit]")
        self.page.wait_for_selector("section.report")
        return self.text()

    def flag(self) -> str:
        """The safety flag a page shows ("" if none)."""
        flags = self.page.locator("section.flag")
        return str(flags.inner_text()) if flags.count() else ""

    def fits_the_screen(self) -> bool:
        return bool(
            self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        )

    def home(self) -> str:
        self.page.goto(self.base + reverse("console:home"))
        return self.text()

    def queue(self) -> str:
        self.page.goto(self.base + reverse("hotline:queue"))
        return self.text()

    def queue_row(self, contact_id: int) -> Any:
        return self.page.locator("tr", has=self.page.locator(f"a[href$='/contacts/{contact_id}/']"))

    def open_contact(self, contact_id: int) -> str:
        self.page.goto(self.base + reverse("hotline:contact", args=[contact_id]))
        return self.text()

    def photos_shown(self) -> list[int]:
        """Natural widths of the report's photos on the page (0 for a photo that failed)."""
        return [
            int(width)
            for width in self.page.eval_on_selector_all(
                "img.attachment", "images => images.map(image => image.naturalWidth)"
            )
        ]

    def reply(self, text: str) -> None:
        self.page.fill("form[action$='/reply/'] textarea[name=text]", text)
        self.page.click("form[action$='/reply/'] button")
        self.page.wait_for_selector(".messages li.success")

    def close(self, reason: str = "resolved") -> None:
        self.page.select_option("form[action$='/close/'] select[name=reason]", reason)
        self.page.click("form[action$='/close/'] button")
        self.page.wait_for_selector(".messages li.success")


@contextlib.contextmanager
def journey_browsers(base: str, *, profile_dir: Path) -> Iterator[tuple[Reporter, Desk]]:
    """A reporter's persistent Chromium profile and an operator's Chromium, closed afterwards.

    The profile directory outlives the block: read its History with `history_entries`.
    Callers set DJANGO_ALLOW_ASYNC_UNSAFE (Playwright's sync API runs an event loop in the
    test's thread).
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        reporter_context = playwright.chromium.launch_persistent_context(
            str(profile_dir),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            java_script_enabled=False,
            viewport=REPORTER_VIEWPORT,  # type: ignore[arg-type]
            locale="ru-RU",
        )
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        desk_context = browser.new_context(viewport=OPERATOR_VIEWPORT, locale="ru-RU")  # type: ignore[arg-type]
        reporter_page = reporter_context.new_page()
        desk_page = desk_context.new_page()
        for page in (reporter_page, desk_page):
            page.set_default_timeout(60_000)  # a loaded machine answers slowly
        try:
            yield Reporter(reporter_page, base), Desk(desk_page, base)
        finally:
            desk_context.close()
            browser.close()
            reporter_context.close()  # writes the History database out
            # ORM calls made while Playwright's loop runs use a connection of their own.
            connections.close_all()


@dataclass(frozen=True)
class HistoryEntry:
    url: str
    title: str


def history_entries(profile_dir: Path) -> list[HistoryEntry]:
    """Every address and title in the Chromium profile's History database (a SQLite file)."""
    database = profile_dir / "Default" / "History"
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as history:
        rows = history.execute("SELECT url, title FROM urls ORDER BY id").fetchall()
    return [HistoryEntry(str(url), str(title)) for url, title in rows]
