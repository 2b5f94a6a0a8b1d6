"""The client address of a request: the one helper that login lockout and intake limits use.

An address counts only where it is real. The peer of the TCP connection (`REMOTE_ADDR`) is
the client, unless that peer is one of our own proxies (`REFUGE_TRUSTED_PROXIES`, CIDRs): then
the proxy's `X-Forwarded-For` names the client, read from the right, skipping our own proxies.
An `X-Forwarded-For` sent by anyone else is ignored: a stranger cannot pick the address we
count them under.

Some addresses stand for many people at once (`REFUGE_SHARED_ADDRESSES`): an onion service's
Tor daemon, a carrier's NAT, a proxy that did not say who it forwarded. Limits treat those as
shared (`ClientAddress.is_shared`) and never refuse everyone behind them because of one
person's requests (docs/intake.md, "Abuse"; accounts/lockout.py).
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ClientAddress:
    """Who sent a request, as far as we can tell."""

    ip: str  # "" when no address could be read
    is_shared: bool  # many people may send from it: never limit them all as one

    def __str__(self) -> str:
        return self.ip or "unknown"


def client_address(request: HttpRequest) -> ClientAddress:
    """The address this request came from (see the module docstring)."""
    peer = parse_address(str(request.META.get("REMOTE_ADDR") or ""))
    if peer is None:
        return ClientAddress(ip="", is_shared=True)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    if not _is_trusted_proxy(peer):
        if forwarded:
            _note_ignored_header()
        return _classified(peer)
    return _behind_proxies(peer, forwarded)


def _behind_proxies(proxy: IPAddress, forwarded: str) -> ClientAddress:
    """Walk the proxies' header from the right, past our own proxies, to the client."""
    last_proxy = proxy
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        address = parse_address(hop)
        if address is None:
            # Our proxy passed on something that is not an address: we cannot tell who it is.
            return ClientAddress(ip=str(last_proxy), is_shared=True)
        if not _is_trusted_proxy(address):
            return _classified(address)
        last_proxy = address
    # Only our own proxies, or no header at all: the proxy did not say whom it forwarded.
    return ClientAddress(ip=str(last_proxy), is_shared=True)


def _classified(address: IPAddress) -> ClientAddress:
    return ClientAddress(ip=str(address), is_shared=in_networks(address, _shared_networks()))


def parse_address(text: str) -> IPAddress | None:
    """An IP address from a header value (`1.2.3.4`, `1.2.3.4:5678`, `[::1]:80`), or None."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4 with a port; bare IPv6 has several colons
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """CIDRs (or single addresses) as networks; raises ValueError on anything else."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values)


def in_networks(address: IPAddress, networks: Iterable[Network]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def _is_trusted_proxy(address: IPAddress) -> bool:
    return in_networks(address, _trusted_networks())


def _trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _shared_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.SHARED_ADDRESSES))


@functools.cache
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


@functools.cache
def _note_ignored_header() -> None:
    # Once per process, and without the address: either a forged header from a stranger, or a
    # proxy in front of us that REFUGE_TRUSTED_PROXIES does not list.
    logger.warning(
        "X-Forwarded-For from a peer that is not a trusted proxy was ignored; "
        "list your proxies in REFUGE_TRUSTED_PROXIES"
    )
