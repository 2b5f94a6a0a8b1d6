"""Reading the organisation's mailbox by IMAP (imapclient): each mail is sealed into the
queue, then removed from the mailbox (unless the channel's settings keep mail) so the mail server
keeps no second copy, or marked $RefugeSealed when the organisation keeps its mail.

A mail is removed only after its transaction committed; a crash in between leaves it in the
mailbox, and the next poll finds it already stored (channels.services.inbound) and removes it.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.conf import settings
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from refuge.channels.config import EmailConfig, email_config
from refuge.channels.email.parse import parse_mail
from refuge.channels.services.inbound import Inbound, receive, urgency_from_words
from refuge.hotline.models import Channel
from refuge.vault import api as vault

SEALED_KEYWORD = b"$RefugeSealed"
BATCH = 20


class MailboxUnavailable(Exception):
    """The mailbox could not be read: `code` says why (never the server's words)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class Poll:
    stored: int = 0
    duplicates: int = 0
    removed: int = 0


def is_configured() -> bool:
    return email_config() is not None


@contextmanager
def _connected(config: EmailConfig) -> Iterator[IMAPClient]:
    try:
        client = IMAPClient(
            config.host,
            port=config.port,
            ssl=config.security == "tls",
            ssl_context=ssl.create_default_context(),
            timeout=settings.CHANNEL_EMAIL_TIMEOUT,
        )
        if config.security == "starttls":
            client.starttls(ssl.create_default_context())
        client.login(config.user, config.password)
    except IMAPClientError as error:
        raise MailboxUnavailable("login_refused") from error
    except TimeoutError as error:
        raise MailboxUnavailable("timeout") from error
    except OSError as error:
        raise MailboxUnavailable("unreachable") from error
    try:
        yield client
    finally:
        with suppress(IMAPClientError, OSError):
            client.logout()


def poll_mailbox(config: EmailConfig | None = None) -> Poll:
    """Store every mail waiting in the mailbox; raises MailboxUnavailable when it cannot."""
    config = config or email_config()
    if config is None:
        raise MailboxUnavailable("not_configured")
    try:
        with _connected(config) as client:
            return _poll(client, config)
    except IMAPClientError as error:
        raise MailboxUnavailable("imap_error") from error
    except TimeoutError as error:
        raise MailboxUnavailable("timeout") from error
    except OSError as error:
        raise MailboxUnavailable("unreachable") from error


def check_mailbox(config: EmailConfig) -> None:
    """Log in and open the folder, read nothing; raises MailboxUnavailable."""
    try:
        with _connected(config) as client:
            client.select_folder(config.folder, readonly=True)
    except IMAPClientError as error:
        raise MailboxUnavailable("no_folder") from error
    except TimeoutError as error:
        raise MailboxUnavailable("timeout") from error
    except OSError as error:
        raise MailboxUnavailable("unreachable") from error


def _poll(client: IMAPClient, config: EmailConfig) -> Poll:
    client.select_folder(config.folder)
    waiting = client.search(["NOT", "DELETED", "NOT", "KEYWORD", SEALED_KEYWORD.decode()])
    stored = duplicates = 0
    for start in range(0, len(waiting), BATCH):
        batch = waiting[start : start + BATCH]
        for uid, data in client.fetch(batch, ["BODY.PEEK[]"]).items():
            raw = data.get(b"BODY[]")
            if not isinstance(raw, bytes):
                continue
            if _store(raw):
                stored += 1
            else:
                duplicates += 1
            _taken(client, uid, delete=config.delete_sealed)
    if config.delete_sealed and waiting:
        client.expunge()
    return Poll(
        stored=stored,
        duplicates=duplicates,
        removed=len(waiting) if config.delete_sealed else 0,
    )


def _store(raw: bytes) -> bool:
    mail = parse_mail(raw)
    with vault.activated(vault.Keyring()):
        received = receive(
            Inbound(
                channel=Channel.EMAIL,
                external_id=mail.external_id,
                address=mail.sender,
                text=mail.text,
                files=mail.files,
                urgency=urgency_from_words(mail.text),
            )
        )
    return not received.duplicate


def _taken(client: IMAPClient, uid: int, *, delete: bool) -> None:
    if delete:
        client.delete_messages([uid])
    else:
        client.add_flags([uid], [SEALED_KEYWORD])
