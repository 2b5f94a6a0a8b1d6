"""An operator's own time zone and console language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from refuge.accounts.middleware import is_console_path
from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.testing import log_in, make_operator, set_duress_password

SETTINGS = "/console/accounts/settings/"
SWITCH = "/console/accounts/language/"


@pytest.fixture
def operator(db: Any) -> Operator:
    return make_operator("zoned", Role.CASE_WORKER)


@pytest.fixture
def client(operator: Operator) -> Client:
    client = Client()
    log_in(client, operator)
    return client


def test_an_operator_sets_their_own_time_zone_and_it_is_audited(client, operator) -> None:
    page = client.get(SETTINGS).content.decode()
    assert "Europe/Moscow (MSK)" in page  # the installation's, until they choose

    response = client.post(SETTINGS, {"time_zone": "Asia/Yekaterinburg", "language": "ru"})

    assert response.status_code == 302
    operator.refresh_from_db()
    assert (operator.time_zone, operator.language) == ("Asia/Yekaterinburg", "ru")
    event = AuditEvent.objects.filter(
        action=AuditAction.OPERATOR_CHANGED, actor_id=operator.pk
    ).latest("sequence")
    assert event.details == {"changed": "time_zone,language"}
    page = client.get(SETTINGS).content.decode()
    assert "Asia/Yekaterinburg (UTC+5)" in page


@pytest.mark.parametrize(
    "data",
    [
        {"time_zone": "Mars/Olympus_Mons", "language": "ru"},
        {"time_zone": "Etc/GMT-5", "language": "ru"},
        {"time_zone": "", "language": "xx"},
        {"time_zone": "x" * 5000, "language": "ru\x00"},
    ],
)
def test_a_zone_or_language_not_on_the_list_is_refused_with_a_message(
    client, operator, data
) -> None:
    response = client.post(SETTINGS, data)

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    operator.refresh_from_db()
    assert (operator.time_zone, operator.language) == ("", "")


def test_the_switch_shows_the_same_page_in_the_other_language_and_remembers_it(
    client, operator
) -> None:
    cases = reverse("cases:list")
    assert "Выйти" in client.get(cases).content.decode()

    response = client.post(SWITCH, {"language": "en", "next": cases})

    assert response["Location"] == "/en/console/cases/"
    assert "Log out" in client.get(response["Location"]).content.decode()
    operator.refresh_from_db()
    assert operator.language == "en"
    # Remembered: the Russian address of a page now leads to the operator's English one.
    again = client.get(cases + "?page=2")
    assert again.status_code == 302
    assert again["Location"] == "/en/console/cases/?page=2"

    back = client.post(
        "/en/console/accounts/language/", {"language": "ru", "next": "/en/console/cases/"}
    )
    assert back["Location"] == "/console/cases/"
    assert "Выйти" in client.get("/console/cases/").content.decode()


def test_a_form_posted_at_the_other_address_is_answered_in_the_operators_language(
    client, operator
) -> None:
    operator.language = "en"
    operator.save(update_fields=["language"])

    response = client.post(SETTINGS, {"time_zone": "Mars/Olympus_Mons", "language": "en"})

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Select a valid choice" in page


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "", "nope"])
def test_the_switch_never_leads_off_the_site(client, next_url) -> None:
    response = client.post(SWITCH, {"language": "en", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/en/console/"


def test_public_pages_keep_their_own_language_for_a_logged_in_operator(client, operator) -> None:
    operator.language = "en"
    operator.save(update_fields=["language"])

    response = client.get("/")

    assert response.status_code == 200
    assert '<html lang="ru">' in response.content.decode()


def test_only_console_addresses_take_the_operators_settings() -> None:
    assert is_console_path("/console/")
    assert is_console_path("/en/console/cases/1/")
    assert not is_console_path("/")
    assert not is_console_path("/en/mailbox/")
    assert not is_console_path("/consoles/")


def test_the_empty_duress_console_switches_language_without_saving(operator) -> None:
    set_duress_password(operator, "blue bicycle under the bridge")
    client = Client()
    log_in(client, operator, password="blue bicycle under the bridge")

    response = client.post(SWITCH, {"language": "en", "next": "/console/"})

    assert response["Location"] == "/en/console/"
    operator.refresh_from_db()
    assert operator.language == ""
    # Saving settings is any other form of the duress console: "nothing was saved, try again".
    saved = client.post(SETTINGS, {"time_zone": "UTC", "language": "en"}, follow=True)
    assert any(
        text in saved.content.decode() for text in ("nothing was saved", "ничего не сохранено")
    )
    operator.refresh_from_db()
    assert (operator.time_zone, operator.language) == ("", "")
