from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from refuge.approvals.models import PendingAction
from refuge.approvals.tests.support import REASON, confirm_as
from refuge.cases.models import (
    Case,
    CasePerson,
    Consent,
    ConsentKind,
    PersonIdentifier,
    Stage,
    StageCode,
)
from refuge.cases.services.opening import share_case
from refuge.cases.services.persons import record_consent, save_person
from refuge.cases.services.stages import move_case, save_stage
from refuge.cases.tests.conftest import acting_as
from refuge.testing import log_in
from refuge.vault import api as vault


@pytest.fixture
def closed_case(case, worker):
    with acting_as(worker):
        save_person(
            case=case,
            person=case.persons.get(),
            pseudonym="Swallow",
            legal_name="Islam Dudaev",
            phone="+7 999 123-45-67",
            contact_details="Signal only",
            saved_by=worker,
        )
        case.code_words = "blue kettle"
        case.save(update_fields=["code_words"])
        case.threat_police = True
        case.save(update_fields=["threat_police"])
        move_case(
            case=case,
            stage=Stage.objects.get(code=StageCode.CLOSED),
            moved_by=worker,
            version=case.version,
            reason="Safe abroad",
        )
    return case


def _raw(table: str, column: str, row_id: int) -> object:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [row_id])
        return cursor.fetchone()[0]


def test_dry_run_reports_without_removing(closed_case, settings) -> None:
    Case.objects.filter(pk=closed_case.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.CASES_RETENTION_DAYS + 1)
    )
    out = StringIO()

    call_command("purge_cases", "--dry-run", stdout=out)

    report = out.getvalue()
    assert f"{closed_case.reference}" in report
    # title, summary, code words, and the closing stage change's reason
    assert "would remove 4 sealed case field(s)" in report
    assert "4 person field(s), 2 blind index(es), 0 note(s)" in report
    assert "Islam" not in report
    assert PersonIdentifier.objects.count() == 2


def test_purge_removes_contact_details_and_keeps_coded_facts(closed_case, settings) -> None:
    person = closed_case.persons.get()
    call_command("purge_cases", stdout=StringIO())
    assert _raw("cases_caseperson", "phone", person.pk) is not None  # not due yet

    Case.objects.filter(pk=closed_case.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.CASES_RETENTION_DAYS + 1)
    )
    call_command("purge_cases", stdout=StringIO())

    for column in ("pseudonym", "legal_name", "phone", "contact_details"):
        assert _raw("cases_caseperson", column, person.pk) is None
    for column in ("title", "summary", "code_words"):
        assert _raw("cases_case", column, closed_case.pk) is None
    assert _raw("cases_stagechange", "reason", closed_case.stage_changes.last().pk) is None
    assert not vault.Envelope.objects.get(pk=closed_case.envelope_id).grants.exists()
    assert not PersonIdentifier.objects.exists()
    purged = Case.objects.get(pk=closed_case.pk)
    assert purged.threat_police
    assert purged.stage.code == StageCode.CLOSED
    assert purged.contact_details_purged_at is not None
    assert purged.stage_changes.count() == 2


