from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from refuge.accounts.roles import Role


class Operator(AbstractUser):
    """A member of staff. Holds no personal data beyond a chosen username."""

    # AbstractUser's name and e-mail fields stay empty: we ask for the least data.
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.OPERATOR)
    # Bumped by "log out everywhere", a duress login or an emergency lock: every session that
    # carries an older generation is ended on its next request.
    session_generation = models.PositiveIntegerField(default=0)
    is_on_intake_duty = models.BooleanField(
        _("receives new web reports"), default=False,
        help_text=_("New anonymous reports are sealed to operators on intake duty."),
    )
    locked_reason = models.CharField(max_length=32, blank=True, default="")

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
    """A singleton: the emergency-lock generation shared by every app server."""

    generation = models.PositiveIntegerField(default=0)
