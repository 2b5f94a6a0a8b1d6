"""Helpers shared by the case services."""

from __future__ import annotations

from refuge.accounts.models import Operator
from refuge.cases.errors import CaseClosed
from refuge.cases.models import Case
from refuge.cases.permissions import require_member


def check_open_case(operator: Operator, case: Case) -> None:
    require_member(operator, case)
    if case.closed_at is not None:
        raise CaseClosed


def case_readers(case: Case) -> list[Operator]:
    return list(Operator.objects.filter(case_memberships__case=case, is_active=True))
