"""Reading the organisation's mailbox by IMAP (imapclient): each mail is sealed into the
queue, then removed from the mailbox (REFUGE_CHANNEL_EMAIL_DELETE_SEALED) so the mail server
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
    return bool(settings.CHANNEL_EMAIL_IMAP_HOST)


@contextmanager
def _connected() -> Iterator[IMAPClient]:
    security = settings.CHANNEL_EMAIL_IMAP_SECURITY
    try:
        client = IMAPClient(
            settings.CHANNEL_EMAIL_IMAP_HOST,
            port=settings.CHANNEL_EMAIL_IMAP_PORT,
            ssl=security == "tls",
            ssl_context=ssl.create_default_context(),
            timeout=settings.CHANNEL_EMAIL_TIMEOUT,
        )
        if security == "starttls":
            client.starttls(ssl.create_default_context())
        client.login(settings.CHANNEL_EMAIL_IMAP_USER, settings.CHANNEL_EMAIL_IMAP_PASSWORD)
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


def poll_mailbox() -> Poll:
    """Store every mail waiting in the mailbox; raises MailboxUnavailable when it cannot."""
    try:
        with _connected() as client:
            return _poll(client)
    except IMAPClientError as error:
        raise MailboxUnavailable("imap_error") from error
    except TimeoutError as error:
        raise MailboxUnavailable("timeout") from error
    except OSError as error:
        raise MailboxUnavailable("unreachable") from error


def _poll(client: IMAPClient) -> Poll:
    client.select_folder(settings.CHANNEL_EMAIL_IMAP_FOLDER)
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
            _taken(client, uid)
    if settings.CHANNEL_EMAIL_DELETE_SEALED and waiting:
        client.expunge()
    return Poll(
        stored=stored,
        duplicates=duplicates,
        removed=len(waiting) if settings.CHANNEL_EMAIL_DELETE_SEALED else 0,
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


def _taken(client: IMAPClient, uid: int) -> None:
    if settings.CHANNEL_EMAIL_DELETE_SEALED:
        client.delete_messages([uid])
    else:
        client.add_flags([uid], [SEALED_KEYWORD])
