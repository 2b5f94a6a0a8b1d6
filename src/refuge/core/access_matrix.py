"""The access-control matrix: what every role (and an anonymous visitor) gets at every URL.

Used by tests only (tests/test_access_matrix.py). Each app states its expectations in
`refuge/<app>/tests/access.py`:

    from refuge.accounts.roles import Role
    from refuge.core.access_matrix import console, public

    EXPECTED = {
        "cases:list": console({Role.COORDINATOR, Role.CASE_WORKER}),   # 200 / 403 / 302
        "cases:close": console({Role.CASE_WORKER}, method="post", ok=302),
        "intake:report": public(),
    }

    def url_kwargs(world):             # optional: values for the URL's parameters
        return {"case_id": make_case(owner=world.operators["case_worker"]).pk}

    ID_SWAPS = [                       # optional: objects one operator must not reach
        IdSwap("cases:detail", make=lambda world, owner: {"case_id": make_case(owner).pk},
               role=Role.CASE_WORKER),
    ]

A URL name without an entry fails the suite with "add an entry for <name>".
"""

from __future__ import annotations

import importlib
import importlib.util
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from refuge.accounts.roles import Role

ANONYMOUS = "anonymous"
ROLES: tuple[str, ...] = tuple(role.value for role in Role)
# Coordinator last: the only role whose allowed actions may end other sessions.
VISITORS: tuple[str, ...] = (ANONYMOUS, *sorted(ROLES, key=lambda r: r == Role.COORDINATOR))
UNKNOWN_VALUES: dict[str, Any] = {
    "IntConverter": 987_654_321, "UUIDConverter": uuid.UUID(int=12345),
    "StringConverter": "unknown-object", "SlugConverter": "unknown-object",
    "PathConverter": "unknown/object",
}


@dataclass(frozen=True)
class Expect:
    """Expected status per visitor ("anonymous" or a Role value) for one URL name."""

    statuses: Mapping[str, int]
    method: str = "get"
    data: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = set(VISITORS) - set(self.statuses)
        if missing:
            raise ValueError(f"no expected status for {sorted(missing)}")


def console(allowed: Iterable[Role] | None = None, *, method: str = "get", ok: int = 200,
            data: Mapping[str, str] | None = None) -> Expect:
    """A console page: 302 to login when anonymous, `ok` for allowed roles (all when None),
    403 for the other roles."""
    allowed_values = set(ROLES) if allowed is None else {Role(role).value for role in allowed}
    statuses = {ANONYMOUS: 302}
    statuses.update({role: ok if role in allowed_values else 403 for role in ROLES})
    return Expect(statuses, method=method, data=dict(data or {}))


def public(status: int = 200, *, method: str = "get",
           data: Mapping[str, str] | None = None) -> Expect:
    """The same answer for everyone (a public page, a health check)."""
    return Expect(dict.fromkeys(VISITORS, status), method=method, data=dict(data or {}))


def custom(*, anonymous: int, method: str = "get", data: Mapping[str, str] | None = None,
           **roles: int) -> Expect:
    return Expect({ANONYMOUS: anonymous, **roles}, method=method, data=dict(data or {}))


@dataclass
class World:
    """One logged-in operator per role and a bystander operator to act upon."""

    operators: dict[str, Any]
    subject: Any
    make_peer: Callable[[str], Any]
    extra: dict[str, Any] = field(default_factory=dict)

    def peer(self, role: str) -> Any:
        """A second operator of the same role (for id-swapping tests)."""
        return self.make_peer(role)


@dataclass(frozen=True)
class IdSwap:
    """An object that `role`'s owner reaches at `url_name` and a peer of the same role must not.

    `make(world, owner)` creates the object for `owner` and returns the URL's kwargs.
    """

    url_name: str
    make: Callable[[World, Any], dict[str, Any]]
    role: Role
    method: str = "get"


@dataclass(frozen=True)
class Route:
    name: str | None
    converters: Mapping[str, Any]
    description: str


def iter_routes(resolver: URLResolver | None = None, namespace: str = "",
                converters: Mapping[str, Any] | None = None,
                prefix: str = "") -> Iterator[Route]:
    """Every URL pattern of the URL conf, recursively (i18n patterns included)."""
    resolver = resolver or get_resolver()
    inherited = dict(converters or {})
    for pattern in resolver.url_patterns:
        own = dict(getattr(pattern.pattern, "converters", {}) or {})
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from iter_routes(pattern, inner, {**inherited, **own}, text)
        elif isinstance(pattern, URLPattern):
            name = None
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield Route(name=name, converters={**inherited, **own}, description=text)


def app_access_modules() -> list[Any]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("refuge."):
            continue
        module_name = f"{config.name}.tests.access"
        if importlib.util.find_spec(f"{config.name}.tests") is None:
            continue
        if importlib.util.find_spec(module_name) is not None:
            modules.append(importlib.import_module(module_name))
    return modules


def collect_expected() -> dict[str, Expect]:
    """Merge every app's EXPECTED; a name claimed by two apps is an error."""
    merged: dict[str, Expect] = {}
    for module in app_access_modules():
        for name, expect in getattr(module, "EXPECTED", {}).items():
            if name in merged:
                raise ValueError(f"{name} has an entry in two access.py modules")
            merged[name] = expect
    return merged


def collect_url_kwargs(world: World) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for module in app_access_modules():
        provider = getattr(module, "url_kwargs", None)
        if provider is not None:
            values.update(provider(world))
    return values


def collect_id_swaps() -> list[IdSwap]:
    return [swap for module in app_access_modules() for swap in getattr(module, "ID_SWAPS", [])]


def unknown_kwargs(route: Route) -> dict[str, Any]:
    return {name: UNKNOWN_VALUES.get(type(converter).__name__, "unknown")
            for name, converter in route.converters.items()}
