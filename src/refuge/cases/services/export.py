"""Anonymised export for reports: coded facts, one row per person who consented to it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.db import transaction

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.models import Case, ConsentKind
from refuge.cases.selectors import has_consent

COLUMNS = [
    "opened_month",
    "stage",
    "threat_police",
    "threat_family",
    "threat_community",
    "threat_other",
    "needs",
    "closed_month",
]


def _row(case: Case) -> dict[str, str]:
    return {
        "opened_month": f"{case.opened_at:%Y-%m}",
        "stage": case.stage.code,
        **{name: str(int(getattr(case, name))) for name in COLUMNS if name.startswith("threat")},
        "needs": " ".join(sorted({need.category for need in case.needs.all()})),
        "closed_month": f"{case.closed_at:%Y-%m}" if case.closed_at else "",
    }


def anonymised_rows(cases: Iterable[Case]) -> list[dict[str, str]]:
    """Coded facts only (no reference, no text), and only for people who said yes to
    anonymised use in reports: a person without that consent is simply absent."""
    return [
        _row(case)
        for case in cases
        for person in case.persons.all()
        if has_consent(person, ConsentKind.ANONYMISED_REPORTS)
    ]


@transaction.atomic
def export_anonymised_csv(*, cases: Iterable[Case], exported_by: Operator) -> str:
    rows = anonymised_rows(cases)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    record_event(
        AuditAction.EXPORT,
        actor=exported_by,
        target_type="cases.Case",
        target_id="anonymised",
        details={"rows": len(rows)},
    )
    return buffer.getvalue()
