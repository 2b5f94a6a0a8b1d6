"""Coordinators set up the channels in the console: the mailbox and the bot then work with no
variable in the server's environment, the password and token are sealed and never shown
again, and "test the connection" says in words what is wrong."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction, AuditEvent
from refuge.channels.config import email_config, telegram_token
from refuge.channels.models import ChannelSettings
from refuge.hotline.models import Contact
from refuge.hotline.tests.factories import client_for
from refuge.ops.jobs import read_email_channel
from refuge.testing.imap import dovecot_binary, imap_server
from refuge.testing.telegram import telegram_bot_api

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mailbox-password-Шифр"


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _mailbox_form(port: int, password: str) -> dict[str, str]:
    return {
        "enabled": "on",
        "host": "127.0.0.1",
        "port": str(port),
        "security": "none",
        "user": "hotline",
        "password": password,
        "folder": "INBOX",
        "delete_sealed": "on",
        "address": "hotline@example.org",
        "version": "0",
    }


@pytest.mark.skipif(dovecot_binary() is None, reason="DOVECOT NOT INSTALLED (dovecot-imapd)")
def test_a_mailbox_set_up_in_the_console_is_read_and_its_password_never_shown(
    coordinator: Operator, hotline_operator: Operator, settings: Any
) -> None:
    settings.CHANNEL_EMAIL_IMAP_HOST = ""  # nothing in the environment
    client = client_for(coordinator)
    with imap_server() as mailbox:
        saved = client.post(
            reverse("channels:save_email"), _mailbox_form(mailbox.port, mailbox.password)
        )
        assert saved.status_code == 302
        page = client.get(reverse("channels:settings"))
        assert mailbox.password not in page.content.decode()
        with connection.cursor() as cursor:
            cursor.execute("SELECT secret FROM channels_channelsettings")
            [(sealed,)] = cursor.fetchall()
        assert mailbox.password.encode() not in bytes(sealed)
        config = email_config()
        assert config is not None
        assert (config.port, config.password) == (mailbox.port, mailbox.password)

        checked = client.post(reverse("channels:check", args=["email"]), follow=True)
        assert _messages(checked)[-1] == "Подключено."
        mailbox.deliver(b"From: a@example.org\r\nMessage-ID: <1@example.org>\r\n\r\nhelp\r\n")
        assert read_email_channel().count == 1
        assert Contact.objects.get().channel == "email"

        form = _mailbox_form(mailbox.port, "wrong password")
        form["version"] = str(ChannelSettings.objects.get().version)
        client.post(reverse("channels:save_email"), form)
        checked = client.post(reverse("channels:check", args=["email"]), follow=True)
    assert _messages(checked)[-1] == "Почтовый сервер не принял имя пользователя или пароль."
    assert ChannelSettings.objects.get().check_result == "login_refused"
    changes = AuditEvent.objects.filter(
        action=AuditAction.SETTINGS_CHANGED, actor_id=coordinator.pk
    )
    assert changes.count() == 4  # two saves, two checks


def test_an_empty_password_keeps_the_saved_one_and_a_stale_form_is_refused(
    coordinator: Operator,
) -> None:
    client = client_for(coordinator)
    client.post(reverse("channels:save_email"), _mailbox_form(993, PASSWORD))
    form = _mailbox_form(993, "")
    form["version"] = str(ChannelSettings.objects.get().version)
    form["folder"] = "Hotline"
    client.post(reverse("channels:save_email"), form)
    config = email_config()
    assert config is not None
    assert (config.folder, config.password) == ("Hotline", PASSWORD)

    stale = client.post(reverse("channels:save_email"), form, follow=True)  # the old version
    assert config == email_config()  # unchanged
    assert "изменил эту запись" in _messages(stale)[-1]


def test_a_bot_token_set_up_in_the_console_is_tested_against_telegram(
    coordinator: Operator, settings: Any
) -> None:
    settings.CHANNEL_TELEGRAM_TOKEN = ""
    client = client_for(coordinator)
    with telegram_bot_api() as api:
        settings.TELEGRAM_API_URL = api.base_url
        client.post(
            reverse("channels:save_telegram"), {"enabled": "on", "token": api.token, "version": "0"}
        )
        assert telegram_token() == api.token
        ok = client.post(reverse("channels:check", args=["telegram"]), follow=True)
        assert _messages(ok)[-1] == "Подключено."

        version = str(ChannelSettings.objects.get().version)
        client.post(
            reverse("channels:save_telegram"),
            {"enabled": "on", "token": "1:wrong", "version": version},
        )
        refused = client.post(reverse("channels:check", args=["telegram"]), follow=True)
    assert _messages(refused)[-1] == "Telegram не принял токен: скопируйте его заново у @BotFather."
    home = client.get(reverse("console:home")).content.decode()
    assert "Telegram: <strong>работает" in home
