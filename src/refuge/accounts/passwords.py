"""Every password an operator chooses passes Django's validators (AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from refuge.accounts.errors import PasswordRejected
from refuge.accounts.models import Operator


def check_password_rules(password: str, *, operator: Operator | None = None) -> None:
    """Raise PasswordRejected, with the validators' reasons, for a password they refuse."""
    try:
        validate_password(password, user=operator)
    except ValidationError as error:
        raise PasswordRejected(list(error.messages)) from error
