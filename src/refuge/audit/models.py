from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGIN_LOCKED = "login_locked", _("Login refused: locked")
    # Context: Django's own "Logged out" means "not authorised" in Russian.
    LOGOUT = "logout", pgettext_lazy("audit action", "Logged out")
    LOGOUT_EVERYWHERE = "logout_everywhere", _("Logged out everywhere")
    TOTP_ENROLLED = "totp_enrolled", _("Second factor enrolled")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    OPERATOR_CREATED = "operator_created", _("Operator created")
    OPERATOR_CHANGED = "operator_changed", _("Operator changed")
    PASSWORD_RESET = "password_reset", _("Password reset by coordinator")
    DURESS_LOGIN = "duress_login", _("Duress password used")
    EMERGENCY_LOCK = "emergency_lock", _("Emergency lock")
    RECORD_READ = "record_read", _("Record read")
    RECORD_CREATED = "record_created", _("Record created")
    RECORD_CHANGED = "record_changed", _("Record changed")
    RECORD_DELETED = "record_deleted", _("Record deleted")
    IDENTIFIER_REVEALED = "identifier_revealed", _("Identifier revealed")
    GRANT_ADDED = "grant_added", _("Access granted")
    GRANT_REVOKED = "grant_revoked", _("Access revoked")
    DECRYPTION_FAILED = "decryption_failed", _("Decryption failed")
    RECOVERY_USED = "recovery_used", _("Recovery key used")
    EXPORT = "export", _("Export")
    REPORT_RECEIVED = "report_received", _("Anonymous report received")
    SETTINGS_CHANGED = "settings_changed", _("Settings changed")
    # Lockout, locks and limits: named apart from authorization failures.
    LOGIN_DELAYED = "login_delayed", _("Login delayed after failed attempts")
    LOGIN_DELAY_LIFTED = "login_delay_lifted", _("Login delay lifted by a coordinator")
    LOCK_LIFT_APPROVED = "lock_lift_approved", _("Coordinator approved lifting a lock")
    CONSOLE_REOPENED = "console_reopened", _("Console reopened after an emergency lock")
    INTAKE_RATE_LIMITED = "intake_rate_limited", _("Intake limit reached")
    BLIND_INDEX_REKEYED = "blind_index_rekeyed", _("Blind indexes remade under a new key")
    APPROVAL_REQUESTED = "approval_requested", _("Two-person act requested")
    APPROVAL_CONFIRMED = "approval_confirmed", _("Two-person act confirmed")
    APPROVAL_REFUSED = "approval_refused", _("Two-person act refused or withdrawn")
    APPROVAL_EXPIRED = "approval_expired", _("Two-person act expired")
    ACCESS_DENIED = "access_denied", _("Access refused")
    RATE_LIMITED = "rate_limited", _("Rate limit reached")
    # Alarms to operators (oncall): sent, given up after the retries, passed on to the next.
    ALARM_SENT = "alarm_sent", _("Alarm sent")
    ALARM_FAILED = "alarm_failed", _("Alarm could not be sent")
    ALARM_ESCALATED = "alarm_escalated", _("Alarm escalated")


class AuditEvent(models.Model):
    """One entry of the append-only log. Ids, codes and counts only, never personal data.

    `entry_hash` is an HMAC over this entry's fields and the previous entry's hash, so an
    edited, inserted or deleted entry breaks the chain (`refuge audit verify`).
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices, db_index=True)
    target_type = models.CharField(max_length=64, blank=True, default="", db_index=True)
    target_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    details = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"


class AuditHead(models.Model):
    """A single row locked by each append, so concurrent writers extend the chain in turn."""

    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)
