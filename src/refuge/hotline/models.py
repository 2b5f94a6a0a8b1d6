from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class Contact(models.Model):
    """One entry of the hotline queue, whatever channel it came by."""

    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    urgency = models.CharField(max_length=16, choices=Urgency.choices)
    status = models.CharField(max_length=12, choices=ContactStatus.choices,
                              default=ContactStatus.NEW, db_index=True)
    thread = models.OneToOneField("intake.Thread", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="contact")
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    summary = SealedTextField(envelope_field="envelope", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"contact {self.pk}"
