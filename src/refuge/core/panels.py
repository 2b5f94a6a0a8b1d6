"""Panels that higher apps add to a lower app's page, so the lower app never imports them: an
app registers a template and a function giving its context, or None when it has nothing to
show (the console home in accounts, the contact page in hotline)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

PanelContext = Callable[..., Mapping[str, Any] | None]


@dataclass(frozen=True, slots=True)
class Panel:
    template: str
    context: Mapping[str, Any]


class PanelRegistry:
    def __init__(self) -> None:
        self._registered: dict[str, PanelContext] = {}

    def register(self, template: str, context: PanelContext) -> None:
        """Show `template` with what `context(...)` returns (if not None)."""
        self._registered[template] = context

    def panels(self, *args: Any) -> list[Panel]:
        shown = []
        for template, context in self._registered.items():
            values = context(*args)
            if values is not None:
                shown.append(Panel(template, values))
        return shown
