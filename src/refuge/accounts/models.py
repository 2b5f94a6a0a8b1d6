from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, DeviceManager

from refuge.accounts.roles import Role


class Operator(AbstractUser):
    """A member of staff. Holds no personal data beyond a chosen username."""

    # AbstractUser's name and e-mail fields stay empty: we ask for the least data.
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.OPERATOR)
    # Bumped by "log out everywhere", a duress login or an emergency lock: every session that
    # carries an older generation is ended on its next request.
    session_generation = models.PositiveIntegerField(default=0)
    is_on_intake_duty = models.BooleanField(
        _("receives new web reports"),
        default=False,
        help_text=_("New anonymous reports are sealed to operators on intake duty."),
    )
    locked_reason = models.CharField(max_length=32, blank=True, default="")
    # A second password, hashed like the first: it opens an empty console, locks the account
    # and alerts the coordinators (see accounts.duress). Empty when none is set.
    duress_password = models.CharField(max_length=128, blank=True, default="")
    # Optimistic locking for coordinators' edits (refuge.core.concurrency.save_with_version).
    version = models.PositiveIntegerField(default=0)
    # The operator's own console settings (accounts.preferences). Empty: the installation's
    # zone (REFUGE_TIME_ZONE); the language of the address (Russian at /console/).
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, default="")
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    # Set when a coordinator issues a one-time password (new account, reset): nothing but
    # the password change opens until the operator chose their own.
    must_change_password = models.BooleanField(default=False)
    # Made by `refuge demo` (public passwords): a real installation has none, and the demo
    # refuses to run where any operator is not one of its own.
    created_for_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username


class LoginFailure(models.Model):
    """One failed login, kept for the lockout window only.

    The address is stored as a keyed hash: a seized database must not list where operators
    work from. django-axes stores raw addresses and user agents, hence this small model.
    """

    username_key = models.CharField(max_length=64, db_index=True)
    address_key = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class GlobalLock(models.Model):
    """A singleton: the emergency-lock generation shared by every app server.

    `closed_at` is set by an emergency lock and cleared when enough coordinators reopen the
    console (accounts.unlocking): until then only coordinators log in, to reopen it.
    """

    generation = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)


class LockLiftApproval(models.Model):
    """One coordinator's approval to lift a duress lock or to reopen after an emergency lock.

    Approvals count only for the lock they were given under (given after it began) and within
    REFUGE_UNLOCK_APPROVAL_HOURS; the approval that completes the count lifts the lock, and
    the approvals are then deleted (the audit log keeps each one).
    """

    class Kind(models.TextChoices):
        DURESS = "duress", _("Lift a duress lock")
        REOPEN = "reopen", _("Reopen the console after an emergency lock")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    # The locked account (DURESS); empty for REOPEN.
    operator = models.ForeignKey(
        Operator, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    approved_by = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at"]


class LockReason(models.TextChoices):
    DURESS = "duress", _("Duress password used")


class CoordinatorAlert(models.Model):
    """Something a coordinator must see at once (a duress login), shown on their home page."""

    class Kind(models.TextChoices):
        DURESS = "duress", _("Duress password used")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="alerts")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        Operator, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]


class SealedTOTPDevice(Device):  # type: ignore[misc]  # django-otp ships no type hints
    """A TOTP second factor whose seed only its operator's own private key opens.

    The seed is sealed to the operator's X25519 public key (vault.seal_for_operator), so it
    opens only after the password step has unlocked that key: a seized database gives no
    second factor. `duress_seed` is the same seed wrapped under a key
    derived from the duress password, so that a duress login checks the code like a real one
    (accounts.duress). Replaces django-otp's TOTPDevice, which keeps the seed in clear.
    """

    # Annotated by hand: the base class comes untyped, so mypy cannot infer the fields.
    objects: ClassVar[models.Manager[SealedTOTPDevice]] = DeviceManager()
    user: models.ForeignKey[Operator, Operator] = models.ForeignKey(
        Operator, on_delete=models.CASCADE, related_name="+"
    )
    sealed_seed: models.BinaryField[bytes, bytes] = models.BinaryField()
    duress_seed: models.BinaryField[bytes | None, bytes | None] = models.BinaryField(
        null=True, blank=True
    )
    step: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=30)
    digits: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=6)
    drift: models.SmallIntegerField[int, int] = models.SmallIntegerField(default=0)
    # The last time step accepted: a code is never accepted twice.
    last_t: models.BigIntegerField[int, int] = models.BigIntegerField(default=-1)
