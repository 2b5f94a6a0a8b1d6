"""The words of an alarm: what happened and where to look, in the operator's language.

Never a name, number, place or message: a phone that shows an alarm on its lock screen, or a
mailbox read by someone else, learns only that the hotline has work.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from refuge.intake.models import Urgency
from refuge.oncall.models import Alarm, AlarmKind

# The intake's labels are the reporter's own words ("I am in danger now"): an alarm speaks of them.
URGENCY_WORDS: dict[str, object] = {
    Urgency.IN_DANGER: pgettext_lazy("alarm urgency", "in danger now"),
    Urgency.DETAINED: pgettext_lazy("alarm urgency", "detained"),
    Urgency.HIDING: pgettext_lazy("alarm urgency", "hiding"),
    Urgency.LEAVE_REGION: pgettext_lazy("alarm urgency", "wants to leave the region"),
    Urgency.TESTIMONY: pgettext_lazy("alarm urgency", "wants to tell what happened"),
    Urgency.OTHER: pgettext_lazy("alarm urgency", "other"),
}


def _new_contacts(count: int, urgency: str) -> str:
    words = URGENCY_WORDS.get(urgency, pgettext_lazy("alarm urgency", "other"))
    return ngettext(
        "%(count)d new contact, urgency: %(urgency)s",
        "%(count)d new contacts, urgency: %(urgency)s",
        count,
    ) % {"count": count, "urgency": words}


def _counted(kind: AlarmKind, count: int) -> str:
    if kind == AlarmKind.MISSED_CHECK_IN:
        return ngettext("%(count)d missed check-in", "%(count)d missed check-ins", count) % {
            "count": count
        }
    return ngettext("%(count)d follow-up due", "%(count)d follow-ups due", count) % {"count": count}


def _fixed(kind: AlarmKind) -> str:
    return {
        AlarmKind.FOLLOW_UP: _("a person wrote again"),
        AlarmKind.DURESS_LOGIN: _("a duress password was used: see the console"),
        AlarmKind.AUDIT_CHAIN_BROKEN: _("the audit log failed its daily check: see the console"),
        AlarmKind.EMERGENCY_LOCK: _("emergency lock: every session was ended"),
    }[kind]


def _headline(alarm: Alarm) -> str:
    kind = AlarmKind(alarm.kind)
    if kind == AlarmKind.NEW_CONTACT:
        return _new_contacts(alarm.count, alarm.urgency)
    if kind in (AlarmKind.MISSED_CHECK_IN, AlarmKind.FOLLOW_UP_DUE):
        return _counted(kind, alarm.count)
    return _fixed(kind)


def _escalation_note(alarm: Alarm) -> str:
    if alarm.escalation_level == 0:
        return ""
    return " " + _("(nobody has taken it yet)")


def alarm_text(alarm: Alarm, *, language: str = "") -> tuple[str, str]:
    """Subject and body of an alarm, in `language` (the installation's when empty)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _("Refuge: %(what)s") % {"what": _headline(alarm)} + _escalation_note(alarm)
        link = settings.CONSOLE_URL.rstrip("/") + reverse("console:home")
        body = "\n\n".join(
            [subject, _("Open the console: %(link)s") % {"link": link}, _alarm_footer()]
        )
    return subject, body


def _alarm_footer() -> str:
    return _(
        "This alarm says nothing about anyone on purpose. Change where alarms reach you, "
        "or your quiet hours, in the console under On call."
    )
