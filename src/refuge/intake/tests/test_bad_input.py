"""Bad input gets a clear message in the reporter's language, stores nothing, never a 500."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from refuge.hotline.models import Contact
from refuge.intake.models import Attachment, Message, SpentFormToken, Thread
from refuge.intake.tests.support import (
    RECEIPT_PATTERN,
    follow_303,
    form_token,
    open_mailbox,
    report_data,
    submit_report,
)

pytestmark = pytest.mark.django_db


def _nothing_stored() -> None:
    assert Thread.objects.count() == 0
    assert Message.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert Contact.objects.count() == 0


def _png(size: tuple[int, int] = (40, 40)) -> bytes:
    output = io.BytesIO()
    Image.effect_noise(size, 64).convert("RGB").save(output, format="PNG")
    return output.getvalue()


def test_an_empty_form_names_each_missing_answer_in_russian(db) -> None:
    client = Client()
    response = client.post("/", {"token": form_token(client)})
    page = follow_303(client, response).content.decode()

    assert "Пожалуйста, напишите, что случилось и какая помощь нужна." in page
    assert "Пожалуйста, выберите, что происходит." in page
    assert "Пожалуйста, укажите, кто сообщает." in page
    _nothing_stored()


def test_the_same_mistake_is_explained_in_english_on_the_english_page(db) -> None:
    client = Client()
    response = client.post("/en/", {"token": form_token(client, "/en/")})
    assert response.headers["Location"] == "/en/"
    page = client.get("/en/").content.decode()
    assert "Please write what happened and what help you need." in page


def test_text_over_the_limit_is_refused_and_kept_for_shortening(db, settings) -> None:
    client = Client()
    long_text = "я" * (settings.INTAKE_MAX_TEXT_CHARS + 1)
    page = follow_303(client, client.post("/", report_data(client, body=long_text)))
    html = page.content.decode()

    assert "Текст слишком длинный: 20001 знаков, можно не больше 20000." in html
    assert long_text in html  # kept, so the person can shorten it instead of retyping
    assert 'value="detained" autocomplete="off" checked' in html
    _nothing_stored()
    # Shown once: the stash is gone after the page that showed it.
    assert long_text not in client.get("/").content.decode()


def test_oversized_files_are_refused_with_the_limit(db, settings) -> None:
    settings.INTAKE_MAX_ATTACHMENT_BYTES = 2_000
    client = Client()
    upload = SimpleUploadedFile("photo.png", _png((200, 200)), content_type="image/png")
    page = follow_303(client, client.post("/", report_data(client, attachments=[upload])))

    assert "Файлы вместе слишком большие" in page.content.decode()
    _nothing_stored()


def test_a_request_larger_than_the_limit_is_refused_before_reading_files(db, settings) -> None:
    settings.INTAKE_MAX_ATTACHMENT_BYTES = 2_000
    client = Client()
    upload = SimpleUploadedFile(
        "big.pdf", b"%PDF-1.4\n" + b"0" * 1_100_000, content_type="application/pdf"
    )
    page = follow_303(client, client.post("/", report_data(client, attachments=[upload])))

    assert "Файлы вместе слишком большие: можно не больше" in page.content.decode()
    _nothing_stored()


def test_a_program_renamed_as_a_photo_is_refused(db, settings) -> None:
    client = Client()
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    upload = SimpleUploadedFile("holiday.jpg", program, content_type="image/jpeg")
    page = follow_303(client, client.post("/", report_data(client, attachments=[upload])))

    assert "Один из файлов такого вида, который мы не принимаем" in page.content.decode()
    _nothing_stored()
    media = settings.MEDIA_ROOT / "intake"
    assert not media.exists() or not any(media.iterdir())


def test_a_broken_photo_is_refused(db) -> None:
    client = Client()
    broken = _png()[:60]
    upload = SimpleUploadedFile("a.png", broken, content_type="image/png")
    page = follow_303(client, client.post("/", report_data(client, attachments=[upload])))

    assert "Одно из фото не удалось прочитать" in page.content.decode()
    _nothing_stored()


def test_a_form_sent_twice_makes_one_report_and_shows_its_receipt_once(hotline_operator) -> None:
    client = Client()
    data = report_data(client)
    first = client.post("/", data)
    second = client.post("/", data)

    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert Thread.objects.count() == 1
    assert Contact.objects.count() == 1
    page = client.get(second.headers["Location"]).content.decode()
    assert RECEIPT_PATTERN.search(page) is not None
    assert RECEIPT_PATTERN.search(client.get(second.headers["Location"]).content.decode()) is None


def test_a_message_sent_twice_from_the_mailbox_is_stored_once(db) -> None:
    client = Client()
    open_mailbox(client, submit_report(client))
    data = {"token": form_token(client, "/mailbox/"), "body": "Второе сообщение", "website": ""}
    client.post("/mailbox/write/", data)
    client.post("/mailbox/write/", data)

    assert Message.objects.filter(body__isnull=False).count() == 2


def test_the_receipt_waits_for_its_own_browser_only(db) -> None:
    client = Client()
    response = client.post("/", report_data(client))
    assert response.headers["Location"] == "/"  # no reference in any address
    stranger = Client()
    stranger.get("/")

    page = stranger.get(response.headers["Location"]).content.decode()
    assert RECEIPT_PATTERN.search(page) is None
    assert SpentFormToken.objects.get().pending_receipt is not None  # still its owner's
    assert RECEIPT_PATTERN.search(client.get(response.headers["Location"]).content.decode())


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1234 5678 9012 3456", "Этот код не открывает почтовый ящик. Проверьте цифры"),
        ("12345", "Код — это 16 цифр, четыре группы по четыре."),
        ("", "Код — это 16 цифр, четыре группы по четыре."),
        ("x" * 500, "Код — это 16 цифр, четыре группы по четыре."),
    ],
)
def test_a_wrong_or_malformed_receipt_is_explained(db, typed: str, message: str) -> None:
    submit_report(Client())
    client = Client()
    page = open_mailbox(client, typed).content.decode()

    assert message in page
    assert "Меня задержали" not in page


def test_every_wrong_receipt_gets_exactly_the_same_answer(db) -> None:
    submit_report(Client())

    def answer(typed: str) -> tuple[int, str, str]:
        client = Client()
        response = client.post("/mailbox/open/", {"receipt": typed})
        page = client.get(response.headers["Location"]).content.decode()
        return (
            response.status_code,
            response.headers["Location"],
            re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page),
        )

    assert answer("1111 2222 3333 4444") == answer("9999 8888 7777 6666")
    assert answer("1111222233334444") == answer("5555-6666-7777-8888")


def test_a_missing_csrf_token_is_refused_without_storing(db) -> None:
    client = Client(enforce_csrf_checks=True)
    data = report_data(client)
    data.pop("csrfmiddlewaretoken", None)
    response = client.post("/", data)

    assert response.status_code == 403
    assert "Форма устарела или была отправлена" in response.content.decode()
    assert "<script" not in response.content.decode()
    _nothing_stored()


def test_an_expired_or_forged_form_token_asks_to_send_again(db) -> None:
    client = Client()
    page = follow_303(client, client.post("/", report_data(client, token="forged:token")))

    assert "Форма устарела. Пожалуйста, отправьте её ещё раз." in page.content.decode()
    _nothing_stored()


@pytest.mark.parametrize(
    "data",
    [
        {"urgency": "everything", "reporter_kind": "robot"},
        {"body": ["a", "b"], "urgency": ["in_danger", "nonsense"]},
        {"contact": "c" * 5000},
        {"body": "\x00\x01\x02", "token": ""},
        {"website": "http://spam.example"},
    ],
)
def test_garbage_never_causes_a_server_error(db, data: dict[str, object]) -> None:
    client = Client(raise_request_exception=False)
    response = client.post("/", report_data(client, **data))
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200
    _nothing_stored()


def test_wrong_methods_and_a_huge_body_get_a_4xx(db) -> None:
    client = Client(raise_request_exception=False)
    assert client.get("/mailbox/open/").status_code == 405
    assert client.put("/").status_code == 405
    huge = client.post("/", report_data(client, body="я" * 1_200_000))
    assert 400 <= huge.status_code < 500
    _nothing_stored()
