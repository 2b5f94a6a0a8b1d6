"""The two-person rule for destruction, on a real source, real keys, real database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.approvals.errors import (
    AlreadyDecided,
    AlreadyRequested,
    CannotRead,
    NotAConfirmer,
    ReasonRequired,
    RequestExpired,
    SecondPersonRequired,
    TargetGone,
)
from refuge.approvals.models import ActionStatus, PendingAction
from refuge.approvals.selectors import pending_for, waiting_count
from refuge.approvals.services import (
    confirm_action,
    expire_overdue,
    refuse_action,
    request_action,
)
from refuge.approvals.tests.support import REASON
from refuge.audit.models import AuditAction, AuditEvent
from refuge.documentation.destruction import DELETE_SOURCE
from refuge.documentation.models import ActSource, Source
from refuge.documentation.services.testimony import record_testimony
from refuge.documentation.tests import factories
from refuge.testing import keyring_for, make_operator
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db: Any) -> dict[str, Any]:
    return {
        "worker": make_operator("worker", Role.CASE_WORKER),
        "lawyer": make_operator("lawyer", Role.LAWYER),
        "boss": make_operator("boss", Role.COORDINATOR),
    }


@pytest.fixture
def source(team: dict[str, Any]) -> Source:
    with vault.activated(keyring_for(team["worker"])):
        return record_testimony(actor=team["worker"], testimony=factories.testimony()).source


def _as(operator: Operator) -> Any:
    return vault.activated(keyring_for(operator))


def _ask(source: Source, by: Operator, reason: str = REASON) -> PendingAction:
    with _as(by):
        return request_action(kind=DELETE_SOURCE, target=source, reason=reason, requested_by=by)


def _confirm(action: PendingAction, by: Operator) -> PendingAction:
    with _as(by):
        return confirm_action(action=action, confirmed_by=by)


def _exists(source: Source) -> bool:
    return Source.objects.filter(pk=source.pk).exists()


def test_a_request_deletes_nothing_and_seals_its_reason(team, source) -> None:
    action = _ask(source, team["worker"])

    assert action.status == ActionStatus.PENDING
    assert _exists(source)
    assert vault.Envelope.objects.get(pk=source.envelope_id).shredded_at is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM approvals_pendingaction WHERE id = %s", [action.pk])
        assert b"erase it" not in bytes(cursor.fetchone()[0])
    # Sealed to the requester and to those who may confirm (a coordinator, a lawyer), no more.
    assert set(vault.readers_of(action.envelope_id)) == {
        team["worker"].pk,
        team["lawyer"].pk,
        team["boss"].pk,
    }
    assert AuditEvent.objects.filter(
        action=AuditAction.APPROVAL_REQUESTED, target_id=str(action.pk)
    ).exists()
    assert action.expires_at - timezone.now() > timedelta(hours=71)


def test_a_second_person_who_can_read_it_confirms_and_only_then_it_is_gone(team, source) -> None:
    action = _ask(source, team["worker"])

    done = _confirm(action, team["lawyer"])

    assert done.status == ActionStatus.CONFIRMED
    assert done.decided_by == team["lawyer"]
    assert not _exists(source)
    assert vault.Envelope.objects.get(pk=source.envelope_id).shredded_at is not None
    assert AuditEvent.objects.filter(
        action=AuditAction.APPROVAL_CONFIRMED, actor_id=team["lawyer"].pk
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.RECORD_DELETED, target_type="documentation.Source"
    ).exists()


def test_the_requester_cannot_confirm_their_own_request(team, source) -> None:
    action = _ask(source, team["lawyer"])

    with pytest.raises(SecondPersonRequired, match="подтвердить должен другой человек"):
        _confirm(action, team["lawyer"])

    assert _exists(source)
    assert PendingAction.objects.get(pk=action.pk).status == ActionStatus.PENDING


def test_a_replayed_confirmation_is_refused_and_does_nothing_more(team, source) -> None:
    action = _ask(source, team["worker"])
    _confirm(action, team["lawyer"])
    deletions = AuditEvent.objects.filter(action=AuditAction.RECORD_DELETED).count()

    for again in (team["lawyer"], team["boss"]):
        with pytest.raises(AlreadyDecided, match="уже решили"):
            _confirm(action, again)

    assert AuditEvent.objects.filter(action=AuditAction.RECORD_DELETED).count() == deletions
    assert PendingAction.objects.get(pk=action.pk).decided_by == team["lawyer"]


def test_only_a_coordinator_or_a_lawyer_confirms_documentation(team, source) -> None:
    colleague = make_operator("colleague", Role.CASE_WORKER)
    with _as(team["worker"]):
        vault.share(source.envelope_id, reader=colleague, granted_by=team["worker"])
    action = _ask(source, team["lawyer"])

    with pytest.raises(NotAConfirmer, match="координатор или юрист"):
        _confirm(action, colleague)  # can read it, but is a case worker
    assert _exists(source)


def test_a_confirmer_who_cannot_read_it_is_refused(team, source) -> None:
    latecomer = make_operator("latecomer", Role.LAWYER)  # no grant: joined after the source
    action = _ask(source, team["worker"])

    with pytest.raises(NotAConfirmer):
        _confirm(action, latecomer)
    assert _exists(source)


def test_who_cannot_read_it_cannot_ask_and_nothing_is_stored(source) -> None:
    latecomer = make_operator("latecomer", Role.LAWYER)

    with pytest.raises(CannotRead):
        _ask(source, latecomer)
    assert not PendingAction.objects.exists()


def test_a_reason_is_required(team, source) -> None:
    for reason in ("", "   ", "because"):
        with pytest.raises(ReasonRequired):
            _ask(source, team["worker"], reason=reason)
    assert not PendingAction.objects.exists()


def test_one_request_at_a_time_per_record(team, source) -> None:
    _ask(source, team["worker"])

    with pytest.raises(AlreadyRequested):
        _ask(source, team["lawyer"])


def test_an_unconfirmed_request_expires_and_a_late_confirmation_does_nothing(team, source) -> None:
    action = _ask(source, team["worker"])

    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        with pytest.raises(RequestExpired):
            _confirm(action, team["lawyer"])
        assert _exists(source)
        assert expire_overdue() == 1

    expired = PendingAction.objects.get(pk=action.pk)
    assert expired.status == ActionStatus.EXPIRED
    with pytest.raises(AlreadyDecided):
        _confirm(action, team["lawyer"])
    assert _exists(source)
    assert AuditEvent.objects.filter(action=AuditAction.APPROVAL_EXPIRED).count() == 1
    _ask(source, team["worker"])  # asking again is possible


def test_the_window_is_configurable(team, source, settings) -> None:
    settings.APPROVALS_CONFIRM_HOURS = 2
    action = _ask(source, team["worker"])

    with time_machine.travel(timezone.now() + timedelta(hours=3)), pytest.raises(RequestExpired):
        _confirm(action, team["lawyer"])


def test_refused_or_withdrawn_requests_destroy_nothing(team, source) -> None:
    first = _ask(source, team["worker"])
    with _as(team["boss"]):
        refuse_action(action=first, refused_by=team["boss"])
    second = _ask(source, team["worker"])
    with _as(team["worker"]):
        refuse_action(action=second, refused_by=team["worker"])

    assert PendingAction.objects.get(pk=first.pk).status == ActionStatus.REFUSED
    assert PendingAction.objects.get(pk=second.pk).status == ActionStatus.WITHDRAWN
    assert _exists(source)
    with pytest.raises(AlreadyDecided):
        _confirm(first, team["lawyer"])


def test_a_request_whose_record_went_another_way_is_refused_clearly(team, source) -> None:
    action = _ask(source, team["worker"])
    ActSource.objects.filter(source=source).delete()
    Source.objects.filter(pk=source.pk).delete()

    with pytest.raises(TargetGone):
        _confirm(action, team["lawyer"])


def test_the_confirmers_see_what_waits_for_them(team, source) -> None:
    action = _ask(source, team["worker"])

    assert [view.action for view in pending_for(team["lawyer"])] == [action]
    assert waiting_count(team["lawyer"]) == 1
    assert waiting_count(team["boss"]) == 1
    assert waiting_count(team["worker"]) == 0  # their own request
    assert [view.is_mine for view in pending_for(team["worker"])] == [True]
    outsider = make_operator("outsider", Role.OPERATOR)
    assert pending_for(outsider) == []
