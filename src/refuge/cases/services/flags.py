"""Hotline safety flags on a case: verification cannot pass them silently."""

from __future__ import annotations

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.cases.models import Case
from refuge.cases.selectors import case_flags
from refuge.hotline.flags import FlagMatch, blocking_verification


def verification_flags(case: Case, viewer: Operator) -> list[FlagMatch]:
    """Standing flags that speak against the person being who they say."""
    return blocking_verification(case_flags(case, viewer))


def describe(matches: list[FlagMatch]) -> str:
    """ "Suspected infiltrator (set by anna, until 01.06.2026)", for a refusal message."""
    return "; ".join(
        _("%(kind)s (set by %(who)s, until %(until)s)")
        % {
            "kind": match.flag.get_kind_display(),
            "who": match.flag.created_by.username if match.flag.created_by else "—",
            "until": format_date(timezone.localtime(match.flag.expires_at), "d.m.Y"),
        }
        for match in matches
    )
