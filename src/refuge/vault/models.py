from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from refuge.vault.fields import SealedTextField


class Purpose(models.TextChoices):
    """What an envelope protects; bound into every ciphertext as associated data."""

    REPORT = "report"
    CONTACT = "contact"
    PROFILE = "profile"
    CASE = "case"
    PERSON = "person"
    DOCUMENT = "document"
    EVIDENCE = "evidence"
    IMPORTED_LIST = "imported_list"
    BLIND_INDEX = "blind_index"
    SHELTER = "shelter"
    APPROVAL = "approval"


class OperatorKey(models.Model):
    """An operator's X25519 keypair; the private half wrapped under an Argon2id key."""

    operator = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vault_key"
    )
    public_key = models.BinaryField()
    wrapped_private_key = models.BinaryField()
    kdf_salt = models.BinaryField()
    kdf_memory_kib = models.PositiveIntegerField()
    kdf_iterations = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)


class RecoveryKey(models.Model):
    """The organisation's recovery public key. Its private half exists only as Shamir shares."""

    public_key = models.BinaryField()
    threshold = models.PositiveSmallIntegerField()
    share_count = models.PositiveSmallIntegerField()
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=True)


class Envelope(models.Model):
    """One sensitive unit with its own data key. The key itself is stored only in grants."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    shredded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"envelope {self.pk}"


class GrantKind(models.TextChoices):
    OPERATOR = "operator"
    RECOVERY = "recovery"
    RECEIPT = "receipt"
    # Sealed under another envelope's data key (`parent`): whoever opens the parent opens this
    # one. Dropping such a grant takes one path to the key away and leaves the others.
    ENVELOPE = "envelope"


class Grant(models.Model):
    """The envelope's data key sealed to one reader."""

    envelope = models.ForeignKey(Envelope, on_delete=models.CASCADE, related_name="grants")
    kind = models.CharField(max_length=10, choices=GrantKind.choices)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="vault_grants",
    )
    recovery_key = models.ForeignKey(RecoveryKey, null=True, blank=True, on_delete=models.CASCADE)
    parent = models.ForeignKey(
        Envelope, null=True, blank=True, on_delete=models.CASCADE, related_name="child_grants"
    )
    # For a receipt grant: the Argon2id salt; the receipt itself is never stored.
    kdf_salt = models.BinaryField(null=True, blank=True)
    sealed_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["envelope", "operator"],
                condition=models.Q(kind="operator"),
                name="one_operator_grant_per_envelope",
            ),
            models.UniqueConstraint(
                fields=["envelope", "parent"],
                condition=models.Q(kind="envelope"),
                name="one_parent_grant_per_envelope",
            ),
        ]


class IndexScheme(models.TextChoices):
    """How a blind index is computed from the key and the normalised value (vault.blind)."""

    # Before the Argon2id index: one HMAC-SHA256, about 1.6 us; kept only to read old installations
    # until `refuge reindex` moves them to ARGON2ID.
    HMAC_SHA256 = "hmac-sha256"
    # Argon2id of HMAC(key, value), salted by the key: one slow, memory-hard step per guess.
    ARGON2ID = "argon2id"


class BlindIndexKey(models.Model):
    """Points at the envelope whose data key keys every blind index, and how indexes are made.

    The key itself exists only sealed in that envelope's grants (to each operator whose role
    matches identifiers, and to the recovery key), so a copy of the database cannot compute or
    test an index. The scheme and its Argon2id cost are fixed when the key is made: every index
    made with one key must be made the same way, so a change of settings takes effect through
    `refuge reindex`, which makes a new key.
    """

    name = models.CharField(max_length=16, unique=True, default="default")
    envelope = models.OneToOneField(Envelope, on_delete=models.PROTECT, related_name="+")
    scheme = models.CharField(max_length=16, choices=IndexScheme.choices)
    memory_kib = models.PositiveIntegerField(default=0)
    iterations = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)


class SealedFile(models.Model):
    """A file encrypted under an envelope's data key, kept in REFUGE_DATA_DIR/files/sealed.

    Its name is a sealed field; its content is bound (as associated data) to this row's id, so
    a blob swapped between files does not open.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="files")
    name = SealedTextField(envelope_field="envelope", blank=True, null=True)
    content_type = models.CharField(max_length=100, blank=True, default="")
    size_bytes = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
