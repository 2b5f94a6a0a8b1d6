"""Times with their zone, in every template (a builtin library: see TEMPLATES in settings).

    {{ task.due_at|zoned }}             14.03.2025 14:05 MSK
    {{ task.due_at|zoned:"H:i" }}       14:05 UTC+5   (for an operator in Asia/Yekaterinburg)
    {% current_zone %}                  Europe/Moscow (MSK)

A date alone (`|date:"Y-m-d"`) needs no zone; a time of day always shows one.
"""

from __future__ import annotations

from datetime import datetime

from django import template

from refuge.core.timezones import DEFAULT_FORMAT, current_zone_description
from refuge.core.timezones import zoned as zoned_text

register = template.Library()


@register.filter(expects_localtime=True)
def zoned(value: datetime | str | None, format_string: str = DEFAULT_FORMAT) -> str:
    if not isinstance(value, datetime):
        return ""
    return zoned_text(value, format_string)


@register.simple_tag
def current_zone() -> str:
    return current_zone_description()
