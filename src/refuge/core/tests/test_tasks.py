"""enqueue_on_commit: the queue starts work sooner, and an unreachable queue fails no request."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from refuge.core.tasks import enqueue_on_commit

pytestmark = pytest.mark.django_db(transaction=True)


class QueueDown(Exception):
    pass


def test_a_task_is_queued_only_once_its_transaction_commits() -> None:
    queued: list[tuple[int, ...]] = []
    with transaction.atomic():
        enqueue_on_commit(lambda *ids: queued.append(ids), 1, 2)
        assert queued == []
    assert queued == [(1, 2)]


def test_an_unreachable_queue_is_logged_by_its_error_class_and_fails_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def send_alarm(delivery_ids: list[int]) -> None:
        raise QueueDown("secret detail: +7 999 123 45 67")

    with caplog.at_level(logging.WARNING, logger="refuge.core.tasks"), transaction.atomic():
        enqueue_on_commit(send_alarm, [7])

    [record] = caplog.records
    assert record.getMessage() == "send_alarm not queued (QueueDown); the next tick does it"
    assert "+7 999" not in caplog.text
