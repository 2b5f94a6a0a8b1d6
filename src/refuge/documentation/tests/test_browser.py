"""A lawyer documents an event in a real Chromium and sees the act corroborated."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.documentation.models import Act, Perpetrator, Source, Victim
from refuge.testing import CHROMIUM, TEST_PASSWORD, chromium_page, current_code, make_operator

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium_page() as browser_page:
        yield browser_page


def _log_in(page: Any, base: str, lawyer: Operator) -> None:
    page.goto(base + reverse("accounts:login"))
    page.fill("#id_username", lawyer.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/code/**")
    page.fill("#id_code", current_code(lawyer))
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _first_testimony(page: Any, base: str) -> None:
    page.goto(base + reverse("documentation:testimony"))
    page.select_option("#id_event_type", "detention_campaign")
    page.fill("#id_title", "Detentions at the car wash")
    page.fill("#id_description", "Two men taken at night and held for a week.")
    page.fill("#id_start_date", "2017-03-01")
    page.fill("#id_end_date", "2017-03-08")
    page.select_option("#id_date_precision", "day")
    page.fill("#id_place", "Аргун")
    page.fill("#id_new_victims", "Ruslan Testov\nIslam Primerov")
    page.check("input[name=violations][value=arbitrary_detention]")
    page.fill("#id_new_perpetrator_name", "Police unit (fictional)")
    page.select_option("#id_new_perpetrator_kind", "unit")
    page.select_option("#id_new_perpetrator_affiliation", "police")
    page.select_option("#id_source_kind", "testimony")
    page.fill("#id_origin_name", "Witness Adam")
    page.fill("#id_summary", "Saw both men put into a police car.")
    page.fill("#id_received_on", "2017-04-01")
    page.click("form.testimony button[type=submit]")
    page.wait_for_selector("table.acts")


def _second_testimony(page: Any) -> None:
    page.click("a[href$='/source/']")
    page.wait_for_selector("form.testimony")
    for box in page.query_selector_all("input[name=victims]"):
        box.check()
    page.check("input[name=violations][value=arbitrary_detention]")
    for box in page.query_selector_all("input[name=perpetrators]"):
        box.check()
    page.fill("#id_origin_name", "Neighbour Zarema")
    page.fill("#id_summary", "Heard the men were held at the commandant's office.")
    page.fill("#id_received_on", "2017-04-03")
    page.click("form.testimony button[type=submit]")
    page.wait_for_selector("table.acts")


def test_a_lawyer_documents_an_event_that_ends_up_corroborated(live_server, page) -> None:
    lawyer = make_operator("lawyer-browser", Role.LAWYER)
    base = live_server.url

    _log_in(page, base, lawyer)
    _first_testimony(page, base)
    single = page.inner_text("table.acts")
    _second_testimony(page)

    assert "Один источник" in single
    labels = page.locator("table.acts .confidence-label").all_inner_texts()
    assert labels == ["Подтверждено 2 независимыми источниками"] * 2
    sources = page.locator(".sources .source").all_inner_texts()
    assert len(sources) == 2
    assert "Witness Adam" in sources[0]
    assert "Neighbour Zarema" in sources[1]
    assert "Police unit (fictional)" in page.inner_text("table.acts")
    assert Victim.objects.count() == 2
    assert Perpetrator.objects.count() == 1
    assert Source.objects.count() == 2
    assert Act.objects.count() == 2
