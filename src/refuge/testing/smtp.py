"""A real SMTP server on loopback for tests (aiosmtpd): the code under test talks SMTP to it
exactly as to the organisation's mail server, and the test reads what arrived."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Mailbox:
    messages: list[Message] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    # Answer the next DATA commands with this code instead of accepting (e.g. "451 try later").
    refuse_with: str = ""
    # A slow server: wait this many seconds before answering each RCPT TO (the client's
    # timeout runs out before any message is accepted, so a retry can never make a twin).
    delay: float = 0.0
    # RCPT TO commands received: a client got this far into sending (accepted or not).
    recipients_asked: int = 0

    async def handle_RCPT(  # noqa: N802 - the name aiosmtpd calls
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        self.recipients_asked += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - the name aiosmtpd calls
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        if self.refuse_with:
            return self.refuse_with
        self.messages.append(message_from_bytes(envelope.content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@contextmanager
def smtp_settings(settings: Any) -> Iterator[Mailbox]:
    """Send mail over SMTP to a server on loopback while the block runs (`settings` is
    pytest-django's fixture)."""
    with smtp_server() as (mailbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.ALARM_SEND_TIMEOUT = 5
        yield mailbox
