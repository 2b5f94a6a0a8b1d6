"""Times carry their zone; typed times are read in the current zone; DST hours are refused."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.utils import timezone, translation

from refuge.config.env import env_time_zone
from refuge.core.timezones import (
    AmbiguousLocalTime,
    NonexistentLocalTime,
    ZonedDateTimeField,
    read_local_time,
    zone_abbreviation,
    zone_names,
    zoned,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NOON_UTC = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Europe/Moscow", "MSK"),
        ("UTC", "UTC"),
        ("Europe/Berlin", "CET"),
        ("Asia/Yekaterinburg", "UTC+5"),
        ("Asia/Kathmandu", "UTC+5:45"),
        ("America/Sao_Paulo", "UTC-3"),
        ("Asia/Kolkata", "IST"),
    ],
)
def test_a_zone_is_named_by_its_letters_or_else_by_its_offset(zone, label) -> None:
    assert zone_abbreviation(NOON_UTC.astimezone(zoneinfo.ZoneInfo(zone))) == label


def test_a_time_is_shown_in_the_current_zone_with_the_zone_beside_it() -> None:
    with timezone.override(zoneinfo.ZoneInfo("Asia/Yekaterinburg")):
        assert zoned(NOON_UTC, "H:i") == "17:00 UTC+5"
    with timezone.override(zoneinfo.ZoneInfo("Europe/Moscow")):
        assert zoned(NOON_UTC) == "15.01.2030 15:00 MSK"
    summer = datetime(2030, 7, 1, 12, 0, tzinfo=UTC)
    with timezone.override(BERLIN):
        assert zoned(summer, "H:i") == "14:00 CEST"


def test_the_template_filter_labels_times_and_leaves_blanks_blank() -> None:
    template = Template('{{ at|zoned:"Y-m-d H:i" }}|{{ missing|zoned|default:"—" }}')
    with timezone.override(zoneinfo.ZoneInfo("Europe/Moscow")):
        assert template.render(Context({"at": NOON_UTC, "missing": None})) == (
            "2030-01-15 15:00 MSK|—"
        )


def test_the_installation_zone_is_moscow_unless_set(monkeypatch, settings) -> None:
    monkeypatch.delenv("REFUGE_TIME_ZONE", raising=False)
    assert env_time_zone("REFUGE_TIME_ZONE", "Europe/Moscow") == "Europe/Moscow"
    monkeypatch.setenv("REFUGE_TIME_ZONE", "Asia/Yekaterinburg")
    assert env_time_zone("REFUGE_TIME_ZONE", "Europe/Moscow") == "Asia/Yekaterinburg"
    monkeypatch.setenv("REFUGE_TIME_ZONE", "Mars/Olympus_Mons")
    with pytest.raises(ImproperlyConfigured, match="REFUGE_TIME_ZONE"):
        env_time_zone("REFUGE_TIME_ZONE", "Europe/Moscow")
    assert settings.TIME_ZONE == "Europe/Moscow"
    assert settings.USE_TZ is True


def test_operators_choose_among_place_names_only() -> None:
    names = zone_names()
    assert names[0] == "UTC"
    assert {"Europe/Moscow", "Asia/Yekaterinburg", "Europe/Berlin"} <= set(names)
    assert not [name for name in names if name.startswith(("Etc/", "posix/", "right/"))]


def test_a_wall_clock_time_the_clocks_skip_or_repeat_is_refused() -> None:
    # Naive on purpose: a wall-clock time as typed in a form, read in a zone by the code tested.
    before = read_local_time(datetime(2030, 3, 31, 1, 59), BERLIN).utcoffset()  # noqa: DTZ001
    after = read_local_time(datetime(2030, 3, 31, 3, 0), BERLIN).utcoffset()  # noqa: DTZ001
    assert before is not None
    assert before.seconds == 3600
    assert after is not None
    assert after.seconds == 7200
    with pytest.raises(NonexistentLocalTime):
        read_local_time(datetime(2030, 3, 31, 2, 30), BERLIN)  # noqa: DTZ001
    with pytest.raises(AmbiguousLocalTime):
        read_local_time(datetime(2030, 10, 27, 2, 30), BERLIN)  # noqa: DTZ001


class _Form(forms.Form):
    due_at = ZonedDateTimeField(label="Due")


def test_a_typed_time_is_read_in_the_current_zone() -> None:
    with timezone.override(zoneinfo.ZoneInfo("Asia/Yekaterinburg")):
        form = _Form({"due_at": "2030-01-15T18:00"})
        assert form.is_valid()
        assert form.cleaned_data["due_at"] == datetime(2030, 1, 15, 13, 0, tzinfo=UTC)
        assert "Asia/Yekaterinburg" in str(form["due_at"].label)


@pytest.mark.parametrize(
    ("typed", "english", "russian"),
    [
        (
            "2030-03-31T02:30",
            "does not exist in Europe/Berlin",
            "не существует в поясе Europe/Berlin",
        ),
        ("2030-10-27T02:30", "happens twice in Europe/Berlin", "наступает дважды в поясе"),
    ],
)
def test_a_dst_hour_gets_a_clear_message_in_both_languages(typed, english, russian) -> None:
    with timezone.override(BERLIN):
        with translation.override("en"):
            form = _Form({"due_at": typed})
            assert not form.is_valid()
            assert english in form.errors["due_at"][0]
            assert form.errors["due_at"][0].startswith(typed[8:10] + "." + typed[5:7])  # type: ignore[union-attr]
        with translation.override("ru"):
            form = _Form({"due_at": typed})
            assert not form.is_valid()
            assert russian in form.errors["due_at"][0]


def test_a_time_with_an_explicit_offset_is_taken_as_given() -> None:
    with timezone.override(BERLIN):
        form = _Form({"due_at": "2030-10-27T02:30+02:00"})
        assert form.is_valid()
        assert form.cleaned_data["due_at"] == datetime(2030, 10, 27, 0, 30, tzinfo=UTC)
