"""Acts that take two people: one asks, with a written reason; another confirms in time.

A `PendingAction` names its target by model label and id (the apps above this one register a
handler per kind, refuge.approvals.registry), keeps the requester's reason sealed in its own
envelope (readable by the requester and by those who may confirm), and codes and ids the act
needs in `details`. Until it is confirmed nothing is destroyed or changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from refuge.vault.fields import SealedTextField

USER = settings.AUTH_USER_MODEL


class ActionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second person")
    CONFIRMED = "confirmed", _("Confirmed and done")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn by the requester")
    EXPIRED = "expired", _("Expired unconfirmed")
    DONE_AT_ONCE = "done_at_once", _("Done at once: consent withdrawn")


DECIDED = (
    ActionStatus.CONFIRMED,
    ActionStatus.REFUSED,
    ActionStatus.WITHDRAWN,
    ActionStatus.EXPIRED,
    ActionStatus.DONE_AT_ONCE,
)


class PendingAction(models.Model):
    kind = models.CharField(max_length=32, db_index=True)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    # The target's coded reference (S-0004, F-0002, C-00012/P3): shown in lists and kept
    # after the target is gone. Never a name.
    reference = models.CharField(max_length=40)
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    reason = SealedTextField(envelope_field="envelope")
    # Codes and ids the act needs when it is confirmed (e.g. a destruction reason code).
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id"],
                condition=models.Q(status="pending"),
                name="one_pending_action_per_target",
            ),
            # Nobody confirms, refuses or expires what they asked for themselves, except the
            # requester withdrawing it and the consent-withdrawal fast path.
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | ~models.Q(decided_by=models.F("requested_by"))
                | models.Q(status__in=["withdrawn", "done_at_once"]),
                name="second_person_decides",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(decided_at__isnull=False),
                name="decided_action_has_decided_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"
