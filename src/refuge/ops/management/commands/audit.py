"""`refuge audit verify|head|ship|publickey`: the hash chain, and signed heads off the server.

- `verify [--against PATH]` checks the chain, then compares the log with a signed head: a file,
  or the newest in a directory; without --against, the newest in REFUGE_AUDIT_WITNESS_DIR when
  it is set. A truncated tail or a rewritten entry fails with exit code 1 and says which.
- `ship` signs the current head with the installation key and writes it to
  REFUGE_AUDIT_WITNESS_DIR (and mails it to the coordinators when REFUGE_AUDIT_WITNESS_EMAIL);
  run it from the system's timer (`refuge worker` verifies the chain daily but does not ship).
- `publickey` prints the installation's public key and fingerprint, for the organisation to
  publish.

A command sits above every app (like `setup`), so it may hand the vault's signer to the audit
app's witness module.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.audit import witness
from refuge.audit.models import AuditHead
from refuge.audit.services import verify_chain
from refuge.vault import api as vault


def vault_signer(purpose: str, message: bytes) -> tuple[bytes, bytes]:
    signature = vault.sign_statement(purpose, message)
    return signature.public_key, signature.signature


def vault_verifier(purpose: str, message: bytes, public_key: bytes, signature: bytes) -> bool:
    return vault.verify_statement(purpose, message, public_key=public_key, signature=signature)


def coordinator_addresses() -> list[str]:
    from refuge.accounts.roles import Role

    return list(
        get_user_model()
        .objects.filter(role=Role.COORDINATOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def ship_audit_head() -> witness.ShippedHead:
    """Sign the head and ship it where the settings say (the worker's entry point)."""
    recipients = coordinator_addresses() if settings.AUDIT_WITNESS_EMAIL else []
    if not settings.AUDIT_WITNESS_DIR and not recipients:
        raise witness.WitnessError(
            "Nowhere to ship to: set REFUGE_AUDIT_WITNESS_DIR (and/or "
            "REFUGE_AUDIT_WITNESS_EMAIL with coordinators' addresses)."
        )
    return witness.ship_head(
        sign=vault_signer, witness_dir=settings.AUDIT_WITNESS_DIR, recipients=recipients
    )


class Command(BaseCommand):
    help = "Audit log: verify the chain (--against a signed head), head, ship, publickey."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "head", "ship", "publickey"])
        parser.add_argument(
            "--against",
            default="",
            help="a signed head file, or a directory of them (newest is used)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "head":
            head = AuditHead.objects.filter(pk=1).first()
            self.stdout.write(f"{head.sequence if head else 0} {head.entry_hash if head else ''}")
        elif action == "publickey":
            key = vault.signing_public_key()
            self.stdout.write(
                f"{base64.b64encode(key).decode()}\nfingerprint: {vault.fingerprint(key)}"
            )
        elif action == "ship":
            self._ship()
        else:
            self._verify(options["against"])

    def _ship(self) -> None:
        try:
            shipped = ship_audit_head()
        except (witness.WitnessError, OSError) as error:
            raise CommandError(str(error)) from None
        where = f" to {shipped.path}" if shipped.path else ""
        self.stdout.write(
            f"audit head {shipped.head.sequence} signed and shipped{where}; "
            f"mailed to {shipped.mailed_to} coordinator(s)"
        )

    def _verify(self, against: str) -> None:
        problems = [f"entry {p.sequence}: {p.problem}" for p in verify_chain()]
        head = self._witness_head(against)
        if head is not None:
            problems += witness.check_against(
                head,
                verify=vault_verifier,
                installation_key=vault.signing_public_key(),
                fingerprint=vault.fingerprint,
            )
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"audit log NOT intact: {len(problems)} problem(s)", returncode=1)
        sequence, _hash = witness.current_head()
        compared = (
            f"; it reaches the signed head {head.sequence} of {head.signed_at}"
            if head is not None
            else ""
        )
        self.stdout.write(f"audit chain intact: {sequence} entries{compared}")

    def _witness_head(self, against: str) -> witness.SignedHead | None:
        source = against or settings.AUDIT_WITNESS_DIR
        if not source:
            return None
        path = Path(source)
        try:
            if path.is_dir():
                head = witness.newest_head(witness.read_heads(path))
                if head is None and against:
                    raise CommandError(f"No signed audit head in {path}.")
                return head
            return witness.SignedHead.from_json(path.read_text(encoding="utf-8"))
        except (witness.WitnessError, OSError) as error:
            raise CommandError(f"{path}: {error}") from None
