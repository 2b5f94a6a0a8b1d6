"""Rate limits (hashed addresses, one window; shared addresses per browser within a shared
budget), the JavaScript-free spam trap."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from refuge.audit.models import AuditAction, AuditEvent
from refuge.intake import abuse
from refuge.intake.browser import COOKIE_NAME
from refuge.intake.models import RateCounter, Thread
from refuge.intake.tests.support import follow_303, report_data

pytestmark = pytest.mark.django_db

RATE_MESSAGE = "Слишком много попыток с вашего подключения за последний час."
BUSY_MESSAGE = "Сейчас на линию поступает очень много обращений."
TOR_DAEMON = "127.0.0.1"  # an onion service's Tor daemon connects from loopback: shared


def _limits(settings, **changes: int) -> None:
    settings.INTAKE_RATE_LIMITS = {**settings.INTAKE_RATE_LIMITS, **changes}


def _post_report(address: str, client: Client | None = None, **headers: Any) -> str:
    client = client or Client(REMOTE_ADDR=address, **headers)
    page = follow_303(client, client.post("/", report_data(client))).content.decode()
    # Going on to another page ends the receipt page (views._show_receipt), as a person
    # does; otherwise this browser's next "/" would say the receipt was shown already.
    client.get("/mailbox/")
    return page


def test_one_address_is_limited_and_another_is_not(settings) -> None:
    _limits(settings, **{"report:address": 2})
    _post_report("203.0.113.5")
    _post_report("203.0.113.5")

    assert RATE_MESSAGE in _post_report("203.0.113.5")
    assert RATE_MESSAGE not in _post_report("198.51.100.7")
    assert Thread.objects.count() == 3


def test_the_global_limit_holds_across_addresses(settings) -> None:
    _limits(settings, **{"report:global": 2})
    _post_report("203.0.113.1")
    _post_report("203.0.113.2")

    assert BUSY_MESSAGE in _post_report("203.0.113.3")
    assert Thread.objects.count() == 2


def test_receipt_guessing_is_limited_per_address(settings) -> None:
    _limits(settings, **{"mailbox:address": 3})
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        client.post("/mailbox/open/", {"receipt": "1111 2222 3333 4444"})
    page = follow_303(client, client.post("/mailbox/open/", {"receipt": "1111 2222 3333 4444"}))

    assert RATE_MESSAGE in page.content.decode()


def test_counters_keep_no_address_and_end_with_their_window(settings) -> None:
    _post_report("203.0.113.77")
    buckets = list(RateCounter.objects.values_list("bucket", flat=True))
    assert buckets
    assert not any("203.0.113" in bucket for bucket in buckets)

    RateCounter.objects.update(window_start=timezone.now() - timedelta(hours=2))
    abuse.purge_expired()
    assert not RateCounter.objects.exists()


def test_the_hidden_trap_field_stops_a_bot(db) -> None:
    client = Client()
    page = follow_303(client, client.post("/", report_data(client, website="http://x.example")))

    assert (
        "Сообщение не отправлено. Пожалуйста, проверьте его и отправьте ещё раз."
        in page.content.decode()
    )
    assert Thread.objects.count() == 0


def test_a_form_sent_faster_than_a_person_can_type_is_not_sent(settings) -> None:
    settings.INTAKE_MIN_FILL_SECONDS = 60
    client = Client()
    page = follow_303(client, client.post("/", report_data(client)))

    assert "Сообщение не отправлено." in page.content.decode()
    assert "Меня задержали в Аргуне" in page.content.decode()  # kept to send again
    assert Thread.objects.count() == 0


def test_behind_a_shared_address_ten_reports_do_not_refuse_everyone() -> None:
    pages = [_post_report(TOR_DAEMON) for _ in range(14)]  # fourteen people, one address

    assert not any(RATE_MESSAGE in page or BUSY_MESSAGE in page for page in pages)
    assert Thread.objects.count() == 14


def test_behind_a_shared_address_each_browser_has_its_own_limit(settings) -> None:
    _limits(settings, **{"report:browser": 2})
    busy = Client(REMOTE_ADDR=TOR_DAEMON)
    _post_report(TOR_DAEMON, busy)
    _post_report(TOR_DAEMON, busy)

    assert RATE_MESSAGE in _post_report(TOR_DAEMON, busy)
    assert RATE_MESSAGE not in _post_report(TOR_DAEMON)
    assert Thread.objects.count() == 3


def test_browsers_that_send_no_cookie_share_one_limit(settings) -> None:
    _limits(settings, **{"report:browser": 1})
    pages = []
    for _ in range(2):
        client = Client(REMOTE_ADDR=TOR_DAEMON)
        data = report_data(client)
        del client.cookies[COOKIE_NAME]
        pages.append(follow_303(client, client.post("/", data)).content.decode())

    assert RATE_MESSAGE not in pages[0]
    assert RATE_MESSAGE in pages[1]


def test_the_shared_budget_caps_all_shared_traffic_with_a_message_that_blames_no_one(
    settings,
) -> None:
    _limits(settings, **{"report:shared": 3})
    for _ in range(3):
        _post_report(TOR_DAEMON)

    page = _post_report(TOR_DAEMON)

    assert BUSY_MESSAGE in page
    assert RATE_MESSAGE not in page
    assert "Меня задержали в Аргуне" in page  # the text waits to be sent again
    assert Thread.objects.count() == 3
    assert RATE_MESSAGE not in _post_report("198.51.100.7")  # a real address is not held up


def test_a_flood_from_one_address_does_not_use_up_the_global_budget(settings) -> None:
    _limits(settings, **{"report:address": 2, "report:global": 4})
    for _ in range(6):
        _post_report("203.0.113.5")

    assert RATE_MESSAGE not in _post_report("198.51.100.7")
    assert Thread.objects.count() == 3


def test_a_forged_forwarded_for_from_an_untrusted_peer_changes_nothing(settings) -> None:
    _limits(settings, **{"report:address": 2})
    for number in range(2):
        _post_report("203.0.113.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    page = _post_report("203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.77")
    forged_shared = _post_report("203.0.113.5", HTTP_X_FORWARDED_FOR="127.0.0.1")

    assert RATE_MESSAGE in page
    assert RATE_MESSAGE in forged_shared
    assert Thread.objects.count() == 2


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    _limits(settings, **{"report:address": 1})
    _post_report("10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")

    assert RATE_MESSAGE in _post_report("10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert RATE_MESSAGE not in _post_report("10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")


def test_the_first_refusal_of_a_limit_is_audited_once_without_the_address(settings) -> None:
    _limits(settings, **{"report:address": 1})
    for _ in range(4):
        _post_report("203.0.113.5")

    events = AuditEvent.objects.filter(action=AuditAction.INTAKE_RATE_LIMITED)
    assert [event.details for event in events] == [{"scope": "report:address", "limit": 1}]
    assert "203.0.113" not in str(events[0].target_id) + str(events[0].details)
