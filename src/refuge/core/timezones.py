"""Time zones: how a time is shown with its zone, and how a typed time is read.

Times are stored in UTC (USE_TZ). A request works in one "current" zone: the operator's own in
the console (accounts.middleware.OperatorPreferencesMiddleware), else the installation's
(settings.TIME_ZONE, from REFUGE_TIME_ZONE), which is also the public pages' zone. Every time
shown says its zone (`zoned`, the `|zoned` template filter); every time typed is read as a
wall-clock time of the current zone (`ZonedDateTimeField`), and a time the clocks skip or
repeat (a daylight-saving change) is refused: guessing would move an alarm by an hour.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from django import forms
from django.forms.fields import BaseTemporalField
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

DEFAULT_FORMAT = "d.m.Y H:i"
INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends
# Top-level areas of the IANA database that name places; "Etc/GMT-5" style names (their sign
# is reversed) and legacy aliases ("W-SU", "posix/...") are left out of the operators' choice.
ZONE_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


@functools.cache
def zone_names() -> tuple[str, ...]:
    """The zone names an operator may choose: UTC, then every place name, sorted."""
    places = {
        name
        for name in zoneinfo.available_timezones()
        if name.split("/", 1)[0] in ZONE_AREAS and "/" in name
    }
    return ("UTC", *sorted(places))


def is_zone_name(name: str) -> bool:
    return name in zone_names()


def offset_label(offset: timedelta) -> str:
    """'UTC+3', 'UTC-3:30', 'UTC' for a zero offset."""
    total_minutes = int(offset.total_seconds()) // 60
    if total_minutes == 0:
        return "UTC"
    sign = "+" if total_minutes > 0 else "-"
    hours, minutes = divmod(abs(total_minutes), 60)
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def zone_abbreviation(moment: datetime) -> str:
    """The zone of an aware time as people write it: 'MSK', 'CEST', 'UTC', else 'UTC+5'
    (the zone database has no letters for many zones, e.g. Asia/Yekaterinburg is '+05')."""
    name = moment.tzname() or ""
    if name.isascii() and name.isalpha():
        return name
    return offset_label(moment.utcoffset() or timedelta(0))


def zoned(value: datetime | None, format_string: str = DEFAULT_FORMAT) -> str:
    """The time in the current zone, followed by that zone: '14.03.2025 14:05 MSK'."""
    if value is None:
        return ""
    if timezone.is_naive(value):  # Django's convention: a naive time is in the current zone
        value = timezone.make_aware(value)
    local = timezone.localtime(value)
    return f"{dateformat.format(local, format_string)} {zone_abbreviation(local)}"


def current_zone_description() -> str:
    """'Europe/Moscow (MSK)' for the zone the current request works in."""
    zone = timezone.get_current_timezone()
    return f"{zone} ({zone_abbreviation(timezone.localtime(timezone.now(), zone))})"


class NonexistentLocalTime(ValueError):
    """The clocks skip this wall-clock time (they jump forward over it)."""


class AmbiguousLocalTime(ValueError):
    """This wall-clock time happens twice (the clocks go back over it)."""


def read_local_time(naive: datetime, zone: tzinfo) -> datetime:
    """The aware time of a wall-clock time in `zone`; raise when it does not exist or is
    ambiguous there, rather than guess."""
    earlier = naive.replace(tzinfo=zone, fold=0)
    later = naive.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier
    round_trip = earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        raise NonexistentLocalTime(naive)
    raise AmbiguousLocalTime(naive)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=INPUT_FORMAT)


def _zone_name() -> str:
    return str(timezone.get_current_timezone())


_current_zone_name = lazy(_zone_name, str)


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time typed as the wall-clock time of the current zone (the operator's own in
    the console); its label names that zone. Stored and compared in UTC like any aware time."""

    widget = DateTimeLocalInput
    default_error_messages = {
        "nonexistent": _(
            "%(time)s does not exist in %(zone)s: the clocks jump forward at "
            "that hour. Enter a time after the change."
        ),
        "ambiguous": _(
            "%(time)s happens twice in %(zone)s: the clocks go back at that hour. "
            "Enter a time outside that hour, so that nothing is due an hour early "
            "or late."
        ),
    }

    def __init__(self, *, label: Any, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", [INPUT_FORMAT, "%Y-%m-%d %H:%M"])
        super().__init__(label=format_lazy("{} ({})", label, _current_zone_name()), **kwargs)

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        naive = value if isinstance(value, datetime) else self._parse(value)
        if timezone.is_aware(naive):
            return naive
        zone = timezone.get_current_timezone()
        try:
            return read_local_time(naive, zone)
        except NonexistentLocalTime:
            code = "nonexistent"
        except AmbiguousLocalTime:
            code = "ambiguous"
        raise forms.ValidationError(
            self.error_messages[code],
            code=code,
            params={"time": naive.strftime("%d.%m.%Y %H:%M"), "zone": str(zone)},
        )

    def _parse(self, value: Any) -> datetime:
        text = str(value).strip()
        try:
            parsed = parse_datetime(text)
        except ValueError as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error
        if parsed is not None:
            return parsed
        result = BaseTemporalField.to_python(self, text)
        if not isinstance(result, datetime):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return result
