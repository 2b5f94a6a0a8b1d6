"""Panels that higher apps add to the contact page (a channel's safety note and actions), so
the hotline never imports them: `register_contact_panel(template, context(request, contact))`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from refuge.accounts.decorators import OperatorRequest
from refuge.core.panels import Panel, PanelRegistry
from refuge.hotline.models import Contact

ContactPanelContext = Callable[[OperatorRequest, Contact], Mapping[str, Any] | None]

_contact = PanelRegistry()


def register_contact_panel(template: str, context: ContactPanelContext) -> None:
    _contact.register(template, context)


def contact_panels(request: OperatorRequest, contact: Contact) -> list[Panel]:
    return _contact.panels(request, contact)
