from __future__ import annotations

import pytest

from refuge.hotline.models import Contact
from refuge.intake import services
from refuge.intake.models import ReporterKind, Thread, Urgency
from refuge.testing import keyring_for
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db


def _submit(text: str = "Меня задержали в Аргуне") -> services.Submission:
    return services.submit_report(
        body=text,
        reporter_kind=ReporterKind.SELF,
        urgency=Urgency.DETAINED,
        contact_instructions="после 22:00",
    )


def test_a_report_is_sealed_and_queued_with_its_urgency(hotline_operator) -> None:
    submission = _submit()

    contact = Contact.objects.get(thread=submission.thread)
    assert contact.urgency == Urgency.DETAINED
    raw = (
        Thread.objects.filter(pk=submission.thread.pk)
        .values_list("contact_instructions", flat=True)
        .get()
    )
    assert raw is not None
    assert b"22:00" not in bytes(raw)


def test_the_receipt_reopens_the_thread_and_a_wrong_one_does_not(db) -> None:
    submission = _submit()

    with vault.activated(vault.Keyring()):
        thread = services.open_thread_with_receipt(submission.receipt)
        assert thread is not None
        assert services.messages_of(thread)[0].body == "Меня задержали в Аргуне"
    with vault.activated(vault.Keyring()):
        assert services.open_thread_with_receipt("0000 0000 0000 0000") is None
        assert services.open_thread_with_receipt("not a receipt") is None


def test_an_intake_operator_replies_and_the_reporter_reads_it(hotline_operator) -> None:
    submission = _submit()

    with vault.activated(keyring_for(hotline_operator)):
        thread = Thread.objects.get(pk=submission.thread.pk)
        services.add_operator_reply(
            thread=thread, author=hotline_operator, text="Мы на связи. Вы в безопасности сейчас?"
        )
    with vault.activated(vault.Keyring()):
        reopened = services.open_thread_with_receipt(submission.receipt)
        assert reopened is not None
        bodies = [message.body for message in services.messages_of(reopened)]
    assert bodies[-1] == "Мы на связи. Вы в безопасности сейчас?"


def test_an_operator_not_on_intake_duty_cannot_read_the_report(operator_factory) -> None:
    from refuge.accounts.roles import Role

    outsider = operator_factory("outsider", Role.OPERATOR, intake=False)
    submission = _submit()

    with vault.activated(keyring_for(outsider)):
        message = Thread.objects.get(pk=submission.thread.pk).messages.get()
        assert not vault.is_readable(message.body)


def test_the_demo_seed_queues_russian_reports_and_prints_a_working_receipt(db) -> None:
    from refuge.intake import demo

    lines = demo.seed()

    assert Thread.objects.count() == len(demo.DEMO_REPORTS)
    assert Contact.objects.count() == len(demo.DEMO_REPORTS)
    receipt = lines[-1].rsplit(": ", 1)[1]
    with vault.activated(vault.Keyring()):
        thread = services.open_thread_with_receipt(receipt)
        assert thread is not None
        assert "друга Ахмеда вчера вечером" in services.messages_of(thread)[0].body
    assert demo.seed() == ["Intake: demo reports exist already; no new receipt printed."]
