from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F

from refuge.audit.models import AuditAction, AuditEvent, AuditHead
from refuge.audit.services import record_event, verify_chain

pytestmark = pytest.mark.django_db


def _three_events() -> list[AuditEvent]:
    return [
        record_event(AuditAction.RECORD_READ, target_type="cases.Case", target_id=i)
        for i in (1, 2, 3)
    ]


def test_an_intact_chain_verifies(capsys) -> None:
    _three_events()
    assert verify_chain() == []
    call_command("audit", "verify")
    assert "3 entries" in capsys.readouterr().out


def test_an_edited_entry_is_found() -> None:
    events = _three_events()
    AuditEvent.objects.filter(pk=events[1].pk).update(target_id="99")
    problems = verify_chain()
    assert [problem.sequence for problem in problems] == [2]
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_a_deleted_entry_is_found() -> None:
    events = _three_events()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    assert verify_chain()


def test_deleting_the_newest_entry_is_found() -> None:
    events = _three_events()
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    assert verify_chain()


def test_an_inserted_entry_is_found() -> None:
    events = _three_events()
    AuditEvent.objects.filter(sequence__gte=2).update(sequence=F("sequence") + 10)
    forged = AuditEvent(
        sequence=2,
        created_at=events[1].created_at,
        action=AuditAction.LOGIN,
        target_type="",
        target_id="",
        details={},
        previous_hash=events[0].entry_hash,
        entry_hash="f" * 64,
    )
    forged.save()
    assert verify_chain()


def test_the_command_exits_non_zero_on_tampering() -> None:
    events = _three_events()
    AuditEvent.objects.filter(pk=events[0].pk).update(details={"x": 1})
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify")
    assert error.value.returncode == 1


def test_details_refuse_free_text() -> None:
    with pytest.raises(ValueError, match="too long"):
        record_event(AuditAction.RECORD_READ, details={"note": "x" * 100})
    with pytest.raises(TypeError):
        record_event(AuditAction.RECORD_READ, details={"note": ["a list"]})  # type: ignore[dict-item]
    assert AuditHead.objects.filter(pk=1).first() is None or verify_chain() == []
