"""The client address: the peer, or what one of our own proxies says; forged headers ignored."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.test import RequestFactory

from refuge.config.env import env_networks
from refuge.core import addresses
from refuge.core.addresses import ClientAddress, client_address, parse_address

PROXY = "10.0.0.2"


def _request(peer: str, forwarded: str | None = None) -> HttpRequest:
    headers: dict[str, Any] = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.fixture(autouse=True)
def _proxies(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "fd00::/8"]
    settings.SHARED_ADDRESSES = ["127.0.0.0/8", "::1/128", "100.64.0.0/10"]


def test_a_direct_client_is_its_peer_address() -> None:
    assert client_address(_request("198.51.100.7")) == ClientAddress("198.51.100.7", False)


def test_a_forwarded_for_from_an_untrusted_peer_is_ignored(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="refuge.core.addresses")
    addresses._note_ignored_header.cache_clear()

    found = client_address(_request("198.51.100.7", "203.0.113.99, 10.0.0.5"))

    assert found == ClientAddress("198.51.100.7", False)
    assert "X-Forwarded-For" in caplog.text
    assert "198.51.100.7" not in caplog.text
    assert "203.0.113.99" not in caplog.text


def test_a_forged_forwarded_for_cannot_claim_a_shared_address() -> None:
    found = client_address(_request("198.51.100.7", "127.0.0.1"))

    assert found == ClientAddress("198.51.100.7", False)


def test_behind_a_trusted_proxy_the_client_is_the_rightmost_untrusted_hop() -> None:
    # The client prepended a forged hop; our proxy appended the address it really saw.
    found = client_address(_request(PROXY, "192.0.2.1, 203.0.113.4"))

    assert found == ClientAddress("203.0.113.4", False)


def test_a_chain_of_trusted_proxies_is_walked_to_the_client() -> None:
    found = client_address(_request(PROXY, "203.0.113.4, 10.1.2.3, 10.0.0.9"))

    assert found == ClientAddress("203.0.113.4", False)


def test_a_trusted_proxy_that_names_nobody_counts_as_shared() -> None:
    assert client_address(_request(PROXY)) == ClientAddress(PROXY, True)
    assert client_address(_request(PROXY, "10.0.0.7")) == ClientAddress("10.0.0.7", True)


def test_garbage_from_a_trusted_proxy_counts_as_shared() -> None:
    found = client_address(_request(PROXY, "203.0.113.4, not-an-address"))

    assert found == ClientAddress(PROXY, True)


def test_shared_addresses_are_marked_so() -> None:
    assert client_address(_request("127.0.0.1")).is_shared
    assert client_address(_request("::1")).is_shared
    assert client_address(_request(PROXY, "100.64.3.4")) == ClientAddress("100.64.3.4", True)


def test_no_peer_address_counts_as_shared() -> None:
    assert client_address(_request("")) == ClientAddress("", True)
    assert client_address(_request("garbage")) == ClientAddress("", True)


def test_addresses_with_ports_and_ipv6_forms_are_read() -> None:
    assert str(parse_address("203.0.113.4:51234")) == "203.0.113.4"
    assert str(parse_address("[2001:db8::1]:443")) == "2001:db8::1"
    assert str(parse_address("2001:db8::1")) == "2001:db8::1"
    assert str(parse_address("::ffff:203.0.113.4")) == "203.0.113.4"
    assert parse_address("unknown") is None
    found = client_address(_request("fd00::2", "2001:db8::5"))
    assert found == ClientAddress("2001:db8::5", False)


def test_a_setting_that_is_not_a_network_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("REFUGE_TRUSTED_PROXIES", "10.0.0.0/8, proxy.example.org")

    with pytest.raises(ImproperlyConfigured, match="REFUGE_TRUSTED_PROXIES"):
        env_networks("REFUGE_TRUSTED_PROXIES", [])
