"""Helpers shared by the case services."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.cases.errors import CaseClosed
from refuge.cases.models import Case
from refuge.cases.permissions import require_member
from refuge.core.errors import ConflictError


def claim_version(case: Case, *, expected: int) -> None:
    """Bump the case's version if nobody changed it since `expected` was read.

    The conditional UPDATE takes the row's write lock, so of two concurrent editors exactly one
    wins; the other gets a ConflictError and re-reads instead of silently overwriting.
    """
    updated = Case.objects.filter(pk=case.pk, version=expected).update(version=F("version") + 1)
    if updated != 1:
        raise ConflictError(
            _("Someone else changed this case since you opened it. Reload and try again.")
        )
    case.version = expected + 1


def check_open_case(operator: Operator, case: Case) -> None:
    require_member(operator, case)
    if case.closed_at is not None:
        raise CaseClosed


def case_readers(case: Case) -> list[Operator]:
    return list(Operator.objects.filter(case_memberships__case=case, is_active=True))
