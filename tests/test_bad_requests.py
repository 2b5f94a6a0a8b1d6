"""Bad input: a request without CSRF, an expired session, an oversized POST."""

from __future__ import annotations

from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from refuge.accounts.models import Operator
from refuge.testing import TEST_PASSWORD, log_in

LOGIN = reverse("accounts:login")
HOME = reverse("console:home")


def test_a_post_without_csrf_token_gets_the_translated_403(hotline_operator: Operator) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(LOGIN, {"username": "hotline1", "password": TEST_PASSWORD})

    assert response.status_code == 403
    page = response.content.decode()
    assert "Форма устарела" in page
    assert "CSRF" not in page
    assert "_auth_user_id" not in client.session


def test_the_english_page_gets_the_english_403(hotline_operator: Operator) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/en" + LOGIN, {"username": "hotline1", "password": TEST_PASSWORD})

    assert response.status_code == 403
    assert "The form expired" in response.content.decode()


def test_a_console_post_without_csrf_changes_nothing(
    coordinator: Operator, hotline_operator: Operator
) -> None:
    client = Client(enforce_csrf_checks=True)
    log_in(Client(), coordinator)  # a real login elsewhere; this client forges the post
    client.cookies.update(Client().cookies)

    response = client.post(reverse("accounts:operator_reset", args=[hotline_operator.pk]))

    assert response.status_code == 403
    assert Operator.objects.get(pk=hotline_operator.pk).password == hotline_operator.password


def test_an_expired_session_goes_back_to_the_login_page(
    client: Client, hotline_operator: Operator, settings: Any
) -> None:
    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        log_in(client, hotline_operator)
        assert client.get(HOME).status_code == 200
    with time_machine.travel("2026-03-01 09:31Z", tick=False):
        response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_an_oversized_post_gets_a_translated_400(client: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000

    response = client.post(LOGIN, {"username": "x", "password": "y" * 20_000})

    assert response.status_code == 400
    assert "Форма слишком большая" in response.content.decode()


def test_a_malformed_multipart_post_gets_a_400(client: Client) -> None:
    response = client.generic(
        "POST",
        LOGIN,
        b"--broken\r\nnot a part",
        content_type="multipart/form-data; boundary=broken",
    )

    assert response.status_code in (200, 400)
    assert "Traceback" not in response.content.decode()
