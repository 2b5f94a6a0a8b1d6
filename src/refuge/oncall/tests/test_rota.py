"""The rota: coordinators put people on call; everyone sees who is on call now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.oncall.models import Position, Shift
from refuge.oncall.selectors import on_call_now
from refuge.oncall.services.rota import ShiftError, add_shift, on_call, remove_shift
from refuge.testing import make_operator

pytestmark = pytest.mark.django_db


def test_a_coordinator_puts_an_operator_on_call_and_everyone_sees_it() -> None:
    coordinator = make_operator("koordinator", Role.COORDINATOR)
    operator = make_operator("dezhurny")
    now = timezone.now()
    shift = add_shift(
        actor=coordinator,
        operator=operator,
        position=Position.PRIMARY,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=8),
    )
    assert on_call(Position.PRIMARY) == [operator]
    assert on_call(Position.PRIMARY, at=now + timedelta(hours=9)) == []
    assert on_call_now().primary == [operator]
    assert not on_call_now().nobody
    event = AuditEvent.objects.get(action=AuditAction.RECORD_CREATED, target_type="oncall.Shift")
    assert event.target_id == str(shift.pk)
    assert event.actor_id == coordinator.pk


def test_a_shift_ending_before_it_starts_is_refused_with_a_reason() -> None:
    coordinator = make_operator("koordinator", Role.COORDINATOR)
    now = timezone.now()
    with pytest.raises(ShiftError, match="заканчиваться позже, чем начинается"):
        add_shift(
            actor=coordinator,
            operator=coordinator,
            position=Position.PRIMARY,
            starts_at=now + timedelta(hours=2),
            ends_at=now + timedelta(hours=1),
        )
    assert not Shift.objects.exists()


def test_an_operator_cannot_change_the_rota() -> None:
    operator = make_operator("dezhurny")
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        add_shift(
            actor=operator,
            operator=operator,
            position=Position.PRIMARY,
            starts_at=now,
            ends_at=now + timedelta(hours=1),
        )


def test_a_deactivated_operator_is_not_on_call_and_a_removed_shift_is_gone() -> None:
    coordinator = make_operator("koordinator", Role.COORDINATOR)
    operator = make_operator("dezhurny")
    now = timezone.now()
    shift = add_shift(
        actor=coordinator,
        operator=operator,
        position=Position.BACKUP,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=1),
    )
    assert on_call(Position.BACKUP) == [operator]
    operator.is_active = False
    operator.save(update_fields=["is_active"])
    assert on_call(Position.BACKUP) == []
    remove_shift(actor=coordinator, shift=shift)
    assert not Shift.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.RECORD_DELETED, target_type="oncall.Shift"
    ).exists()


def test_a_shift_with_no_second_person_is_marked_on_the_rota_and_warned_on_the_home_page() -> None:
    from django.urls import reverse

    from refuge.hotline.tests.factories import client_for
    from refuge.oncall.selectors import shifts_without_backup

    coordinator = make_operator("koordinator", Role.COORDINATOR)
    operator = make_operator("dezhurny")
    second = make_operator("vtoroy")
    now = timezone.now()
    night = add_shift(
        actor=coordinator,
        operator=operator,
        position=Position.PRIMARY,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=8),
    )
    backup = add_shift(
        actor=coordinator,
        operator=second,
        position=Position.BACKUP,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=4),  # leaves the last four hours alone
    )
    assert shifts_without_backup() == {night.pk}
    client = client_for(coordinator)
    assert "Сейчас нет второго дежурного" not in client.get(reverse("console:home")).text
    rota = client.get(reverse("oncall:rota")).text
    assert "1 смена впереди без второго дежурного" in rota
    assert 'class="no-backup"' in rota
    assert "Дежурный — <strong>нет второго дежурного</strong>" in rota

    remove_shift(actor=coordinator, shift=backup)
    home = client.get(reverse("console:home")).text
    assert "Сейчас нет второго дежурного: срочное обращение" in home
    add_shift(
        actor=coordinator,
        operator=second,
        position=Position.BACKUP,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=3),
    )
    add_shift(
        actor=coordinator,
        operator=coordinator,
        position=Position.BACKUP,
        starts_at=now + timedelta(hours=3),
        ends_at=now + timedelta(hours=9),
    )
    assert shifts_without_backup() == set()  # two second people cover it between them
    assert "Сейчас нет второго дежурного" not in client.get(reverse("console:home")).text
