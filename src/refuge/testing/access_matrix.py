"""The access-control matrix: what every role (and an anonymous visitor) gets at every URL.

Used by tests only (tests/test_access_matrix.py). Each app states its expectations in
`refuge/<app>/tests/access.py`:

    from refuge.accounts.roles import Role
    from refuge.testing.access_matrix import console, public

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

Effects: every route that accepts a POST also has an `Effect` in its app's
`EFFECTS`: form data with which an allowed role changes the database. The matrix then posts
the same data as every visitor the table refuses, and as an operator who holds the capability
but cannot read the object (a fresh peer, sealed to nothing), and checks that the database did
not change (`snapshot`: row count and checksum of every table but the log's and sessions').

    EFFECTS = {
        "cases:add_note": Effect(data={"body": "Called back"}),
        "cases:stages": Effect(data=..., outsider=False, reason="stages have no owner"),
        "audit:log": Effect.read_only("a filter form: nothing is written"),
    }
"""

from __future__ import annotations

import hashlib
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
    "IntConverter": 987_654_321,
    "UUIDConverter": uuid.UUID(int=12345),
    "StringConverter": "unknown-object",
    "SlugConverter": "unknown-object",
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


def console(
    allowed: Iterable[Role] | None = None,
    *,
    method: str = "get",
    ok: int = 200,
    data: Mapping[str, str] | None = None,
) -> Expect:
    """A console page: 302 to login when anonymous, `ok` for allowed roles (all when None),
    403 for the other roles."""
    allowed_values = set(ROLES) if allowed is None else {Role(role).value for role in allowed}
    statuses = {ANONYMOUS: 302}
    statuses.update({role: ok if role in allowed_values else 403 for role in ROLES})
    return Expect(statuses, method=method, data=dict(data or {}))


def public(
    status: int = 200, *, method: str = "get", data: Mapping[str, str] | None = None
) -> Expect:
    """The same answer for everyone (a public page, a health check)."""
    return Expect(dict.fromkeys(VISITORS, status), method=method, data=dict(data or {}))


def custom(
    *, anonymous: int, method: str = "get", data: Mapping[str, str] | None = None, **roles: int
) -> Expect:
    return Expect({ANONYMOUS: anonymous, **roles}, method=method, data=dict(data or {}))


@dataclass(frozen=True)
class Effect:
    """What a state-changing route changes, for the effects check of the matrix.

    `data` (or `data(world)`) is what `by` (a role; default: the first the table allows) posts
    to change the database. `outsider=False` (with a `reason`) when holding the capability is
    all the route asks (no object, or one every holder may act on). `changes=False` for a
    route that takes a POST and writes nothing (a filter form).
    """

    data: Mapping[str, Any] | Callable[[World], Mapping[str, Any]] = field(default_factory=dict)
    by: str | None = None
    # URL parameters taken from other world values (e.g. {"referral_id": "open_referral_id"}):
    # an object the change applies to when the table's one does not allow it (decided).
    params: Mapping[str, str] = field(default_factory=dict)
    # Roles the table refuses only because an earlier visitor already did the deed (the
    # object is gone by their turn): they may do it, so they are not tried as refused.
    also_allowed: tuple[str, ...] = ()
    outsider: bool = True
    changes: bool = True
    # The allowed POST answers with the login page by design (it ends the session, or there
    # is no login step pending): not taken for the performer having been logged out.
    to_login: bool = False
    reason: str = ""

    @classmethod
    def read_only(cls, reason: str) -> Effect:
        return cls(outsider=False, changes=False, reason=reason)

    def form_data(self, world: World) -> dict[str, Any]:
        return dict(self.data(world) if callable(self.data) else self.data)


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


def iter_routes(
    resolver: URLResolver | None = None,
    namespace: str = "",
    converters: Mapping[str, Any] | None = None,
    prefix: str = "",
) -> Iterator[Route]:
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


def collect_effects() -> dict[str, Effect]:
    merged: dict[str, Effect] = {}
    for module in app_access_modules():
        for name, effect in getattr(module, "EFFECTS", {}).items():
            if name in merged:
                raise ValueError(f"{name} has an effect in two access.py modules")
            merged[name] = effect
    return merged


# Tables a refused request may legitimately write: the audit log (refusals are audited),
# sessions, and counters of logins and anonymous forms.
SNAPSHOT_EXCLUDED = frozenset(
    {
        "audit.AuditEvent",
        "audit.AuditHead",
        "sessions.Session",
        "accounts.LoginFailure",
        "intake.RateCounter",
        "intake.SpentFormToken",
    }
)


def _row_text(value: Any) -> str:
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value).hex()
    return repr(value)


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and checksum of every table (but SNAPSHOT_EXCLUDED), by model label."""
    tables: dict[str, tuple[int, str]] = {}
    for model in apps.get_models():
        label = model._meta.label
        if label in SNAPSHOT_EXCLUDED or model._meta.proxy:
            continue
        digest = hashlib.sha256()
        count = 0
        for row in model._default_manager.order_by("pk").values_list():
            digest.update("\x1f".join(_row_text(value) for value in row).encode())
            digest.update(b"\x1e")
            count += 1
        tables[label] = (count, digest.hexdigest())
    return tables


def changed_tables(
    before: Mapping[str, tuple[int, str]], after: Mapping[str, tuple[int, str]]
) -> list[str]:
    return sorted(
        label for label in set(before) | set(after) if before.get(label) != after.get(label)
    )


def collect_id_swaps() -> list[IdSwap]:
    return [swap for module in app_access_modules() for swap in getattr(module, "ID_SWAPS", [])]


def unknown_kwargs(route: Route) -> dict[str, Any]:
    return {
        name: UNKNOWN_VALUES.get(type(converter).__name__, "unknown")
        for name, converter in route.converters.items()
    }
