"""Partners, needs, tasks and check-ins."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from refuge.cases.models.choices import NeedCategory, NeedStatus, TaskKind
from refuge.vault.fields import SealedTextField

USER = settings.AUTH_USER_MODEL


class Partner(models.Model):
    """A partner organisation. Its name is public; referrals are sealed to its public key."""

    name = models.CharField(max_length=120, unique=True)
    # X25519 public key, standard base64 (44 characters), as printed by the guide's keygen.
    public_key = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking for edits (refuge.core.concurrency.save_with_version).
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Need(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="needs")
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=20, choices=NeedCategory.choices)
    status = models.CharField(max_length=12, choices=NeedStatus.choices, default=NeedStatus.NEEDED)
    provider = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs"
    )
    updated_at = models.DateTimeField(auto_now=True)
    details = SealedTextField(envelope_field="envelope", null=True, blank=True)
    cost_details = SealedTextField(envelope_field="envelope", null=True, blank=True)

    class Meta:
        ordering = ["category", "pk"]


class Task(models.Model):
    """Work with an owner and a due date. A warning task about someone exposed has its own
    envelope sealed to its owners only, and names neither the source case nor its people."""

    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    kind = models.CharField(max_length=20, choices=TaskKind.choices, default=TaskKind.WORK)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="case_tasks")
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    is_urgent = models.BooleanField(default=False)
    # Optimistic locking for edits (refuge.core.concurrency.save_with_version).
    version = models.PositiveIntegerField(default=0)
    title = SealedTextField(envelope_field="envelope")

    class Meta:
        ordering = ["done_at", "-is_urgent", "due_at", "pk"]


class CheckIn(models.Model):
    """An agreed time at which a person on the move or in hiding gets in touch."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="checkins")
    person = models.ForeignKey(
        "cases.CasePerson", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField(db_index=True)
    grace_minutes = models.PositiveSmallIntegerField(default=30)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the case reached safety before the person had to check in: no alarm follows.
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
