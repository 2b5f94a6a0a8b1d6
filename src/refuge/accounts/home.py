"""Panels that other apps add to the console home, so accounts never imports them (the apps
that have panels are above it): an app registers a template and a function giving its context,
or None when it has nothing to show this operator."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from refuge.accounts.decorators import OperatorRequest

PanelContext = Callable[[OperatorRequest], Mapping[str, Any] | None]


@dataclass(frozen=True, slots=True)
class HomePanel:
    template: str
    context: Mapping[str, Any]


_registered: dict[str, PanelContext] = {}


def register_home_panel(template: str, context: PanelContext) -> None:
    """Show `template` on the console home with what `context(request)` returns (if not None)."""
    _registered[template] = context


def home_panels(request: OperatorRequest) -> list[HomePanel]:
    panels = []
    for template, context in _registered.items():
        values = context(request)
        if values is not None:
            panels.append(HomePanel(template, values))
    return panels
