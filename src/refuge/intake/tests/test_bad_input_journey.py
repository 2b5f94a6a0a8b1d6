"""Bad input on the journey: a follow-up to a shredded thread, a file that cannot be
re-encoded."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from refuge.hotline.models import Contact
from refuge.intake.models import Attachment, Direction, Message, Thread
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

GONE = "Этой переписки на горячей линии больше нет, поэтому ваше сообщение не сохранено."


def _too_wide_photo() -> bytes:
    """A valid PNG wider than JPEG can encode: cleaning it must fail, not store it."""
    output = io.BytesIO()
    Image.new("RGB", (70_000, 2), (120, 10, 10)).save(output, format="PNG")
    return output.getvalue()


def _shred_thread(operator) -> None:
    with vault.activated(keyring_for(operator)):
        vault.shred(Thread.objects.get().envelope_id, actor=operator)


def test_a_follow_up_to_a_shredded_thread_gets_a_clear_page_and_stores_nothing(
    hotline_operator,
) -> None:
    client = Client()
    open_mailbox(client, submit_report(client))
    token = form_token(client, "/mailbox/")
    _shred_thread(hotline_operator)

    response = client.post("/mailbox/write/", {"token": token, "body": "Вы здесь?", "website": ""})
    page = follow_303(client, response)

    assert page.status_code == 200
    assert GONE in page.content.decode()
    assert 'name="receipt"' in page.content.decode()  # the mailbox is closed
    assert Message.objects.filter(direction=Direction.FROM_REPORTER).count() == 1
    assert Contact.objects.get().unread_messages == 0


def test_an_open_mailbox_of_a_shredded_thread_says_so_instead_of_showing_ciphertext(
    hotline_operator,
) -> None:
    client = Client()
    open_mailbox(client, submit_report(client))
    _shred_thread(hotline_operator)

    page = client.get("/mailbox/")

    assert page.status_code == 200
    assert GONE in page.content.decode()
    assert "[" not in page.content.decode().split("<main>")[1].split("</nav>")[1][:200]


def test_a_photo_that_cannot_be_re_encoded_is_refused_at_intake_with_a_message(
    db, settings
) -> None:
    client = Client()
    upload = SimpleUploadedFile("wide.png", _too_wide_photo(), content_type="image/png")

    page = follow_303(client, client.post("/", report_data(client, attachments=[upload])))

    assert page.status_code == 200
    assert "Один из файлов не удалось подготовить к безопасному хранению" in page.content.decode()
    assert Thread.objects.count() == Attachment.objects.count() == 0
    media = settings.MEDIA_ROOT / "intake"
    assert not media.exists() or not any(media.iterdir())


def test_the_same_file_sent_from_the_mailbox_is_refused_too(db) -> None:
    client = Client()
    open_mailbox(client, submit_report(client))
    upload = SimpleUploadedFile("wide.png", _too_wide_photo(), content_type="image/png")

    page = follow_303(
        client,
        client.post(
            "/mailbox/write/",
            {
                "token": form_token(client, "/mailbox/"),
                "body": "Фото",
                "website": "",
                "attachments": [upload],
            },
        ),
    )

    assert "Один из файлов не удалось подготовить к безопасному хранению" in page.content.decode()
    assert Message.objects.count() == 1
