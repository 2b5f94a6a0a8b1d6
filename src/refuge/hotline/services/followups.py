"""A web reporter writes again: the message reaches someone, whatever became of the contact.

Runs inside the intake's transaction (receivers.py), so a follow-up and its queue entry are
committed together or not at all: the reporter is told "sent" only for a message that the
queue shows.

- An open contact (new, in progress, waiting) counts the message as unread and moves up the
  queue (selectors.open_queue).
- A closed or merged contact is reopened: back in the queue as new and unassigned, so anyone
  on duty can take it, with its whole conversation and notes. What it was (closed with which
  reason, merged into which contact) is kept in the audit log. Its intake-duty grants may
  have lapsed meanwhile: it is sealed to the operators on duty again
  (intake.seal_reopened_contact).
- A contact that became a case stays with the case (its team reads the conversation from the
  case page) and is listed in the queue while its new messages are unread, so a message
  reaches the hotline on duty as well as the case team.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce

from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.concurrency import update_bumping_version
from refuge.hotline.models import Channel, Contact, ContactStatus
from refuge.hotline.services.intake import seal_reopened_contact
from refuge.intake.models import Message, Thread

REOPENED_BY_FOLLOW_UP = (ContactStatus.CLOSED, ContactStatus.MERGED)


def _contact_of(thread: Thread) -> Contact:
    contact = Contact.objects.select_for_update().filter(thread=thread).first()
    if contact is None:  # a thread that never reached the queue: it does now
        contact = Contact.objects.create(
            envelope_id=thread.envelope_id,
            channel=Channel.WEB,
            urgency=thread.urgency,
            thread=thread,
        )
    return contact


@transaction.atomic
def receive_follow_up(*, thread: Thread, message: Message) -> Contact:
    """Mark the thread's contact as having one more unread message; reopen it if closed."""
    contact = _contact_of(thread)
    changes: dict[str, object] = {
        "unread_messages": F("unread_messages") + 1,
        "unread_since": Coalesce(
            "unread_since", Value(message.created_at), output_field=DateTimeField()
        ),
    }
    reopened = contact.status in REOPENED_BY_FOLLOW_UP
    if reopened:
        changes.update(
            status=ContactStatus.NEW,
            assigned_to=None,
            closed_at=None,
            close_reason="",
            merged_into=None,
        )
    update_bumping_version(Contact.objects.filter(pk=contact.pk), **changes)
    if reopened:
        record_event(
            AuditAction.RECORD_CHANGED,
            target=contact,
            details={
                "change": "reopened_by_follow_up",
                "was": contact.status,
                "reason": contact.close_reason,
                "merged_into": contact.merged_into_id or "",
                "assigned_to": contact.assigned_to_id or "",
            },
        )
    contact.refresh_from_db()
    if reopened:
        seal_reopened_contact(contact=contact)
    return contact


def mark_read(contact: Contact) -> int:
    """An operator opened the contact: its new messages are read. Returns how many were new."""
    if not contact.unread_messages:
        return 0
    Contact.objects.filter(pk=contact.pk).update(unread_messages=0, unread_since=None)
    return contact.unread_messages
