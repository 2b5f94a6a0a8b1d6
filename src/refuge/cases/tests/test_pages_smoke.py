"""Every case page answers GET with 200 and a valid POST with a redirect (no 500 anywhere)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from refuge.cases.models import (
    CheckIn,
    Consent,
    ExposureReport,
    Movement,
    Need,
    Spending,
    Task,
)
from refuge.testing import log_in


@pytest.fixture
def client_of_worker(worker) -> Client:
    client = Client()
    log_in(client, worker)
    return client


def _forms(case, worker):
    person = case.persons.get()
    return [
        ("add_person", [case.pk], {"pseudonym": "Sister", "phone": "+7 900 111-22-33"}, None),
        ("edit_person", [case.pk, person.pk], {"pseudonym": "Swallow", "legal_name": "X"}, None),
        ("record_consent", [case.pk, person.pk], {"kind": "media", "is_granted": "no"}, Consent),
        (
            "add_need",
            [case.pk],
            {
                "category": "visa",
                "status": "needed",
                "details": "Humanitarian visa",
                "cost_details": "80 EUR",
            },
            Need,
        ),
        ("add_note", [case.pk], {"body": "Spoke with the mother"}, None),
        (
            "add_task",
            [case.pk],
            {"title": "Call back", "owner": worker.pk, "due_at": "2030-01-01T10:00"},
            Task,
        ),
        ("add_checkin", [case.pk], {"due_at": "2030-01-01T10:00", "grace_minutes": "30"}, CheckIn),
        ("plan_movement", [case.pk], {"route": "A - B", "departure": "Monday"}, Movement),
        ("place_in_shelter", [case.pk], {"shelter": ""}, None),
        (
            "request_spending",
            [case.pk],
            {"category": "visa", "amount": "80.00", "currency": "EUR", "purpose": "Fee"},
            Spending,
        ),
        (
            "record_exposure",
            [case.pk],
            {"cause": "phone_lost", "exposed_chats": "on", "phones": "+7 900 000 00 00\n\n"},
            ExposureReport,
        ),
        ("add_verification", [case.pk], {"item": "community", "note": ""}, None),
        (
            "edit_risk",
            [case.pk],
            {"version": case.version, "threat_family": "on", "safe_contact_times": "after 22:00"},
            None,
        ),
    ]


def test_every_form_page_renders_and_saves(client_of_worker, case, worker) -> None:
    for name, args, data, model in _forms(case, worker):
        url = reverse(f"cases:{name}", args=args)
        assert client_of_worker.get(url).status_code == 200, name
        response = client_of_worker.post(url, data)
        assert response.status_code == 302, (name, response.content.decode()[-800:])
        if model is not None:
            assert model.objects.exists(), name


def test_read_pages_render(client_of_worker, case) -> None:
    for name, args in [
        ("list", []),
        ("my_work", []),
        ("detail", [case.pk]),
        ("timeline", [case.pk]),
        ("referral_guide", []),
        ("partners", []),
        ("share", [case.pk]),
    ]:
        assert client_of_worker.get(reverse(f"cases:{name}", args=args)).status_code == 200, name


def test_the_coordinator_pages_render(boss) -> None:
    client = Client()
    log_in(client, boss)
    for name in ("stages", "shelters", "partners"):
        assert client.get(reverse(f"cases:{name}")).status_code == 200, name
    response = client.post(reverse("cases:shelters"), {"code": "south-1", "address": "Somewhere 1"})
    assert response.status_code == 302
    assert "Somewhere 1" in client.get(reverse("cases:shelters")).content.decode()
