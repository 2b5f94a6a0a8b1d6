from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from refuge.intake.models import Urgency
from refuge.vault.fields import SealedTextField


class Channel(models.TextChoices):
    WEB = "web", _("Web report")
    PHONE = "phone", _("Phone call")
    TELEGRAM = "telegram", _("Telegram")
    SIGNAL = "signal", _("Signal")
    EMAIL = "email", _("E-mail")


class ContactStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for the person")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged")
    CASE_OPENED = "case_opened", _("Case opened")


OPEN_STATUSES = (ContactStatus.NEW, ContactStatus.IN_PROGRESS, ContactStatus.WAITING)


class RiskFlag(models.TextChoices):
    """Coded, so statistics can count them; they name no one."""

    DETAINED_NOW = "detained_now", _("Detained now")
    INJURED = "injured", _("Injured")
    THREATENED_BY_FAMILY = "family_threat", _("Threatened by family")
    # Context: the intake's "Hiding" is the reporter's own words ("I am hiding").
    HIDING = "hiding", pgettext_lazy("risk flag", "Hiding")
    NEEDS_TO_LEAVE = "needs_to_leave", _("Needs to leave the region")


class CloseReason(models.TextChoices):
    RESOLVED = "resolved", _("Help given, nothing more needed")
    REFERRED = "referred", _("Referred to another organisation")
    NO_ANSWER = "no_answer", _("Person stopped answering")
    NOT_IN_SCOPE = "not_in_scope", _("Not something we can help with")
    SUSPECTED_FAKE = "suspected_fake", _("Suspected provocation or fake")
    DUPLICATE = "duplicate", _("Duplicate")


class Profile(models.Model):
    """One pseudonymous person behind several identifiers (a number, a Telegram handle)."""

    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    pseudonym = SealedTextField(envelope_field="envelope")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"profile {self.pk}"


class Contact(models.Model):
    """One entry of the hotline queue, whatever channel it came by."""

    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    urgency = models.CharField(max_length=16, choices=Urgency.choices)
    status = models.CharField(
        max_length=12, choices=ContactStatus.choices, default=ContactStatus.NEW, db_index=True
    )
    thread = models.OneToOneField(
        "intake.Thread", null=True, blank=True, on_delete=models.PROTECT, related_name="contact"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = SealedTextField(envelope_field="envelope", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=0)
    # Phone calls: logged while they happen.
    caller_pseudonym = SealedTextField(envelope_field="envelope", null=True, blank=True)
    call_started_at = models.DateTimeField(null=True, blank=True)
    call_ended_at = models.DateTimeField(null=True, blank=True)
    risk_flags = models.JSONField(default=list, blank=True)
    next_step = SealedTextField(envelope_field="envelope", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Triage.
    close_reason = models.CharField(
        max_length=16, choices=CloseReason.choices, blank=True, default=""
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Who closed or merged it: they keep their key when intake-duty grants lapse, so that a
    # reporter's follow-up reopening it reaches the operators on duty through them
    # (services.intake).
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_contacts"
    )
    profile = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    # Follow-ups from a web reporter that no operator has opened yet (receivers.py); the
    # contact view clears them. `unread_since` is when the oldest of them arrived.
    unread_messages = models.PositiveIntegerField(default=0)
    unread_since = models.DateTimeField(null=True, blank=True)
    # A web report's contact line is blind-indexed when an operator first reads it (the
    # anonymous request that brought it holds no index key).
    contact_line_indexed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "urgency", "due_at"], name="hotline_queue_idx"),
            models.Index(fields=["assigned_to", "status"], name="hotline_load_idx"),
        ]

    def __str__(self) -> str:
        return f"contact {self.pk}"


class IdentifierKind(models.TextChoices):
    PHONE = "phone", _("Phone number")
    TELEGRAM = "telegram", _("Telegram handle")
    EMAIL = "email", _("E-mail address")
    ADDRESS = "address", _("Address")
    NAME = "name", _("Name or pseudonym")


class Identifier(models.Model):
    """A number, handle, address or name: sealed, and findable only by its blind index."""

    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=IdentifierKind.choices)
    value = SealedTextField(envelope_field="envelope")
    blind_index = models.CharField(max_length=64, db_index=True)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="identifiers"
    )
    profile = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.CASCADE, related_name="identifiers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"identifier {self.pk}"


class ProfileFlagKind(models.TextChoices):
    SUSPECTED_INFILTRATOR = "infiltrator", _("Suspected infiltrator")
    ACCOUNT_COMPROMISED = "compromised", _("Account may be in someone else's hands")
    RELATIVE_SEARCHING = "relative_searching", _("A relative is searching for this person")
    DO_NOT_CONTACT = "do_not_contact", _("Do not contact")


# Flags that speak against the person being who they say: verification on a case cannot pass
# them silently (cases.services.plan/stages).
VERIFICATION_FLAGS = frozenset(
    {ProfileFlagKind.SUSPECTED_INFILTRATOR, ProfileFlagKind.ACCOUNT_COMPROMISED}
)


class ProfileFlag(models.Model):
    """A warning shown wherever the person turns up: a contact linked to the profile, and any
    call, web report or case person sharing one of its identifiers (by blind index).

    The kind (the reason, coded), who set it and until when stay in clear, so that an operator
    who cannot read the profile is still warned; the note in words is sealed with the profile.
    """

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=ProfileFlagKind.choices)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The profile's envelope: the note and the lifting reason are sealed with the profile.
    envelope = models.ForeignKey(
        "vault.Envelope", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = SealedTextField(envelope_field="envelope", null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = SealedTextField(envelope_field="envelope", null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["profile", "expires_at"], name="hotline_flag_idx")]

    def __str__(self) -> str:
        return f"flag {self.pk}"

    @property
    def blocks_verification(self) -> bool:
        return self.kind in VERIFICATION_FLAGS


class IntakeGrant(models.Model):
    """Marks an operator's grant on a contact that exists because they were on intake duty.

    Such grants lapse once the contact has been closed for REFUGE_INTAKE_GRANT_DAYS
    (`services.intake.lapse_intake_grants`); grants given by hand (hand-over, a case) stay.
    """

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="intake_grants")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "operator"], name="one_intake_grant_per_operator"
            )
        ]

    def __str__(self) -> str:
        return f"intake grant {self.pk}"


class ExposureAlert(models.Model):
    """Someone's identifier turned up in an exposure (a detention, a seized phone).

    Coded only: it says neither where the exposure came from nor who recorded it. Shown on the
    contact or profile it concerns and at the top of the queue until someone has warned them.
    """

    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="exposure_alerts"
    )
    profile = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.CASCADE, related_name="exposure_alerts"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"exposure alert {self.pk}"


class Note(models.Model):
    """An internal note on a contact: sealed with it, never shown to the reporter."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="notes")
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = SealedTextField(envelope_field="envelope")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class TemplateLanguage(models.TextChoices):
    RUSSIAN = "ru", "Русский"
    ENGLISH = "en", "English"


class ReplyTemplate(models.Model):
    """Wording coordinators prepare; holds no personal data, so it is stored in clear."""

    title = models.CharField(_("title"), max_length=120)
    language = models.CharField(_("language"), max_length=2, choices=TemplateLanguage.choices)
    body = models.TextField(_("text"), max_length=4000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["language", "title"]

    def __str__(self) -> str:
        return self.title
