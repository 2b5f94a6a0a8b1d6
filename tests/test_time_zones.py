"""A time typed in the console is read in the operator's zone, alarms fire at
that instant, every time shown says its zone, the reporter sees the installation's zone.

The clock is moved with time-machine; logins happen at the moved time (TOTP codes and the
session's idle limit follow the same clock).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.cases.models import CheckIn
from refuge.cases.selectors import missed_checkins_for
from refuge.cases.services.opening import open_case_from_contact
from refuge.hotline.models import Contact
from refuge.hotline.services.messages import reply_to_reporter
from refuge.intake.models import ReporterKind, Urgency
from refuge.intake.services import submit_report
from refuge.testing import keyring_for, log_in, make_operator
from refuge.vault import api as vault

MORNING = datetime(2030, 1, 15, 6, 0, tzinfo=UTC)


def _operator(username: str, role: Role, zone: str = "", *, intake: bool = False) -> Operator:
    operator = make_operator(username, role, intake=intake)
    operator.time_zone = zone
    operator.save(update_fields=["time_zone"])
    return operator


def _client(operator: Operator) -> Client:
    client = Client()
    log_in(client, operator)
    return client


@pytest.fixture
def team(db: Any) -> dict[str, Any]:
    """A case shared by a case worker in Yekaterinburg (UTC+5) and one on Moscow time."""
    east = _operator("east", Role.CASE_WORKER, "Asia/Yekaterinburg", intake=True)
    moscow = _operator("moscow", Role.CASE_WORKER)
    contact = submit_report(
        body="Мне нужно уехать", reporter_kind=ReporterKind.SELF, urgency=Urgency.LEAVE_REGION
    ).thread.contact
    with vault.activated(keyring_for(east)):
        case = open_case_from_contact(
            contact_id=contact.pk, opened_by=east, pseudonym="Стриж", case_workers=[moscow]
        )
    return {"east": east, "moscow": moscow, "case": case}


def test_a_checkin_typed_in_yekaterinburg_is_due_and_missed_at_the_right_instant(team) -> None:
    east, moscow, case = team["east"], team["moscow"], team["case"]
    with time_machine.travel(MORNING, tick=False):
        response = _client(east).post(
            reverse("cases:add_checkin", args=[case.pk]),
            {"due_at": "2030-01-15T18:00", "grace_minutes": "30"},
        )
    assert response.status_code == 302

    checkin = CheckIn.objects.get()
    assert checkin.due_at == datetime(2030, 1, 15, 13, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2030, 1, 15, 13, 29, tzinfo=UTC), tick=False):
        assert missed_checkins_for(east) == []
    with time_machine.travel(datetime(2030, 1, 15, 13, 31, tzinfo=UTC), tick=False):
        assert [missed.pk for missed in missed_checkins_for(east)] == [checkin.pk]
        east_page = _client(east).get(reverse("cases:my_work")).content.decode()
        moscow_page = _client(moscow).get(reverse("cases:my_work")).content.decode()
    # One instant, said in each reader's zone.
    assert "2030-01-15 18:00 UTC+5" in east_page
    assert "2030-01-15 16:00 MSK" in moscow_page
    assert " UTC<" not in east_page + moscow_page


def test_the_agreed_time_shows_in_the_form_in_the_operators_zone(team) -> None:
    with time_machine.travel(MORNING, tick=False):
        page = (
            _client(team["east"])
            .get(reverse("cases:add_checkin", args=[team["case"].pk]))
            .content.decode()
        )
    assert "(Asia/Yekaterinburg)" in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2030-03-31T02:30", "does not exist in Europe/Berlin"),
        ("2030-10-27T02:30", "happens twice in Europe/Berlin"),
    ],
)
def test_a_checkin_in_a_dst_hour_is_refused_with_a_message_never_a_500(
    team, typed, message
) -> None:
    berlin = team["east"]
    berlin.time_zone = "Europe/Berlin"
    berlin.save(update_fields=["time_zone"])
    with time_machine.travel(MORNING, tick=False):
        with translation.override("en"):
            url = reverse("cases:add_checkin", args=[team["case"].pk])
        response = _client(berlin).post(url, {"due_at": typed, "grace_minutes": "30"})

    assert response.status_code == 400  # the cases' forms answer a refused form with 400
    assert message in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_call_typed_in_the_operators_zone_is_stored_in_utc(db) -> None:
    operator = _operator("east-line", Role.OPERATOR, "Asia/Yekaterinburg", intake=True)
    with time_machine.travel(MORNING, tick=False):
        client = _client(operator)
        response = client.post(
            reverse("hotline:call"),
            {
                "started_at": "2030-01-15T10:05",
                "ended_at": "2030-01-15T10:20",
                "what_they_said": "Звонил брат, просит помочь",
                "urgency": Urgency.IN_DANGER,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        contact = Contact.objects.get(call_started_at__isnull=False)
        page = client.get(reverse("hotline:contact", args=[contact.pk]))
    assert contact.call_started_at == datetime(2030, 1, 15, 5, 5, tzinfo=UTC)
    assert "15.01.2030 10:05–10:20 UTC+5" in page.content.decode()


def test_the_reporter_sees_the_installations_zone_whoever_replied(db) -> None:
    operator = _operator("east-reply", Role.OPERATOR, "Asia/Yekaterinburg", intake=True)
    with time_machine.travel(MORNING, tick=False):
        submission = submit_report(
            body="Помогите", reporter_kind=ReporterKind.SELF, urgency=Urgency.IN_DANGER
        )
        with vault.activated(keyring_for(operator)):
            reply_to_reporter(
                contact=submission.thread.contact, operator=operator, text="Мы на связи"
            )
        reporter = Client()
        opened = reporter.post("/mailbox/open/", {"receipt": submission.receipt})
        page = reporter.get(opened.headers["Location"]).content.decode()
    assert re.search(r"15\.01\.2030 09:00 MSK", page)
    assert "UTC+5" not in page
