"""Test support for the channels: a message received as a channel would hand it over."""

from __future__ import annotations

import uuid

from refuge.channels.services.inbound import Inbound, Received, receive
from refuge.hotline.models import Channel
from refuge.intake.models import Urgency
from refuge.vault import api as vault


def received_mail(
    text: str = "Меня ищут родственники.",
    *,
    address: str = "person@example.org",
    urgency: Urgency = Urgency.OTHER,
    files: tuple[bytes, ...] = (),
    external_id: str | None = None,
) -> Received:
    """A mail stored as the mailbox poll stores one (no operator's key present)."""
    with vault.activated(vault.Keyring()):
        return receive(
            Inbound(
                channel=Channel.EMAIL,
                external_id=external_id or f"<{uuid.uuid4()}@example.org>",
                address=address,
                text=text,
                files=files,
                urgency=urgency,
            )
        )
