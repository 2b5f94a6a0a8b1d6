from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_the_schema_is_served_and_lists_the_endpoints(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/status" in schema["paths"]


@pytest.mark.django_db
def test_status_answers_without_revealing_anything(client: Client) -> None:
    response = client.get("/api/v1/status")
    assert response.json() == {"status": "ok", "api_version": "1"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_404(client: Client) -> None:
    assert client.get("/api/v1/cases").status_code == 404
