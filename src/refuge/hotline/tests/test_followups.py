"""Every message a reporter writes again reaches someone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from refuge.audit.models import AuditAction, AuditEvent
from refuge.hotline import selectors, services
from refuge.hotline.models import CloseReason, Contact, ContactStatus
from refuge.hotline.tests.factories import client_for, contact_of, follow_up, web_report
from refuge.intake.models import Direction, Urgency
from refuge.testing import keyring_for
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db


def _close(contact: Contact, operator, reason: CloseReason = CloseReason.RESOLVED) -> None:
    with vault.activated(keyring_for(operator)):
        services.close_contact(
            contact=contact, operator=operator, reason=reason, expected_version=contact.version
        )


def test_a_follow_up_marks_an_open_contact_unread_until_an_operator_opens_it(hotline_operator):
    submission = web_report(urgency=Urgency.HIDING)
    before = contact_of(submission)

    message = follow_up(submission, "Они снова пришли")
    follow_up(submission, "Я ушёл к соседям")

    contact = contact_of(submission)
    assert contact.unread_messages == 2
    assert contact.unread_since == message.created_at
    assert contact.version == before.version + 2  # an edit made before it is refused
    assert contact.status == ContactStatus.NEW

    response = client_for(hotline_operator).get(reverse("hotline:contact", args=[contact.pk]))

    html = response.content.decode()
    assert "Они снова пришли" in html
    assert html.count('class="unread">новое<') == 2
    assert contact_of(submission).unread_messages == 0
    read = AuditEvent.objects.get(action=AuditAction.RECORD_READ, target_id=str(contact.pk))
    assert read.details == {"unread_read": 2}
    assert read.actor_id == hotline_operator.pk


def test_a_follow_up_reopens_a_closed_contact_with_its_history(hotline_operator):
    submission = web_report(body="Первое сообщение")
    contact = contact_of(submission)
    services.take_contact(contact=contact, operator=hotline_operator)
    contact.refresh_from_db()
    _close(contact, hotline_operator, CloseReason.NO_ANSWER)

    follow_up(submission, "Простите, я не мог ответить")

    contact.refresh_from_db()
    assert contact.status == ContactStatus.NEW
    assert contact.assigned_to is None
    assert contact.closed_at is None
    assert contact.close_reason == ""
    assert contact.unread_messages == 1
    assert contact.pk in [c.pk for c in selectors.open_queue(hotline_operator)]
    reopened = AuditEvent.objects.get(
        action=AuditAction.RECORD_CHANGED,
        target_id=str(contact.pk),
        details__change="reopened_by_follow_up",
    )
    assert reopened.details["was"] == ContactStatus.CLOSED
    assert reopened.details["reason"] == CloseReason.NO_ANSWER
    assert reopened.details["assigned_to"] == hotline_operator.pk
    html = (
        client_for(hotline_operator)
        .get(reverse("hotline:contact", args=[contact.pk]))
        .content.decode()
    )
    assert "Первое сообщение" in html
    assert "Простите, я не мог ответить" in html


def test_a_follow_up_reopens_a_merged_contact_where_its_thread_is(hotline_operator):
    submission = web_report()
    duplicate, kept = contact_of(submission), contact_of(web_report())
    with vault.activated(keyring_for(hotline_operator)):
        services.merge_contact(
            contact=duplicate,
            operator=hotline_operator,
            into_id=kept.pk,
            expected_version=duplicate.version,
        )

    follow_up(submission)

    duplicate.refresh_from_db()
    assert duplicate.status == ContactStatus.NEW
    assert duplicate.merged_into is None
    event = AuditEvent.objects.get(details__change="reopened_by_follow_up")
    assert event.details["merged_into"] == kept.pk


def test_a_contact_that_became_a_case_stays_with_it_and_is_queued_while_unread(hotline_operator):
    submission = web_report(urgency=Urgency.DETAINED)
    contact = contact_of(submission)
    Contact.objects.filter(pk=contact.pk).update(status=ContactStatus.CASE_OPENED)
    assert contact.pk not in [c.pk for c in selectors.open_queue(hotline_operator)]

    follow_up(submission, "Его отпустили")

    contact.refresh_from_db()
    assert contact.status == ContactStatus.CASE_OPENED
    assert contact.pk in [c.pk for c in selectors.open_queue(hotline_operator)]
    client = client_for(hotline_operator)
    page = client.get(reverse("hotline:contact", args=[contact.pk])).content.decode()
    assert 'action="' + reverse("hotline:reply", args=[contact.pk]) in page  # still answered
    assert contact.pk not in [c.pk for c in selectors.open_queue(hotline_operator)]

    client.post(reverse("hotline:reply", args=[contact.pk]), {"text": "Рады слышать"})
    assert contact.thread is not None
    assert contact.thread.messages.filter(direction=Direction.FROM_OPERATOR).count() == 1


def test_queue_and_console_home_count_unread_messages(hotline_operator, operator_factory):
    first, second = web_report(), web_report()
    follow_up(first)
    follow_up(first)
    follow_up(second)
    client = client_for(hotline_operator)

    queue = client.get(reverse("hotline:queue"))
    home = client.get(reverse("console:home")).content.decode()

    assert queue.context["unread"] == selectors.UnreadSummary(contacts=2, messages=3)
    html = queue.content.decode()
    assert "2 новых сообщения" in html
    assert "1 новое сообщение" in html
    assert "Новые сообщения от заявителей: <strong>3</strong>" in home
    assert "Обращений с новыми сообщениями: <strong>2</strong>" in home
    outsider = operator_factory("outsider")  # holds no grant: sees no count
    assert (
        "Новые сообщения от заявителей"
        not in client_for(outsider).get(reverse("console:home")).content.decode()
    )
