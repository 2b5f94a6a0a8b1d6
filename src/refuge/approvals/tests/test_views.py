"""The request pages: bad input (replays, self-confirmation, late or unticked confirmations)
gets a clear message, never a 500, and changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.approvals.models import ActionStatus, PendingAction
from refuge.approvals.tests.support import REASON
from refuge.documentation.models import Source
from refuge.documentation.services.testimony import record_testimony
from refuge.documentation.tests import factories
from refuge.testing import keyring_for, log_in, make_operator
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    return {
        "worker": make_operator("worker", Role.CASE_WORKER),
        "lawyer": make_operator("lawyer", Role.LAWYER),
        "boss": make_operator("boss", Role.COORDINATOR),
    }


@pytest.fixture
def source(people: dict[str, Any]) -> Source:
    with vault.activated(keyring_for(people["worker"])):
        return record_testimony(actor=people["worker"], testimony=factories.testimony()).source


def _client(operator: Operator) -> Client:
    client = Client()
    log_in(client, operator)
    return client


def _request_deletion(client: Client, source: Source) -> PendingAction:
    response = client.post(
        reverse("documentation:source_delete", args=[source.pk]), {"reason": REASON}
    )
    assert response.status_code == 302
    return PendingAction.objects.get(target_id=str(source.pk), status=ActionStatus.PENDING)


def _message(response: Any) -> str:
    """The message this response added (earlier, unread ones stay queued before it)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


def _confirm(client: Client, action: PendingAction, **data: str) -> Any:
    return client.post(reverse("approvals:confirm", args=[action.pk]), {"confirm": "on", **data})


def test_the_requester_confirming_their_own_deletion_is_told_no(people, source) -> None:
    worker = _client(people["worker"])
    action = _request_deletion(worker, source)

    page = worker.get(reverse("approvals:detail", args=[action.pk])).content.decode()
    response = _confirm(worker, action)

    assert 'name="confirm"' not in page  # no confirm form for the requester
    assert "another person must confirm it" in page
    assert response.status_code == 302
    assert _message(response) == "You asked for this yourself: another person must confirm it."
    assert Source.objects.filter(pk=source.pk).exists()
    assert PendingAction.objects.get(pk=action.pk).status == ActionStatus.PENDING


def test_a_replayed_confirmation_gets_a_message_not_a_500(people, source) -> None:
    action = _request_deletion(_client(people["worker"]), source)
    lawyer = _client(people["lawyer"])

    first = _confirm(lawyer, action)
    replay = _confirm(lawyer, action)
    by_another = _confirm(_client(people["boss"]), action)

    assert first.status_code == 302
    assert not Source.objects.filter(pk=source.pk).exists()
    for response in (replay, by_another):
        assert response.status_code == 302
        message = _message(response)
        assert message.startswith("This request was already decided (Confirmed and done")
        assert "nothing more was done" in message
    decided = PendingAction.objects.get(pk=action.pk)
    assert (decided.status, decided.decided_by) == (ActionStatus.CONFIRMED, people["lawyer"])


def test_the_confirmer_reads_the_reason_and_must_tick_the_box(people, source) -> None:
    action = _request_deletion(_client(people["worker"]), source)
    lawyer = _client(people["lawyer"])

    page = lawyer.get(reverse("approvals:detail", args=[action.pk])).content.decode()
    unticked = _confirm(lawyer, action, confirm="")
    forged = _confirm(lawyer, action, confirm="yes")

    assert REASON in page
    assert source.reference in page
    assert 'name="confirm"' in page
    for response in (unticked, forged):
        assert response.status_code == 302
        assert _message(response) == "Tick the box to confirm."
    assert Source.objects.filter(pk=source.pk).exists()


def test_a_late_confirmation_is_refused_with_a_message(people, source, settings) -> None:
    settings.APPROVALS_CONFIRM_HOURS = 1
    action = _request_deletion(_client(people["worker"]), source)
    PendingAction.objects.filter(pk=action.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )  # the hour went by unconfirmed

    response = _confirm(_client(people["lawyer"]), action)

    assert response.status_code == 302
    assert "expired before anyone confirmed it" in _message(response)
    assert Source.objects.filter(pk=source.pk).exists()


def test_a_stranger_finds_no_such_request(people, source) -> None:
    action = _request_deletion(_client(people["worker"]), source)
    stranger = _client(make_operator("stranger", Role.LAWYER))  # no grant on the source

    assert stranger.get(reverse("approvals:detail", args=[action.pk])).status_code == 404
    assert _confirm(stranger, action).status_code == 404
    assert stranger.post(reverse("approvals:refuse", args=[action.pk])).status_code == 404
    assert Source.objects.filter(pk=source.pk).exists()
    assert PendingAction.objects.get(pk=action.pk).status == ActionStatus.PENDING


def test_the_list_shows_what_waits_for_whom(people, source) -> None:
    action = _request_deletion(_client(people["worker"]), source)

    lawyer_page = _client(people["lawyer"]).get(reverse("approvals:list")).content.decode()
    worker_page = _client(people["worker"]).get(reverse("approvals:list")).content.decode()
    home = _client(people["boss"]).get(reverse("console:home")).content.decode()

    assert action.reference in lawyer_page
    assert "Waiting for you" in lawyer_page
    assert "Your request" in worker_page
    assert "1 request waits for your confirmation" in home


def test_withdrawing_a_request(people, source) -> None:
    worker = _client(people["worker"])
    action = _request_deletion(worker, source)

    response = worker.post(reverse("approvals:refuse", args=[action.pk]))

    assert response.status_code == 302
    assert "Withdrawn by the requester" in _message(response)
    assert PendingAction.objects.get(pk=action.pk).status == ActionStatus.WITHDRAWN
    assert Source.objects.filter(pk=source.pk).exists()
