"""Correcting an event: coded fields and sealed text, with optimistic locking."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.concurrency import save_with_version
from refuge.core.errors import ConflictError
from refuge.documentation.models import Event
from refuge.documentation.services.common import check_dates
from refuge.documentation.services.records import EventInput

CODED_FIELDS = ("event_type", "start_date", "end_date", "date_precision", "place")
SEALED_FIELDS = ("title", "description")


@transaction.atomic
def update_event(*, actor: Operator, event: Event, changes: EventInput, version: int) -> Event:
    """Save corrections unless someone else saved since `version` was read."""
    require(actor, Capability.DOCUMENT)
    check_dates(changes.start_date, changes.end_date)
    changed = [name for name in CODED_FIELDS if getattr(event, name) != getattr(changes, name)]
    for name in (*CODED_FIELDS, *SEALED_FIELDS):
        setattr(event, name, getattr(changes, name))
    save_with_version(
        event,
        [*CODED_FIELDS, *SEALED_FIELDS],
        expected_version=version,
        conflict=ConflictError(_("Someone changed this event meanwhile. Reload and try again.")),
    )
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=actor,
        target=event,
        details={"fields": ",".join(changed)[:64], "version": version + 1},
    )
    return Event.objects.select_related("place").get(pk=event.pk)
