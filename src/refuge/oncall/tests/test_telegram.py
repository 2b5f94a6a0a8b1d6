"""The staff Telegram bot, against a faithful Bot API on loopback (refuge.testing.telegram):
an operator links their chat with a one-time code, alarms reach them there saying nothing of
anyone, the chat id is sealed at rest, and Telegram's refusals (a blocked bot, "too many
requests", a wrong token) end as Telegram means them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction, AuditEvent
from refuge.core.telegram import BotClient, TelegramError
from refuge.hotline.tests.factories import client_for, web_report
from refuge.intake.models import Urgency
from refuge.oncall.models import (
    AlarmSettings,
    ChannelChoice,
    Delivery,
    DeliveryStatus,
    StaffBotState,
    TelegramLinkCode,
)
from refuge.oncall.services.delivery import deliver_due
from refuge.oncall.services.preferences import (
    alarm_telegram_chat,
    save_alarm_settings,
    settings_of,
)
from refuge.oncall.services.staff_bot import (
    PollRun,
    handle_updates,
    poll_staff_bot,
    start_linking,
)
from refuge.oncall.tests.support import staff, staff_bot_settings
from refuge.testing.smtp import smtp_settings
from refuge.testing.telegram import BotApi, telegram_bot_api

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = 987654321
LINKED = "Привязано: тревоги Refuge будут приходить сюда."
NOT_VALID = "Этот код не действует"
SECRET_WORDS = ("квартиру", "Они пришли")


def _link(api: BotApi, operator: Operator, chat: int = CHAT, channels: str = "") -> None:
    code = start_linking(operator)
    api.user_writes(chat, f"/start {code.code}")
    assert poll_staff_bot().linked == 1
    if channels:
        current = settings_of(operator)
        save_alarm_settings(
            operator=operator,
            email=f"{operator.username}@alarms.test",
            quiet_from=None,
            quiet_until=None,
            expected_version=current.version,
            channels=channels,
        )


def test_the_client_speaks_the_bot_api_and_a_wrong_token_is_unauthorized() -> None:
    with telegram_bot_api() as api:
        bot = BotClient(api.token, base_url=api.base_url, timeout=5)
        assert bot.get_me()["username"] == api.username
        first = api.user_writes(CHAT, "привет")
        second = api.user_writes(CHAT, "ещё")
        assert [u["update_id"] for u in bot.get_updates()] == [first, second]
        assert [u["update_id"] for u in bot.get_updates(offset=second)] == [second]
        assert bot.get_updates(offset=second + 1, timeout=0) == []  # confirmed: gone
        sent = bot.send_message(CHAT, "ответ")
        assert api.sent_to(CHAT) == ["ответ"]
        assert bot.delete_message(CHAT, sent["message_id"]) is True
        assert api.sent_to(CHAT) == []
        with pytest.raises(TelegramError) as wrong:
            BotClient("1:wrong", base_url=api.base_url).get_me()
        assert (wrong.value.code, wrong.value.status) == ("unauthorized", 401)
        assert "wrong" not in repr(BotClient("1:wrong", base_url=api.base_url))


def test_a_long_poll_waits_for_a_message_and_returns_when_it_comes() -> None:
    import threading

    with telegram_bot_api() as api:
        bot = BotClient(api.token, base_url=api.base_url, timeout=5)
        timer = threading.Timer(0.5, api.user_writes, args=(CHAT, "/start X"))
        timer.start()
        started = timezone.now()
        updates = bot.get_updates(timeout=10)
        waited = (timezone.now() - started).total_seconds()
        timer.join()
    assert len(updates) == 1
    assert 0.3 < waited < 5


def test_an_operator_links_telegram_with_the_one_time_code_and_the_chat_id_is_sealed(
    settings: Any,
) -> None:
    people = staff()
    operator = people["on_call"]
    with staff_bot_settings(settings) as api:
        assert poll_staff_bot().linked == 0  # learns the bot's name for the deep link
        code = start_linking(operator)
        assert code.deep_link == f"https://t.me/{api.username}?start={code.code}"
        stored = TelegramLinkCode.objects.get(operator=operator)
        assert code.code not in stored.digest  # only a keyed hash is kept
        update_id = api.user_writes(CHAT, f"/start {code.code}")
        run = poll_staff_bot()
        assert (run.linked, run.refused) == (1, 0)
        [reply] = api.sent_to(CHAT)
        assert reply.startswith(LINKED)
        assert poll_staff_bot().linked == 0  # confirmed: never handled twice
        assert api.pending_updates() == 0
    assert StaffBotState.objects.get().last_update_id == update_id
    assert alarm_telegram_chat(settings_of(operator)) == str(CHAT)
    assert not TelegramLinkCode.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT telegram_chat_sealed FROM oncall_alarmsettings")
        [raw] = [row[0] for row in cursor.fetchall() if row[0] is not None]
    assert str(CHAT).encode() not in bytes(raw)
    details = [
        event.details.get("telegram")
        for event in AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGED).order_by(
            "sequence"
        )
    ]
    assert details[-2:] == ["code_issued", "linked"]


def test_a_wrong_an_expired_and_a_reused_code_are_refused(settings: Any) -> None:
    people = staff()
    operator = people["on_call"]
    with staff_bot_settings(settings) as api:
        api.user_writes(CHAT, "/start WRONGCODE7")
        assert poll_staff_bot().refused == 1
        assert api.sent_to(CHAT)[-1].startswith(NOT_VALID)

        expired = start_linking(operator)
        api.user_writes(CHAT, f"/start {expired.code}")
        settings.TELEGRAM_LINK_MINUTES = 15
        late = timezone.now() + timedelta(minutes=16)
        assert poll_staff_bot(now=late).refused == 1
        assert api.sent_to(CHAT)[-1].startswith(NOT_VALID)

        code = start_linking(operator)
        api.user_writes(CHAT, f"/start {code.code}")
        assert poll_staff_bot().linked == 1
        api.user_writes(CHAT + 1, f"/start {code.code}")  # someone else tries the same code
        assert poll_staff_bot().refused == 1
        assert api.sent_to(CHAT + 1)[-1].startswith(NOT_VALID)
        api.user_writes(CHAT, "привет")
        assert poll_staff_bot().skipped == 0
        assert "только доставляет тревоги" in api.sent_to(CHAT)[-1]
    assert alarm_telegram_chat(settings_of(operator)) == str(CHAT)


def test_a_malformed_update_is_skipped_and_the_next_one_is_handled(settings: Any) -> None:
    people = staff()
    with staff_bot_settings(settings) as api:
        api.raw_update({"update_id": 5, "message": {"chat": "not a chat"}})
        api.raw_update({"update_id": 6, "edited_message": {}})
        code = start_linking(people["on_call"])
        linked = api.user_writes(CHAT, f"/start {code.code}")
        run = poll_staff_bot()
    assert (run.skipped, run.linked) == (2, 1)
    assert StaffBotState.objects.get().last_update_id == linked


def test_a_wrong_bot_token_is_kept_as_a_code_and_shown_to_coordinators(settings: Any) -> None:
    people = staff()
    with staff_bot_settings(settings):
        settings.TELEGRAM_STAFF_TOKEN = "1:not-the-token"
        assert poll_staff_bot().error == "unauthorized"
        page = client_for(people["coordinator"]).get(reverse("oncall:rota")).content.decode()
    assert StaffBotState.objects.get().error == "unauthorized"
    assert "REFUGE_TELEGRAM_STAFF_TOKEN" in page


def test_an_alarm_reaches_a_linked_operator_in_telegram_and_says_nothing_of_the_report(
    settings: Any,
) -> None:
    people = staff()
    with staff_bot_settings(settings) as api, smtp_settings(settings) as mailbox:
        _link(api, people["on_call"], channels=ChannelChoice.BOTH)
        web_report("Они пришли на мою квартиру ночью.", urgency=Urgency.IN_DANGER)
        run = deliver_due()
    assert run.sent == 2
    [text] = api.sent_to(CHAT)[1:]
    assert text.startswith("Refuge: 1 новое обращение, срочность: в опасности сейчас")
    assert "/console/" in text
    for word in SECRET_WORDS:
        assert word not in text
    assert mailbox.recipients == [["dezhurny@alarms.test"]]
    channels = sorted(
        event.details["channel"]
        for event in AuditEvent.objects.filter(action=AuditAction.ALARM_SENT)
    )
    assert channels == ["email", "telegram"]


def test_a_blocked_bot_fails_at_once_with_its_own_code_and_is_audited(settings: Any) -> None:
    people = staff()
    with staff_bot_settings(settings) as api:
        _link(api, people["on_call"], channels=ChannelChoice.TELEGRAM)
        api.blocks_the_bot(CHAT)
        web_report(urgency=Urgency.IN_DANGER)
        run = deliver_due()
        page = client_for(people["coordinator"]).get(reverse("oncall:rota")).content.decode()
    assert run.failed == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.error, delivery.attempts) == (
        DeliveryStatus.FAILED,
        "telegram_blocked",
        1,
    )
    assert delivery.error_label.startswith("оператор заблокировал бота")
    event = AuditEvent.objects.get(action=AuditAction.ALARM_FAILED)
    assert event.details["error"] == "telegram_blocked"
    assert event.details["channel"] == "telegram"
    assert "оператор заблокировал бота" in page
    assert str(CHAT) not in page


def test_too_many_requests_is_retried_after_the_retry_after_telegram_gives(
    settings: Any,
) -> None:
    people = staff()
    with staff_bot_settings(settings) as api:
        _link(api, people["on_call"], channels=ChannelChoice.TELEGRAM)
        api.fail_next("sendMessage", 429, "Too Many Requests: retry after 40", retry_after=40)
        web_report(urgency=Urgency.IN_DANGER)
        now = timezone.now()
        assert deliver_due(now=now).retrying == 1
        delivery = Delivery.objects.get()
        assert delivery.error == "telegram_rate_limited"
        assert delivery.next_attempt_at == now + timedelta(seconds=40)
        assert deliver_due(now=now + timedelta(seconds=39)).sent == 0
        assert deliver_due(now=now + timedelta(seconds=40)).sent == 1
        assert len(api.sent_to(CHAT)) == 2  # "linked", then the one alarm
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_telegram_down_is_retried_and_an_unlinked_operator_falls_back_to_email(
    settings: Any,
) -> None:
    people = staff()
    operator = people["on_call"]
    with staff_bot_settings(settings) as api:
        _link(api, operator, channels=ChannelChoice.TELEGRAM)
        api.fail_next("sendMessage", 502, "Bad Gateway")
        web_report(urgency=Urgency.IN_DANGER)
        now = timezone.now()
        assert deliver_due(now=now).retrying == 1
        assert Delivery.objects.get().error == "telegram_error"
        assert deliver_due(now=now + timedelta(minutes=1)).sent == 1
    client = client_for(operator)
    response = client.post(reverse("oncall:unlink_telegram"))
    assert response.status_code == 302
    current = AlarmSettings.objects.get(operator=operator)
    assert current.telegram_chat_sealed is None
    assert current.channels == ChannelChoice.EMAIL
    latest = (
        AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGED).order_by("-sequence").first()
    )
    assert latest is not None
    assert latest.details["telegram"] == "unlinked"


def test_the_settings_page_shows_a_code_once_and_refuses_telegram_before_linking(
    settings: Any,
) -> None:
    people = staff()
    operator = people["on_call"]
    with staff_bot_settings(settings) as api:
        client = client_for(operator)
        page = client.get(reverse("oncall:settings")).content.decode()
        assert "Привязать Telegram" in page
        refused = client.post(
            reverse("oncall:settings"),
            {"email": "dezhurny@alarms.test", "channels": "telegram", "version": 1},
        ).content.decode()
        assert "Сначала привяжите Telegram" in refused
        shown = client.post(reverse("oncall:link_telegram"))
        assert "no-store" in shown["Cache-Control"]
        text = shown.content.decode()
        [code] = [
            word.removesuffix("</code></strong></p>")
            for word in text.split()
            if word.endswith("</code></strong></p>")
        ]
        assert code not in client.get(reverse("oncall:settings")).content.decode()
        api.user_writes(CHAT, f"/start {code}")
        assert poll_staff_bot().linked == 1
        assert "Отвязать Telegram" in client.get(reverse("oncall:settings")).content.decode()


def test_a_slow_telegram_times_out_and_is_retried(settings: Any) -> None:
    people = staff()
    with staff_bot_settings(settings) as api:
        _link(api, people["on_call"], channels=ChannelChoice.TELEGRAM)
        settings.ALARM_SEND_TIMEOUT = 1
        api.delay = 3
        web_report(urgency=Urgency.IN_DANGER)
        now = timezone.now()
        assert deliver_due(now=now).retrying == 1
        assert Delivery.objects.get().error == "telegram_timeout"
        api.delay = 0
        assert deliver_due(now=now + timedelta(minutes=1)).sent == 1


def test_the_staffbot_command_checks_the_token_and_polls(settings: Any) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    people = staff()
    with staff_bot_settings(settings) as api:
        out = StringIO()
        call_command("staffbot", stdout=out)
        assert f"@{api.username}" in out.getvalue()
        code = start_linking(people["on_call"])
        api.user_writes(CHAT, f"/start {code.code}")
        out = StringIO()
        call_command("staffbot", "--poll", stdout=out)
        assert out.getvalue().strip() == "linked 1, refused 0, skipped 0"
        settings.TELEGRAM_STAFF_TOKEN = "1:wrong"
        with pytest.raises(CommandError, match="unauthorized"):
            call_command("staffbot")
    settings.TELEGRAM_STAFF_TOKEN = ""
    with pytest.raises(CommandError, match="not set"):
        call_command("staffbot")


def test_without_a_staff_bot_a_telegram_only_operator_has_no_channel(settings: Any) -> None:
    people = staff()
    with staff_bot_settings(settings) as api:
        _link(api, people["on_call"], channels=ChannelChoice.TELEGRAM)
    settings.TELEGRAM_STAFF_TOKEN = ""  # the bot was taken down after linking
    web_report(urgency=Urgency.IN_DANGER)
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.error) == (
        "none",
        DeliveryStatus.FAILED,
        "no_channel",
    )


def test_two_workers_polling_at_once_link_once_and_a_conflict_is_no_alarm(settings: Any) -> None:
    people = staff()
    with staff_bot_settings(settings) as api:
        code = start_linking(people["on_call"])
        api.user_writes(CHAT, f"/start {code.code}")
        # The other worker's getUpdates ended this one's (Telegram's 409).
        api.fail_next("getUpdates", 409, "Conflict: terminated by other getUpdates request")
        assert poll_staff_bot().error == "conflict"
        assert StaffBotState.objects.get().error == ""
        assert poll_staff_bot().linked == 1
        # A second worker that fetched the same batch before the offset moved skips it.
        code = start_linking(people["second"])
        api.user_writes(CHAT + 7, f"/start {code.code}")
        bot = BotClient(api.token, base_url=api.base_url)
        batch = bot.get_updates(offset=StaffBotState.objects.get().last_update_id + 1)
        first, second = PollRun(), PollRun()
        handle_updates(batch, first, now=timezone.now())
        handle_updates(batch, second, now=timezone.now())
        assert (first.linked, second.linked, len(second.replies)) == (1, 0, 0)
    assert len([t for t in api.sent_to(CHAT) if t.startswith(LINKED)]) == 1


def test_the_client_reads_a_proxy_error_page_and_a_dead_port_as_codes() -> None:
    import http.server
    import threading

    class Proxy(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(502)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>Bad Gateway</html>")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        bot = BotClient("1:x", base_url=f"http://127.0.0.1:{server.server_address[1]}")
        with pytest.raises(TelegramError) as proxy:
            bot.send_message(CHAT, "тест")
        assert (proxy.value.code, proxy.value.status) == ("server", 502)
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(TelegramError) as dead:
        BotClient("1:x", base_url="http://127.0.0.1:9").get_me()
    assert dead.value.code == "unreachable"
