"""Panels that other apps add to the console home, so accounts never imports them (the apps
that have panels are above it): an app registers a template and a function giving its context,
or None when it has nothing to show this operator."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from refuge.accounts.decorators import OperatorRequest
from refuge.core.panels import Panel, PanelRegistry

PanelContext = Callable[[OperatorRequest], Mapping[str, Any] | None]
HomePanel = Panel

_home = PanelRegistry()


def register_home_panel(template: str, context: PanelContext) -> None:
    """Show `template` on the console home with what `context(request)` returns (if not None)."""
    _home.register(template, context)


def home_panels(request: OperatorRequest) -> list[Panel]:
    return _home.panels(request)
