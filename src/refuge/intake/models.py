from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from refuge.vault.fields import SealedTextField


class Urgency(models.TextChoices):
    """What the reporter says is happening, most urgent first (see URGENCY_RANK)."""

    IN_DANGER = "in_danger", _("In danger now")
    DETAINED = "detained", _("Detained, or someone was taken")
    HIDING = "hiding", _("Hiding")
    LEAVE_REGION = "leave_region", _("Want to leave the region")
    TESTIMONY = "testimony", _("Want to tell what happened")
    OTHER = "other", _("Other")


URGENCY_RANK = {urgency: rank for rank, urgency in enumerate(Urgency)}


class ReporterKind(models.TextChoices):
    SELF = "self", _("Myself")
    OTHER = "other", _("Someone else")


class Thread(models.Model):
    """An anonymous reporter's conversation, reopened with the receipt they remember.

    Two envelopes (see docs/intake.md, "What a receipt opens"): `envelope` is the hotline's
    (sealed to operators and recovery; it is the contact's envelope too), and
    `mailbox_envelope`, sealed to the receipt and under the hotline's envelope, holds what the
    reporter reads and writes. Each operator reply has an envelope of its own under both, so
    the reporter can drop their receipt's path to it while the hotline keeps its own. Threads
    made before this split have no mailbox envelope: their receipt opens `envelope`.
    """

    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    mailbox_envelope = models.ForeignKey(
        "vault.Envelope", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A tag derived from the receipt with Argon2id; the receipt itself is never stored. None
    # until the person has a receipt: a message that came by another channel (Telegram,
    # e-mail) opens a thread without one, until an operator sends the mailbox invitation.
    receipt_lookup = models.CharField(max_length=64, unique=True, null=True, blank=True)
    urgency = models.CharField(max_length=16, choices=Urgency.choices)
    # Blank when nobody asked (a message by another channel than the web form).
    reporter_kind = models.CharField(
        max_length=8, choices=ReporterKind.choices, blank=True, default=""
    )
    contact_instructions = SealedTextField(envelope_field="envelope", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_reporter_message_at = models.DateTimeField(null=True, blank=True)
    last_operator_reply_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"thread {self.pk}"

    @property
    def receipt_envelope_id(self) -> uuid.UUID:
        """The envelope the receipt opens: what the reporter may read and write under."""
        return self.mailbox_envelope_id or self.envelope_id

    @property
    def can_erase_replies(self) -> bool:
        return self.mailbox_envelope_id is not None


class Direction(models.TextChoices):
    FROM_REPORTER = "in", _("From the reporter")
    FROM_OPERATOR = "out", _("From the hotline")


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = SealedTextField(envelope_field="envelope")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The reporter erased this reply from what their receipt opens; the hotline still reads it.
    erased_from_mailbox_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"message {self.pk}"


class Attachment(models.Model):
    """A file sent with a message; its bytes live encrypted under MEDIA_ROOT/intake/."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    content_type = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField()
    stored_name = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class SpentFormToken(models.Model):
    """A report form that was sent once: a repeat of the same form cannot make a second report.

    `digest` is a hash of the form's random nonce. Until the receipt page shows it, the new
    receipt waits here encrypted under a key that only the reporter's browser holds (a session
    cookie), so a double-tapped "send" still reaches its receipt. Rows live for the form's
    lifetime only (purged by `abuse.purge_expired`).
    """

    digest = models.CharField(max_length=64, unique=True)
    pending_receipt = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class RateCounter(models.Model):
    """Requests in one fixed window for one bucket (a scope and a keyed hash of an address).

    The address is never stored: `bucket` is HMAC(window key, scope + address), and rows are
    deleted when their window has passed.
    """

    bucket = models.CharField(max_length=80, unique=True)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)
