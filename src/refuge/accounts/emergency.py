"""The coordinator's emergency lock: end every session, everywhere, at once."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F

from refuge.accounts.models import GlobalLock, Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.accounts.signals import emergency_locked
from refuge.accounts.unlocking import close_console
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.vault import api as vault


@transaction.atomic
def emergency_lock(*, actor: Operator) -> int:
    """End every operator session and return how many server-side sessions were destroyed.

    Two things happen in one transaction:
    - the global generation is bumped, so SessionGuardMiddleware ends any session that
      began before, on every app server, even one whose row someone restored;
    - every server-side session row is deleted. The operators' private keys live in those
      rows, wrapped under a key that only the browser's cookie holds: without the row, a
      replayed cookie opens nothing. Keys exist in memory only for the length of a request
      (vault.keyring), so once requests in flight finish, no unlocked key remains anywhere;
      nothing can be read until operators log in again with their passwords;
    - the console is closed: only coordinators log in, and only to reopen it, which takes
      REFUGE_UNLOCK_COORDINATORS of them (accounts.unlocking).
    """
    require(actor, Capability.EMERGENCY_LOCK)
    GlobalLock.objects.get_or_create(pk=1)
    GlobalLock.objects.filter(pk=1).update(generation=F("generation") + 1)
    close_console()  # until enough coordinators reopen it (accounts.unlocking)
    destroyed, _ = Session.objects.all().delete()
    record_event(
        AuditAction.EMERGENCY_LOCK,
        actor=actor,
        target_type="accounts.GlobalLock",
        target_id=1,
        details={"sessions": destroyed},
    )
    emergency_locked.send(sender=Operator, actor=actor)
    # Opened grants cached in this process go now (forgetting is never wrong, even if this
    # transaction were to roll back); other processes notice the new generation at their next
    # request (SessionGuardMiddleware).
    vault.forget_cached_grants()
    return destroyed
