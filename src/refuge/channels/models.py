"""Conversations that came by a channel other than the web form (e-mail, Telegram).

The person's address on the channel (an e-mail address, a Telegram chat id) is what a seized
database must not show: it is sealed under a server key (vault.seal_server_secret), because
the worker must answer on it with nobody logged in, and found again only by a keyed digest.
The hotline blind-indexes it with the operators' index key when an operator first reads the
contact, so that flags and earlier contacts find the person as they find a phone number.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from refuge.core.outbox import OutboxStatus
from refuge.hotline.models import Channel


class Conversation(models.Model):
    """One person's thread on one channel: their messages join it while its contact is open."""

    channel = models.CharField(max_length=10, choices=Channel.choices)
    thread = models.OneToOneField(
        "intake.Thread", on_delete=models.CASCADE, related_name="channel_conversation"
    )
    # Sealed under the server key; empty when the message named no address to answer.
    address = models.BinaryField(null=True, blank=True)
    # keyed digest of channel and normalised address (core.keys): finds the open conversation.
    address_lookup = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"conversation {self.pk}"


class InboundSeen(models.Model):
    """A message a channel delivered and Refuge stored: the same one delivered again (a crash
    before the mail was removed, a repeated Telegram update) is not stored twice.

    `digest` is a keyed digest of the channel's own id of the message, never the id itself.
    """

    channel = models.CharField(max_length=10, choices=Channel.choices)
    digest = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"inbound {self.pk}"


class OutboundKind(models.TextChoices):
    REPLY = "reply", _("Operator's reply")
    GREETING = "greeting", _("Greeting")
    INVITATION = "invitation", _("Web mailbox invitation")
    REFUSED_FILES = "refused_files", _("Files not accepted")


class Outbound(models.Model):
    """A message to the person on their channel, sent by the worker, retried with backoff.

    Its text is sealed under the server key until it is sent, then erased here (the hotline
    keeps its own sealed copy of a reply in the thread).
    """

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="outbound"
    )
    message = models.ForeignKey(
        "intake.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=OutboundKind.choices)
    text = models.BinaryField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"outbound {self.pk}"


class TelegramBotState(models.Model):
    """The people's bot's polling, one row: the last update stored (written in the
    transaction that stored it, so each update counts once), and how the last poll went."""

    last_update_id = models.BigIntegerField(default=0)
    polled_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=32, blank=True, default="")

    def __str__(self) -> str:
        return "telegram bot state"


class TelegramChatMessage(models.Model):
    """A message in a person's private chat with the bot, kept only until the bot deletes it
    from the person's phone (or Telegram's 48 hours for deleting have passed).

    A bare message id says nothing by itself; the chat is named by the keyed digest of its id
    (the conversation's address_lookup), never by the id itself.
    """

    chat_lookup = models.CharField(max_length=64, db_index=True)
    message_id = models.BigIntegerField()
    from_bot = models.BooleanField(default=False)
    # An operator's reply: once the person writes after it, they have seen it.
    is_reply = models.BooleanField(default=False)
    # The web mailbox invitation: erased only when the person asks (/clear), never before
    # they could learn the code it carries.
    until_clear = models.BooleanField(default=False)
    sent_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["chat_lookup", "message_id"], name="telegram_message_once"
            )
        ]

    def __str__(self) -> str:
        return f"telegram message {self.pk}"


class ChannelSettings(models.Model):
    """A channel as coordinators set it up in the console (it wins over the REFUGE_CHANNEL_*
    and REFUGE_TELEGRAM_TOKEN variables, which remain for installations set up by file).

    What is not secret (a mail server's name and port, the mailbox's user name) is kept in
    clear; the password or bot token only sealed under the server key, since the worker must
    use it with nobody logged in. The console never shows it again.
    """

    channel = models.CharField(max_length=10, choices=Channel.choices, unique=True)
    options = models.JSONField(default=dict, blank=True)
    secret = models.BinaryField(null=True, blank=True)
    is_enabled = models.BooleanField(default=True)
    updated_by = models.ForeignKey(
        "accounts.Operator", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)
    # The last "test connection": when, and its code ("ok", "login_refused", ...).
    checked_at = models.DateTimeField(null=True, blank=True)
    check_result = models.CharField(max_length=32, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.channel} settings"
