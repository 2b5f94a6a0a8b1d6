"""A real Chromium, in Russian, on a 360 px phone: a coordinator sees a locked account and
lifts the lock; a duress lock takes a second coordinator (REFUGE_UNLOCK_COORDINATORS=2)."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from refuge.accounts.models import LoginFailure, Operator
from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.testing import (
    CHROMIUM,
    TEST_PASSWORD,
    chromium_page,
    current_code,
    make_operator,
    set_duress_password,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True}
DURESS_PASSWORD = "blue bicycle under the bridge"
SHOTS = "/tmp/security-access-"


@pytest.fixture
def phone(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium_page(**PHONE) as page:
        page.set_default_timeout(90_000)  # the machine is shared: pages may take a while
        yield page


def _log_in(page: Any, base: str, operator: Operator) -> None:
    page.goto(base + reverse("accounts:login"))
    page.fill("input[name=username]", operator.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", current_code(operator))
    page.click("button[type=submit]")
    page.wait_for_selector("header.top")


def _log_out(page: Any) -> None:
    page.click("header.top form[action$='/logout/'] button")  # not the language switch
    page.wait_for_selector("input[name=username]")


def _fits(page: Any) -> bool:
    """The page's content fits the phone's 360 px (the shared header is tested on its own)."""
    return bool(page.evaluate("document.querySelector('main').scrollWidth <= 360"))


def _row(page: Any, operator: Operator) -> Any:
    return page.locator(f"#operator-{operator.pk}")


def test_a_coordinator_lets_a_delayed_operator_in_and_two_lift_a_duress_lock(
    phone: Any, live_server: Any, settings: Any
) -> None:
    settings.UNLOCK_COORDINATORS = 2
    settings.LOGIN_DELAY_BASE_SECONDS = 3600  # still waiting however slowly the pages load
    first = make_operator("coord", Role.COORDINATOR)
    second = make_operator("coord2", Role.COORDINATOR)
    delayed = make_operator("hotline1", Role.OPERATOR)
    coerced = make_operator("hotline2", Role.OPERATOR)
    stranger = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(settings.LOGIN_LOCKOUT_FAILURES):
        stranger.post(reverse("accounts:login"), {"username": "hotline1", "password": "guess"})
    set_duress_password(coerced, DURESS_PASSWORD)
    Client().post(reverse("accounts:login"), {"username": "hotline2", "password": DURESS_PASSWORD})
    page, base = phone, live_server.url

    _log_in(page, base, first)
    alerts = page.inner_text("section.coordinator-alerts")
    assert "hotline2 вошёл(ла) с паролем под принуждением" in alerts
    assert "hotline1: 5 неудачных попыток входа; вход заблокирован до" in alerts
    assert _fits(page)
    page.screenshot(path=f"{SHOTS}home-alerts.png", full_page=True)

    page.goto(base + reverse("accounts:operators"))
    delayed_row = _row(page, delayed).inner_text()
    assert "Вход заблокирован до" in delayed_row
    assert "5 неудачных попыток входа за последние сутки" in delayed_row
    assert "Заблокирована: введён пароль под принуждением" in _row(page, coerced).inner_text()
    assert "нужно согласие 2 координаторов" in _row(page, coerced).inner_text()
    assert _fits(page)
    page.screenshot(path=f"{SHOTS}operators-locked.png", full_page=True)

    _row(page, delayed).locator("form[action$='/lift-delay/'] button").click()
    page.wait_for_selector(".messages li.success")
    assert "hotline1 может снова войти прямо сейчас." in page.inner_text(".messages")
    assert "Вход заблокирован" not in _row(page, delayed).inner_text()
    assert not LoginFailure.objects.exists()

    _row(page, coerced).locator("form[action$='/unlock/'] button").click()
    page.wait_for_selector(".messages li.success")
    assert "Ещё 1 координатор должен согласиться." in page.inner_text(".messages")
    assert "Согласились: coord." in _row(page, coerced).inner_text()
    page.screenshot(path=f"{SHOTS}first-approval.png", full_page=True)
    coerced.refresh_from_db()
    assert coerced.locked_reason == "duress"
    _log_out(page)

    _log_in(page, base, second)
    page.goto(base + reverse("accounts:operators"))
    _row(page, coerced).locator("form[action$='/unlock/'] button").click()
    page.wait_for_selector(".messages li.success")
    assert "Учётная запись разблокирована." in page.inner_text(".messages")
    assert "Заблокирована" not in _row(page, coerced).inner_text()
    assert _fits(page)
    page.screenshot(path=f"{SHOTS}unlocked.png", full_page=True)

    coerced.refresh_from_db()
    assert coerced.locked_reason == ""
    approvals = AuditEvent.objects.filter(action=AuditAction.LOCK_LIFT_APPROVED)
    assert Counter(approvals.values_list("actor_id", flat=True)) == Counter([first.pk, second.pk])
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN_DELAY_LIFTED, actor_id=first.pk
    ).exists()
