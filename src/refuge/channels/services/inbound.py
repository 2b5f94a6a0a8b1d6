"""The one way a channel's message enters the hotline queue.

Each channel (channels.email, channels.telegram) turns what it received into an `Inbound` and
calls `receive`, then tells its service the message was taken (removes the mail, commits the
update offset) only after `receive` returned: a crash in between delivers the message again,
and its digest (`InboundSeen`) makes that second delivery a no-op. So nothing is lost and
nothing is stored twice.

A message joins the person's conversation while its contact is open (or became a case);
otherwise it opens a new thread and contact, sealed to the intake readers exactly like a web
report, with its channel shown, and the person is greeted once on that channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.channels.models import Conversation, InboundSeen, OutboundKind
from refuge.channels.services.addresses import address_lookup, seal_address
from refuge.channels.services.outbound import queue_outbound
from refuge.channels.texts import greeting, refused_files_text
from refuge.hotline.models import OPEN_STATUSES, Contact, ContactStatus
from refuge.intake import services as intake
from refuge.intake.attachments import MAX_FILES, CleanFile, clean_file
from refuge.intake.errors import AttachmentRejected
from refuge.intake.models import Thread, Urgency
from refuge.vault import api as vault

# A message joins the conversation while its contact is in one of these.
JOINABLE = (*OPEN_STATUSES, ContactStatus.CASE_OPENED)


@dataclass(frozen=True, slots=True)
class Inbound:
    channel: str
    external_id: str = field(repr=False)  # the channel's own id of the message
    address: str = field(repr=False)  # where to answer: "" when the message named none
    text: str = field(repr=False)
    files: Sequence[bytes] = field(default=(), repr=False)
    urgency: Urgency = Urgency.OTHER
    # Files the channel refused before it fetched them (too large to fetch): one reason each.
    refused: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Received:
    thread: Thread | None
    new_contact: bool = False
    duplicate: bool = False
    refused_files: int = 0


def seen_digest(channel: str, external_id: str) -> str:
    return vault.keyed_digest("channel-inbound", external_id, channel)


def _mark_seen(item: Inbound) -> bool:
    """Record the message as stored; False when it was stored before."""
    try:
        with transaction.atomic():
            InboundSeen.objects.create(
                channel=item.channel, digest=seen_digest(item.channel, item.external_id)
            )
    except IntegrityError:
        return False
    return True


def _clean(
    files: Sequence[bytes], refused_before: Sequence[str] = ()
) -> tuple[list[CleanFile], list[str]]:
    """The files the intake rules accept, and a reason for each one refused. The size limit
    is on the files accepted together: a file refused for any reason takes none of it."""
    limit = settings.INTAKE_MAX_ATTACHMENT_BYTES
    accepted: list[CleanFile] = []
    refused: list[str] = list(refused_before)
    total = 0
    for data in files:
        if len(accepted) >= MAX_FILES:
            refused.append(_("Send at most %(count)d files at once.") % {"count": MAX_FILES})
            continue
        if total + len(data) > limit:
            refused.append(_("The file is too large."))
            continue
        try:
            accepted.append(clean_file(data))
        except AttachmentRejected as rejection:
            refused.append(str(rejection))
            continue
        total += len(data)
    return accepted, refused


def _open_conversation(item: Inbound) -> Conversation | None:
    if not item.address:
        return None
    return (
        Conversation.objects.select_for_update()
        .filter(
            channel=item.channel,
            address_lookup=address_lookup(item.channel, item.address),
            thread__contact__status__in=JOINABLE,
        )
        .select_related("thread")
        .order_by("-pk")
        .first()
    )


def _body(item: Inbound, refused: list[str]) -> str:
    text = item.text.strip()
    if refused:
        note = _("[%(count)d file(s) not accepted: %(reasons)s]") % {
            "count": len(refused),
            "reasons": "; ".join(dict.fromkeys(refused)),
        }
        text = f"{text}\n\n{note}".strip()
    return text or _("[an empty message]")


# A person in danger who writes one of these words is put at the top of the queue (the
# greeting tells them so).
DANGER_WORDS = ("danger", "опасность")


def urgency_from_words(text: str) -> Urgency:
    folded = text.casefold()
    return Urgency.IN_DANGER if any(word in folded for word in DANGER_WORDS) else Urgency.OTHER


def _raise_urgency(thread: Thread, urgency: Urgency) -> None:
    """A follow-up that says "danger" moves its open contact to the top of the queue."""
    if urgency != Urgency.IN_DANGER:
        return
    moved = Contact.objects.filter(thread=thread).exclude(urgency=urgency).update(urgency=urgency)
    if moved:
        record_event(
            AuditAction.RECORD_CHANGED,
            target=thread,
            details={"change": "urgency_raised_by_message", "urgency": urgency},
        )


@transaction.atomic
def receive(item: Inbound) -> Received:
    """Store one message from a channel in the queue, once. Runs with no operator's key."""
    if not _mark_seen(item):
        return Received(thread=None, duplicate=True)
    accepted, refused = _clean(item.files, item.refused)
    body = _body(item, refused)
    conversation = _open_conversation(item)
    if conversation is not None and not intake.is_thread_gone(conversation.thread):
        intake.add_channel_message(thread=conversation.thread, text=body, attachments=accepted)
        _raise_urgency(conversation.thread, item.urgency)
        new_contact = False
    else:
        thread = intake.open_channel_thread(
            channel=item.channel, body=body, urgency=item.urgency, attachments=accepted
        )
        conversation = Conversation.objects.create(
            channel=item.channel,
            thread=thread,
            address=seal_address(item.channel, item.address) if item.address else None,
            address_lookup=address_lookup(item.channel, item.address) if item.address else "",
        )
        queue_outbound(conversation, kind=OutboundKind.GREETING, text=greeting(item.channel))
        new_contact = True
    if refused:
        queue_outbound(
            conversation, kind=OutboundKind.REFUSED_FILES, text=refused_files_text(refused)
        )
    return Received(thread=conversation.thread, new_contact=new_contact, refused_files=len(refused))


@transaction.atomic
def choose_urgency(item: Inbound) -> Received:
    """The person said how urgent it is (a Telegram button, say): their open contact takes
    that urgency, audited; with no open contact, the choice itself opens one (someone who
    presses "in danger now" without a word must still reach the queue)."""
    conversation = _open_conversation(item)
    if conversation is None or intake.is_thread_gone(conversation.thread):
        return receive(item)
    if not _mark_seen(item):
        return Received(thread=None, duplicate=True)
    moved = (
        Contact.objects.filter(thread=conversation.thread)
        .exclude(urgency=item.urgency)
        .update(urgency=item.urgency)
    )
    if moved:
        record_event(
            AuditAction.RECORD_CHANGED,
            target=conversation.thread,
            details={"change": "urgency_chosen_by_person", "urgency": item.urgency},
        )
    return Received(thread=conversation.thread)
