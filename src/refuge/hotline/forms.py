"""Forms check shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refuge.accounts.models import Operator
from refuge.accounts.roles import Capability
from refuge.accounts.selectors import operators_with
from refuge.core.timezones import ZonedDateTimeField
from refuge.hotline.models import (
    CloseReason,
    ContactStatus,
    IdentifierKind,
    ProfileFlagKind,
    ReplyTemplate,
    RiskFlag,
)
from refuge.intake.models import Urgency

TEXT_LIMIT = 10_000


def _datetime_field(label: Any, *, required: bool = False) -> forms.DateTimeField:
    # Typed as the operator's wall-clock time, in their zone (core.timezones).
    return ZonedDateTimeField(label=label, required=required)


def _text(label: Any, *, required: bool = False, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows, "autocomplete": "off"}),
    )


class CallForm(forms.Form):
    started_at = _datetime_field(_("call started"), required=True)
    ended_at = _datetime_field(_("call ended"))
    caller_pseudonym = forms.CharField(
        label=_("caller's pseudonym"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    callback_number = forms.CharField(
        label=_("call-back number (optional, stored encrypted)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    what_they_said = _text(_("what they said"), required=True, rows=6)
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices)
    risk_flags = forms.MultipleChoiceField(
        label=_("risk"),
        choices=RiskFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    next_step = _text(_("next step"), rows=2)
    next_step_at = _datetime_field(_("next step by"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        started, ended = data.get("started_at"), data.get("ended_at")
        if started and ended and ended < started:
            self.add_error("ended_at", _("The call cannot end before it started."))
        return data


class ContactEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices)
    status = forms.ChoiceField(
        label=_("status"),
        choices=[
            (ContactStatus.NEW, ContactStatus.NEW.label),
            (ContactStatus.IN_PROGRESS, ContactStatus.IN_PROGRESS.label),
            (ContactStatus.WAITING, ContactStatus.WAITING.label),
        ],
    )
    summary = _text(_("summary"))
    risk_flags = forms.MultipleChoiceField(
        label=_("risk"),
        choices=RiskFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    next_step = _text(_("next step"), rows=2)
    due_at = _datetime_field(_("follow up by"))


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.ChoiceField(label=_("reason"), choices=CloseReason.choices)


class MergeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    into = forms.IntegerField(label=_("merge into contact number"), min_value=1)


class TextForm(forms.Form):
    text = _text(_("text"), required=True)


class HandOverForm(forms.Form):
    to = forms.ModelChoiceField(
        label=_("hand over to"),
        required=False,
        empty_label=_("back to the queue"),
        queryset=Operator.objects.none(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ModelChoiceField)
        # Any active key holder, as before; hand_over refuses one who does not handle contacts.
        field.queryset = operators_with(*Capability).order_by("username")


class ProfileForm(forms.Form):
    pseudonym = forms.CharField(
        label=_("pseudonym"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class LinkProfileForm(forms.Form):
    profile = forms.IntegerField(label=_("profile number"), min_value=1)


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=IdentifierKind.choices)
    value = forms.CharField(
        label=_("value"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class FlagForm(forms.Form):
    kind = forms.ChoiceField(label=_("flag"), choices=ProfileFlagKind.choices)
    expires_at = _datetime_field(_("valid until"), required=True)
    note = _text(_("why (sealed: only those who can read the profile see it)"), rows=2)

    def clean_expires_at(self) -> Any:
        value = self.cleaned_data["expires_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("The expiry must be in the future."))
        return value


class LiftFlagForm(forms.Form):
    reason = _text(_("why it no longer applies"), required=True, rows=2)


class IntakeDutyForm(forms.Form):
    on_duty = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class TemplateForm(forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    class Meta:
        model = ReplyTemplate
        fields = ["title", "language", "body"]
