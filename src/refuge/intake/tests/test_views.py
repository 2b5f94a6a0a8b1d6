"""The reporter's path through real requests: report, receipt once, mailbox, write again."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from refuge.hotline.models import Contact
from refuge.intake import services
from refuge.intake.models import Direction, Message, SpentFormToken, Thread, Urgency
from refuge.intake.tests.support import (
    follow_303,
    form_token,
    open_mailbox,
    report_data,
    submit_report,
)
from refuge.testing import keyring_for
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db


def _session_dump() -> str:
    return "".join(
        str(session.get_decoded()) + session.session_data for session in Session.objects.all()
    )


def test_a_report_gives_a_receipt_once_and_enters_the_queue_with_its_urgency(
    hotline_operator,
) -> None:
    client = Client()
    response = client.post("/", report_data(client, urgency="in_danger"))
    assert response.status_code == 303

    receipt_page = client.get(response.headers["Location"])
    assert "Мы получили ваше сообщение" in receipt_page.content.decode()
    receipt = receipt_page.content.decode().split('class="receipt">')[1].split("<")[0]
    assert vault.normalise_receipt(receipt) is not None

    again = client.get(response.headers["Location"]).content.decode()
    assert receipt not in again
    assert "Код уже был показан" in again
    assert SpentFormToken.objects.get().pending_receipt is None
    digits = receipt.replace(" ", "")
    assert digits not in _session_dump()
    assert receipt not in _session_dump()
    thread = Thread.objects.get()
    assert Contact.objects.get(thread=thread).urgency == Urgency.IN_DANGER


def test_the_receipt_opens_the_mailbox_across_requests_and_the_reporter_writes_again(
    hotline_operator,
) -> None:
    client = Client()
    receipt = submit_report(client)

    mailbox = open_mailbox(client, receipt)
    assert "Меня задержали в Аргуне" in mailbox.content.decode()
    # The server session holds the thread's key only wrapped under the browser's cookie key.
    assert "Меня задержали" not in _session_dump()
    response = client.post(
        "/mailbox/write/",
        {"token": form_token(client, "/mailbox/"), "body": "Я сейчас у друзей", "website": ""},
    )
    page = follow_303(client, response).content.decode()
    assert "Я сейчас у друзей" in page
    assert Message.objects.filter(direction=Direction.FROM_REPORTER).count() == 2

    leave = client.post("/mailbox/leave/")
    assert leave.status_code == 303
    assert "Я сейчас у друзей" not in client.get("/mailbox/").content.decode()


def test_an_operator_reply_appears_in_the_mailbox(hotline_operator) -> None:
    client = Client()
    receipt = submit_report(client)
    with vault.activated(keyring_for(hotline_operator)):
        services.add_operator_reply(
            thread=Thread.objects.get(),
            author=hotline_operator,
            text="Мы на связи. Вы в безопасности?",
        )

    page = open_mailbox(client, receipt).content.decode()
    assert "Мы на связи. Вы в безопасности?" in page
    assert "Горячая линия" in page


def test_without_the_cookie_key_the_session_alone_opens_nothing(db) -> None:
    client = Client()
    receipt = submit_report(client)
    open_mailbox(client, receipt)
    del client.cookies["refuge_intake"]

    page = client.get("/mailbox/").content.decode()
    assert "Меня задержали" not in page
    assert 'name="receipt"' in page


def test_english_is_one_link_away_and_russian_is_the_default(db) -> None:
    russian = Client().get("/").content.decode()
    english = Client().get("/en/").content.decode()
    assert '<html lang="ru">' in russian
    assert 'href="/en/"' in russian
    assert "Расскажите, что случилось" in russian
    assert '<html lang="en">' in english
    assert 'href="/"' in english
    assert "Tell us what happened" in english
