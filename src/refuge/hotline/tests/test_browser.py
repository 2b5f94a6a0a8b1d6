"""A real Chromium: an operator logs in with TOTP, takes the newest urgent report, replies;
the reporter opens the mailbox with the receipt and reads the reply."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.urls import reverse

from refuge.accounts.models import Operator
from refuge.hotline.models import Contact, ContactStatus
from refuge.hotline.tests.factories import contact_of, web_report
from refuge.intake.models import Urgency
from refuge.testing import CHROMIUM, TEST_PASSWORD, chromium_page, current_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
REPLY = "Мы получили ваше сообщение. Вы в безопасном месте?"


@pytest.fixture
def browser_page(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium_page() as page:
        yield page


def _log_in(page: Any, base: str, operator: Operator) -> None:
    page.goto(base + reverse("accounts:login"))
    page.fill("input[name=username]", operator.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", current_code(operator))
    page.click("button[type=submit]")
    page.wait_for_selector("header.top")


def _reporter_reads_reply(page: Any, base: str, receipt: str) -> str:
    """The reporter's side: the real mailbox page, JavaScript off."""
    mailbox_url = reverse("intake:mailbox")
    context = page.context.browser.new_context(java_script_enabled=False)
    reporter = context.new_page()
    reporter.goto(base + mailbox_url)
    reporter.fill("#receipt", receipt)
    reporter.click("main button[type=submit]")
    reporter.wait_for_selector(".msg.out")
    text = str(reporter.inner_text(".msg.out"))
    context.close()
    return text


def test_operator_takes_the_newest_urgent_report_replies_and_the_reporter_reads_it(
    browser_page: Any, live_server: Any, hotline_operator: Operator
) -> None:
    web_report(body="Older urgent report", urgency=Urgency.IN_DANGER)
    web_report(body="Someone wants to testify", urgency=Urgency.TESTIMONY)
    newest = web_report(body="Пришли ночью, прячусь возле соседей", urgency=Urgency.IN_DANGER)
    contact = contact_of(newest)
    page, base = browser_page, live_server.url

    _log_in(page, base, hotline_operator)
    page.goto(base + reverse("hotline:queue"))
    row = page.locator("tr", has=page.locator(f"a[href$='/contacts/{contact.pk}/']"))
    assert row.count() == 1
    row.locator("form[action$='/take/'] button").click()
    page.wait_for_selector(".messages")
    page.goto(base + reverse("hotline:contact", args=[contact.pk]))
    assert "Пришли ночью" in page.inner_text("main")
    page.fill("form[action$='/reply/'] textarea[name=text]", REPLY)
    page.click("form[action$='/reply/'] button")
    page.wait_for_selector(".messages li.success")

    stored = Contact.objects.get(pk=contact.pk)
    assert stored.assigned_to_id == hotline_operator.pk
    assert stored.status == ContactStatus.IN_PROGRESS
    assert stored.first_response_at is not None
    assert REPLY in _reporter_reads_reply(page, base, newest.receipt)
