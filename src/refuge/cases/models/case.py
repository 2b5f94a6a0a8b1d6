"""The case file: stages, the case, its people, its verification and notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from refuge.cases.models.choices import IdentifierKind, StageCode, VerificationCheck
from refuge.vault.fields import SealedTextField

USER = settings.AUTH_USER_MODEL


class Stage(models.Model):
    """One step of a case's life. Coordinators rename, reorder, add or retire stages; the
    built-in codes (StageCode) keep their meaning for the rules (verification, check-ins)."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=80, blank=True, default="")
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.code in StageCode.values:
            return str(StageCode(self.code).label)
        return self.code


class Case(models.Model):
    """An evacuation: one or more people, pseudonymous by default."""

    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="cases")
    opened_from = models.ForeignKey(
        "hotline.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    lead = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True, db_index=True)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    contact_details_purged_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    # Coded threat flags stay in clear for statistics; the details are sealed.
    threat_police = models.BooleanField(default=False)
    threat_family = models.BooleanField(default=False)
    threat_community = models.BooleanField(default=False)
    threat_other = models.BooleanField(default=False)
    shelter = models.ForeignKey(
        "cases.Shelter", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    title = SealedTextField(envelope_field="envelope", null=True, blank=True)
    summary = SealedTextField(envelope_field="envelope", null=True, blank=True)
    threat_details = SealedTextField(envelope_field="envelope", null=True, blank=True)
    safe_contact_times = SealedTextField(envelope_field="envelope", null=True, blank=True)
    safe_contact_ways = SealedTextField(envelope_field="envelope", null=True, blank=True)
    code_words = SealedTextField(envelope_field="envelope", null=True, blank=True)
    safety_plan = SealedTextField(envelope_field="envelope", null=True, blank=True)
    destination_city = SealedTextField(envelope_field="envelope", null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True)
                | models.Q(stage_changed_at__isnull=False),
                name="closed_case_has_a_stage_change",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"C-{self.pk:05d}" if self.pk else "C-new"


class CaseMember(models.Model):
    """Who the case is shared with. Mirrors the vault grants on the case's envelope, so that
    lists can be filtered in SQL; the grant is what actually lets them read."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    operator = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="case_memberships")
    added_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "operator"], name="one_membership_per_operator")
        ]


class CasePerson(models.Model):
    """Someone the case is about. Sealed under the case's envelope."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="persons")
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_anonymised = models.BooleanField(default=False)
    pseudonym = SealedTextField(envelope_field="envelope", null=True, blank=True)
    legal_name = SealedTextField(envelope_field="envelope", null=True, blank=True)
    phone = SealedTextField(envelope_field="envelope", null=True, blank=True)
    contact_details = SealedTextField(envelope_field="envelope", null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"person {self.pk}"


class PersonIdentifier(models.Model):
    """A blind index of one of a person's names, numbers or handles: matchable, not readable."""

    person = models.ForeignKey(CasePerson, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=8, choices=IdentifierKind.choices)
    blind_index = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "blind_index"], name="one_identifier_per_person"
            )
        ]


class StageChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_changes")
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    from_stage = models.ForeignKey(Stage, null=True, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    skipped_verification = models.BooleanField(default=False)
    # Moved past verification while a safety flag of a matching hotline profile stood.
    overrode_flags = models.BooleanField(default=False)
    reason = SealedTextField(envelope_field="envelope", null=True, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]


class VerificationItem(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="verification_items")
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    item = models.CharField(_("check"), max_length=24, choices=VerificationCheck.choices)
    checked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True)
    note = SealedTextField(envelope_field="envelope", null=True, blank=True)

    class Meta:
        ordering = ["checked_at", "pk"]


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    body = SealedTextField(envelope_field="envelope")

    class Meta:
        ordering = ["created_at", "pk"]
