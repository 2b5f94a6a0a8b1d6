"""The journey in a real Chromium, in Russian: the reporter at 320 px with JavaScript off, the
operator at 360 px. Report with a photo and a contact line -> the operator sees both and
replies -> the reporter reads and writes again -> unread in the queue and on the home page ->
closed -> the reporter writes again -> back in the queue -> a case worker opens a case, where
the flag of the profile matching the reporter's contact line shows -> quick exit, and Back
shows nothing. Then the reporter's browser history holds no address or title that says a
report was made."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.cases.models import Case
from refuge.hotline import services
from refuge.hotline.models import Contact, ContactStatus, IdentifierKind, ProfileFlagKind
from refuge.hotline.tests.journey import history_entries, journey_browsers
from refuge.intake.tests.support import jpeg_with_gps
from refuge.testing import CHROMIUM, keyring_for, make_operator
from refuge.vault import api as vault

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
BODY = "Брата задержали у рынка в Аргуне, телефон выключен"
CONTACT_LINE = "Telegram @sister_safe, после 22:00"
REPLY = "Мы получили ваше сообщение. Вы сейчас в безопасности?"
SECOND = "Да, я у подруги. Его до сих пор держат"
THIRD = "Его отпустили, но забрали паспорт"
FLAGGED_HANDLE = "@sister_safe"  # the handle in CONTACT_LINE
FLAG = "Подозрение на провокатора"
# What the history may hold: the site's neutral pages, and where the quick exit leads.
NEUTRAL_PATHS = {"/", "/en/", "/mailbox/", "/en/mailbox/"}
TELLING = re.compile(
    r"receipt|report|sent|write|erase|квитанц|обращени|отправ|код|ящик|"
    r"помощ|почт",
    re.IGNORECASE,
)


@pytest.fixture
def journey(
    live_server: Any, monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path
) -> Any:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # The live server's threads must not keep PostgreSQL connections past the test.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    settings.INTAKE_MIN_FILL_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INTAKE_QUICK_EXIT_URL = live_server.url + "/healthz"  # no test leaves 127.0.0.1
    profile = tmp_path / "reporter-profile"
    with journey_browsers(live_server.url, profile_dir=profile) as (reporter, desk):
        yield reporter, desk, profile


def _flag_the_handle(owner: Operator) -> None:
    """A coordinator's earlier flag: whoever writes from this handle asked where people hide."""
    with vault.activated(keyring_for(owner)):
        profile = services.create_profile(operator=owner, pseudonym="Сестра с рынка")
        services.add_profile_identifier(
            operator=owner, profile=profile, kind=IdentifierKind.TELEGRAM, value=FLAGGED_HANDLE
        )
        services.flag_profile(
            operator=owner,
            profile=profile,
            kind=ProfileFlagKind.SUSPECTED_INFILTRATOR,
            expires_at=timezone.now() + timedelta(days=30),
            note="Выспрашивала адрес убежища",
        )


def test_the_persons_journey_every_message_reaches_someone_and_leaves_no_trace(
    journey: Any, live_server: Any, coordinator: Operator, hotline_operator: Operator
) -> None:
    reporter, desk, _profile = journey
    case_worker = make_operator("timur", Role.CASE_WORKER, intake=True)
    _flag_the_handle(coordinator)

    receipt = reporter.send_report(body=BODY, contact=CONTACT_LINE, photo=jpeg_with_gps())
    reporter.shot("1-receipt")
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt)
    assert reporter.page.url == live_server.url + "/"
    contact = Contact.objects.get()

    desk.log_in(hotline_operator)
    desk.queue()
    assert desk.queue_row(contact.pk).count() == 1
    page = desk.open_contact(contact.pk)
    assert BODY in page
    assert CONTACT_LINE in page
    assert "Кто-то другой от его имени" in page
    assert desk.photos_shown() == [64]  # shown inline, decoded by the browser
    assert FLAG in desk.flag()  # found by the contact line's handle, linked by no one
    assert "Причина: Выспрашивала адрес убежища" in desk.flag()  # she may read the profile
    desk.shot("2-contact-with-photo")
    desk.reply(REPLY)

    mailbox = reporter.open_mailbox(receipt)
    assert REPLY in mailbox
    assert "Сообщение отправлено" in reporter.write(SECOND)
    reporter.shot("3-mailbox-after-writing")

    home = desk.home()
    assert "Новые сообщения от заявителей: 1" in home
    desk.queue()
    assert "1 новое сообщение" in desk.queue_row(contact.pk).inner_text()
    desk.shot("4-queue-unread")
    assert SECOND in desk.open_contact(contact.pk)
    assert Contact.objects.get().unread_messages == 0
    desk.close("resolved")
    assert Contact.objects.get().status == ContactStatus.CLOSED
    desk.queue()
    assert desk.queue_row(contact.pk).count() == 0

    reporter.write(THIRD)
    desk.queue()
    row = desk.queue_row(contact.pk)
    assert row.count() == 1
    assert "1 новое сообщение" in row.inner_text()
    desk.shot("5-queue-reopened")
    assert Contact.objects.get().status == ContactStatus.NEW

    desk.switch_to(case_worker)
    case_file = desk.open_case(contact.pk, pseudonym="Брат")
    case = Case.objects.get()
    assert desk.page.url.endswith(f"/cases/{case.pk}/")
    assert FLAG in desk.flag()
    assert re.search(r"coord, действует до \d\d\.\d\d\.\d{4} \d\d:\d\d MSK", desk.flag())
    assert CONTACT_LINE in case_file  # what the report carried, in the case file
    assert desk.photos_shown() == [64]
    assert desk.fits_the_screen()
    desk.shot("6-case-with-flag")
    assert Contact.objects.get().status == ContactStatus.CASE_OPENED

    landed = reporter.quick_exit()
    assert landed == live_server.url + "/healthz"
    after_back = reporter.back()
    reporter.shot("7-back-after-quick-exit")
    for words in (BODY, REPLY, SECOND, THIRD):
        assert words not in after_back
    reporter.page.goto(live_server.url + "/mailbox/")
    typed = reporter.text()
    assert THIRD not in typed
    assert reporter.page.locator("#receipt").count() == 1
    assert reporter.page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_browser_history_says_nothing_of_a_report(
    journey: Any, live_server: Any, hotline_operator: Operator
) -> None:
    reporter, _desk, profile = journey
    receipt = reporter.send_report(body=BODY, contact=CONTACT_LINE)
    reporter.page.click("nav.lang a[hreflang=en]")  # the receipt page, switched to English
    assert receipt in reporter.text()
    reporter.open_mailbox(receipt)
    reporter.write(SECOND)
    reporter.quick_exit()
    reporter.page.context.close()

    entries = history_entries(profile)

    assert entries, "Chromium wrote no history"
    site = [entry for entry in entries if entry.url.startswith(live_server.url)]
    paths = {entry.url.removeprefix(live_server.url) for entry in site}
    assert paths <= NEUTRAL_PATHS | {"/healthz"}, paths  # the quick exit's POST leaves none
    for entry in site:
        assert not TELLING.search(entry.url), entry
        assert entry.title in {"Информация", "Information", ""}, entry
