"""Issue 9 point 6: every URL of the URL conf, every role and an anonymous visitor.

Generated from the URL conf: a route without an entry in some app's tests/access.py fails
with "add an entry for <name>". Parameters are filled with real objects of a small world
(`url_kwargs` of each access.py); unknown ids must give 404 to a visitor who may otherwise
open the page. Objects registered as ID_SWAPS must be unreachable for a peer (404).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from refuge.accounts.roles import Role
from refuge.core.access_matrix import (
    ANONYMOUS,
    VISITORS,
    Expect,
    IdSwap,
    Route,
    World,
    collect_expected,
    collect_id_swaps,
    collect_url_kwargs,
    iter_routes,
    unknown_kwargs,
)
from refuge.core.testing import log_in, make_operator

ROUTES = {route.name or route.description: route for route in iter_routes()}
EXPECTED = collect_expected()
LOGIN = reverse("accounts:login")


def _request(client: Client, expect: Expect, url: str) -> Any:
    if expect.method == "post":
        return client.post(url, dict(expect.data))
    return client.get(url)


@pytest.fixture
def world(db: Any) -> World:
    operators = {role.value: make_operator(f"matrix-{role.value}", role) for role in Role}
    subject = make_operator("matrix-subject", Role.OPERATOR)
    counter = iter(range(1, 1000))
    return World(operators=operators, subject=subject,
                 make_peer=lambda role: make_operator(f"peer-{role}-{next(counter)}", Role(role)))


def _clients(world: World) -> dict[str, Client]:
    clients = {ANONYMOUS: Client()}
    for role, operator in world.operators.items():
        clients[role] = Client()
        log_in(clients[role], operator)
    return clients


def test_every_route_has_a_name_and_an_entry() -> None:
    unnamed = [key for key, route in ROUTES.items() if route.name is None]
    missing = [f"add an entry for {name}" for name in ROUTES if name not in EXPECTED]
    stale = [f"remove the entry for {name}: no such route" for name in EXPECTED
             if name not in ROUTES]
    assert not unnamed, f"give these routes a name: {unnamed}"
    assert not missing, "; ".join(missing)
    assert not stale, "; ".join(stale)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_visitor_gets_the_expected_answer(name: str, world: World) -> None:
    route: Route = ROUTES[name]
    if name not in EXPECTED:
        pytest.fail(f"add an entry for {name} in its app's tests/access.py")
    expect = EXPECTED[name]
    values = collect_url_kwargs(world)
    url = reverse(name, kwargs={key: values[key] for key in route.converters})
    clients = _clients(world)
    wrong = []
    for visitor in VISITORS:
        response = _request(clients[visitor], expect, url)
        wanted = expect.statuses[visitor]
        if response.status_code != wanted:
            wrong.append(f"{visitor}: got {response.status_code}, expected {wanted}")
        elif visitor == ANONYMOUS and wanted == 302 and not name.startswith("accounts:"):
            assert response["Location"].startswith(LOGIN), f"{name}: not sent to the login page"
    assert not wrong, f"{expect.method.upper()} {url}: " + "; ".join(wrong)


@pytest.mark.parametrize("name", sorted(name for name, route in ROUTES.items()
                                        if route.converters))
def test_unknown_ids_give_404(name: str, world: World) -> None:
    expect = EXPECTED[name]
    allowed = [role for role, status in expect.statuses.items()
               if role != ANONYMOUS and status not in (403, 404)]
    if not allowed:
        pytest.skip(f"no role may open {name}")
    if expect.statuses[ANONYMOUS] == 200:
        pytest.skip(f"{name} is public and answers alike for any reference, by design")
    url = reverse(name, kwargs=unknown_kwargs(ROUTES[name]))
    client = Client()
    log_in(client, world.operators[allowed[0]])

    assert _request(client, expect, url).status_code == 404


def test_english_urls_answer_like_the_russian_ones(db: Any) -> None:
    anonymous = Client()
    checked = 0
    for name, route in ROUTES.items():
        if route.converters:
            continue
        with translation.override("en"):
            url = reverse(name)
        if not url.startswith("/en/"):
            continue  # not an i18n pattern (healthz, the API)
        expect = EXPECTED[name]
        status = _request(anonymous, expect, url).status_code
        assert status == expect.statuses[ANONYMOUS], f"{url}: {status}"
        checked += 1
    assert checked > 0


def assert_id_swap_refused(swap: IdSwap, world: World) -> None:
    """The owner reaches the object; a peer of the same role gets 404 at the same URL."""
    owner = world.operators[swap.role.value]
    peer = world.peer(swap.role.value)
    url = reverse(swap.url_name, kwargs=swap.make(world, owner))
    owner_client, peer_client = Client(), Client()
    log_in(owner_client, owner)
    log_in(peer_client, peer)
    send = owner_client.post if swap.method == "post" else owner_client.get
    assert send(url).status_code == 200, f"{swap.url_name}: the owner cannot open it"
    send = peer_client.post if swap.method == "post" else peer_client.get
    assert send(url).status_code == 404, f"{swap.url_name}: a peer reaches it"


@pytest.mark.parametrize("swap", collect_id_swaps(), ids=lambda swap: swap.url_name)
def test_objects_are_not_reachable_by_changing_the_id(swap: IdSwap, world: World) -> None:
    assert_id_swap_refused(swap, world)
