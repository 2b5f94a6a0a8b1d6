"""The Telegram channel's journey in a real Chromium, in Russian: a person writes to the
people's bot (the Bot API on loopback) and presses "in danger now"; the worker stores the
message and greets them; an operator at 360 px sees where it came from, its safety note and its
urgency, answers, and sends the web mailbox invitation; the person writes again, and the bot
erases the chat from their phone; at 320 px with JavaScript off they open the web mailbox with
the receipt the bot brought and read the conversation there."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from refuge.accounts.models import Operator
from refuge.channels.services.outbound import send_due
from refuge.hotline.models import Contact
from refuge.hotline.tests.journey import journey_browsers
from refuge.intake.models import Urgency
from refuge.ops.jobs import read_telegram_channel
from refuge.testing import CHROMIUM
from refuge.testing.telegram import BotApi, telegram_bot_api

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
CHAT = 5550007777
WORDS = "Меня ищут родственники, я прячусь у подруги в Назрани"
REPLY = "Мы вас слышим. Напишите, пожалуйста, через веб-форму, сколько вы можете там оставаться."


def test_a_person_who_writes_to_the_bot_is_answered_erased_and_moves_to_the_web_mailbox(
    live_server: Any,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    tmp_path: Path,
    hotline_operator: Operator,
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    settings.PUBLIC_INTAKE_URL = live_server.url + "/"
    people = BotApi(token="654321:TEST-people-bot", username="refuge_help_test_bot")
    with (
        telegram_bot_api(people) as telegram,
        journey_browsers(live_server.url, profile_dir=tmp_path / "profile") as (person, desk),
    ):
        settings.CHANNEL_TELEGRAM_TOKEN = telegram.token
        settings.TELEGRAM_API_URL = telegram.base_url
        telegram.user_writes(CHAT, WORDS)

        assert read_telegram_channel().count == 1  # the worker's minute
        assert send_due().sent == 1  # the greeting, with the urgency buttons
        greeting = telegram.sent[-1]
        assert "Ваше сообщение дошло до горячей линии" in greeting.text
        assert "Назран" not in greeting.text
        telegram.user_presses(CHAT, greeting.message_id, f"urgency:{Urgency.HIDING}")
        read_telegram_channel()
        contact = Contact.objects.get()
        assert contact.urgency == Urgency.HIDING

        desk.log_in(hotline_operator)
        desk.queue()
        assert desk.queue_row(contact.pk).count() == 1
        page = desk.open_contact(contact.pk)
        assert "Пришло по каналу: Telegram" in page
        assert "Telegram не защищён сквозным шифрованием" in page
        assert WORDS in page
        assert str(CHAT) not in page  # the chat id is never shown
        assert desk.fits_the_screen()
        desk.shot("telegram-1-contact")
        desk.reply(REPLY)
        with desk.page.expect_navigation():
            desk.page.click("form[action$='/invite/'] button")
        assert "Приглашение с собственным кодом" in desk.page.inner_text(".messages")
        desk.shot("telegram-2-invited")

        assert send_due().sent == 2  # the reply and the invitation
        assert REPLY in telegram.sent_to(CHAT)
        sent = telegram.sent_to(CHAT)
        [invitation] = [text for text in sent if "Вот ваш собственный код" in text]
        [receipt] = set(re.findall(r"\d{4} \d{4} \d{4} \d{4}", invitation))

        telegram.user_writes(CHAT, "Спасибо, прочитала")  # the reply was read
        read_telegram_channel()
        # Erased but the invitation, which stays until the person clears the chat.
        invitation_left, notice = [message.text for message in telegram.chat(CHAT)]
        assert invitation_left == invitation
        assert notice.startswith("Этот чат удалён с вашего телефона")
        # The worker seals the follow-up to the thread's readers; the operator who opens it
        # puts it where the person's receipt reaches it too (intake.adopt_channel_messages).
        assert "Спасибо, прочитала" in desk.open_contact(contact.pk)

        page = person.open_mailbox(receipt)
        assert WORDS in page
        assert REPLY in page
        assert "Спасибо, прочитала" in page
        person.shot("telegram-3-mailbox")
        assert person.page.evaluate("document.documentElement.scrollWidth") <= 321
