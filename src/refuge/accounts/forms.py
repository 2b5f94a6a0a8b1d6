from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction

NO_AUTOCOMPLETE = {"autocomplete": "off"}


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"), max_length=150, widget=forms.TextInput(attrs=NO_AUTOCOMPLETE)
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs=NO_AUTOCOMPLETE),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class CreateOperatorForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=64,
        regex=r"^[A-Za-z0-9_.-]+$",
        help_text=_("A pseudonym: letters, digits, . _ -"),
        widget=forms.TextInput(attrs=NO_AUTOCOMPLETE),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    on_intake_duty = forms.BooleanField(label=_("Receives new web reports"), required=False)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if Operator.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username


class EditOperatorForm(forms.Form):
    # The version the form was rendered from: a save over a newer one is refused.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    on_intake_duty = forms.BooleanField(label=_("Receives new web reports"), required=False)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs=NO_AUTOCOMPLETE),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        min_length=12,
        max_length=256,
        widget=forms.PasswordInput(attrs=NO_AUTOCOMPLETE),
    )


class DuressPasswordForm(forms.Form):
    current_password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs=NO_AUTOCOMPLETE),
    )
    duress_password = forms.CharField(
        label=_("Duress password"),
        strip=False,
        min_length=12,
        max_length=256,
        help_text=_(
            "If you are ever forced to log in, type this instead of your password: "
            "an empty console opens, your account is locked and the coordinators "
            "are alerted."
        ),
        widget=forms.PasswordInput(attrs=NO_AUTOCOMPLETE),
    )
    duress_password_again = forms.CharField(
        label=_("Duress password again"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs=NO_AUTOCOMPLETE),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("duress_password") != cleaned.get("duress_password_again"):
            raise forms.ValidationError(_("The two duress passwords differ."))
        return cleaned


class EmergencyLockForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand: every operator, me included, is logged out at once and nothing "
            "can be read until each of them logs in again."
        ),
        required=True,
    )

    def clean_confirm(self) -> bool:
        # An irreversible action: only the browser's own checkbox value ("on") confirms it,
        # not any non-empty string Django's CheckboxInput would take for "checked".
        if self.data.get("confirm") != "on":
            raise forms.ValidationError(_("Tick the box to confirm."))
        return True


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", "—"), *AuditAction.choices]
    )
    actor = forms.ModelChoiceField(
        label=_("Operator"), required=False, queryset=Operator.objects.order_by("username")
    )
    target_type = forms.CharField(label=_("Record type"), required=False, max_length=64)
    target_id = forms.CharField(label=_("Record id"), required=False, max_length=64)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
