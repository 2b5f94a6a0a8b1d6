"""Flags and intake duty in a real Chromium, in Russian, the operators on a 360 px phone:
a call from a flagged number shows the flag; the case opened for that person shows it and
verification cannot pass it silently; a new operator put on intake duty sees the waiting
"in danger now" report."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.cases.models import Case, StageChange, VerificationItem
from refuge.hotline import services
from refuge.hotline.models import Contact, IdentifierKind, ProfileFlagKind
from refuge.hotline.tests.factories import contact_of, web_report
from refuge.intake.models import Urgency
from refuge.testing import (
    BROWSER_TIMEOUT_MS,
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
PHONE = {"width": 360, "height": 780}
SHOTS = "/tmp/journey-hotline-"
FLAGGED_NUMBER = "+7 928 404-04-04"


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium_page(viewport=PHONE) as page:
        yield page


def _phone_page(page: Any) -> Any:
    """Another person's browser: a fresh context, also a 360 px phone, in Russian."""
    context = page.context.browser.new_context(locale="ru-RU", viewport=PHONE)
    other = context.new_page()
    other.set_default_timeout(BROWSER_TIMEOUT_MS)
    return other


def _log_in(page: Any, base: str, operator: Operator) -> None:
    page.goto(base + reverse("accounts:login"))
    page.fill("input[name=username]", operator.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.fill("input[name=code]", current_code(operator))
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_selector("header.top")


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def _flag_a_number(owner: Operator) -> None:
    with vault.activated(keyring_for(owner)):
        profile = services.create_profile(operator=owner, pseudonym="Гость с вокзала")
        services.add_profile_identifier(
            operator=owner, profile=profile, kind=IdentifierKind.PHONE, value=FLAGGED_NUMBER
        )
        services.flag_profile(
            operator=owner,
            profile=profile,
            kind=ProfileFlagKind.SUSPECTED_INFILTRATOR,
            expires_at=timezone.now() + timedelta(days=30),
            note="Выспрашивал адрес убежища",
        )


def _log_the_call(page: Any, base: str) -> None:
    page.goto(base + reverse("hotline:call"))
    page.fill("input[name=callback_number]", "8 (928) 404 04 04")
    page.fill("textarea[name=what_they_said]", "Говорит, что его выгнали из дома, просит адрес")
    page.select_option("select[name=urgency]", Urgency.IN_DANGER)
    _submit(page, "button[name=check]")  # while the caller is still on the line


def test_a_call_from_a_flagged_number_shows_the_flag_then_the_case_refuses_a_silent_check(
    live_server: Any, browser: Any
) -> None:
    coordinator = make_operator("coord", Role.COORDINATOR, intake=False)
    operator = make_operator("nadia", Role.OPERATOR, intake=False)
    worker = make_operator("timur", Role.CASE_WORKER, intake=True)
    _flag_a_number(coordinator)
    base, page = live_server.url, browser

    _log_in(page, base, operator)
    _log_the_call(page, base)
    warning = page.inner_text("section.flag")
    page.screenshot(path=SHOTS + "call-check.png", full_page=True)
    assert "Подозрение на провокатора" in warning
    assert "coord" in warning
    assert "недоступен" in warning  # nadia cannot read the profile: she is told whom to ask
    assert "адрес убежища" not in page.content()
    _submit(page, "main form button:not([name=check])")
    contact = Contact.objects.get()
    assert page.url.endswith(reverse("hotline:contact", args=[contact.pk]))
    assert "Подозрение на провокатора" in page.inner_text("section.flag")
    assert "Открыть дело" not in page.inner_text("main")  # operators cannot open cases
    assert _fits_the_screen(page)
    page.screenshot(path=SHOTS + "call-contact.png", full_page=True)

    case_page = _phone_page(page)  # the case worker, on intake duty, reads the call
    _log_in(case_page, base, worker)
    case_page.goto(base + reverse("hotline:contact", args=[contact.pk]))
    _submit(case_page, f"a[href$='/cases/open/{contact.pk}/']")
    case_page.fill("input[name=pseudonym]", "Стриж")
    _submit(case_page, "main form button")
    case = Case.objects.get()
    assert "Подозрение на провокатора" in case_page.inner_text("section.flag")
    case_page.screenshot(path=SHOTS + "case-flag.png", full_page=True)

    case_page.goto(base + reverse("cases:add_verification", args=[case.pk]))
    case_page.select_option("select[name=item]", "no_red_flags")
    _submit(case_page, "main form button")
    refused = case_page.inner_text("main")
    case_page.screenshot(path=SHOTS + "case-check-refused.png", full_page=True)
    assert "«нет признаков провокатора» записать нельзя" in refused
    assert not VerificationItem.objects.exists()

    case_page.goto(base + reverse("cases:change_stage", args=[case.pk]))
    case_page.select_option("select[name=stage]", label="В опасности")
    _submit(case_page, "main form button")
    assert "нужна письменная причина" in case_page.inner_text("main")
    case_page.fill("textarea[name=reason]", "Видеозвонок с партнёрской организацией, знают его")
    _submit(case_page, "main form button")
    assert "проверка пройдена вопреки отметке безопасности" in case_page.inner_text("main")
    assert StageChange.objects.get(case=case, overrode_flags=True)
    assert _fits_the_screen(case_page)
    case_page.screenshot(path=SHOTS + "case-stage-overridden.png", full_page=True)


def test_a_new_operator_put_on_intake_duty_sees_the_waiting_report(
    live_server: Any, browser: Any
) -> None:
    coordinator = make_operator("coord", Role.COORDINATOR, intake=True)
    newcomer = make_operator("lena", Role.OPERATOR, intake=False)
    report = contact_of(
        web_report(body="Они у подъезда, я заперлась в ванной", urgency=Urgency.IN_DANGER)
    )
    base, page = live_server.url, browser

    _log_in(page, base, newcomer)
    page.goto(base + reverse("hotline:queue"))
    notice = page.inner_text("section.out-of-reach")
    page.screenshot(path=SHOTS + "queue-out-of-reach.png", full_page=True)
    assert "1 ожидающее обращение вам не показано" in notice
    assert "«в опасности сейчас»" in notice
    assert "Координаторы: coord" in notice
    assert f"/contacts/{report.pk}/" not in page.content()

    coordinator_page = _phone_page(page)
    _log_in(coordinator_page, base, coordinator)
    coordinator_page.goto(base + reverse("hotline:intake_duty"))
    row = coordinator_page.locator("tr", has_text="lena")
    assert "0 / 1" in row.inner_text()
    _submit(coordinator_page, f"form[action$='/intake-duty/{newcomer.pk}/'] button")
    assert "lena на приёме обращений" in coordinator_page.inner_text(".messages")
    assert "1 / 1" in coordinator_page.locator("tr", has_text="lena").inner_text()
    coordinator_page.screenshot(path=SHOTS + "intake-duty.png", full_page=True)

    page.reload()
    row = page.locator("tr", has=page.locator(f"a[href$='/contacts/{report.pk}/']"))
    assert row.locator("td.urgent").count() == 1  # "in danger now", marked urgent
    assert page.locator("section.out-of-reach").count() == 0
    assert _fits_the_screen(page)
    page.screenshot(path=SHOTS + "queue-after-duty.png", full_page=True)
    _submit(page, f"a[href$='/contacts/{report.pk}/']")
    assert "заперлась в ванной" in page.inner_text("main")
