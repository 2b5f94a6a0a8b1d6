"""Consent, exposure reports and referrals."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from refuge.cases.models.choices import ConsentKind, ExposureCause, ReferralStatus
from refuge.vault.fields import SealedTextField

USER = settings.AUTH_USER_MODEL


class Consent(models.Model):
    """One answer of a person about one use. Append-only: the latest answer per kind counts."""

    person = models.ForeignKey(
        "cases.CasePerson", on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    is_granted = models.BooleanField()
    partners = models.ManyToManyField("cases.Partner", blank=True, related_name="+")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]


class ExposureReport(models.Model):
    """What a detained person or a lost phone may have given up. Sealed to the case."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="exposures")
    person = models.ForeignKey(
        "cases.CasePerson", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    cause = models.CharField(max_length=12, choices=ExposureCause.choices)
    exposed_names = models.BooleanField(default=False)
    exposed_numbers = models.BooleanField(default=False)
    exposed_chats = models.BooleanField(default=False)
    exposed_photos = models.BooleanField(default=False)
    warnings_opened = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    details = SealedTextField(envelope_field="envelope", null=True, blank=True)


class Referral(models.Model):
    """A package for a partner: consented fields only, sealed to the partner's public key
    after a second person approved. We cannot read the package back: only the partner can."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    person = models.ForeignKey("cases.CasePerson", on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("cases.Partner", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Codes of the fields the package holds (never their values).
    included_fields = models.JSONField(default=list)
    # The fingerprint of the partner key the package was sealed to (cases.partner_keys).
    sealed_to_fingerprint = models.CharField(max_length=48, blank=True, default="")
    package = models.BinaryField(null=True, blank=True)
