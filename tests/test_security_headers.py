"""Every page of the URL conf carries the security headers, for anonymous and logged-in users."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from refuge.accounts.roles import Role
from refuge.testing import log_in


def _concrete_paths() -> list[str]:
    """Every route with converters filled by 1 (a 404 page must carry the headers too)."""
    paths: list[str] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            route = re.sub(r"<(?:\w+:)?\w+>", "1", route).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            else:
                paths.append("/" + (prefix + route).lstrip("/"))

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


def _assert_security_headers(response, path: str) -> None:
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp, path
    assert "frame-ancestors 'none'" in csp, path
    assert "script-src" in csp, path
    assert "http:" not in csp, path
    assert "https:" not in csp, path
    assert response["X-Content-Type-Options"] == "nosniff", path
    # The quick exit sends nothing even to this site ("no-referrer"); neither tells another
    # site where a visitor came from.
    assert response["Referrer-Policy"] in {"same-origin", "no-referrer"}, path
    assert response["X-Frame-Options"] == "DENY", path
    assert "geolocation=()" in response["Permissions-Policy"], path
    assert "no-store" in response["Cache-Control"], path
    assert response["Cross-Origin-Resource-Policy"] == "same-origin", path
    assert "Server" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("path", _concrete_paths())
def test_anonymous_responses_carry_security_headers(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code < 500, path
    _assert_security_headers(response, path)


@pytest.mark.django_db
def test_coordinator_responses_carry_security_headers(client: Client, operator_factory) -> None:
    log_in(client, operator_factory("chief", Role.COORDINATOR))
    for path in _concrete_paths():
        response = client.get(path)
        assert response.status_code < 500, path
        _assert_security_headers(response, path)


@pytest.mark.django_db
def test_hsts_only_over_tls(client: Client) -> None:
    assert "Strict-Transport-Security" not in client.get("/healthz")
    secure = client.get("/healthz", secure=True)
    assert "max-age=31536000" in secure["Strict-Transport-Security"]


@pytest.mark.django_db
def test_static_assets_may_be_cached_but_pages_may_not(client: Client) -> None:
    from django.contrib.staticfiles import finders

    assert finders.find("refuge/public.css")
    page = client.get("/console/accounts/login/")
    assert "no-store" in page["Cache-Control"]


@pytest.mark.django_db
def test_static_assets_carry_the_cross_origin_resource_policy(settings) -> None:
    settings.WHITENOISE_USE_FINDERS = True  # serve from the apps' folders, no collectstatic
    response = Client().get("/static/refuge/public.css")

    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"]  # served by WhiteNoise, cacheable
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_csrf_cookie_is_a_session_cookie(client: Client) -> None:
    response = client.get("/console/accounts/login/")
    morsel = response.cookies["csrftoken"]
    assert morsel["expires"] == ""
    assert morsel["max-age"] == ""
