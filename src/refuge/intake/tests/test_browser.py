"""A real Chromium with JavaScript disabled: report, receipt, mailbox, reply, write again."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.db import connections

from refuge.accounts.models import Operator
from refuge.intake import services
from refuge.intake.models import Thread
from refuge.testing import CHROMIUM, chromium_page, keyring_for
from refuge.vault import api as vault

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def browser_page(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # The live server's request threads must not keep PostgreSQL connections open past the
    # test (conn_max_age from DATABASE_URL), or the test database cannot be dropped.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    with chromium_page(java_script_enabled=False, viewport={"width": 320, "height": 640}) as page:
        page.requested = []
        page.on("request", lambda request: page.requested.append(request.url))
        yield page


def test_a_reporter_goes_through_report_receipt_mailbox_and_reply_without_javascript(
    browser_page: Any, live_server: Any, hotline_operator: Operator
) -> None:
    page = browser_page
    page.goto(live_server.url + "/")
    assert page.locator("form.exit button").is_visible()
    page.check("input[name=urgency][value=detained]")
    page.check("input[name=reporter_kind][value=other]")
    page.fill("#body", "Брата забрали вчера вечером, телефон выключен")
    page.fill("#contact", "звонить после 21:00")
    page.click("main button[type=submit]")

    page.wait_for_selector(".receipt")
    receipt = page.inner_text(".receipt").strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt)
    page.reload()
    assert page.locator(".receipt").count() == 0  # shown once

    with vault.activated(keyring_for(hotline_operator)):
        services.add_operator_reply(
            thread=Thread.objects.get(),
            author=hotline_operator,
            text="Мы получили. Вы можете говорить сейчас?",
        )

    page.goto(live_server.url + "/mailbox/")
    page.fill("#receipt", receipt)
    page.click("main button[type=submit]")
    page.wait_for_selector(".msg.out")
    assert "Брата забрали вчера вечером" in page.inner_text("main")
    assert "Мы получили. Вы можете говорить сейчас?" in page.inner_text(".msg.out")

    page.fill("#body", "Да, до десяти вечера")
    page.click("form[action$='/mailbox/write/'] button[type=submit]")
    page.wait_for_selector("text=Да, до десяти вечера")
    assert page.locator(".msg.in").count() == 2

    cookies = page.context.cookies()
    assert cookies, "the session needs its cookies"
    assert all(cookie["expires"] == -1 for cookie in cookies), cookies
    assert all(url.startswith(live_server.url) for url in page.requested), page.requested
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.click("form[action$='/mailbox/leave/'] button[type=submit]")
    page.goto(live_server.url + "/mailbox/")
    assert "Да, до десяти вечера" not in page.content()
