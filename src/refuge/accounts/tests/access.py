"""Access expectations for accounts' routes (merged by tests/test_access_matrix.py)."""

from __future__ import annotations

from typing import Any

from refuge.accounts.roles import Role
from refuge.core.access_matrix import World, console, public

COORDINATOR = {Role.COORDINATOR}

EXPECTED = {
    "accounts:login": public(),
    # Without a pending first factor the code page sends everyone back to the login page.
    "accounts:code": public(302),
    "accounts:logout": public(302, method="post"),
    "accounts:logout_everywhere": console(method="post", ok=302),
    "accounts:password_change": console(),
    "accounts:duress_password": console(),
    "accounts:operators": console(COORDINATOR),
    "accounts:operator_create": console(COORDINATOR),
    "accounts:operator_edit": console(COORDINATOR),
    "accounts:operator_reset": console(COORDINATOR, method="post", ok=200),
    "accounts:operator_unlock": console(COORDINATOR, method="post", ok=302),
    "accounts:emergency_lock": console(COORDINATOR),
    "accounts:preferences": console(),
    # Every operator may switch their own console's language; it answers with the page again.
    "accounts:language": console(method="post", ok=302, data={"language": "en", "next": "/"}),
}


def url_kwargs(world: World) -> dict[str, Any]:
    return {"operator_id": world.subject.pk}
