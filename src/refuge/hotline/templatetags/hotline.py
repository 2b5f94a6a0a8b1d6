from __future__ import annotations

from datetime import datetime

from django import template
from django.utils.translation import gettext

from refuge.hotline.models import Channel, RiskFlag
from refuge.intake.models import Urgency

register = template.Library()
_RISK_LABELS = dict(RiskFlag.choices)
_URGENCY_LABELS = dict(Urgency.choices)
_CHANNEL_LABELS = dict(Channel.choices)


@register.filter
def risk_labels(codes: list[str]) -> list[str]:
    """Readable names of coded risk flags, in their order."""
    return [str(_RISK_LABELS.get(code, code)) for code in codes or []]


@register.filter
def urgency_label(code: str) -> str:
    # A plain dict lookup: get_urgency_display rebuilds its choices map on every call,
    # which shows on a 50-row queue page.
    return str(_URGENCY_LABELS.get(code, code))


@register.filter
def channel_label(code: str) -> str:
    return str(_CHANNEL_LABELS.get(code, code))


@register.filter
def waited(since: datetime, now: datetime) -> str:
    """Compact waiting time: '2 d 3 h', '3 h 20 min', '7 min'."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return gettext("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return gettext("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": mins}
    return gettext("%(minutes)d min") % {"minutes": mins}