def test_removing_a_person_asks_what_to_keep_and_a_coordinator_confirms(case, worker, boss) -> None:
    with acting_as(worker):
        person = save_person(
            case=case,
            person=None,
            pseudonym="Sister",
            legal_name="Aminat",
            phone="+79990000000",
            contact_details="",
            saved_by=worker,
        )
        record_consent(
            person=person, kind=ConsentKind.MEDIA, is_granted=False, partners=[], recorded_by=worker
        )
        share_case(case=case, operator=boss, shared_by=worker)
    client = Client()
    log_in(client, worker)
    url = reverse("cases:remove_person", args=[case.pk, person.pk])

    question = client.get(url).content.decode()
    assert "anonymised" in question
    assert 'name="keep"' in question
    assert 'name="reason"' in question
    assert client.post(url, {}).status_code == 400  # no answer, no removal
    assert client.post(url, {"keep": "anonymised"}).status_code == 400  # no reason
    assert client.post(url, {"keep": "anonymised", "reason": REASON}).status_code == 302
    assert not CasePerson.objects.get(pk=person.pk).is_anonymised  # nothing yet
    assert confirm_as(worker).status_code == 302  # the requester cannot confirm
    assert not CasePerson.objects.get(pk=person.pk).is_anonymised

    assert confirm_as(boss).status_code == 302
    kept = CasePerson.objects.get(pk=person.pk)
    assert kept.is_anonymised
    assert not kept.identifiers.exists()
    assert _raw("cases_caseperson", "legal_name", person.pk) is None
    assert Consent.objects.filter(person=kept).exists()

    client.post(url, {"keep": "delete", "reason": REASON})
    assert CasePerson.objects.filter(pk=person.pk).exists()
    confirm_as(boss)
    assert not CasePerson.objects.filter(pk=person.pk).exists()


def test_removing_a_person_needs_a_coordinator_on_the_case(case, worker) -> None:
    with acting_as(worker):
        person = save_person(
            case=case,
            person=None,
            pseudonym="Sister",
            legal_name="",
            phone="",
            contact_details="",
            saved_by=worker,
        )
    client = Client()
    log_in(client, worker)
    url = reverse("cases:remove_person", args=[case.pk, person.pk])

    refused = client.post(url, {"keep": "delete", "reason": REASON})

    assert refused.status_code == 400
    assert "No coordinator is on this case" in refused.content.decode()
    assert not PendingAction.objects.exists()


def test_coordinators_edit_the_list_of_stages(boss, worker) -> None:
    stage = save_stage(
        stage=None,
        code="awaiting_visa",
        name="Awaiting visa",
        order=65,
        is_active=True,
        saved_by=boss,
    )
    closed = Stage.objects.get(code=StageCode.CLOSED)
    save_stage(stage=closed, code="closed", name="", order=99, is_active=False, saved_by=boss)

    assert stage.display_name == "Awaiting visa"
    assert Stage.objects.get(code=StageCode.CLOSED).is_active  # rules need it
    codes = list(Stage.objects.values_list("code", flat=True))
    assert codes.index("awaiting_visa") == codes.index("leaving") + 1
    client = Client()
    log_in(client, worker)
    assert client.get(reverse("cases:stages")).status_code == 403


def test_a_duplicate_stage_code_is_a_form_error(boss) -> None:
    client = Client()
    log_in(client, boss)
    response = client.post(reverse("cases:stages"), {"code": "new", "name": "x", "order": 1})
    assert response.status_code == 400
    assert "exists already" in response.content.decode()


def test_the_timeline_shows_contact_stages_tasks_and_notes(case, worker) -> None:
    from refuge.cases.services.plan import add_note
    from refuge.cases.services.tasks import add_task

    with acting_as(worker):
        add_task(case=case, title="Find a safe flat", owner=worker, due_at=None, created_by=worker)
        add_note(case=case, body="Mother knows nothing.", author=worker)
    client = Client()
    log_in(client, worker)

    page = client.get(reverse("cases:timeline", args=[case.pk])).content.decode()

    for text in ("Contact", "brother", "Stage", "Find a safe flat", "Mother knows nothing."):
        assert text in page


def test_a_purged_case_still_opens_for_its_members(closed_case, worker, settings) -> None:
    Case.objects.filter(pk=closed_case.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.CASES_RETENTION_DAYS + 1)
    )
    call_command("purge_cases", stdout=StringIO())
    client = Client()
    log_in(client, worker)

    response = client.get(reverse("cases:detail", args=[closed_case.pk]))

    assert response.status_code == 200
    assert "removed under the retention policy" in response.content.decode()
    assert client.get(reverse("cases:timeline", args=[closed_case.pk])).status_code == 200
