"""Every URL of the URL conf, every role and an anonymous
visitor; and for every route that changes something, that a refused POST changes nothing.

Generated from the URL conf: a route without an entry in some app's tests/access.py fails
with "add an entry for <name>", and a route that takes a POST without an `Effect` fails with
"add an effect for <name>". Parameters are filled with real objects of a small world
(`url_kwargs` of each access.py), built once for this module inside a transaction that every
test rolls back to; unknown ids must give 404 to a visitor who may otherwise open the page.
Objects registered as ID_SWAPS must be unreachable for a peer (404). Refusals (a 403, a 404 on
an existing object) are audited by code.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from refuge.accounts.middleware import is_console_path
from refuge.accounts.roles import Role
from refuge.audit.denials import URL_NUMBERS, URL_OBJECTS
from refuge.audit.models import AuditAction, AuditEvent
from refuge.testing import log_in, make_operator
from refuge.testing.access_matrix import (
    ANONYMOUS,
    ROLES,
    VISITORS,
    Effect,
    Expect,
    IdSwap,
    World,
    changed_tables,
    collect_effects,
    collect_expected,
    collect_id_swaps,
    collect_url_kwargs,
    iter_routes,
    snapshot,
    unknown_kwargs,
)
from refuge.vault.keyring import Keyring, activated

ROUTES = {route.name or route.description: route for route in iter_routes()}
EXPECTED = collect_expected()
EFFECTS = collect_effects()
LOGIN = reverse("accounts:login")
REFUSED = (403, 404)


def _request(client: Client, expect: Expect, url: str) -> Any:
    if expect.method == "post":
        return client.post(url, dict(expect.data))
    return client.get(url)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module, inside a transaction rolled back at its end; each test
    runs in a savepoint within it (pytest-django's `db`), so nothing leaks between tests."""
    # On a loaded machine the module outlasts a session's idle limit: keep the world's alive.
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(SESSION_IDLE_MINUTES=24 * 60, SESSION_COOKIE_AGE=24 * 3600),
    ):
        counter = itertools.count(1)
        with activated(Keyring()):
            operators = {role.value: make_operator(f"matrix-{role.value}", role) for role in Role}
            built = World(
                operators=operators,
                subject=make_operator("matrix-subject", Role.OPERATOR),
                make_peer=lambda role: make_operator(f"peer-{role}-{next(counter)}", Role(role)),
            )
            built.extra["kwargs"] = collect_url_kwargs(built)
        built.extra["cookies"] = {ANONYMOUS: SimpleCookie()}
        for role, operator in operators.items():
            client = Client()
            log_in(client, operator)
            built.extra["cookies"][role] = client.cookies
        yield built
        transaction.set_rollback(True)


def _clients(world: World) -> dict[str, Client]:
    """A client per visitor, carrying the session its login left (sessions roll back)."""
    clients = {}
    for visitor in VISITORS:
        client = Client()
        client.cookies = copy.deepcopy(world.extra["cookies"][visitor])
        clients[visitor] = client
    return clients


def _url(world: World, name: str, params: dict[str, str] | None = None) -> str:
    values = world.extra["kwargs"]
    renamed = params or {}
    return reverse(
        name, kwargs={key: values[renamed.get(key, key)] for key in ROUTES[name].converters}
    )


def test_every_route_has_a_name_and_an_entry() -> None:
    unnamed = [key for key, route in ROUTES.items() if route.name is None]
    missing = [f"add an entry for {name}" for name in ROUTES if name not in EXPECTED]
    stale = [
        f"remove the entry for {name}: no such route" for name in EXPECTED if name not in ROUTES
    ]
    assert not unnamed, f"give these routes a name: {unnamed}"
    assert not missing, "; ".join(missing)
    assert not stale, "; ".join(stale)


def test_every_id_in_a_url_names_its_model_for_the_audit() -> None:
    ids = {
        name
        for route in ROUTES.values()
        for name, converter in route.converters.items()
        if type(converter).__name__ == "IntConverter"
    }
    unnamed = ids - set(URL_OBJECTS) - URL_NUMBERS
    assert not unnamed, f"add these to refuge.audit.denials.URL_OBJECTS: {sorted(unnamed)}"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_visitor_gets_the_expected_answer(name: str, world: World, db: Any) -> None:
    if name not in EXPECTED:
        pytest.fail(f"add an entry for {name} in its app's tests/access.py")
    expect = EXPECTED[name]
    url = _url(world, name)
    clients = _clients(world)
    wrong = []
    for visitor in VISITORS:
        response = _request(clients[visitor], expect, url)
        wanted = expect.statuses[visitor]
        if response.status_code != wanted:
            wrong.append(f"{visitor}: got {response.status_code}, expected {wanted}")
        elif (
            visitor == ANONYMOUS
            and wanted == 302
            and not name.startswith("accounts:")
            and _console(name)
        ):
            assert response["Location"].startswith(LOGIN), f"{name}: not sent to the login page"
    assert not wrong, f"{expect.method.upper()} {url}: " + "; ".join(wrong)


