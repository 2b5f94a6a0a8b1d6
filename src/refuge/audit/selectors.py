from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from refuge.audit.models import AuditEvent


@dataclass(frozen=True, slots=True)
class AuditFilter:
    action: str = ""
    actor_id: int | None = None
    target_type: str = ""
    target_id: str = ""
    since: date | None = None
    until: date | None = None


def filtered_events(audit_filter: AuditFilter) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.order_by("-sequence")
    if audit_filter.action:
        events = events.filter(action=audit_filter.action)
    if audit_filter.actor_id is not None:
        events = events.filter(actor_id=audit_filter.actor_id)
    if audit_filter.target_type:
        events = events.filter(target_type=audit_filter.target_type)
    if audit_filter.target_id:
        events = events.filter(target_id=audit_filter.target_id)
    if audit_filter.since:
        events = events.filter(created_at__date__gte=audit_filter.since)
    if audit_filter.until:
        events = events.filter(created_at__date__lte=audit_filter.until)
    return events
