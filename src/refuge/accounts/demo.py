"""Demo operators: one per role, with fixed passwords and TOTP secrets. DEMO ONLY."""

from __future__ import annotations

import base64

from refuge.accounts import totp
from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.accounts.services import create_operator

DEMO_PASSWORD = "demo-password-refuge"  # noqa: S105 - demo only, printed as such
DEMO_OPERATORS = [
    ("coordinator", Role.COORDINATOR, True),
    ("operator", Role.OPERATOR, True),
    ("caseworker", Role.CASE_WORKER, False),
    ("lawyer", Role.LAWYER, False),
    ("analyst", Role.ANALYST, False),
    # Lifting a duress lock or reopening after an emergency lock takes two coordinators.
    ("coordinator2", Role.COORDINATOR, False),
]


def demo_totp_secret(username: str) -> bytes:
    # Fixed per username so the demo's printed secrets stay valid across re-seeding.
    return username.encode().ljust(20, b"0")[:20]


def foreign_operators() -> list[str]:
    """Usernames of operators `refuge demo` did not make: their presence makes it refuse."""
    return list(Operator.objects.filter(created_for_demo=False).values_list("username", flat=True))


def _create(username: str, role: Role, intake: bool) -> Operator:
    operator = create_operator(
        created_by=None, username=username, role=role, password=DEMO_PASSWORD, on_intake_duty=intake
    )
    Operator.objects.filter(pk=operator.pk).update(created_for_demo=True)
    totp.enrol(operator, seed=demo_totp_secret(username), name="demo", confirmed=True)
    return operator


def seed() -> list[str]:
    """Create the demo operators that are missing (those made before are left as they are);
    return the lines to print."""
    lines = [
        "=" * 72,
        "DEMO ONLY - these accounts and secrets are public. Never use them for real work.",
        "=" * 72,
    ]
    for username, role, intake in DEMO_OPERATORS:
        if not Operator.objects.filter(username=username, created_for_demo=True).exists():
            _create(username, role, intake)
        base32 = base64.b32encode(demo_totp_secret(username)).decode()
        lines.append(
            f"  {username:<12} role={role:<12} password={DEMO_PASSWORD}  TOTP secret={base32}"
        )
    lines.append("  Current codes: .venv/bin/refuge democode USERNAME")
    lines.append("=" * 72)
    return lines
