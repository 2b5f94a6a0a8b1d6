"""A person's address on a channel: sealed under the server key, found by a keyed digest.

The worker answers on it at any hour, so it cannot be sealed to an operator's key; a copy of
the database without the secret key shows neither the address nor anything to test a guess
against (the digest is keyed), see docs/threat-model.md, "Channels".
"""

from __future__ import annotations

from refuge.channels.models import Conversation
from refuge.hotline.models import Channel, Contact, IdentifierKind
from refuge.vault import api as vault

IDENTIFIER_KIND = {Channel.EMAIL: IdentifierKind.EMAIL, Channel.TELEGRAM: IdentifierKind.TELEGRAM}


def normalise_address(channel: str, address: str) -> str:
    """One spelling per address: e-mail addresses compare without case."""
    address = address.strip()
    return address.casefold() if channel == Channel.EMAIL else address


def _label(channel: str) -> str:
    return f"channel-address:{channel}"


def address_lookup(channel: str, address: str) -> str:
    return vault.keyed_digest("channel-address", normalise_address(channel, address), channel)


def seal_address(channel: str, address: str) -> bytes:
    return vault.seal_server_secret(normalise_address(channel, address), label=_label(channel))


def address_of(conversation: Conversation) -> str | None:
    """The address to answer on, or None (none was given, or another secret key sealed it)."""
    return vault.open_server_secret(conversation.address, label=_label(conversation.channel))


def channel_identifiers(contact: Contact) -> list[tuple[str, str]]:
    """For the hotline's blind index: the address the contact's messages came from."""
    if contact.thread_id is None:
        return []
    conversation = Conversation.objects.filter(thread_id=contact.thread_id).first()
    if conversation is None or conversation.channel not in IDENTIFIER_KIND:
        return []
    address = address_of(conversation)
    return [(IDENTIFIER_KIND[Channel(conversation.channel)], address)] if address else []
