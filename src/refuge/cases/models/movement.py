"""Shelters, movements and money: the most dangerous facts, kept minimal and apart."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from refuge.cases.models.choices import SpendingCategory, SpendingStatus
from refuge.vault.fields import SealedTextField

USER = settings.AUTH_USER_MODEL


class Shelter(models.Model):
    """The restricted register. The code is what a case file shows; the address is sealed to
    those holding Capability.VIEW_SHELTERS."""

    code = models.SlugField(max_length=24, unique=True)
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    address = SealedTextField(envelope_field="envelope", null=True, blank=True)
    notes = SealedTextField(envelope_field="envelope", null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Movement(models.Model):
    """Route, tickets, departure. Its own envelope is sealed only to the case's lead and the
    coordinators on the case; the row and the envelope are destroyed on confirmed arrival."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="movements")
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    route = SealedTextField(envelope_field="envelope", null=True, blank=True)
    tickets = SealedTextField(envelope_field="envelope", null=True, blank=True)
    departure = SealedTextField(envelope_field="envelope", null=True, blank=True)


class Spending(models.Model):
    """Money for a case. Released only after a second person approved it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="spendings")
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=12, choices=SpendingCategory.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    status = models.CharField(
        max_length=10, choices=SpendingStatus.choices, default=SpendingStatus.REQUESTED
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    purpose = SealedTextField(envelope_field="envelope", null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="spending_amount_positive"
            )
        ]