@pytest.mark.parametrize("name", sorted(name for name, route in ROUTES.items() if route.converters))
def test_unknown_ids_give_404(name: str, world: World, db: Any) -> None:
    expect = EXPECTED[name]
    allowed = [
        role
        for role, status in expect.statuses.items()
        if role != ANONYMOUS and status not in REFUSED
    ]
    if not allowed:
        pytest.skip(f"no role may open {name}")
    if expect.statuses[ANONYMOUS] == 200:
        pytest.skip(f"{name} is public and answers alike for any reference, by design")
    url = reverse(name, kwargs=unknown_kwargs(ROUTES[name]))
    client = _clients(world)[allowed[0]]
    denials = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count()

    assert _request(client, expect, url).status_code == 404
    # An unknown id reached for nothing: it is not written down as a refusal.
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count() == denials


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
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_DENIED, actor_id=peer.pk, details__status=404
    ).exists(), f"{swap.url_name}: the peer's refusal is not audited"


@pytest.mark.parametrize("swap", collect_id_swaps(), ids=lambda swap: swap.url_name)
def test_objects_are_not_reachable_by_changing_the_id(swap: IdSwap, world: World, db: Any) -> None:
    with activated(Keyring()):
        assert_id_swap_refused(swap, world)


# Effects: a refused POST changes nothing -------------------------------------------------


def _takes_a_post(name: str) -> bool:
    expect = EXPECTED.get(name)
    return expect is not None and (expect.method == "post" or name in EFFECTS)


def _refused(expect: Expect, effect: Effect) -> list[str]:
    return [
        visitor
        for visitor, status in expect.statuses.items()
        if (status in REFUSED or (visitor == ANONYMOUS and status == 302))
        and visitor not in effect.also_allowed
    ]


def _performer(name: str, expect: Expect, effect: Effect) -> str:
    if effect.by is not None:
        return effect.by
    allowed = [role for role in ROLES if expect.statuses[role] not in REFUSED]
    assert allowed, f"{name}: no role may post to it: give the effect a `by`"
    return sorted(allowed, key=lambda role: role == Role.COORDINATOR)[0]


def _outsider_client(world: World, role: str) -> Client:
    client = Client()
    log_in(client, world.peer(role))
    return client


def _console(name: str) -> bool:
    """Routes of the console a visitor must log in for (public ones, such as the quick exit
    that sends everyone away with a 302, have no refused visitor)."""
    return (
        name in EXPECTED
        and EXPECTED[name].statuses[ANONYMOUS] == 302
        and is_console_path("/" + ROUTES[name].description)
    )


def test_every_route_that_takes_a_post_has_an_effect(world: World, db: Any) -> None:
    """A console route answering a POST with anything but 405 must say what it changes; one
    answering 405 must not claim an effect."""
    clients = _clients(world)
    wrong = [
        f"remove the effect for {name}: no such route" for name in EFFECTS if name not in ROUTES
    ]
    for name in sorted(name for name in ROUTES if _console(name)):
        expect = EXPECTED[name]
        allowed = [role for role in ROLES if expect.statuses[role] not in REFUSED]
        if not allowed or expect.method == "post":
            continue
        with transaction.atomic():  # whatever an empty POST does is undone
            status = clients[allowed[0]].post(_url(world, name), {}).status_code
            transaction.set_rollback(True)
        if status != 405 and name not in EFFECTS:
            wrong.append(f"add an effect for {name} (a POST answers {status})")
        elif status == 405 and name in EFFECTS:
            wrong.append(f"remove the effect for {name}: it refuses a POST (405)")
    wrong += [
        f"add an effect for {name}"
        for name in ROUTES
        if _console(name) and EXPECTED[name].method == "post" and name not in EFFECTS
    ]
    assert not wrong, "; ".join(wrong)


