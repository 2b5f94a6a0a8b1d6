"""Correcting an event: coded fields and sealed text, with optimistic locking."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.errors import ConflictError
from refuge.documentation.models import Event
from refuge.documentation.services.common import check_dates
from refuge.documentation.services.records import EventInput
from refuge.vault.fields import SealedTextField

CODED_FIELDS = ("event_type", "start_date", "end_date", "date_precision", "place")


def _sealed(event: Event, name: str, value: str) -> bytes:
    setattr(event, name, value)
    field = Event._meta.get_field(name)
    assert isinstance(field, SealedTextField)  # narrows the type for mypy
    ciphertext: bytes = field.pre_save(event, add=False)
    return ciphertext


@transaction.atomic
def update_event(*, actor: Operator, event: Event, changes: EventInput, version: int) -> Event:
    """Save corrections unless someone else saved since `version` was read."""
    require(actor, Capability.DOCUMENT)
    check_dates(changes.start_date, changes.end_date)
    changed = [name for name in CODED_FIELDS if getattr(event, name) != getattr(changes, name)]
    updated = Event.objects.filter(pk=event.pk, version=version).update(
        event_type=changes.event_type, start_date=changes.start_date,
        end_date=changes.end_date, date_precision=changes.date_precision, place=changes.place,
        title=_sealed(event, "title", changes.title),
        description=_sealed(event, "description", changes.description),
        version=version + 1,
    )
    if updated != 1:
        raise ConflictError(_("Someone changed this event meanwhile. Reload and try again."))
    record_event(AuditAction.RECORD_CHANGED, actor=actor, target=event,
                 details={"fields": ",".join(changed)[:64], "version": version + 1})
    return Event.objects.select_related("place").get(pk=event.pk)
