"""Access expectations for accounts' routes (merged by tests/test_access_matrix.py)."""

from __future__ import annotations

from typing import Any

from refuge.accounts.duress import enter_duress
from refuge.accounts.roles import Role
from refuge.testing import TEST_PASSWORD, make_operator
from refuge.testing.access_matrix import Effect, World, console, public

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
    locked = make_operator("matrix-locked", Role.OPERATOR)
    enter_duress(locked)  # a duress login locked it: the unlock route has work to do
    return {"operator_id": world.subject.pk, "locked_operator_id": locked.pk}


def _subject(world: World) -> dict[str, Any]:
    return {
        "version": world.subject.version,
        "role": "operator",
        "is_active": "on",
        "on_intake_duty": "on",
    }


ANY_OPERATOR = "coordinators manage every operator: the account has no owner to read it"
NEW_SECRET = "violet-harbour-47-mirrors"
OWN = "one's own console settings: there is no one else's to reach"
EFFECTS = {
    "accounts:code": Effect(
        outsider=False,
        changes=False,
        to_login=True,
        reason="with no password step pending it sends one back",
    ),
    "accounts:logout": Effect(
        outsider=False,
        changes=False,
        to_login=True,
        reason="ends the session only (sessions are not compared)",
    ),
    # The account's session generation.
    "accounts:logout_everywhere": Effect(to_login=True),
    "accounts:password_change": Effect(
        data={"old_password": TEST_PASSWORD, "new_password": NEW_SECRET}
    ),
    "accounts:duress_password": Effect(
        data={
            "current_password": TEST_PASSWORD,
            "duress_password": NEW_SECRET,
            "duress_password_again": NEW_SECRET,
        }
    ),
    "accounts:operators": Effect.read_only("the list of operators"),
    "accounts:operator_create": Effect(data={"username": "matrix-new", "role": "operator"}),
    "accounts:operator_edit": Effect(data=_subject, outsider=False, reason=ANY_OPERATOR),
    "accounts:operator_reset": Effect(outsider=False, reason=ANY_OPERATOR),
    "accounts:operator_unlock": Effect(
        params={"operator_id": "locked_operator_id"}, outsider=False, reason=ANY_OPERATOR
    ),
    "accounts:operator_lift_delay": Effect(
        outsider=False,
        changes=False,
        reason="it forgets the account's failed logins (counters "
        "outside the snapshot, like the audit row it writes)",
    ),
    "accounts:reopen": Effect(
        outsider=False,
        changes=False,
        reason="the world's console is open: an approval to reopen it is "
        "refused and nothing is written",
    ),
    "accounts:preferences": Effect(
        data={"time_zone": "Asia/Tbilisi", "language": "ru"}, outsider=False, reason=OWN
    ),
    "accounts:language": Effect(data={"language": "en", "next": "/"}, outsider=False, reason=OWN),
    "accounts:emergency_lock": Effect(data={"confirm": "on"}),
}
