from __future__ import annotations

import csv
import io

from django.test import Client
from django.urls import reverse

from refuge.audit.models import AuditAction, AuditEvent
from refuge.cases.models import ConsentKind
from refuge.cases.services.persons import record_consent, save_person
from refuge.cases.tests.conftest import acting_as
from refuge.testing import log_in


def test_the_anonymised_export_omits_people_without_consent(case, worker) -> None:
    with acting_as(worker):
        consenting = case.persons.get()
        record_consent(
            person=consenting,
            kind=ConsentKind.ANONYMISED_REPORTS,
            is_granted=True,
            partners=[],
            recorded_by=worker,
        )
        refusing = save_person(
            case=case,
            person=None,
            pseudonym="Brother",
            legal_name="Aslan",
            phone="",
            contact_details="",
            saved_by=worker,
        )
        record_consent(
            person=refusing,
            kind=ConsentKind.ANONYMISED_REPORTS,
            is_granted=False,
            partners=[],
            recorded_by=worker,
        )
        save_person(
            case=case,
            person=None,
            pseudonym="Never asked",
            legal_name="",
            phone="",
            contact_details="",
            saved_by=worker,
        )
    client = Client()
    log_in(client, worker)

    response = client.get(reverse("cases:export_anonymised"))

    body = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 1
    assert rows[0]["stage"] == "new"
    assert rows[0]["closed_month"] == ""
    for identifying in ("Swallow", "Aslan", "Brother", case.reference):
        assert identifying not in body
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor_id=worker.pk).exists()


def test_nobody_consented_means_an_empty_export(case, worker) -> None:
    client = Client()
    log_in(client, worker)
    rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("cases:export_anonymised")).content.decode()))
    )
    assert rows == []
