from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: Permissions-Policy and Cache-Control no-store.

    Installed below WhiteNoise, so static assets keep their long cache lifetime while every
    page (a reporter's form, an operator's case) is never stored by a browser or a proxy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        response["Cache-Control"] = "no-store, max-age=0"
        response["Pragma"] = "no-cache"
        response["X-Robots-Tag"] = "noindex, nofollow"
        # No other site may embed or fetch our responses (a case file as an <img>, say).
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        if "Server" in response:
            del response["Server"]
        return response


CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


def clear_site_data(response: HttpResponse) -> HttpResponse:
    """Ask the browser to drop everything of this site it kept: cache, cookies, storage."""
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


def static_file_headers(headers: Any, path: str, url: str) -> None:
    """WhiteNoise's hook: static assets carry the same cross-origin policy as pages."""
    headers["Cross-Origin-Resource-Policy"] = "same-origin"


def request_limit_bytes() -> int:
    """The largest request body any form accepts: its largest file plus the form's fields."""
    if settings.REQUEST_MAX_BYTES:
        return int(settings.REQUEST_MAX_BYTES)
    largest_file = max(
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
        settings.INTAKE_MAX_ATTACHMENT_BYTES,
        settings.DOCUMENTATION_MAX_EVIDENCE_BYTES,
    )
    return int(largest_file + settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared Content-Length is over the limit, before its body is read.

    Django would otherwise read (and drop) every byte of a 2 GB upload before a view could say
    no. This answers at once, from the headers: 413 with the limit, or 400 for a length that is
    not a number. It runs before any middleware or view that touches request.POST (those read
    the body in process_view or later); forms keep their own, finer limits and messages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit():
            return render(request, "core/error.html", {"status": 400}, status=400)
        limit = request_limit_bytes()
        if int(declared) > limit:
            return render(
                request,
                "core/error.html",
                {"status": 413, "limit_megabytes": f"{limit / 1_048_576:.0f}"},
                status=413,
            )
        return self.get_response(request)
