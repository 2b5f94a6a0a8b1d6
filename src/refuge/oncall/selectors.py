"""Reading the rota and the alarms for the console (ids, codes and counts only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.oncall.models import Alarm, Delivery, DeliveryStatus, Position
from refuge.oncall.services.rota import on_call


@dataclass(frozen=True, slots=True)
class OnCallNow:
    primary: list[Operator]
    backup: list[Operator]

    @property
    def nobody(self) -> bool:
        return not self.primary


def on_call_now() -> OnCallNow:
    now = timezone.now()
    return OnCallNow(on_call(Position.PRIMARY, at=now), on_call(Position.BACKUP, at=now))


def recent_alarms(limit: int = 30) -> QuerySet[Alarm]:
    return Alarm.objects.prefetch_related("deliveries__operator")[:limit]


def failed_deliveries(*, days: int = 1) -> QuerySet[Delivery]:
    """Alarms of the last `days` that reached nobody by this route: a coordinator acts."""
    since = timezone.now() - timedelta(days=days)
    return Delivery.objects.filter(
        status=DeliveryStatus.FAILED, alarm__created_at__gte=since
    ).select_related("operator", "alarm")
