"""Replies to web reporters, internal notes and the reply templates."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.concurrency import save_with_version, update_bumping_version
from refuge.core.errors import ConflictError
from refuge.hotline.errors import NoReplyPossible
from refuge.hotline.models import Contact, Note, ReplyTemplate
from refuge.hotline.services.queue import require_visible
from refuge.intake import services as intake
from refuge.intake.attachments import attachment_bytes
from refuge.intake.models import Attachment, Message


def _mark_first_response(contact: Contact) -> None:
    Contact.objects.filter(pk=contact.pk, first_response_at__isnull=True).update(
        first_response_at=timezone.now()
    )


@transaction.atomic
def reply_to_reporter(*, contact: Contact, operator: Operator, text: str) -> Message:
    """Write to the reporter's mailbox (web reports only)."""
    require_visible(operator, contact)
    if contact.thread is None:
        raise NoReplyPossible
    message = intake.add_operator_reply(thread=contact.thread, author=operator, text=text)
    _mark_first_response(contact)
    update_bumping_version(Contact.objects.filter(pk=contact.pk))
    return message


@transaction.atomic
def read_attachment(*, operator: Operator, contact: Contact, attachment: Attachment) -> bytes:
    """A file the reporter sent on this contact, decrypted; the read is audited (in
    attachment_bytes). Raises vault.VaultError when it cannot be opened."""
    require_visible(operator, contact)
    if contact.thread_id is None or attachment.message.thread_id != contact.thread_id:
        raise Http404
    return attachment_bytes(attachment)


@transaction.atomic
def add_note(*, contact: Contact, operator: Operator, text: str) -> Note:
    """An internal note, sealed with the contact, never shown to the reporter."""
    require_visible(operator, contact)
    note = Note.objects.create(
        contact=contact, envelope_id=contact.envelope_id, author=operator, body=text
    )
    record_event(
        AuditAction.RECORD_CREATED, actor=operator, target=note, details={"contact": contact.pk}
    )
    return note


@transaction.atomic
def save_template(
    *,
    operator: Operator,
    template: ReplyTemplate | None,
    title: str,
    language: str,
    body: str,
    expected_version: int = 0,
) -> ReplyTemplate:
    """Create or edit a reply template (coordinators)."""
    require(operator, Capability.EDIT_TEMPLATES)
    if template is None:
        template = ReplyTemplate.objects.create(
            title=title, language=language, body=body, updated_by=operator
        )
        record_event(AuditAction.RECORD_CREATED, actor=operator, target=template)
        return template
    template.title, template.language, template.body = title, language, body
    template.updated_by = operator
    save_with_version(
        template,
        ["title", "language", "body", "updated_by", "updated_at"],
        expected_version=expected_version,
        conflict=ConflictError(
            gettext("Someone else changed this template meanwhile. Nothing was saved.")
        ),
    )
    record_event(AuditAction.RECORD_CHANGED, actor=operator, target=template)
    template.refresh_from_db()
    return template
