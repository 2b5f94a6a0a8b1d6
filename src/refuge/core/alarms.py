"""Alarms shown at the top of the console's home page and the hotline queue.

core imports nothing of refuge, and the pages that show alarms sit below the apps that raise
them (a missed check-in belongs to cases). So each such app registers a provider in its
AppConfig.ready: given the request, it renders its own block (safe HTML), or "" when the user
has nothing to see. `{% load console %}{% console_alarms %}` shows them all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

AlarmProvider = Callable[[HttpRequest], SafeString]
_providers: list[AlarmProvider] = []


def register(provider: AlarmProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def render_alarms(request: HttpRequest) -> SafeString:
    blocks = [(block,) for block in (provider(request) for provider in _providers) if block]
    return format_html_join("", "{}", blocks)
