"""Rate limits (hashed addresses, one window), the JavaScript-free spam trap."""


from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from refuge.intake import abuse
from refuge.intake.models import RateCounter, Thread
from refuge.intake.tests.support import follow_303, report_data

pytestmark = pytest.mark.django_db

RATE_MESSAGE = "Слишком много попыток с вашего подключения за последний час."


def _limits(settings, **changes: int) -> None:
    settings.INTAKE_RATE_LIMITS = {**settings.INTAKE_RATE_LIMITS, **changes}


def _post_report(address: str) -> str:
    client = Client(REMOTE_ADDR=address)
    return follow_303(client, client.post("/", report_data(client))).content.decode()


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

    assert RATE_MESSAGE in _post_report("203.0.113.3")
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

    assert "Сообщение не отправлено. Пожалуйста, проверьте его и отправьте ещё раз." in \
        page.content.decode()
    assert Thread.objects.count() == 0


def test_a_form_sent_faster_than_a_person_can_type_is_not_sent(settings) -> None:
    settings.INTAKE_MIN_FILL_SECONDS = 60
    client = Client()
    page = follow_303(client, client.post("/", report_data(client)))

    assert "Сообщение не отправлено." in page.content.decode()
    assert "Меня задержали в Аргуне" in page.content.decode()  # kept to send again
    assert Thread.objects.count() == 0
