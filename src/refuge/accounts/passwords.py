"""Every password an operator chooses passes Django's validators (AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from refuge.accounts.errors import PasswordRejected


def check_password_rules(password: str, *, operator: Any = None) -> None:
    """Raise PasswordRejected, with the validators' reasons, for a password they refuse."""
    try:
        validate_password(password, user=operator)
    except ValidationError as error:
        raise PasswordRejected(list(error.messages)) from error
