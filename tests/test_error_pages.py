"""Error pages are translated and reveal nothing: no stack, no version, no echo of input."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client, RequestFactory

from refuge.core import views


@pytest.mark.django_db
def test_404_is_translated_and_plain(client: Client) -> None:
    russian = client.get("/console/nothing-here-<script>")
    english = client.get("/en/console/nothing-here-<script>")

    assert russian.status_code == english.status_code == 404
    assert "Страница не найдена" in russian.content.decode()
    assert "Page not found" in english.content.decode()
    for response in (russian, english):
        body = response.content.decode()
        assert "nothing-here" not in body
        assert "Traceback" not in body
        assert "Django" not in body


@pytest.mark.django_db
def test_oversized_post_gets_a_translated_400(client: Client, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/console/accounts/login/", {"username": "x" * 5000, "password": "y"})
    assert response.status_code == 400
    assert "слишком большая" in response.content.decode()


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused_with_a_translated_page(db) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/console/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "Форма устарела" in response.content.decode()


@pytest.mark.django_db
def test_500_page_reveals_nothing() -> None:
    request = RequestFactory().get("/")
    body = views.server_error(request).content.decode()
    assert "Traceback" not in body
    assert "Что-то пошло не так" in body


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_does_not(tmp_path) -> None:
    # A real server process whose database is unreachable (nothing listens on port 9).
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz', HTTP_HOST='127.0.0.1');"
        "print(r.status_code)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "refuge.config.settings.test",
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none?connect_timeout=2",
        "REFUGE_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.stdout.strip().splitlines()[-1] == "503", result.stderr[-2000:]
