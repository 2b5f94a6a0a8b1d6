"""Evidence files: sealed on disk, identified by a keyed hash, with a per-file custody chain."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from refuge.documentation.choices import CustodyAction, DestructionReason
from refuge.vault.fields import SealedTextField


class Evidence(models.Model):
    """One file, stored once. `digest_key` is HMAC(server key, SHA-256 of the file): it finds
    duplicates, yet a seized database cannot confirm that we hold a known photo by hashing it.
    The plain SHA-256 is sealed and given out only in an export."""

    reference = models.CharField(max_length=16, unique=True)
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    digest_key = models.CharField(max_length=64, unique=True)
    sha256 = SealedTextField(envelope_field="envelope", blank=True, null=True)
    custody_salt = SealedTextField(envelope_field="envelope", blank=True, null=True)
    file_name = SealedTextField(envelope_field="envelope", blank=True, null=True)
    description = SealedTextField(envelope_field="envelope", blank=True, null=True)
    size_bytes = models.PositiveBigIntegerField()
    stored_name = models.CharField(max_length=64, unique=True)
    events = models.ManyToManyField(  # type: ignore[var-annotated]
        "documentation.Event", through="EvidenceLink", related_name="evidence"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    # Destroyed: the stored file is gone and the envelope shredded; the row stays as a coded
    # tombstone (when, by whom, why) so that event pages and the audit log still make sense.
    destroyed_at = models.DateTimeField(null=True, blank=True)
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    destroyed_reason = models.CharField(
        max_length=20, blank=True, default="", choices=DestructionReason.choices
    )

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.reference


class EvidenceLink(models.Model):
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT)
    event = models.ForeignKey("documentation.Event", on_delete=models.PROTECT)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "event"], name="one_link_per_evidence_event"
            )
        ]


class CustodyEntry(models.Model):
    """Append-only: entry_hash = SHA-256 of the entry's canonical line, which starts with the
    previous entry's hash and contains the file's SHA-256 and a sealed salt (see custody.py)."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="custody")
    sequence = models.PositiveIntegerField()
    action = models.CharField(max_length=12, choices=CustodyAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_username = models.CharField(max_length=150)
    at = models.DateTimeField()
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["evidence", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "sequence"], name="one_custody_entry_per_sequence"
            )
        ]
