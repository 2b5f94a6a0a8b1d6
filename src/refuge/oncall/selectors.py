"""Reading the rota and the alarms for the console (ids, codes and counts only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.oncall.models import Alarm, Delivery, DeliveryStatus, Position, Shift
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


def _covered(start: datetime, end: datetime, intervals: list[tuple[datetime, datetime]]) -> bool:
    reached = start
    for begins, ends in sorted(intervals):
        if begins > reached:
            return False
        reached = max(reached, ends)
        if reached >= end:
            return True
    return reached >= end


def shifts_without_backup(*, now: datetime | None = None) -> set[int]:
    """The upcoming on-call shifts with no second person for some of their time: an urgent
    contact nobody takes then goes straight to the coordinators."""
    now = now or timezone.now()
    upcoming = list(Shift.objects.filter(ends_at__gt=now, operator__is_active=True))
    backups = [
        (shift.starts_at, shift.ends_at) for shift in upcoming if shift.position == Position.BACKUP
    ]
    return {
        shift.pk
        for shift in upcoming
        if shift.position == Position.PRIMARY
        and not _covered(
            max(shift.starts_at, now),
            shift.ends_at,
            [(b, e) for b, e in backups if e > shift.starts_at and b < shift.ends_at],
        )
    }
