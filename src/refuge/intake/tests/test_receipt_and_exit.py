"""The receipt at a neutral address, one neutral title, quick exit."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session
from django.test import Client

from refuge.intake import services
from refuge.intake.models import Thread
from refuge.intake.tests.support import (
    RECEIPT_PATTERN,
    open_mailbox,
    report_data,
    submit_report,
)
from refuge.testing import keyring_for
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>([^<]*)</title>")


def _title(html: str) -> str:
    match = TITLE.search(html)
    assert match is not None
    return match.group(1)


def test_the_report_answers_303_to_the_first_page_which_shows_the_receipt_once(db) -> None:
    client = Client()
    response = client.post("/", report_data(client))

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    shown = client.get("/").content.decode()
    assert RECEIPT_PATTERN.search(shown) is not None
    reloaded = client.get("/").content.decode()
    assert RECEIPT_PATTERN.search(reloaded) is None
    assert "Код уже был показан" in reloaded
    assert 'name="body"' in client.get("/").content.decode()  # then the form again


class _ServerDied(Exception):
    """The app server was killed after the page's work, before its answer left."""


def test_a_receipt_page_whose_server_dies_before_answering_leaves_the_session_as_it_was(
    db, monkeypatch
) -> None:
    # Two app servers behind nginx: the receipt page's GET reaches one, which takes the
    # one-time receipt and is killed before it answers; nginx asks the other one.
    client = Client()
    client.post("/", report_data(client))

    def killed(self, request, response):
        raise _ServerDied

    with monkeypatch.context() as patched:
        patched.setattr(SessionMiddleware, "process_response", killed)
        with pytest.raises(_ServerDied):
            client.get("/")
    retried = client.get("/").content.decode()

    # The person is told the report arrived (the receipt was shown once already), not
    # handed an empty form as if nothing had been sent.
    assert "Код уже был показан" in retried
    assert 'name="body"' not in retried


def test_the_receipt_survives_a_switch_of_language_on_its_page(db) -> None:
    client = Client()
    client.post("/", report_data(client))
    russian = client.get("/").content.decode()
    receipt = RECEIPT_PATTERN.search(russian)
    assert receipt is not None
    assert 'href="/en/"' in russian

    english = client.get("/en/").content.decode()

    assert "We received your report" in english
    assert f'class="receipt">{receipt.group(1)}<' in english
    assert RECEIPT_PATTERN.search(client.get("/en/").content.decode()) is None  # a reload
    assert RECEIPT_PATTERN.search(client.get("/").content.decode()) is None  # gone for good


def test_any_other_page_ends_the_receipt(db) -> None:
    client = Client()
    client.post("/", report_data(client))
    assert RECEIPT_PATTERN.search(client.get("/").content.decode()) is not None

    client.get("/mailbox/")

    assert RECEIPT_PATTERN.search(client.get("/en/").content.decode()) is None


def test_the_receipt_waits_in_the_session_only_under_the_browsers_key(db) -> None:
    client = Client()
    client.post("/", report_data(client))
    receipt = RECEIPT_PATTERN.search(client.get("/").content.decode())
    assert receipt is not None

    stored = "".join(
        session.session_data + str(session.get_decoded()) for session in Session.objects.all()
    )
    assert receipt.group(1) not in stored
    assert receipt.group(1).replace(" ", "") not in stored


def test_every_public_page_has_the_same_neutral_title(hotline_operator) -> None:
    client = Client()
    pages = {
        path: client.get(path).content.decode()
        for path in ("/", "/en/", "/mailbox/", "/en/mailbox/", "/no-such-page/")
    }
    receipt_client = Client()
    receipt = submit_report(receipt_client)
    with vault.activated(keyring_for(hotline_operator)):
        services.add_operator_reply(
            thread=Thread.objects.get(), author=hotline_operator, text="Мы на связи"
        )
    pages["mailbox with thread"] = open_mailbox(receipt_client, receipt).content.decode()

    titles = {name: _title(html) for name, html in pages.items()}

    assert titles == {
        "/": "Информация",
        "/en/": "Information",
        "/mailbox/": "Информация",
        "/en/mailbox/": "Information",
        "/no-such-page/": "Информация",
        "mailbox with thread": "Информация",
    }


def test_the_safety_advice_tells_the_truth_about_history(db) -> None:
    page = Client().get("/").content.decode()

    assert "приватном окне" in page
    assert "история браузера хранит адрес этого сайта" in page
    assert "заголовок страницы «Информация»" in page
    assert "ничего не хранит" not in page  # the old promise that was not true


def test_quick_exit_ends_the_mailbox_and_clears_the_site_then_leaves(db, settings) -> None:
    settings.INTAKE_QUICK_EXIT_URL = "https://ya.ru/"
    client = Client()
    open_mailbox(client, submit_report(client))
    assert "Меня задержали в Аргуне" in client.get("/mailbox/").content.decode()
    page = client.get("/mailbox/").content.decode()
    assert '<form class="exit" method="post" action="/exit/"' in page

    response = client.post("/exit/")  # no CSRF token: it must work with none

    assert response.status_code == 303
    assert response.headers["Location"] == "https://ya.ru/"
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert response.headers["Referrer-Policy"] == "no-referrer"
    expired = {name for name, morsel in response.cookies.items() if morsel["max-age"] == 0}
    assert {"refuge_intake", "refuge_session", "csrftoken"} <= expired
    assert not Session.objects.exists()
    after = client.get("/mailbox/").content.decode()
    assert "Меня задержали в Аргуне" not in after
    assert 'name="receipt"' in after


def test_quick_exit_works_without_any_cookie_or_session_and_by_address(db) -> None:
    checked = Client(enforce_csrf_checks=True)

    assert checked.post("/en/exit/").status_code == 303
    assert checked.get("/exit/").status_code == 302
    assert not Session.objects.exists()
