"""Changing a case's lead, and reopening a closed case."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from refuge.audit.models import AuditAction, AuditEvent
from refuge.cases.errors import (
    AlreadyLead,
    CaseNotClosed,
    LeadNotOnCase,
    ReopenReasonRequired,
    StageNotAllowed,
)
from refuge.cases.models import Case, Movement, Stage, StageCode
from refuge.cases.services.movement import plan_movement
from refuge.cases.services.opening import change_lead, share_case, unshare_case
from refuge.cases.services.persons import save_person
from refuge.cases.services.plan import add_note, risk_assessment_of, update_risk_assessment
from refuge.cases.services.retention import cases_due_for_purge
from refuge.cases.services.stages import move_case, reopen_case
from refuge.cases.tests.conftest import acting_as
from refuge.core.errors import ConflictError
from refuge.testing import log_in
from refuge.vault import api as vault


def _client(operator) -> Client:
    client = Client()
    log_in(client, operator)
    return client


def _fresh(case) -> Case:
    return Case.objects.select_related("stage", "lead").get(pk=case.pk)


@pytest.fixture
def shared_with_boss(case, worker, boss):
    with acting_as(worker):
        share_case(case=case, operator=boss, shared_by=worker)
    return case


@pytest.fixture
def closed_case(shared_with_boss, worker):
    case = shared_with_boss
    with acting_as(worker):
        case.destination_city = "Berlin"
        case.save(update_fields=["destination_city"])
        move_case(
            case=case,
            stage=Stage.objects.get(code=StageCode.CLOSED),
            moved_by=worker,
            version=case.version,
            reason="Safe abroad",
        )
    return _fresh(case)


def _in_hiding() -> Stage:
    return Stage.objects.get(code=StageCode.IN_HIDING)


# Changing the lead ------------------------------------------------------------------------


def test_the_lead_hands_the_case_to_a_colleague_on_it(case, worker, colleague) -> None:
    with acting_as(worker):
        change_lead(case=case, lead=colleague, version=case.version, changed_by=worker)

    assert _fresh(case).lead == colleague
    event = AuditEvent.objects.filter(
        action=AuditAction.RECORD_CHANGED, target_type="cases.Case", target_id=str(case.pk)
    ).get()
    assert event.details == {"lead": colleague.pk, "previous_lead": worker.pk}


def test_a_coordinator_on_the_case_changes_its_lead_through_the_page(
    shared_with_boss, boss, colleague
) -> None:
    case = shared_with_boss
    client = _client(boss)
    url = reverse("cases:change_lead", args=[case.pk])
    assert url in client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    response = client.post(url, {"lead": colleague.pk, "version": case.version})

    assert response.status_code == 302
    assert _fresh(case).lead == colleague


def test_a_case_worker_who_does_not_lead_may_not_change_the_lead(case, colleague) -> None:
    with acting_as(colleague), pytest.raises(PermissionDenied):
        change_lead(case=case, lead=colleague, version=case.version, changed_by=colleague)
    client = _client(colleague)
    url = reverse("cases:change_lead", args=[case.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"lead": colleague.pk, "version": case.version}).status_code == 403
    assert url not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert _fresh(case).lead != colleague


def test_the_new_lead_must_be_on_the_case(case, worker, outsider) -> None:
    with acting_as(worker):
        with pytest.raises(LeadNotOnCase):
            change_lead(case=case, lead=outsider, version=case.version, changed_by=worker)
        with pytest.raises(AlreadyLead):
            change_lead(case=case, lead=worker, version=case.version, changed_by=worker)
    response = _client(worker).post(
        reverse("cases:change_lead", args=[case.pk]), {"lead": outsider.pk, "version": case.version}
    )
    assert response.status_code == 400
    assert "Choose a case worker the case is shared with." in response.content.decode()
    assert _fresh(case).lead == worker


@pytest.mark.parametrize(
    "data",
    [
        {"version": "0"},
        {"lead": "x", "version": "0"},
        {"lead": "1"},
        {"lead": "987654", "version": "-3"},
    ],
)
def test_malformed_lead_changes_get_a_message(case, worker, data) -> None:
    response = _client(worker).post(reverse("cases:change_lead", args=[case.pk]), data)

    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()


def test_a_stale_lead_change_is_refused(case, worker, colleague) -> None:
    stale = case.version
    with acting_as(worker):  # someone else saved the safety plan in between
        update_risk_assessment(
            case=case, assessment=risk_assessment_of(case), version=stale, updated_by=worker
        )
        with pytest.raises(ConflictError):
            change_lead(case=_fresh(case), lead=colleague, version=stale, changed_by=worker)
    assert _fresh(case).lead == worker


def test_the_new_lead_receives_the_movement_records_and_the_old_one_loses_them(
    case, worker, colleague
) -> None:
    with acting_as(worker):
        movement = plan_movement(
            case=case, route="Grozny - Moscow", tickets="", departure="", planned_by=worker
        )
        change_lead(case=case, lead=colleague, version=case.version, changed_by=worker)

    assert set(vault.readers_of(movement.envelope_id)) == {colleague.pk}
    with acting_as(colleague):
        assert Movement.objects.get(pk=movement.pk).route == "Grozny - Moscow"
    with acting_as(worker):
        assert not vault.is_readable(Movement.objects.get(pk=movement.pk).route)


def test_taking_the_case_from_its_lead_takes_the_movement_records_too(
    shared_with_boss, worker, boss
) -> None:
    with acting_as(worker):
        movement = plan_movement(
            case=shared_with_boss,
            route="Grozny - Moscow",
            tickets="",
            departure="",
            planned_by=worker,
        )
    assert set(vault.readers_of(movement.envelope_id)) == {worker.pk, boss.pk}
    with acting_as(boss):
        unshare_case(case=_fresh(shared_with_boss), operator=worker, unshared_by=boss)

    assert _fresh(shared_with_boss).lead == boss
    assert set(vault.readers_of(movement.envelope_id)) == {boss.pk}
    with acting_as(worker):
        assert not vault.is_readable(Movement.objects.get(pk=movement.pk).route)


# Reopening --------------------------------------------------------------------------------


def test_a_coordinator_reopens_a_closed_case_with_a_reason(closed_case, boss) -> None:
    with acting_as(boss):
        change = reopen_case(
            case=closed_case,
            stage=_in_hiding(),
            version=closed_case.version,
            reason="  Threatened again in Moscow  ",
            reopened_by=boss,
        )

    case = _fresh(closed_case)
    assert case.closed_at is None
    assert case.stage.code == StageCode.IN_HIDING
    assert change.from_stage is not None
    assert change.from_stage.code == StageCode.CLOSED
    assert case.destination_city is None  # destroyed at closing, stays gone
    with acting_as(boss):
        last_change = case.stage_changes.last()
        assert last_change is not None
        assert last_change.reason == "Threatened again in Moscow"
    assert (
        change.__class__.objects.filter(pk=change.pk).values_list("reason", flat=True).get()
        != b"Threatened again in Moscow"
    )  # sealed
    event = AuditEvent.objects.filter(
        action=AuditAction.RECORD_CHANGED, actor_id=boss.pk, target_id=str(case.pk)
    ).get()
    assert event.details == {"stage": "in_hiding", "reopened": True, "purged": False}


def test_reopening_needs_a_written_reason(closed_case, boss) -> None:
    with acting_as(boss), pytest.raises(ReopenReasonRequired):
        reopen_case(
            case=closed_case,
            stage=_in_hiding(),
            version=closed_case.version,
            reason="   ",
            reopened_by=boss,
        )
    response = _client(boss).post(
        reverse("cases:reopen", args=[closed_case.pk]),
        {"stage": _in_hiding().pk, "version": closed_case.version, "reason": " "},
    )

    assert response.status_code == 400
    assert "Write down why the case is reopened." in response.content.decode()
    assert _fresh(closed_case).closed_at is not None


def test_only_a_coordinator_reopens(closed_case, worker) -> None:
    with acting_as(worker), pytest.raises(PermissionDenied):
        reopen_case(
            case=closed_case,
            stage=_in_hiding(),
            version=closed_case.version,
            reason="Back",
            reopened_by=worker,
        )
    client = _client(worker)
    url = reverse("cases:reopen", args=[closed_case.pk])
    assert (
        client.post(
            url, {"stage": _in_hiding().pk, "version": closed_case.version, "reason": "Back"}
        ).status_code
        == 403
    )
    assert url not in client.get(reverse("cases:detail", args=[closed_case.pk])).content.decode()
    assert _fresh(closed_case).closed_at is not None


def test_an_open_case_is_not_reopened_nor_sent_to_closed(closed_case, boss) -> None:
    closed = Stage.objects.get(code=StageCode.CLOSED)
    with acting_as(boss), pytest.raises(StageNotAllowed):
        reopen_case(
            case=closed_case,
            stage=closed,
            version=closed_case.version,
            reason="Oops",
            reopened_by=boss,
        )
    client = _client(boss)
    url = reverse("cases:reopen", args=[closed_case.pk])
    response = client.post(
        url, {"stage": closed.pk, "version": closed_case.version, "reason": "Oops"}
    )
    assert response.status_code == 400
    assert "other than “closed”" in response.content.decode()

    assert (
        client.post(
            url, {"stage": _in_hiding().pk, "version": closed_case.version, "reason": "Back"}
        ).status_code
        == 302
    )
    with acting_as(boss), pytest.raises(CaseNotClosed):
        reopen_case(
            case=_fresh(closed_case),
            stage=_in_hiding(),
            version=_fresh(closed_case).version,
            reason="Again",
            reopened_by=boss,
        )
    again = client.post(
        url, {"stage": _in_hiding().pk, "version": closed_case.version, "reason": "Again"}
    )
    assert again.status_code == 400  # stale version, and not closed any more


def test_the_reopen_page_shows_what_stays_gone_and_the_reason_in_history(closed_case, boss) -> None:
    client = _client(boss)
    url = reverse("cases:reopen", args=[closed_case.pk])
    assert url in client.get(reverse("cases:detail", args=[closed_case.pk])).content.decode()
    page = client.get(url).content.decode()
    assert "destroyed when the case was closed" in page
    assert "retention policy" not in page
    assert ">Closed</option>" not in page
    assert ">In hiding</option>" in page

    client.post(
        url,
        {"stage": _in_hiding().pk, "version": closed_case.version, "reason": "Seen near the flat"},
    )

    detail = client.get(reverse("cases:detail", args=[closed_case.pk])).content.decode()
    assert "reopened" in detail
    assert "Seen near the flat" in detail


def _purge(case, settings) -> None:
    Case.objects.filter(pk=case.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.CASES_RETENTION_DAYS + 1)
    )
    call_command("purge_cases", stdout=StringIO())


def test_a_purged_case_reopens_without_its_contact_details(
    closed_case, boss, worker, settings
) -> None:
    _purge(closed_case, settings)
    client = _client(boss)
    url = reverse("cases:reopen", args=[closed_case.pk])
    assert "erased under the retention policy" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "stage": _in_hiding().pk,
            "reason": "Back in danger",
            "version": _fresh(closed_case).version,
        },
    )

    assert response.status_code == 302
    detail = client.get(reverse("cases:detail", args=[closed_case.pk])).content.decode()
    assert "removed under the retention policy" in detail
    assert "Back in danger" in detail
    case = _fresh(closed_case)
    person = case.persons.get()
    with acting_as(worker):  # a new envelope: the case can be worked on again
        save_person(
            case=case,
            person=person,
            pseudonym="Swallow",
            legal_name="",
            phone="+7 900 000-00-00",
            contact_details="",
            saved_by=worker,
        )
        add_note(case=case, body="Called from a new number", author=worker)
        assert case.persons.get().phone == "+7 900 000-00-00"
    assert (
        not vault.Envelope.objects.get(pk=closed_case.envelope_id)
        .grants.filter(operator__isnull=False)
        .exists()
    )  # the old one stays shredded


def test_a_reopened_purged_case_is_purged_again_after_its_next_closing(
    closed_case, boss, settings
) -> None:
    _purge(closed_case, settings)
    with acting_as(boss):
        reopen_case(
            case=_fresh(closed_case),
            stage=_in_hiding(),
            reason="Back",
            version=_fresh(closed_case).version,
            reopened_by=boss,
        )
        assert not cases_due_for_purge().filter(pk=closed_case.pk).exists()
        case = _fresh(closed_case)
        move_case(
            case=case,
            stage=Stage.objects.get(code=StageCode.CLOSED),
            moved_by=boss,
            version=case.version,
        )

    later = timezone.now() + timedelta(days=settings.CASES_RETENTION_DAYS + 1)
    assert cases_due_for_purge(later).filter(pk=closed_case.pk).exists()
    assert not cases_due_for_purge().filter(pk=closed_case.pk).exists()


def test_the_new_pages_speak_russian(closed_case, boss, colleague) -> None:
    from django.utils import translation

    with translation.override("ru"):
        reopen_url = reverse("cases:reopen", args=[closed_case.pk])
        lead_url = reverse("cases:change_lead", args=[closed_case.pk])
    client = _client(boss)

    page = client.get(reopen_url).content.decode()
    assert "Открыть дело заново" in page
    assert "Повторное открытие их не вернёт." in page
    refused = client.post(lead_url, {"lead": colleague.pk, "version": closed_case.version})
    assert "Это дело закрыто." in refused.content.decode()
