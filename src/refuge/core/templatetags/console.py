"""{% load console %}{% console_alarms %}: the alarms of every app, for this user."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from refuge.core.alarms import render_alarms

register = template.Library()


@register.simple_tag(takes_context=True)
def console_alarms(context: template.Context) -> SafeString:
    request = context.get("request")
    if request is None:
        return mark_safe("")
    return render_alarms(request)
