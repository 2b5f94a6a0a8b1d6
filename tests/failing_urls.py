"""A URL conf for tests/test_log_scrubbing.py: one view that fails with a secret in its error."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

CANARY = "Ruslan-Canary-+79281234567"


def failing_view(request: HttpRequest) -> HttpResponse:
    try:
        int(request.GET.get("phone", CANARY))
    except ValueError as error:
        raise RuntimeError(f"could not store contact {CANARY}") from error
    return HttpResponse()


urlpatterns = [path("fail/", failing_view)]
