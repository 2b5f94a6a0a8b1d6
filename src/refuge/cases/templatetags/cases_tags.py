"""{% load cases_tags %}{% checkin_alarms %}: missed check-ins, for the top of any console page
(the hotline queue includes it; so do the case list and "my work")."""

from __future__ import annotations

from typing import Any

from django import template

from refuge.cases.selectors import missed_checkins_for

register = template.Library()


@register.inclusion_tag("cases/_checkin_alarms.html", takes_context=True)
def checkin_alarms(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    alarms = missed_checkins_for(user) if user is not None and user.is_authenticated else []
    return {"alarms": alarms}


@register.filter
def key_fingerprint(public_key: str) -> str:
    """{{ partner.public_key|key_fingerprint }}: what the partner reads aloud to check it."""
    from refuge.cases.partner_keys import key_fingerprint as fingerprint

    return fingerprint(public_key)