@pytest.mark.parametrize(
    "name", sorted(name for name in ROUTES if _takes_a_post(name) and _console(name))
)
def test_a_refused_post_changes_nothing(name: str, world: World, db: Any) -> None:
    expect = EXPECTED[name]
    effect = EFFECTS.get(name)
    if effect is None:
        pytest.fail(f"add an effect for {name} in its app's tests/access.py")
    url = _url(world, name, dict(effect.params))
    clients = _clients(world)
    performer = _performer(name, expect, effect)
    tried = {visitor: clients[visitor] for visitor in _refused(expect, effect)}
    if effect.outsider and ROUTES[name].converters:
        tried["outsider"] = _outsider_client(world, performer)
    before = snapshot()
    answers = []
    for visitor, client in tried.items():
        denials = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count()
        response = client.post(url, effect.form_data(world))  # fresh data: files are read
        answers.append(f"{visitor} {response.status_code}")
        assert response.status_code < 500, f"POST {url} as {visitor}: {response.status_code}"
        if visitor != ANONYMOUS and response.status_code in REFUSED:
            assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count() > (
                denials
            ), f"POST {url} as {visitor}: the {response.status_code} is not audited"
    changed = changed_tables(before, snapshot())
    assert not changed, f"POST {url} refused ({', '.join(answers)}) yet changed {changed}"

    response = clients[performer].post(url, effect.form_data(world))
    changed = changed_tables(before, snapshot())
    assert response.status_code < 400, f"POST {url} as {performer}: {response.status_code}"
    if not effect.to_login:
        assert not response.get("Location", "").startswith(LOGIN), f"{performer} is logged out"
    if effect.changes:
        assert changed, (
            f"POST {url} as {performer} changed nothing: the effect's data does "
            "not do what the route is for, so its refusals prove nothing"
        )
    else:
        assert not changed, f"POST {url} as {performer} changed {changed} ({effect.reason})"


# The duress console ------------------------------------------------------------------------

DURESS_PASSWORD = "forced at the checkpoint 7"
MENU = {  # the route each role's menu links to, as console_base.html draws it
    Role.COORDINATOR: [
        "hotline:queue",
        "cases:list",
        "documentation:events",
        "analysis:home",
        "accounts:operators",
        "audit:log",
    ],
    Role.OPERATOR: ["hotline:queue"],
    Role.CASE_WORKER: ["hotline:queue", "cases:list", "documentation:events"],
    Role.LAWYER: ["documentation:events"],
    Role.ANALYST: ["analysis:home"],
}


def _world_markers(world: World, role: str) -> list[str]:
    """Strings of the world's records a page must not show a duress session."""
    from refuge.cases.models import Case, Partner, Shelter
    from refuge.documentation.models import Event, Evidence, Source, Victim
    from refuge.hotline.models import ReplyTemplate

    markers = [operator.username for name, operator in world.operators.items() if name != role]
    markers += [case.reference for case in Case.objects.all()]
    for model in (Event, Source, Evidence):
        markers += list(model.objects.values_list("reference", flat=True))
    markers += list(Victim.objects.values_list("pseudonym", flat=True))
    markers += list(Partner.objects.values_list("name", flat=True))
    markers += list(Shelter.objects.values_list("code", flat=True))
    markers += list(ReplyTemplate.objects.values_list("title", flat=True))
    return markers


def _duress_client(world: World, role: str) -> Client:
    from refuge.accounts import duress
    from refuge.testing import keyring_for

    operator = world.operators[role]
    with activated(keyring_for(operator)):
        duress.set_duress_password(
            operator=operator,
            current_password="correct horse battery staple",
            duress_password=DURESS_PASSWORD,
        )
    client = Client()
    log_in(client, operator, password=DURESS_PASSWORD)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_a_duress_console_shows_the_usual_menu_and_empty_pages(
    role: str, world: World, db: Any
) -> None:
    client = _duress_client(world, role)
    markers = _world_markers(world, role)
    home = client.get(reverse("console:home")).content.decode()
    for name in MENU[Role(role)]:
        assert reverse(name) in home, f"{role}: the menu lacks {name}"
    wrong = []
    for name in sorted(name for name in ROUTES if _console(name)):
        expect = EXPECTED[name]
        if expect.method != "get" or expect.statuses[role] != 200:
            continue
        response = client.get(_url(world, name))
        page = response.content.decode(errors="replace")
        names_objects = any(
            type(converter).__name__ == "IntConverter"
            for converter in ROUTES[name].converters.values()
        )
        wanted = 404 if names_objects else 200
        if response.status_code != wanted and not (wanted == 404 and response.status_code == 302):
            wrong.append(f"{name}: {response.status_code}, expected {wanted}")
        shown = [marker for marker in markers if marker and marker in page]
        if shown:
            wrong.append(f"{name} shows {shown}")
    assert not wrong, f"duress console of {role}: " + "; ".join(wrong)


@pytest.mark.parametrize(
    "name",
    [
        "cases:add_note",
        "documentation:source_delete",
        "hotline:note",
        "accounts:password_change",
        "accounts:operator_create",
        "approvals:confirm",
    ],
)
def test_a_duress_console_writes_nothing(name: str, world: World, db: Any) -> None:
    effect = EFFECTS[name]
    role = _performer(name, EXPECTED[name], effect)
    client = _duress_client(world, role)
    before = snapshot()

    response = client.post(
        _url(world, name, dict(effect.params)), effect.form_data(world), follow=True
    )

    assert response.status_code == 200
    assert "nothing was saved" in response.content.decode() or (
        "ничего не сохранено" in response.content.decode()
    )
    assert not changed_tables(before, snapshot())
