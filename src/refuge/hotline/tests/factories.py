"""Building blocks for the hotline tests: real services, real crypto, real database."""

from __future__ import annotations

from datetime import datetime

from django.test import Client
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.hotline import services
from refuge.hotline.models import Contact
from refuge.intake.models import Message, ReporterKind, Urgency
from refuge.intake.services import (
    Submission,
    add_reporter_message,
    open_thread_with_receipt,
    submit_report,
)
from refuge.testing import keyring_for, log_in
from refuge.vault import api as vault
from refuge.vault.keyring import Keyring


def web_report(
    body: str = "They came to my flat at night.", urgency: Urgency = Urgency.IN_DANGER
) -> Submission:
    """An anonymous report, sealed to whoever is on intake duty now."""
    return submit_report(body=body, reporter_kind=ReporterKind.SELF, urgency=urgency)


def follow_up(submission: Submission, text: str = "Они вернулись.") -> Message:
    """The reporter opens their mailbox with the receipt and writes again."""
    with vault.activated(Keyring()):
        thread = open_thread_with_receipt(submission.receipt)
        assert thread is not None
        return add_reporter_message(thread=thread, text=text)


def contact_of(submission: Submission) -> Contact:
    return Contact.objects.get(thread=submission.thread)


def phone_call(
    operator: Operator,
    *,
    number: str = "",
    pseudonym: str = "Ансар",
    urgency: Urgency = Urgency.HIDING,
    said: str = "Hiding at a friend's place.",
    next_step_at: datetime | None = None,
) -> services.LoggedCall:
    with vault.activated(keyring_for(operator)):
        return services.log_call(
            operator=operator,
            call=services.CallRecord(
                started_at=timezone.now(),
                ended_at=None,
                caller_pseudonym=pseudonym,
                what_they_said=said,
                urgency=urgency,
                risk_flags=["hiding"],
                next_step="",
                next_step_at=next_step_at,
                callback_number=number,
            ),
        )


def client_for(operator: Operator) -> Client:
    client = Client()
    log_in(client, operator)
    return client
