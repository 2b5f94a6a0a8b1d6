"""An analyst (Russian, 360 px) links the victims, reviews a merge with its evidence and
splits it, in a real Chromium; the next run keeps the split."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.analysis import linking
from refuge.analysis.models import PairDecision, PersonLink
from refuge.documentation.choices import SourceKind, ViolationType
from refuge.documentation.models import Victim
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


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium_page(viewport={"width": 360, "height": 780}) as browser_page:
        # The linkage run answers the request that starts it (until there is a background worker):
        # on a loaded machine that took more than the default 15 s (PostgreSQL, load 17).
        browser_page.set_default_timeout(60_000)
        yield browser_page


def _log_in(page: Any, base: str, operator: Operator) -> None:
    page.goto(base + reverse("accounts:login"))
    page.fill("#id_username", operator.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/code/**")
    page.fill("#id_code", current_code(operator))
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_an_analyst_reviews_a_merge_and_splits_it(live_server, page) -> None:
    from refuge.analysis.tests.test_statistics import _document

    lawyer = make_operator("lawyer", Role.LAWYER)
    analyst = make_operator("numbers", Role.ANALYST)
    with vault.activated(keyring_for(lawyer)):
        _document(
            lawyer,
            names=["Кадыров Ахмед Магомедович", "Исаев Руслан", "Умарова Хава"],
            violation=ViolationType.ARBITRARY_DETENTION,
            kind=SourceKind.TESTIMONY,
            origin="caller",
        )
        _document(
            lawyer,
            names=["Akhmed Kadyrov"],
            violation=ViolationType.ARBITRARY_DETENTION,
            kind=SourceKind.MEDIA_REPORT,
            origin="outlet",
        )
        latin = next(v for v in Victim.objects.all() if v.real_name == "Akhmed Kadyrov")
        cyrillic = next(
            v for v in Victim.objects.all() if v.real_name == "Кадыров Ахмед Магомедович"
        )
    base = live_server.url
    _log_in(page, base, analyst)

    page.goto(base + reverse("analysis:clusters"))
    assert "Сопоставление ещё не проводилось" in page.inner_text("main")
    page.click("text=Сопоставить пострадавших заново")
    page.wait_for_selector("section.person")
    main = page.inner_text("main")
    assert "Человек" in main
    assert "записей — 2" in main
    assert "Akhmed Kadyrov" in main
    assert "Кадыров Ахмед Магомедович" in main
    assert "surname" in page.inner_text("table.evidence")  # which fields agreed
    assert "средняя связь" in main  # the method, in Russian
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"the people page is {width}px wide at 360px"
    page.screenshot(path="/tmp/linkage-people-merged.png", full_page=True)

    page.check(f"input[name=victims][value='{latin.pk}']")
    page.click("text=Отделить отмеченные записи")
    page.wait_for_selector(".messages")
    assert "Разделено" in page.inner_text(".messages")
    assert "Ни у кого нет больше одной записи" in page.inner_text("main")
    page.screenshot(path="/tmp/linkage-people-split.png", full_page=True)

    decision = PairDecision.objects.get(
        victim_low=min(latin.pk, cyrillic.pk), victim_high=max(latin.pk, cyrillic.pk)
    )
    assert decision.same_person is False
    page.click("text=Сопоставить пострадавших заново")
    page.wait_for_load_state()
    assert "Ни у кого нет больше одной записи" in page.inner_text("main")
    run = linking.latest_run()
    assert run is not None
    people = dict(PersonLink.objects.filter(run=run).values_list("victim_id", "person"))
    assert people[latin.pk] != people[cyrillic.pk]
