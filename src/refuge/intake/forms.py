"""Public forms. Shape only: rules live in services; rendering is in the templates."""

from __future__ import annotations

import secrets
import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from refuge.intake.models import ReporterKind, Urgency

FORM_TOKEN_SALT = "refuge.intake.form"  # noqa: S105 - a signing namespace, not a secret
SPAM_CODE = "not_sent"


def new_form_token() -> str:
    """A signed, single-use token: a random nonce and the time the form was served."""
    return signing.dumps(
        {"n": secrets.token_hex(16), "t": int(time.time())}, salt=FORM_TOKEN_SALT, compress=False
    )


class _TokenForm(forms.Form):
    """Carries the one-time token; rejects expired forms and forms filled too fast."""

    token = forms.CharField(
        widget=forms.HiddenInput,
        max_length=200,
        error_messages={"required": _("The form expired. Please send it again.")},
    )
    nonce: str = ""

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"]
        try:
            payload = signing.loads(
                token, salt=FORM_TOKEN_SALT, max_age=settings.INTAKE_FORM_MAX_AGE_SECONDS
            )
            nonce, served_at = str(payload["n"]), int(payload["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
            raise forms.ValidationError(
                _("The form expired. Please send it again."), code="expired"
            ) from error
        if time.time() - served_at < settings.INTAKE_MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("Your message was not sent. Please check it and send it again."), code=SPAM_CODE
            )
        self.nonce = nonce
        return token


def _text_field(*, required: bool, required_message: Any = None) -> forms.CharField:
    messages = {"required": required_message} if required_message else {}
    return forms.CharField(required=required, strip=True, error_messages=messages)


class ReportForm(_TokenForm):
    body = _text_field(
        required=True, required_message=_("Please write what happened and what help you need.")
    )
    reporter_kind = forms.ChoiceField(
        choices=ReporterKind.choices,
        error_messages={
            "required": _("Please say who is reporting."),
            "invalid_choice": _("Please say who is reporting."),
        },
    )
    urgency = forms.ChoiceField(
        choices=Urgency.choices,
        error_messages={
            "required": _("Please choose what is happening."),
            "invalid_choice": _("Please choose what is happening."),
        },
    )
    contact = forms.CharField(
        required=False,
        strip=True,
        max_length=1000,
        error_messages={"max_length": _("Please keep the contact details under 1000 characters.")},
    )
    # A trap for bots: hidden by the style sheet, labelled for people who see it anyway.
    website = forms.CharField(required=False)

    def clean_body(self) -> str:
        return _within_limit(self.cleaned_data["body"])

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(
                _("Your message was not sent. Please check it and send it again."), code=SPAM_CODE
            )
        return ""


class MessageForm(_TokenForm):
    body = _text_field(required=True, required_message=_("Please write your message."))
    website = forms.CharField(required=False)

    def clean_body(self) -> str:
        return _within_limit(self.cleaned_data["body"])

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(
                _("Your message was not sent. Please check it and send it again."), code=SPAM_CODE
            )
        return ""


class EraseRepliesForm(forms.Form):
    """The last reply the mailbox page showed: replies up to it were read, later ones not."""

    up_to = forms.IntegerField(min_value=1)


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        max_length=64,
        error_messages={
            "required": _("Please enter your receipt: 16 digits."),
            "max_length": _("A receipt is 16 digits, in four groups of four."),
        },
    )


def _within_limit(text: str) -> str:
    limit = settings.INTAKE_MAX_TEXT_CHARS
    if len(text) > limit:
        raise forms.ValidationError(
            _(
                "The text is too long: %(length)d characters, at most %(limit)d. Please shorten "
                "it, or send the rest in a second message from your mailbox."
            )
            % {"length": len(text), "limit": limit},
            code="too_long",
        )
    return text
