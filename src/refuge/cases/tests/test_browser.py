"""A web report taken to a case "in safety" through the real pages, in a real Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from refuge.accounts.roles import Role
from refuge.cases.models import Case, StageCode
from refuge.intake.models import ReporterKind, Urgency
from refuge.intake.services import submit_report
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


def _submit(page: Any) -> None:
    with page.expect_navigation():
        page.click("main form button[type=submit], main form button")


def test_a_web_report_becomes_a_case_in_safety(live_server: Any, page: Any) -> None:
    worker = make_operator("caseworker1", Role.CASE_WORKER, intake=True)
    thread = submit_report(
        body="My cousin told the police about me. I need to leave.",
        reporter_kind=ReporterKind.SELF,
        urgency=Urgency.IN_DANGER,
    ).thread
    base = live_server.url

    page.goto(base + reverse("accounts:login"))
    page.fill("input[name=username]", worker.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    _submit(page)
    page.fill("input[name=code]", current_code(worker))
    _submit(page)

    page.goto(base + reverse("cases:open_from_contact", args=[thread.contact.pk]))
    page.fill("input[name=pseudonym]", "Swift")
    _submit(page)
    assert "Swift" in page.inner_text("h1")
    assert "My cousin told the police" in page.content()

    page.click("text=Record a check")
    page.select_option("select[name=item]", "voice_or_video")
    page.fill("textarea[name=note]", "Video call, matches the report")
    _submit(page)

    # The person's own testimony, documented from the case file: it joins the timeline.
    page.click("main table a:text-is('Testimony')")
    page.select_option("select[name=event_type]", "individual_detention")
    page.fill("input[name=start_date]", "2017-03-01")
    page.fill("input[name=end_date]", "2017-03-03")
    page.select_option("select[name=date_precision]", "day")
    page.fill("input[name=place]", "Argun")
    page.check("input[name=violations][value=arbitrary_detention]")
    page.fill("input[name=origin_name]", "Swift")
    page.check("input[name=giver_is_victim]")
    _submit(page)
    assert "act(s) linked" in page.content()
    page.goto(base + reverse("cases:timeline", args=[Case.objects.get().pk]))
    timeline = page.inner_text("main table")
    assert "Testimony" in timeline
    assert "1 documented acts" in timeline

    page.goto(base + reverse("cases:detail", args=[Case.objects.get().pk]))
    for stage in ("In hiding", "Leaving the country", "In safety"):
        page.click("text=Change the stage")
        page.select_option("select[name=stage]", label=stage)
        _submit(page)
        assert "Stage changed." in page.content()

    assert "In safety" in page.inner_text("main p")
    case = Case.objects.get()
    assert case.stage.code == StageCode.IN_SAFETY
    assert case.stage_changes.count() == 4
