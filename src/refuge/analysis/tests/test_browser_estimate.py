"""An analyst asks for a latent-class estimate in a real Chromium (Russian, 360 px), watches its
progress while the worker runs it, then reads both methods side by side."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.analysis.jobs import run_estimate_job
from refuge.analysis.linking import run_linkage
from refuge.analysis.models import EstimateJob, EstimateJobStatus
from refuge.analysis.tests.test_statistics import _document
from refuge.core.timezones import zoned
from refuge.documentation.choices import SourceKind, ViolationType
from refuge.testing import (
    CHROMIUM,
    TEST_PASSWORD,
    chromium_page,
    current_code,
    keyring_for,
    make_operator,
)
from refuge.vault import api as vault

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]

FIRST = ["Ruslan", "Islam", "Adam", "Magomed", "Zelimkhan", "Akhmed", "Rizvan", "Umar"]
LAST = ["Testov", "Primerov", "Obraztsov", "Shablonov", "Vymyshlenny", "Uslovny"]
PEOPLE = [f"{first} {last}" for first in FIRST for last in LAST]  # 48 fictional names


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium_page(viewport={"width": 360, "height": 780}) as browser_page:
        yield browser_page


def _documented_on_three_lists_and_linked() -> int:
    """48 people: every testimony, media report and other organisation's report names some of
    them, overlapping the way independent lists would; a linkage run joins each person's
    records (its id is returned)."""
    chief = make_operator("chief", Role.COORDINATOR)
    lists = {
        SourceKind.TESTIMONY: PEOPLE[0:30],
        SourceKind.MEDIA_REPORT: PEOPLE[12:36] + PEOPLE[0:4],
        SourceKind.ORGANISATION_REPORT: PEOPLE[20:44] + PEOPLE[2:8],
    }
    with vault.activated(keyring_for(chief)):
        for kind, names in lists.items():
            _document(
                chief,
                names=names,
                violation=ViolationType.ARBITRARY_DETENTION,
                kind=kind,
                origin=str(kind),
            )
        return run_linkage(analyst=chief).pk


def _log_in(page: Any, base: str, analyst: Operator) -> None:
    page.goto(base + reverse("accounts:login"))
    page.fill("#id_username", analyst.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/code/**")
    page.fill("#id_code", current_code(analyst))
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_analyst_watches_a_latent_class_estimate_and_reads_both_methods(
    page: Any, live_server: Any, settings: Any
) -> None:
    # Short chains: the page is under test here, not the sampler (test_lcmcr_* check that).
    settings.ANALYSIS_LCMCR_SAMPLER = {
        "chains": 2,
        "burn_in": 500,
        "iterations": 2_000,
        "thin": 2,
        "max_classes": 5,
    }
    run = _documented_on_three_lists_and_linked()
    analyst = make_operator("numbers", Role.ANALYST)
    _log_in(page, live_server.url, analyst)

    page.goto(live_server.url + reverse("analysis:estimate"))
    for kind in ("testimony", "media_report", "organisation_report"):
        page.check(f"input[name=lists][value={kind}]")
    page.check("input[name=method][value=lcmcr]")
    page.screenshot(path="/tmp/lcmcr-1-form.png", full_page=True)
    page.click("form.estimate button[type=submit]")
    page.wait_for_selector("progress")
    # Read the waiting page at once: it reloads itself after five seconds.
    waiting, basis = page.inner_text("section.progress"), page.inner_text("p.linkage-basis")
    assert "Ждёт фонового обработчика" in waiting
    assert f"по прогону сопоставления {run} " in basis
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    page.screenshot(path="/tmp/lcmcr-2-queued.png", full_page=True)
    job = EstimateJob.objects.get()
    assert sum(job.counts) == 44
    assert job.linkage["run"] == run

    looked: list[str] = []

    def look_while_running(fraction: float) -> None:
        if looked or fraction < 0.3:
            return
        page.reload()
        looked.append(page.inner_text("section.progress"))
        page.screenshot(path="/tmp/lcmcr-3-running.png", full_page=True)

    run_estimate_job(job.pk, on_progress=look_while_running)

    assert looked
    assert "Идёт расчёт" in looked[0]
    assert "выполнено" in looked[0]
    assert "выполнено 0%" not in looked[0]
    assert EstimateJob.objects.get().status == EstimateJobStatus.DONE
    page.reload()
    page.wait_for_selector("table.methods")
    page.screenshot(path="/tmp/lcmcr-4-both.png", full_page=True)
    headers = page.locator("table.methods thead th").all_inner_texts()
    assert headers[1:] == ["Лог-линейные модели", "Латентные классы (LCMCR)"]
    assert page.locator("table.methods td.figure").count() == 2
    body = page.inner_text("main")
    assert "Что предполагает каждый метод" in body
    assert "Всего три списка" in body  # the latent-class warning, in Russian
    assert "R-hat" in body
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert _fits_the_screen(page)

    # Back to the list: the job is there, requested when, in the analyst's zone, with the zone.
    page.click("text=К списку оценок")
    row = page.inner_text("table.jobs tbody tr")
    page.screenshot(path="/tmp/lcmcr-5-list.png", full_page=True)
    assert zoned(job.requested_at) in row
    assert "MSK" in row
    assert "Готово" in row
    assert _fits_the_screen(page)  # the table scrolls within itself
