"""The e-mail channel against a real IMAP server (Dovecot on loopback): mail is sealed into
the queue and then removed from the mailbox, kept and marked when the organisation wants it
kept, never stored twice, and a mailbox that cannot be reached is an alarm, not silence."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from refuge.accounts.models import Operator
from refuge.channels.email.mailbox import MailboxUnavailable, poll_mailbox
from refuge.channels.models import InboundSeen
from refuge.channels.tests.support import received_mail
from refuge.hotline.models import Contact
from refuge.intake.models import Message, Urgency
from refuge.intake.tests.support import jpeg_with_gps
from refuge.ops.jobs import read_email_channel
from refuge.ops.models import RunStatus
from refuge.testing import keyring_for
from refuge.testing.imap import ImapServer, dovecot_binary, imap_server
from refuge.testing.smtp import free_port
from refuge.vault import api as vault

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        dovecot_binary() is None,
        reason="DOVECOT NOT INSTALLED: the e-mail channel's IMAP tests are skipped "
        "(apt-get install dovecot-imapd)",
    ),
]


@pytest.fixture
def mailbox(settings: Any) -> Iterator[ImapServer]:
    with imap_server() as server:
        settings.CHANNEL_EMAIL_IMAP_HOST = server.host
        settings.CHANNEL_EMAIL_IMAP_PORT = server.port
        settings.CHANNEL_EMAIL_IMAP_SECURITY = "none"
        settings.CHANNEL_EMAIL_IMAP_USER = server.user
        settings.CHANNEL_EMAIL_IMAP_PASSWORD = server.password
        settings.CHANNEL_EMAIL_TIMEOUT = 10
        yield server


def mail(
    text: str = "Брата забрали на блокпосту.",
    *,
    sender: str = "friend@example.org",
    subject: str = "Помогите",
    html: str | None = None,
    files: tuple[bytes, ...] = (),
    message_id: str | None = "<first@example.org>",
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Друг <{sender}>"
    message["To"] = "hotline@example.org"
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for number, data in enumerate(files):
        message.add_attachment(
            data, maintype="application", subtype="octet-stream", filename=f"f{number}.bin"
        )
    return message.as_bytes()


def _bodies(operator: Operator) -> list[str]:
    with vault.activated(keyring_for(operator)):
        return [str(message.body) for message in Message.objects.order_by("pk")]


def test_mail_is_sealed_into_the_queue_and_removed_from_the_mailbox(
    mailbox: ImapServer, hotline_operator: Operator
) -> None:
    mailbox.deliver(mail())
    mailbox.deliver(mail("Он в Аргуне.", message_id="<second@example.org>"))

    result = read_email_channel()

    assert (result.status, result.count) == (RunStatus.OK, 2)
    assert mailbox.count() == 0  # the mail server keeps no second copy
    contact = Contact.objects.get()
    assert contact.channel == "email"
    assert contact.unread_messages == 1  # the second mail joined the first one's contact
    assert _bodies(hotline_operator) == [
        "Тема: Помогите\n\nБрата забрали на блокпосту.",
        "Тема: Помогите\n\nОн в Аргуне.",
    ]


def test_kept_mail_is_marked_and_not_read_twice(
    mailbox: ImapServer, settings: Any, hotline_operator: Operator
) -> None:
    settings.CHANNEL_EMAIL_DELETE_SEALED = False
    mailbox.deliver(mail())

    assert poll_mailbox().stored == 1
    assert poll_mailbox().stored == 0

    assert mailbox.count() == 1
    assert [b"$RefugeSealed" in flags for flags in mailbox.keywords()] == [True]
    assert Message.objects.count() == 1


def test_a_mail_stored_before_a_crash_is_removed_but_not_stored_again(
    mailbox: ImapServer,
) -> None:
    received_mail("Брата забрали на блокпосту.", external_id="<first@example.org>")
    mailbox.deliver(mail())  # the same mail: the crash came before it was removed

    poll = poll_mailbox()

    assert (poll.stored, poll.duplicates, poll.removed) == (0, 1, 1)
    assert mailbox.count() == 0
    assert Message.objects.count() == 1
    assert InboundSeen.objects.count() == 1


def test_html_mail_is_reduced_to_its_words_and_files_follow_the_intake_rules(
    mailbox: ImapServer, hotline_operator: Operator
) -> None:
    html = (
        "<html><head><style>p{color:red}</style><script>alert('x')</script></head>"
        "<body><p>Нас <b>трое</b>.</p><p>ОПАСНОСТЬ</p><img src='https://tracker.example/p.gif'>"
        "</body></html>"
    )
    big = b"\x00" * (31 * 1_048_576)  # a 30 MB file: the words arrive, the file does not
    mailbox.deliver(mail(text="", html=html, files=(jpeg_with_gps(), big), subject=""))

    assert read_email_channel().count == 1

    [body] = _bodies(hotline_operator)
    assert body.startswith("Нас трое.\n\nОПАСНОСТЬ")
    assert "alert" not in body
    assert "color" not in body
    assert "tracker" not in body
    assert "1 файл(ов) не принято" in body
    message = Message.objects.get()
    assert [a.content_type for a in message.attachments.all()] == ["image/jpeg"]
    assert Contact.objects.get().urgency == Urgency.IN_DANGER


def test_a_mailbox_that_cannot_be_reached_or_refuses_the_login_is_an_alarm(
    mailbox: ImapServer, settings: Any
) -> None:
    settings.CHANNEL_EMAIL_IMAP_PASSWORD = "wrong"
    with pytest.raises(MailboxUnavailable) as refused:
        poll_mailbox()
    assert refused.value.code == "login_refused"

    settings.CHANNEL_EMAIL_IMAP_PORT = free_port()  # nothing listens there
    result = read_email_channel()
    assert (result.status, result.code) == (RunStatus.ALARM, "mailbox_unreachable")


def test_a_mailbox_server_that_never_answers_times_out_and_is_an_alarm(settings: Any) -> None:
    """A server that accepts the connection and then says nothing (overloaded, or a
    firewall's black hole): the poll gives up after REFUGE_CHANNEL_EMAIL_TIMEOUT."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.CHANNEL_EMAIL_IMAP_HOST = "127.0.0.1"
        settings.CHANNEL_EMAIL_IMAP_PORT = silent.getsockname()[1]
        settings.CHANNEL_EMAIL_IMAP_SECURITY = "none"
        settings.CHANNEL_EMAIL_TIMEOUT = 1
        started = time.monotonic()
        result = read_email_channel()
    assert (result.status, result.code) == (RunStatus.ALARM, "mailbox_timeout")
    assert time.monotonic() - started < 10


def test_with_no_mailbox_configured_the_job_says_the_channel_is_off(settings: Any) -> None:
    settings.CHANNEL_EMAIL_IMAP_HOST = ""
    result = read_email_channel()
    assert (result.status, result.code) == (RunStatus.OK, "channel_off")
