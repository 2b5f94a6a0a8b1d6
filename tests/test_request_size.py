"""Bad input: an upload declared larger than the limit is refused before its body is
read (413 with the reason), never a 500, never half-stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from refuge.accounts.roles import Role
from refuge.core.middleware import request_limit_bytes
from refuge.intake.models import Message
from refuge.testing import log_in

TWO_GIGABYTES = str(2 * 1024**3)


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body of an oversized request was read")

    readline = read


def _declared(length: str) -> dict[str, Any]:
    return {
        "CONTENT_LENGTH": length,
        "wsgi.input": UnreadableBody(),
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
    }


@pytest.mark.django_db
def test_a_two_gigabyte_report_is_refused_unread_with_the_limit() -> None:
    response = Client().generic("POST", "/", **_declared(TWO_GIGABYTES))

    assert response.status_code == 413
    page = response.content.decode()
    assert "Слишком большой объём" in page
    assert f"не больше {request_limit_bytes() / 1_048_576:.0f} МБ" in page
    assert "Ничего не сохранено" in page
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_the_english_intake_gets_the_reason_in_english() -> None:
    response = Client().generic("POST", "/en/", **_declared(TWO_GIGABYTES))

    assert response.status_code == 413
    assert "larger than this service accepts" in response.content.decode()


@pytest.mark.django_db
def test_a_two_gigabyte_evidence_upload_is_refused_unread(operator_factory) -> None:
    client = Client()
    log_in(client, operator_factory("lawyer1", Role.LAWYER))

    response = client.generic(
        "POST", reverse("documentation:evidence_upload", args=[1]), **_declared(TWO_GIGABYTES)
    )

    assert response.status_code == 413
    assert "Слишком большой объём" in response.content.decode()


@pytest.mark.django_db
def test_a_length_that_is_not_a_number_is_a_400_not_a_500() -> None:
    response = Client().generic("POST", "/", **_declared("12abc"))

    assert response.status_code == 400
    assert "Запрос не удалось обработать" in response.content.decode()


@pytest.mark.django_db
def test_the_limit_follows_the_largest_file_a_form_accepts(settings) -> None:
    settings.DOCUMENTATION_MAX_EVIDENCE_BYTES = 50 * 1024 * 1024
    assert request_limit_bytes() == 50 * 1024 * 1024 + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    settings.REQUEST_MAX_BYTES = 5_000
    assert request_limit_bytes() == 5_000
    response = Client().generic("POST", "/", **_declared("5001"))
    assert response.status_code == 413


@pytest.mark.django_db
def test_a_request_at_the_limit_reaches_the_form() -> None:
    client = Client()
    response = client.post("/", {"body": "x"})  # a small, real body: the form answers

    assert response.status_code == 303
