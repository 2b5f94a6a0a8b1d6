"""What the cases app shows on console pages it does not own (registered in apps.ready)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from refuge.accounts.permissions import has_capability
from refuge.accounts.roles import Capability
from refuge.cases.selectors import missed_checkins_for
from refuge.core import alarms


def missed_checkin_alarms(request: HttpRequest) -> SafeString:
    """Missed check-ins on the cases shared with the user: on the console home and the
    hotline queue, as on the case list and "my work"."""
    user = getattr(request, "user", None)
    if not has_capability(user, Capability.MANAGE_CASES):
        return mark_safe("")
    missed = missed_checkins_for(user)
    if not missed:
        return mark_safe("")
    return mark_safe(  # noqa: S308 - a rendered (auto-escaped) template
        render_to_string("cases/_checkin_alarms.html", {"alarms": missed}, request=request)
    )


alarms.register(missed_checkin_alarms)
