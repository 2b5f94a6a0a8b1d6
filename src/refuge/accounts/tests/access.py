"""Access expectations for accounts' routes (merged by tests/test_access_matrix.py)."""

from __future__ import annotations

from typing import Any

from refuge.accounts.roles import Role
from refuge.core.access_matrix import Effect, World, console, public
from refuge.core.testing import TEST_PASSWORD

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
    "accounts:operator_lift_delay": console(COORDINATOR, method="post", ok=302),
    "accounts:reopen": console(COORDINATOR),
    "accounts:emergency_lock": console(COORDINATOR),
    "accounts:preferences": console(),
    # Every operator may switch their own console's language; it answers with the page again.
    "accounts:language": console(method="post", ok=302, data={"language": "en", "next": "/"}),
}


def url_kwargs(world: World) -> dict[str, Any]:
    return {"operator_id": world.subject.pk}


def _subject(world: World) -> dict[str, Any]:
    return {"version": world.subject.version, "role": "operator", "is_active": "on",
            "on_intake_duty": "on"}


ANY_OPERATOR = "coordinators manage every operator: the account has no owner to read it"
NEW_SECRET = "violet-harbour-47-mirrors"
EFFECTS = {
    "accounts:code": Effect.read_only("with no password step pending it sends one back"),
    "accounts:logout": Effect.read_only("ends the session only (sessions are not compared)"),
    "accounts:logout_everywhere": Effect(),  # the account's session generation
    "accounts:password_change": Effect(data={"old_password": TEST_PASSWORD,
                                             "new_password": NEW_SECRET}),
    "accounts:duress_password": Effect(data={
        "current_password": TEST_PASSWORD, "duress_password": NEW_SECRET,
        "duress_password_again": NEW_SECRET}),
    "accounts:operators": Effect.read_only("the list of operators"),
    "accounts:operator_create": Effect(data={"username": "matrix-new", "role": "operator"}),
    "accounts:operator_edit": Effect(data=_subject, outsider=False, reason=ANY_OPERATOR),
    "accounts:operator_reset": Effect(outsider=False, reason=ANY_OPERATOR),
    "accounts:operator_unlock": Effect(outsider=False, reason=ANY_OPERATOR),
    "accounts:emergency_lock": Effect(data={"confirm": "on"}),
}
