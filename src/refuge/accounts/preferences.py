"""An operator's own console settings: time zone and language.

Empty values follow the installation: its zone (REFUGE_TIME_ZONE) and the language of the
address (Russian at /console/, English at /en/console/). OperatorPreferencesMiddleware applies
them to every console request.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refuge.accounts.duress import is_stand_in
from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.errors import DomainError
from refuge.core.timezones import is_zone_name


class PreferencesRefused(DomainError):
    """A time zone or language this installation does not offer, or a duress session."""


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def operator_zone(operator: Operator | None) -> zoneinfo.ZoneInfo:
    """The zone the console shows this operator's times in and reads their typed times in."""
    name = getattr(operator, "time_zone", "")
    if name and is_zone_name(name):
        return zoneinfo.ZoneInfo(name)
    return timezone.get_default_timezone()


def operator_language(operator: Operator | None) -> str:
    """The operator's chosen console language, or "" to follow the address."""
    language = getattr(operator, "language", "")
    return language if language in language_codes() else ""


@transaction.atomic
def set_preferences(*, operator: Operator, time_zone: str, language: str) -> Operator:
    """Save the operator's own time zone ("" = the installation's) and language."""
    if is_stand_in(operator):
        # The empty duress console keeps no state; the coerced person's settings stay as set.
        raise PreferencesRefused(_("Your settings could not be saved."))
    if time_zone and not is_zone_name(time_zone):
        raise PreferencesRefused(_("Choose a time zone from the list."))
    if language and language not in language_codes():
        raise PreferencesRefused(_("Choose a language from the list."))
    changed = [
        name
        for name, value in (("time_zone", time_zone), ("language", language))
        if getattr(operator, name) != value
    ]
    if not changed:
        return operator
    operator.time_zone, operator.language = time_zone, language
    operator.save(update_fields=changed)
    record_event(
        AuditAction.OPERATOR_CHANGED,
        actor=operator,
        target=operator,
        details={"changed": ",".join(changed)},
    )
    return operator


def set_language(*, operator: Operator, language: str) -> Operator:
    """The console's language switch: keep the zone, change the language."""
    return set_preferences(operator=operator, time_zone=operator.time_zone, language=language)
