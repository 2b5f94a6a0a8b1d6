"""The reporter erases the replies they have read from what their receipt
opens; the hotline keeps reading them. Real crypto: the receipt's keys no longer open them."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from refuge.audit.models import AuditAction, AuditEvent
from refuge.hotline.models import Contact
from refuge.intake import services
from refuge.intake.errors import RepliesNotErasable
from refuge.intake.models import Direction, Message, ReporterKind, Thread, Urgency
from refuge.intake.tests.support import follow_303, open_mailbox, submit_report
from refuge.testing import keyring_for
from refuge.vault import api as vault
from refuge.vault.keyring import Keyring

pytestmark = pytest.mark.django_db


def _reply(operator, text: str) -> Message:
    with vault.activated(keyring_for(operator)):
        return services.add_operator_reply(thread=Thread.objects.get(), author=operator, text=text)


def _read_with_receipt(receipt: str, message: Message) -> object:
    """What the receipt alone opens: a keyring holding only what the receipt unlocks."""
    with vault.activated(Keyring()):
        thread = services.open_thread_with_receipt(receipt)
        assert thread is not None
        return Message.objects.get(pk=message.pk).body


def _erase(client: Client) -> str:
    page = client.get("/mailbox/").content.decode()
    up_to = re.search(r'name="up_to" value="(\d+)"', page)
    assert up_to is not None, "the page offers no erasing"
    return follow_303(
        client, client.post("/mailbox/erase/", {"up_to": up_to.group(1)})
    ).content.decode()


def test_the_reporter_erases_read_replies_and_the_receipt_no_longer_opens_them(
    hotline_operator,
) -> None:
    client = Client()
    receipt = submit_report(client)
    first = _reply(hotline_operator, "Адрес убежища: ул. Ленина, 5")
    open_mailbox(client, receipt)
    page = client.get("/mailbox/").content.decode()  # the reporter reads the reply ...
    later = _reply(hotline_operator, "Позвоните нам после 22:00")  # ... a new one arrives

    up_to = re.search(r'name="up_to" value="(\d+)"', page)
    assert up_to is not None
    assert int(up_to.group(1)) == first.pk
    after = follow_303(client, client.post("/mailbox/erase/", {"up_to": up_to.group(1)}))

    html = after.content.decode()
    assert "Прочитанные ответы стёрты" in html
    assert "ул. Ленина" not in html
    assert "Позвоните нам после 22:00" in html  # not yet read: kept
    assert "Меня задержали в Аргуне" in html  # the reporter's own words stay
    assert not vault.is_readable(_read_with_receipt(receipt, first))
    assert _read_with_receipt(receipt, later) == "Позвоните нам после 22:00"
    with vault.activated(keyring_for(hotline_operator)):
        assert Message.objects.get(pk=first.pk).body == "Адрес убежища: ул. Ленина, 5"
    assert Message.objects.get(pk=first.pk).erased_from_mailbox_at is not None
    event = AuditEvent.objects.get(details__change="replies_erased_from_mailbox")
    assert event.details["count"] == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.GRANT_REVOKED, target_id=str(first.envelope_id)
    ).exists()


def test_the_hotline_sees_that_a_reply_was_erased_from_the_mailbox(hotline_operator) -> None:
    from refuge.hotline.tests.factories import client_for

    client = Client()
    receipt = submit_report(client)
    _reply(hotline_operator, "Код для связи: сирень")
    open_mailbox(client, receipt)
    _erase(client)

    contact = Contact.objects.get()
    html = client_for(hotline_operator).get(f"/console/hotline/contacts/{contact.pk}/")
    page = html.content.decode()
    assert "Код для связи: сирень" in page
    assert "Человек стёр этот ответ из своего почтового ящика" in page


def test_a_receipt_never_opens_the_hotlines_envelope(hotline_operator) -> None:
    client = Client()
    receipt = submit_report(client, contact="звонить после 22:00")
    thread = Thread.objects.get()

    with vault.activated(Keyring()):
        opened = services.open_thread_with_receipt(receipt)
        assert opened is not None
        assert not vault.can_read(thread.envelope_id)
        assert not vault.is_readable(Thread.objects.get().contact_instructions)
    with vault.activated(keyring_for(hotline_operator)):
        assert Thread.objects.get().contact_instructions == "звонить после 22:00"


def test_the_page_offers_erasing_only_when_there_is_a_reply(hotline_operator) -> None:
    client = Client()
    open_mailbox(client, submit_report(client))
    assert 'action="/mailbox/erase/"' not in client.get("/mailbox/").content.decode()

    _reply(hotline_operator, "Мы на связи")

    assert 'action="/mailbox/erase/"' in client.get("/mailbox/").content.decode()


def test_erasing_without_an_open_mailbox_or_with_garbage_is_a_message(db) -> None:
    client = Client()
    closed = follow_303(client, client.post("/mailbox/erase/", {"up_to": "1"}))
    assert "Ваш почтовый ящик закрыт" in closed.content.decode()

    open_mailbox(client, submit_report(client))
    garbage = follow_303(client, client.post("/mailbox/erase/", {"up_to": "x' OR 1=1"}))
    assert "Ничего не стёрто" in garbage.content.decode()


def _legacy_thread(receipt: str) -> Thread:
    """A thread as made before mailbox envelopes: the receipt opens its only envelope."""
    with vault.activated(Keyring()):
        secrets = vault.derive_receipt_secrets(receipt)
        envelope = vault.create_envelope(
            purpose=vault.Purpose.REPORT, readers=services.intake_readers()
        )
        vault.add_receipt_grant(envelope, secrets)
        thread = Thread.objects.create(
            envelope=envelope,
            receipt_lookup=secrets.lookup,
            urgency=Urgency.HIDING,
            reporter_kind=ReporterKind.SELF,
        )
        Message.objects.create(
            thread=thread,
            envelope=envelope,
            direction=Direction.FROM_REPORTER,
            body="Старое обращение",
        )
    return thread


def test_a_thread_made_before_mailbox_envelopes_still_opens_and_is_answered(
    hotline_operator,
) -> None:
    receipt = "1111 2222 3333 4444"
    thread = _legacy_thread(receipt)
    _reply(hotline_operator, "Ответ на старое")

    client = Client()
    page = open_mailbox(client, receipt).content.decode()

    assert "Старое обращение" in page
    assert "Ответ на старое" in page
    assert 'action="/mailbox/erase/"' not in page
    with pytest.raises(RepliesNotErasable), vault.activated(Keyring()):
        services.erase_read_replies(thread=thread, up_to_message_id=10**6)
