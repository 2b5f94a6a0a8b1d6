"""The alarm journey in a real Chromium, in Russian: a coordinator puts an operator on call,
the operator says where alarms reach them, a person at 320 px with JavaScript off reports
"in danger now", the alarm arrives at a real SMTP server on loopback saying nothing of the
report, and its link brings the operator to the console, where the report waits."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.hotline.models import Contact
from refuge.hotline.tests.journey import journey_browsers
from refuge.oncall.models import Shift
from refuge.oncall.services.delivery import deliver_due
from refuge.testing import CHROMIUM
from refuge.testing.smtp import smtp_settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
BODY = "Меня ищут родственники, я прячусь у знакомых в Грозном"


def test_an_in_danger_report_reaches_the_operator_on_call_by_mail(
    live_server: Any,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    tmp_path: Path,
    coordinator: Operator,
    hotline_operator: Operator,
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    settings.INTAKE_MIN_FILL_SECONDS = 0
    settings.CONSOLE_URL = live_server.url
    with (
        smtp_settings(settings) as mailbox,
        journey_browsers(live_server.url, profile_dir=tmp_path / "profile") as (reporter, desk),
    ):
        desk.log_in(coordinator)
        desk.page.goto(live_server.url + reverse("oncall:rota"))
        assert "Сейчас никто не дежурит" in desk.text()
        start = timezone.localtime(timezone.now() - timedelta(minutes=5))
        desk.page.select_option("select[name=operator]", str(hotline_operator.pk))
        desk.page.select_option("select[name=position]", "primary")
        desk.page.fill("input[name=starts_at]", start.strftime("%Y-%m-%dT%H:%M"))
        desk.page.fill(
            "input[name=ends_at]", (start + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")
        )
        with desk.page.expect_navigation():
            desk.page.click("form[action$='/shifts/add/'] button")
        assert "Смена добавлена в график." in desk.page.inner_text(".messages")
        assert Shift.objects.get().operator_id == hotline_operator.pk
        desk.shot("oncall-1-rota")

        desk.switch_to(hotline_operator)
        assert "Тревоги не могут до вас дойти" in desk.home()
        desk.page.goto(live_server.url + reverse("oncall:settings"))
        desk.page.fill("input[name=email]", "dezhurny@alarms.test")
        desk.page.fill("input[name=quiet_from]", "23:00")
        desk.page.fill("input[name=quiet_until]", "07:00")
        with desk.page.expect_navigation():
            desk.page.click("main form button")
        assert "Настройки тревог сохранены." in desk.page.inner_text(".messages")
        home = desk.home()
        assert "Сейчас дежурят" in home
        assert hotline_operator.username in home
        assert "Тревоги не могут до вас дойти" not in home
        assert desk.fits_the_screen()
        desk.shot("oncall-2-home")

        reporter.send_report(body=BODY, urgency="in_danger")
        contact = Contact.objects.get()
        assert deliver_due().sent == 1  # what the worker does once the report is stored

        [mail] = mailbox.messages
        assert mailbox.recipients == [["dezhurny@alarms.test"]]
        subject = str(make_header(decode_header(mail["Subject"])))
        payload = mail.get_payload(decode=True)
        assert isinstance(payload, bytes)
        body = payload.decode()
        assert subject == "Refuge: 1 новое обращение, срочность: в опасности сейчас"
        for telling in ("Грозн", "родственники", "прячусь"):
            assert telling not in subject
            assert telling not in body
        [link] = re.findall(r"http://\S+", body)
        desk.page.goto(link)
        desk.queue()
        assert desk.queue_row(contact.pk).count() == 1
        desk.shot("oncall-3-queue-from-alarm")


def test_the_rota_fits_a_phone_warns_of_a_missing_second_person_and_telegram_links(
    live_server: Any,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    tmp_path: Path,
    coordinator: Operator,
    hotline_operator: Operator,
) -> None:
    from refuge.oncall.models import Position
    from refuge.oncall.services.preferences import alarm_telegram_chat, settings_of
    from refuge.oncall.services.staff_bot import poll_staff_bot
    from refuge.oncall.tests.support import staff_bot_settings

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    now = timezone.now()
    for day in range(6):  # a week of night shifts, the first with no second person
        start = now - timedelta(minutes=5) + timedelta(days=day)
        Shift.objects.create(
            operator=hotline_operator,
            position=Position.PRIMARY,
            starts_at=start,
            ends_at=start + timedelta(hours=10),
        )
        if day:
            Shift.objects.create(
                operator=coordinator,
                position=Position.BACKUP,
                starts_at=start,
                ends_at=start + timedelta(hours=10),
            )
    with (
        staff_bot_settings(settings) as api,
        journey_browsers(live_server.url, profile_dir=tmp_path / "profile") as (_reporter, desk),
    ):
        desk.log_in(coordinator)
        home = desk.home()
        assert "Сейчас нет второго дежурного" in home
        desk.page.goto(live_server.url + reverse("oncall:rota"))
        rota = desk.text()
        assert "1 смена впереди без второго дежурного" in rota
        assert "Дежурный — нет второго дежурного" in rota
        assert desk.fits_the_screen()
        # The table itself fits: each shift stacks its cells, nothing scrolls sideways.
        assert desk.page.evaluate(
            "(() => { const t = document.querySelector('table.rota');"
            " return t.scrollWidth <= t.clientWidth + 1 && t.getBoundingClientRect().right <= 361;"
            " })()"
        )
        desk.shot("oncall-4-rota-360")

        poll_staff_bot()  # the worker learns the bot's name for the deep link
        desk.switch_to(hotline_operator)
        desk.page.goto(live_server.url + reverse("oncall:settings"))
        with desk.page.expect_navigation():
            desk.page.click("form[action$='/telegram/link/'] button")
        code = desk.page.inner_text(".telegram-code code").removeprefix("/start ").strip()
        link = desk.page.get_attribute(".telegram-code a", "href")
        assert link == f"https://t.me/{api.username}?start={code}"
        assert desk.fits_the_screen()
        desk.shot("oncall-5-telegram-code")
        api.user_writes(555111, f"/start {code}")
        assert poll_staff_bot().linked == 1
        desk.page.goto(live_server.url + reverse("oncall:settings"))
        assert "Ваш Telegram привязан" in desk.text()
        desk.page.check("input[name=channels][value=both]")
        with desk.page.expect_navigation():
            desk.page.click("main form[method=post]:not([action]) button")
        assert "Настройки тревог сохранены." in desk.page.inner_text(".messages")
    assert alarm_telegram_chat(settings_of(hotline_operator)) == "555111"
    assert settings_of(hotline_operator).channels == "both"
