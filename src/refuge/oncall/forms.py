from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from refuge.accounts.models import Operator
from refuge.core.timezones import ZonedDateTimeField
from refuge.oncall.models import ChannelChoice, Position


class ShiftForm(forms.Form):
    operator = forms.ModelChoiceField(
        label=_("Who"), queryset=Operator.objects.filter(is_active=True).order_by("username")
    )
    position = forms.ChoiceField(label=_("As"), choices=Position.choices)
    starts_at = ZonedDateTimeField(label=_("From"))
    ends_at = ZonedDateTimeField(label=_("Until"))


class AlarmSettingsForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address for alarms"),
        required=False,
        help_text=_(
            "Best an address that does not name you. Alarms never say who wrote or what: "
            "only that there is work, and how urgent."
        ),
    )
    channels = forms.ChoiceField(
        label=_("Send my alarms by"),
        choices=ChannelChoice.choices,
        initial=ChannelChoice.EMAIL,
        widget=forms.RadioSelect,
    )
    quiet_from = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_until = forms.TimeField(
        label=_("Quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_(
            "In your own time zone. Alarms about a person in danger or detained still reach "
            "you when you are on call."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: object, telegram_linked: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.telegram_linked = telegram_linked
        if not settings.TELEGRAM_STAFF_TOKEN:  # no staff bot here: e-mail is the one channel
            self.fields["channels"].choices = [  # type: ignore[attr-defined]
                (ChannelChoice.EMAIL.value, ChannelChoice.EMAIL.label)
            ]

    def clean(self) -> dict[str, object] | None:
        cleaned = super().clean()
        if cleaned and bool(cleaned.get("quiet_from")) != bool(cleaned.get("quiet_until")):
            raise forms.ValidationError(_("Give both ends of the quiet hours, or neither."))
        channels = cleaned.get("channels") if cleaned else None
        if channels in (ChannelChoice.TELEGRAM, ChannelChoice.BOTH) and not self.telegram_linked:
            raise forms.ValidationError(_("Link Telegram first (below), then choose it."))
        return cleaned
