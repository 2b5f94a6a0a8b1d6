"""The people's Telegram bot against a faithful Bot API on loopback: a message becomes a
contact with the chat id sealed, urgency is asked with buttons, files follow the intake rules,
an update is stored once however often it is delivered, replies go back and are retried, and
the bot erases the chat from the person's phone."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from refuge.accounts.models import Operator
from refuge.audit.models import AuditEvent
from refuge.channels.models import (
    InboundSeen,
    Outbound,
    OutboundKind,
    TelegramBotState,
    TelegramChatMessage,
)
from refuge.channels.services.invitation import send_mailbox_invitation
from refuge.channels.services.outbound import send_due
from refuge.channels.telegram.poll import poll_people_bot
from refuge.core.outbox import OutboxStatus
from refuge.hotline import services as hotline
from refuge.hotline.models import Contact
from refuge.hotline.tests.factories import client_for
from refuge.intake.attachments import attachment_bytes
from refuge.intake.models import Attachment, Message, Urgency
from refuge.intake.tests.support import jpeg_with_gps
from refuge.ops.jobs import read_telegram_channel
from refuge.ops.models import RunStatus
from refuge.testing import keyring_for
from refuge.testing.telegram import BotApi, telegram_bot_api
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = 5550001234
TESTIMONY = "Меня держали в подвале в Аргуне"


@pytest.fixture
def telegram(settings: Any) -> Iterator[BotApi]:
    people = BotApi(token="654321:TEST-people-bot", username="refuge_help_test_bot", bot_id=654321)
    with telegram_bot_api(people) as api:
        settings.CHANNEL_TELEGRAM_TOKEN = api.token
        settings.TELEGRAM_API_URL = api.base_url
        settings.CHANNEL_TELEGRAM_TIMEOUT = 5
        yield api


def _raw_bytes(table: str) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return repr(cursor.fetchall()).encode()


def _bodies(operator: Operator) -> list[str]:
    with vault.activated(keyring_for(operator)):
        return [str(message.body) for message in Message.objects.order_by("pk")]


def _texts(api: BotApi) -> list[str]:
    return [message.text for message in api.chat(CHAT)]


def test_a_message_becomes_a_contact_with_the_chat_id_sealed_and_the_greeting_asks_urgency(
    telegram: BotApi, hotline_operator: Operator, settings: Any
) -> None:
    telegram.user_writes(CHAT, TESTIMONY)

    run = poll_people_bot()

    assert (run.stored, run.error) == (1, "")
    contact = Contact.objects.get()
    assert contact.channel == "telegram"
    assert hotline_operator.pk in vault.readers_of(contact.envelope_id)
    assert _bodies(hotline_operator) == [TESTIMONY]
    for table in (
        "channels_conversation",
        "channels_inboundseen",
        "channels_outbound",
        "channels_telegramchatmessage",
        "intake_message",
        "hotline_contact",
    ):
        stored = _raw_bytes(table)
        assert str(CHAT).encode() not in stored
        assert TESTIMONY.encode() not in stored
    assert send_due().sent == 1
    greeting = telegram.sent[-1]
    assert "Ваше сообщение дошло до горячей линии" in greeting.text
    assert "Telegram не защищён сквозным шифрованием" in greeting.text
    assert settings.PUBLIC_INTAKE_URL in greeting.text
    assert "/clear" in greeting.text
    assert "Аргун" not in greeting.text
    assert greeting.reply_markup is not None
    buttons = [row[0] for row in greeting.reply_markup["inline_keyboard"]]
    assert [button["callback_data"] for button in buttons] == [
        f"urgency:{choice}" for choice in Urgency
    ]
    assert buttons[0]["text"] == "Мне угрожает опасность прямо сейчас · In danger now"
    # The bot confirmed the update to Telegram only at the next poll, after it was stored.
    assert TelegramBotState.objects.get().last_update_id > 0
    poll_people_bot()
    assert telegram.pending_updates() == 0


def test_start_welcomes_and_the_urgency_buttons_set_the_contacts_urgency_audited(
    telegram: BotApi, hotline_operator: Operator
) -> None:
    telegram.user_writes(CHAT, "/start")
    run = poll_people_bot()

    assert (run.commands, Contact.objects.count()) == (1, 0)  # no contact for a bare /start
    welcome = telegram.sent[-1]
    assert "Это бот горячей линии" in welcome.text
    assert "This is the hotline's bot" in welcome.text
    assert welcome.reply_markup is not None

    # Pressing "in danger now" without a word still reaches the queue.
    telegram.user_presses(CHAT, welcome.message_id, f"urgency:{Urgency.IN_DANGER}")
    assert poll_people_bot().urgencies == 1
    contact = Contact.objects.get()
    assert contact.urgency == Urgency.IN_DANGER
    assert _bodies(hotline_operator) == [
        "[Человек выбрал кнопкой: Мне угрожает опасность прямо сейчас]"
    ]
    assert list(telegram.answered.values()) == [
        "Принято. Напишите, что случилось, если можете. / Noted. Write what happened, if you can."
    ]

    telegram.user_writes(CHAT, "Я прячусь у друзей")
    telegram.user_presses(CHAT, welcome.message_id, f"urgency:{Urgency.HIDING}")
    telegram.user_presses(CHAT, welcome.message_id, "urgency:everything")
    run = poll_people_bot()
    assert (run.stored, run.urgencies, run.skipped) == (1, 1, ["unknown_button"])
    contact.refresh_from_db()
    assert contact.urgency == Urgency.HIDING
    assert Contact.objects.count() == 1
    assert AuditEvent.objects.filter(details__change="urgency_chosen_by_person").count() == 1
    assert len(telegram.answered) == 3  # every pressed button is answered, even a stale one


def test_a_photo_arrives_cleaned_and_its_caption_is_the_message(
    telegram: BotApi, hotline_operator: Operator
) -> None:
    telegram.user_sends_photo(CHAT, jpeg_with_gps(), caption="Вот где меня держали")

    assert poll_people_bot().stored == 1

    [photo] = Attachment.objects.all()
    assert photo.content_type == "image/jpeg"
    with vault.activated(keyring_for(hotline_operator)):
        stored = attachment_bytes(photo)
    cleaned = Image.open(io.BytesIO(stored))
    assert (cleaned.format, cleaned.size) == ("JPEG", (64, 48))
    assert not cleaned.getexif().get_ifd(0x8825)  # no GPS
    assert b"SpyCam" not in stored
    assert _bodies(hotline_operator) == ["Вот где меня держали"]
    assert telegram.calls.count("getFile") == 1
    assert telegram.calls.count("download") == 1


def test_an_oversize_file_is_refused_with_a_reason_to_the_person(
    telegram: BotApi, hotline_operator: Operator, settings: Any
) -> None:
    settings.INTAKE_MAX_ATTACHMENT_BYTES = 1_048_576
    telegram.user_sends_document(CHAT, b"%PDF-1.4 " + b"0" * (30 * 1_048_576), caption="Видео")
    telegram.user_sends_document(CHAT, b"%PDF-1.4 " + b"0" * (2 * 1_048_576))

    assert poll_people_bot().stored == 2

    assert "getFile" not in telegram.calls  # neither was fetched
    assert Attachment.objects.count() == 0
    first, second = _bodies(hotline_operator)
    assert "больше 20 МБ, которые Telegram разрешает получить боту" in first
    assert "Файл слишком большой" in second
    send_due()
    told = [text for text in telegram.sent_to(CHAT) if "некоторые файлы не приняты" in text]
    assert len(told) == 2
    assert Outbound.objects.filter(kind=OutboundKind.REFUSED_FILES).count() == 2


def test_a_repeated_update_is_stored_once_and_a_crash_before_the_offset_loses_nothing(
    telegram: BotApi,
) -> None:
    update_id = telegram.user_writes(CHAT, TESTIMONY)
    update = dict(telegram.updates[0])
    assert poll_people_bot().stored == 1

    # A crash after the store but before the offset was kept (or before Telegram heard of
    # it): Telegram delivers the same update again.
    TelegramBotState.objects.update(last_update_id=0)
    telegram.raw_update(update)
    run = poll_people_bot()
    assert (run.stored, run.duplicates) == (0, 1)
    assert Message.objects.count() == 1
    assert InboundSeen.objects.count() == 1
    assert TelegramBotState.objects.get().last_update_id == update_id

    # A batch cut short: the second update's photo cannot be fetched now (502), so the
    # offset stops after the first; the next poll stores the second once.
    telegram.user_writes(CHAT, "Второе")
    telegram.user_sends_photo(CHAT, jpeg_with_gps())
    telegram.user_writes(CHAT, "Третье")
    telegram.fail_next("getFile", 502, "Bad Gateway", page=True)
    run = poll_people_bot()
    assert (run.stored, run.error) == (1, "file_server")
    assert telegram.pending_updates() == 3
    run = poll_people_bot()
    assert (run.stored, run.error) == (2, "")
    assert Message.objects.count() == 4
    assert Attachment.objects.count() == 1


def test_an_operators_reply_is_delivered_and_the_chat_erased_once_the_person_writes_again(
    telegram: BotApi, hotline_operator: Operator
) -> None:
    telegram.user_writes(CHAT, TESTIMONY)
    poll_people_bot()
    send_due()  # the greeting
    contact = Contact.objects.get()
    with vault.activated(keyring_for(hotline_operator)):
        hotline.reply_to_reporter(contact=contact, operator=hotline_operator, text="Где вы сейчас?")
    assert send_due().sent == 1
    assert _texts(telegram)[-1] == "Где вы сейчас?"
    assert len(telegram.chat(CHAT)) == 3

    telegram.user_writes(CHAT, "У сестры, в безопасности")  # the reply was read
    run = poll_people_bot()

    assert (run.stored, run.erased) == (1, 4)
    [notice] = _texts(telegram)
    assert notice.startswith("Этот чат удалён с вашего телефона; у горячей линии осталась копия")
    assert "This chat was erased from your phone" in notice
    assert TelegramChatMessage.objects.count() == 1  # the notice, erased the next time
    assert _bodies(hotline_operator) == [TESTIMONY, "Где вы сейчас?", "У сестры, в безопасности"]
    assert AuditEvent.objects.filter(details__change="channel_message_sent").count() == 2


def test_the_mailbox_invitation_stays_on_the_phone_until_the_person_clears_the_chat(
    telegram: BotApi, hotline_operator: Operator
) -> None:
    telegram.user_writes(CHAT, TESTIMONY)
    poll_people_bot()
    contact = Contact.objects.get()
    with vault.activated(keyring_for(hotline_operator)):
        hotline.reply_to_reporter(contact=contact, operator=hotline_operator, text="Где вы?")
        send_mailbox_invitation(contact=contact, operator=hotline_operator)
    send_due()  # the greeting, the reply and the invitation
    telegram.user_writes(CHAT, "Дома")  # the reply was read: the chat is erased ...

    poll_people_bot()

    texts = _texts(telegram)
    assert any("ваш собственный код" in text for text in texts)  # ... but not the code
    assert "Где вы?" not in texts
    telegram.user_writes(CHAT, "/clear")
    poll_people_bot()
    assert not any("ваш собственный код" in text for text in _texts(telegram))


def test_clear_deletes_the_messages_and_one_past_48_hours_is_left_gracefully(
    telegram: BotApi, hotline_operator: Operator
) -> None:
    telegram.user_writes(CHAT, "Старое сообщение")
    poll_people_bot()
    send_due()
    telegram.age(CHAT, 49 * 3600)  # Telegram no longer lets the bot delete these two
    telegram.user_writes(CHAT, "Новое сообщение")
    telegram.user_writes(CHAT, "/clear")

    run = poll_people_bot()

    assert (run.stored, run.commands, run.erased) == (1, 1, 2)
    texts = _texts(telegram)
    assert texts[0] == "Старое сообщение"
    assert "Ваше сообщение дошло до горячей линии" in texts[1]
    assert texts[2].startswith("Этот чат удалён с вашего телефона")
    assert len(texts) == 3
    assert TelegramChatMessage.objects.count() == 1  # only the notice
    assert Message.objects.count() == 2  # /clear is not a message to the hotline

    # Ids are kept no longer than they can be used.
    TelegramChatMessage.objects.update(sent_at=timezone.now() - timedelta(hours=49))
    poll_people_bot()
    assert TelegramChatMessage.objects.count() == 0


def test_429_and_502_are_retried_and_a_blocked_bot_is_given_up_and_shown(
    telegram: BotApi, hotline_operator: Operator
) -> None:
    telegram.fail_next("getUpdates", 502, "Bad Gateway", page=True)
    telegram.user_writes(CHAT, TESTIMONY)
    assert poll_people_bot().error == "server"
    assert Message.objects.count() == 0
    assert poll_people_bot().stored == 1  # nothing lost

    telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    before = timezone.now()
    assert send_due().retrying == 1
    greeting = Outbound.objects.get(kind=OutboundKind.GREETING)
    assert greeting.error == "rate_limited"
    assert timedelta(seconds=6) < greeting.next_attempt_at - before < timedelta(seconds=9)
    assert send_due().sent == 0  # Telegram's wait is honoured
    telegram.fail_next("sendMessage", 502, "Bad Gateway", page=True)
    assert send_due(now=greeting.next_attempt_at).retrying == 1
    greeting.refresh_from_db()
    assert greeting.error == "telegram_server"
    assert send_due(now=greeting.next_attempt_at).sent == 1

    telegram.blocks_the_bot(CHAT)
    contact = Contact.objects.get()
    with vault.activated(keyring_for(hotline_operator)):
        hotline.reply_to_reporter(contact=contact, operator=hotline_operator, text="Вы здесь?")
    assert send_due().failed == 1
    reply = Outbound.objects.get(kind=OutboundKind.REPLY)
    assert (reply.status, reply.error, reply.text) == (OutboxStatus.FAILED, "blocked", None)
    page = client_for(hotline_operator).get(reverse("hotline:contact", args=[contact.pk]))
    assert "не удалось доставить" in page.content.decode()
    assert "человек заблокировал бота или удалил чат" in page.content.decode()


def test_a_slow_or_unreachable_telegram_loses_nothing(telegram: BotApi, settings: Any) -> None:
    telegram.user_sends_photo(CHAT, jpeg_with_gps(), caption=TESTIMONY)
    settings.TELEGRAM_API_URL = "http://127.0.0.1:9"  # nothing listens there
    assert poll_people_bot().error == "unreachable"
    settings.TELEGRAM_API_URL = telegram.base_url
    settings.CHANNEL_TELEGRAM_TIMEOUT = 1
    telegram.delay = 1.5  # every answer, the long poll's included (it waits longer)

    assert poll_people_bot().error == "file_timeout"
    assert TelegramBotState.objects.get().error == "file_timeout"
    assert Message.objects.count() == 0

    telegram.delay = 0
    assert poll_people_bot().stored == 1
    telegram.delay = 1.5
    assert send_due().retrying == 1
    greeting = Outbound.objects.get()
    assert greeting.error == "telegram_timeout"
    telegram.delay = 0
    assert send_due(now=greeting.next_attempt_at).sent == 1
    assert Attachment.objects.count() == 1


def test_a_malformed_update_is_skipped_with_a_code_and_the_next_one_stored(
    telegram: BotApi,
) -> None:
    telegram.raw_update({"update_id": telegram.take_update_id(), "message": {"chat": "ничего"}})
    telegram.raw_update(
        {
            "update_id": telegram.take_update_id(),
            "message": {"message_id": 9, "chat": {"id": -100200, "type": "group"}, "text": "ы"},
        }
    )
    telegram.raw_update({"update_id": telegram.take_update_id(), "edited_message": {}})
    telegram.raw_update({"update_id": telegram.take_update_id(), "message": {"photo": "x"}})
    telegram.raw_update({"no": "update_id"})
    last = telegram.user_writes(CHAT, TESTIMONY)

    run = poll_people_bot()

    assert run.skipped == ["malformed", "not_private", "unsupported", "malformed", "malformed"]
    assert (run.stored, run.error) == (1, "")
    assert TelegramBotState.objects.get().last_update_id == last
    assert Contact.objects.count() == 1


def test_the_job_reads_the_bot_and_says_when_its_token_is_refused(
    telegram: BotApi, settings: Any
) -> None:
    telegram.user_writes(CHAT, TESTIMONY)
    assert read_telegram_channel().count == 1

    settings.CHANNEL_TELEGRAM_TOKEN = "654321:WRONG"
    result = read_telegram_channel()
    assert (result.status, result.code) == (RunStatus.ALARM, "telegram_unauthorized")

    settings.CHANNEL_TELEGRAM_TOKEN = ""
    assert read_telegram_channel().code == "channel_off"
