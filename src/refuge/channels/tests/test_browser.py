"""The e-mail channel's journey in a real Chromium, in Russian: a person writes to the
organisation's mailbox (a real Dovecot on loopback); the worker seals the mail into the queue
and greets them (a real SMTP server on loopback); an operator at 360 px sees where it came
from and its safety note, answers, and sends the web mailbox invitation; the person, at
320 px with JavaScript off, opens the web mailbox with the receipt the mail brought and reads
their own words and the operator's answer there."""

from __future__ import annotations

import os
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from refuge.accounts.models import Operator
from refuge.channels.services.outbound import send_due
from refuge.hotline.models import Contact
from refuge.hotline.tests.journey import journey_browsers
from refuge.ops.jobs import read_email_channel
from refuge.testing import CHROMIUM
from refuge.testing.imap import dovecot_binary, imap_server
from refuge.testing.smtp import smtp_settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
    pytest.mark.skipif(dovecot_binary() is None, reason="DOVECOT NOT INSTALLED (dovecot-imapd)"),
]
WORDS = "Моего друга задержали на блокпосту под Аргуном, его телефон у них"
REPLY = "Мы получили ваше письмо. Напишите, пожалуйста, через веб-форму, где он сейчас."


def _mail_from_the_person() -> bytes:
    message = EmailMessage()
    message["From"] = "Друг <friend.of.detained@example.org>"
    message["To"] = "hotline@example.org"
    message["Subject"] = "Помогите"
    message["Message-ID"] = "<journey-1@example.org>"
    message.set_content(WORDS)
    return message.as_bytes()


def _text(mail: Any) -> str:
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_a_person_who_writes_by_mail_is_answered_and_moves_to_the_web_mailbox(
    live_server: Any,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    tmp_path: Path,
    hotline_operator: Operator,
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    settings.PUBLIC_INTAKE_URL = live_server.url + "/"
    with (
        imap_server() as mailbox,
        smtp_settings(settings) as outgoing,
        journey_browsers(live_server.url, profile_dir=tmp_path / "profile") as (person, desk),
    ):
        settings.CHANNEL_EMAIL_IMAP_HOST, settings.CHANNEL_EMAIL_IMAP_PORT = (
            "127.0.0.1",
            mailbox.port,
        )
        settings.CHANNEL_EMAIL_IMAP_SECURITY = "none"
        settings.CHANNEL_EMAIL_IMAP_USER = mailbox.user
        settings.CHANNEL_EMAIL_IMAP_PASSWORD = mailbox.password
        mailbox.deliver(_mail_from_the_person())

        assert read_email_channel().count == 1  # the worker's minute
        assert mailbox.count() == 0
        assert send_due().sent == 1  # the greeting
        [greeting] = outgoing.messages
        assert outgoing.recipients == [["friend.of.detained@example.org"]]
        assert "Ваше сообщение дошло до горячей линии" in _text(greeting)
        assert "Аргун" not in _text(greeting)
        contact = Contact.objects.get()

        desk.log_in(hotline_operator)
        desk.queue()
        assert desk.queue_row(contact.pk).count() == 1
        page = desk.open_contact(contact.pk)
        assert "Пришло по каналу: Электронная почта" in page
        assert "не защищена сквозным шифрованием" in page
        assert WORDS in page
        assert "friend.of.detained" not in page  # the address is masked, never shown
        assert desk.fits_the_screen()
        desk.shot("email-1-contact")
        desk.reply(REPLY)
        with desk.page.expect_navigation():
            desk.page.click("form[action$='/invite/'] button")
        assert "Приглашение с собственным кодом" in desk.page.inner_text(".messages")
        assert "У человека есть код" in desk.text()
        desk.shot("email-2-invited")

        assert send_due().sent == 2  # the reply and the invitation
        reply_mail, invitation = outgoing.messages[1:]
        assert _text(reply_mail).strip() == REPLY
        [receipt] = set(re.findall(r"\d{4} \d{4} \d{4} \d{4}", _text(invitation)))

        page = person.open_mailbox(receipt)
        assert WORDS in page
        assert REPLY in page
        person.shot("email-3-mailbox")
        assert person.page.evaluate("document.documentElement.scrollWidth") <= 321
