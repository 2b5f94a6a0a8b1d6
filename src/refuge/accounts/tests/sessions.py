"""Test helper: the keyring a request carrying these cookies would get from the middleware."""

from __future__ import annotations

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from refuge.vault.keyring import Keyring
from refuge.vault.middleware import KeyringMiddleware


def _unused(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def keyring_from_cookies(cookies: dict[str, str]) -> Keyring:
    """Run the real session, auth and keyring middleware on a request with these cookies."""
    request = RequestFactory().get("/console/")
    request.COOKIES.update(cookies)
    SessionMiddleware(_unused).process_request(request)
    AuthenticationMiddleware(_unused).process_request(request)
    return KeyringMiddleware._keyring_for(request)


def cookies_of(client: Client) -> dict[str, str]:
    return {name: morsel.value for name, morsel in client.cookies.items()}
