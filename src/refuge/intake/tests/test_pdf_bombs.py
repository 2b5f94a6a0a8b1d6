"""A PDF bomb is refused with a reason the reporter can act on: never a 500, nothing stored.

The bombs are small files that cost the renderer a million pages or a billion drawing
operations. The child process that renders PDFs (intake/pdf_render.py) is bounded; these tests
lower its bounds so that they run in seconds.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from refuge.intake.attachments import clean_file
from refuge.intake.errors import AttachmentRejected
from refuge.intake.models import Attachment, Message
from refuge.intake.tests.carriers import pdf_drawing_bomb, pdf_page_tree_bomb, plain_statement
from refuge.intake.tests.support import errors_in, follow_303, report_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def _tight_render_limits(settings) -> None:
    settings.INTAKE_PDF_RENDER_SECONDS = 5
    settings.INTAKE_PDF_RENDER_MEMORY_MB = 300


def _send(content: bytes) -> tuple[int, list[str], str]:
    client = Client()
    upload = SimpleUploadedFile("statement.pdf", content, content_type="application/pdf")
    response = client.post("/", report_data(client, attachments=[upload]))
    page = follow_303(client, response).content.decode()
    return response.status_code, errors_in(page), page


def test_a_million_page_pdf_is_refused_naming_the_page_limit() -> None:
    bomb = pdf_page_tree_bomb()
    assert len(bomb) < 2_000

    status, errors, page = _send(bomb)

    assert status == 303
    assert errors == ["В одном из PDF больше 100 страниц. Пришлите только нужные страницы."]
    assert "Меня задержали в Аргуне" in page  # what the person typed is still there
    assert Attachment.objects.count() == 0
    assert Message.objects.count() == 0


@pytest.mark.usefixtures("_tight_render_limits")
def test_a_billion_operation_pdf_is_refused_as_too_complex() -> None:
    bomb = pdf_drawing_bomb()
    assert len(bomb) < 3_000

    status, errors, _page = _send(bomb)

    assert status == 303
    assert errors == [
        "Один из PDF слишком сложен, чтобы открыть его безопасно (нужно слишком "
        "много памяти или времени). Пришлите вместо него фотографии страниц."
    ]
    assert Attachment.objects.count() == 0
    assert Message.objects.count() == 0


@pytest.mark.usefixtures("_tight_render_limits")
def test_after_a_bomb_an_ordinary_pdf_is_accepted() -> None:
    with pytest.raises(AttachmentRejected):
        clean_file(pdf_drawing_bomb())

    cleaned = clean_file(plain_statement())

    assert cleaned.content_type == "application/pdf"
    assert cleaned.data.startswith(b"%PDF-")


def test_the_page_limit_is_a_setting(settings) -> None:
    settings.INTAKE_PDF_MAX_PAGES = 3
    with pytest.raises(AttachmentRejected, match="больше 3 страниц"):
        clean_file(pdf_page_tree_bomb(depth=1, fan=4))
    assert clean_file(pdf_page_tree_bomb(depth=1, fan=3)).data.startswith(b"%PDF-")


def test_the_renderer_gets_none_of_the_servers_environment(monkeypatch) -> None:
    from refuge.intake import scrub

    monkeypatch.setenv("REFUGE_SECRET_KEY", "do-not-pass-me")
    environment = scrub._child_environment()
    assert "REFUGE_SECRET_KEY" not in environment
    assert "DATABASE_URL" not in environment
