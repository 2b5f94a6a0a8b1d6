"""A message by a channel becomes a contact sealed like a web report, joins the person's open
contact, is stored once however often it is delivered, and is answered the way it came."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.audit.models import AuditEvent
from refuge.channels.models import Conversation, InboundSeen, Outbound, OutboundKind
from refuge.channels.services.invitation import send_mailbox_invitation
from refuge.channels.services.outbound import MAX_ATTEMPTS, send_due
from refuge.channels.tests.support import received_mail
from refuge.core.outbox import OutboxStatus
from refuge.hotline import services as hotline
from refuge.hotline.models import Contact, ContactStatus, IdentifierKind, ProfileFlagKind
from refuge.hotline.tests.factories import client_for
from refuge.intake.errors import ReceiptExists
from refuge.intake.models import Message, Urgency
from refuge.intake.services import mailbox_messages_of, open_thread_with_receipt
from refuge.intake.tests.support import jpeg_with_gps
from refuge.testing import keyring_for
from refuge.testing.smtp import smtp_settings
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db(transaction=True)

TESTIMONY = "Меня держали в подвале в Аргуне"
ADDRESS = "Person.Hidden@Example.org"


def _raw_bytes(table: str) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return repr(cursor.fetchall()).encode()


def _body(mail: Any) -> str:
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_a_mail_enters_the_queue_sealed_with_its_channel_and_the_person_is_greeted(
    hotline_operator: Operator, settings: Any
) -> None:
    received = received_mail(TESTIMONY, address=ADDRESS)

    contact = Contact.objects.get(thread=received.thread)
    assert received.new_contact
    assert contact.channel == "email"
    assert contact.status == ContactStatus.NEW
    assert hotline_operator.pk in vault.readers_of(contact.envelope_id)
    for table in ("intake_message", "channels_conversation", "channels_outbound"):
        stored = _raw_bytes(table)
        assert TESTIMONY.encode() not in stored
        assert b"hidden@example.org" not in stored.lower()
    with smtp_settings(settings) as mailbox:
        assert send_due().sent == 1
    [greeting] = mailbox.messages
    assert mailbox.recipients == [["person.hidden@example.org"]]
    text = _body(greeting)
    assert "Ваше сообщение дошло до горячей линии" in text
    assert "Your message has reached the hotline" in text
    assert settings.PUBLIC_INTAKE_URL in text
    assert "Аргун" not in text  # nothing the person wrote comes back
    assert Outbound.objects.get().text is None  # erased once sent


def test_the_same_mail_delivered_twice_is_stored_once() -> None:
    first = received_mail(TESTIMONY, external_id="<same@example.org>")
    again = received_mail(TESTIMONY, external_id="<same@example.org>")

    assert not first.duplicate
    assert again.duplicate
    assert Message.objects.count() == 1
    assert InboundSeen.objects.count() == 1
    assert b"same@example.org" not in _raw_bytes("channels_inboundseen")


def test_a_second_mail_joins_the_open_contact_and_a_closed_one_starts_a_new_contact(
    hotline_operator: Operator,
) -> None:
    first = received_mail("Первое письмо", address=ADDRESS)
    second = received_mail("Второе письмо", address=ADDRESS.upper())

    assert second.thread == first.thread
    assert not second.new_contact
    contact = Contact.objects.get(thread=first.thread)
    assert contact.unread_messages == 1
    assert Outbound.objects.filter(kind=OutboundKind.GREETING).count() == 1

    Contact.objects.filter(pk=contact.pk).update(
        status=ContactStatus.CLOSED, closed_at=timezone.now()
    )
    third = received_mail("Снова пишу", address=ADDRESS)
    assert third.new_contact
    assert third.thread != first.thread
    assert Contact.objects.filter(channel="email").count() == 2


def test_danger_in_a_mail_puts_it_at_the_top_of_the_queue() -> None:
    new = received_mail("ОПАСНОСТЬ, они у двери", urgency=Urgency.IN_DANGER)
    assert Contact.objects.get(thread=new.thread).urgency == Urgency.IN_DANGER

    quiet = received_mail("Здравствуйте", address="other@example.org")
    received_mail("danger, they found me", address="other@example.org", urgency=Urgency.IN_DANGER)
    assert Contact.objects.get(thread=quiet.thread).urgency == Urgency.IN_DANGER


def test_files_follow_the_intake_rules_and_a_refused_one_is_said_to_both_sides(
    hotline_operator: Operator,
) -> None:
    received = received_mail(
        TESTIMONY, files=(jpeg_with_gps(), b"MZ\x90\x00 an executable, not a photo")
    )

    message = Message.objects.get(thread=received.thread)
    [photo] = message.attachments.all()
    assert photo.content_type == "image/jpeg"
    assert received.refused_files == 1
    with vault.activated(keyring_for(hotline_operator)):
        body = str(Message.objects.get(pk=message.pk).body)
    assert "1 файл(ов) не принято" in body
    assert TESTIMONY in body
    assert Outbound.objects.filter(kind=OutboundKind.REFUSED_FILES).count() == 1


def test_a_refused_file_takes_none_of_the_size_limit_from_the_files_after_it(
    hotline_operator: Operator, settings: Any
) -> None:
    photo = jpeg_with_gps()
    settings.INTAKE_MAX_ATTACHMENT_BYTES = len(photo) + 10
    executable = b"MZ\x90\x00 an executable, not a photo" + b"\x00" * len(photo)
    received = received_mail(TESTIMONY, files=(executable, photo, photo))

    [accepted] = Message.objects.get(thread=received.thread).attachments.all()
    assert accepted.content_type == "image/jpeg"
    assert received.refused_files == 2  # the executable, and the second photo: over the limit


def test_an_operators_reply_goes_back_by_mail_and_is_retried_when_the_server_fails(
    hotline_operator: Operator, settings: Any
) -> None:
    received = received_mail(TESTIMONY, address=ADDRESS)
    contact = Contact.objects.get(thread=received.thread)
    with smtp_settings(settings) as mailbox:
        send_due()  # the greeting
        with vault.activated(keyring_for(hotline_operator)):
            hotline.reply_to_reporter(
                contact=contact, operator=hotline_operator, text="Мы вас слышим. Где вы?"
            )
        mailbox.refuse_with = "451 try again later"
        first = send_due()
        assert (first.sent, first.retrying) == (0, 1)
        reply = Outbound.objects.get(kind=OutboundKind.REPLY)
        assert reply.error == "smtp_error"
        assert reply.text is not None  # kept, sealed, for the retry
        mailbox.refuse_with = ""
        assert send_due(now=reply.next_attempt_at).sent == 1
    assert [_body(mail).strip() for mail in mailbox.messages][-1] == "Мы вас слышим. Где вы?"
    assert Outbound.objects.get(pk=reply.pk).status == OutboxStatus.SENT


def test_a_message_that_cannot_be_sent_is_given_up_and_shown_on_the_contact(
    hotline_operator: Operator, settings: Any
) -> None:
    received = received_mail(TESTIMONY, address=ADDRESS)
    contact = Contact.objects.get(thread=received.thread)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    settings.ALARM_SEND_TIMEOUT = 2
    outbound = Outbound.objects.get()
    for _ in range(MAX_ATTEMPTS):
        send_due(now=Outbound.objects.get(pk=outbound.pk).next_attempt_at)
    outbound.refresh_from_db()
    assert (outbound.status, outbound.error, outbound.text) == ("failed", "unreachable", None)
    assert AuditEvent.objects.filter(details__change="channel_message_failed").count() == 1

    page = client_for(hotline_operator).get(reverse("hotline:contact", args=[contact.pk]))
    assert "не удалось доставить" in page.content.decode()


def test_the_invitation_gives_the_person_a_receipt_that_opens_this_conversation(
    hotline_operator: Operator, settings: Any
) -> None:
    received = received_mail(TESTIMONY, address=ADDRESS)
    assert received.thread is not None
    contact = Contact.objects.get(thread=received.thread)
    with vault.activated(keyring_for(hotline_operator)):
        hotline.reply_to_reporter(contact=contact, operator=hotline_operator, text="Мы на связи.")
        send_mailbox_invitation(contact=contact, operator=hotline_operator)
        with pytest.raises(ReceiptExists):
            send_mailbox_invitation(contact=contact, operator=hotline_operator)
    with smtp_settings(settings) as mailbox:
        send_due()
    invitation = _body(mailbox.messages[-1])
    receipt = next(
        line.split(": ", 1)[1].split(".")[0]
        for line in invitation.splitlines()
        if "web mailbox:" in line
    )
    assert "".join(receipt.split()).isdigit()
    assert receipt.encode() not in _raw_bytes("channels_outbound")

    with vault.activated(vault.Keyring()):
        thread = open_thread_with_receipt(receipt)
        assert thread is not None
        assert thread.pk == received.thread.pk
        bodies = [str(message.body) for message in mailbox_messages_of(thread)]
    assert bodies == [TESTIMONY, "Мы на связи."]


def test_the_address_is_indexed_when_an_operator_reads_it_so_a_flag_finds_the_person(
    coordinator: Operator, hotline_operator: Operator
) -> None:
    with vault.activated(keyring_for(coordinator)):
        profile = hotline.create_profile(operator=coordinator, pseudonym="Гость")
        hotline.add_profile_identifier(
            operator=coordinator,
            profile=profile,
            kind=IdentifierKind.EMAIL,
            value="person.hidden@example.org",
        )
        hotline.flag_profile(
            operator=coordinator,
            profile=profile,
            kind=ProfileFlagKind.SUSPECTED_INFILTRATOR,
            note="Пишет от имени задержанного",
            expires_at=timezone.now() + timedelta(days=30),
        )
    received = received_mail(TESTIMONY, address=ADDRESS)
    contact = Contact.objects.get(thread=received.thread)

    page = client_for(hotline_operator).get(reverse("hotline:contact", args=[contact.pk]))

    assert [m.flag.kind for m in page.context["flag_matches"]] == ["infiltrator"]
    assert contact.identifiers.get().kind == IdentifierKind.EMAIL
    text = page.content.decode()
    assert "Пришло по каналу" in text or "Пришло" in text
    assert "не защищена сквозным шифрованием" in text
    assert Conversation.objects.get().address_lookup  # a keyed digest, not the address
