from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.documentation.errors import ImpossibleDates


def provisional_reference() -> str:
    return uuid.uuid4().hex[:16]


def assign_reference(record: Any, prefix: str) -> None:
    """References follow the primary key (E-0007): no counter to race on."""
    record.reference = f"{prefix}-{record.pk:04d}"
    record.save(update_fields=["reference"])


def check_dates(start: date, end: date) -> None:
    today = timezone.localdate()
    if end < start:
        raise ImpossibleDates(_("The end date is before the start date."))
    if start > today or end > today:
        raise ImpossibleDates(_("Dates in the future cannot be documented."))
    if start.year < 1900:
        raise ImpossibleDates(_("The date is too far in the past."))


def audit_created(actor: Operator, record: models.Model) -> None:
    record_event(AuditAction.RECORD_CREATED, actor=actor, target=record)
