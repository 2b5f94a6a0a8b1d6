from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from refuge.approvals.services import MIN_REASON_CHARS

OFF = {"autocomplete": "off"}


def reason_field(label: Any = None, *, required: bool = True) -> forms.CharField:
    """The written reason every two-person act asks for (sealed; shown to the confirmer)."""
    return forms.CharField(
        label=label or _("Why? (a second person reads this before confirming)"),
        required=required,
        min_length=MIN_REASON_CHARS,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, **OFF}),
        error_messages={
            "required": _("Write down why."),
            "min_length": _("Write down why, in a sentence."),
        },
    )


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have read the reason and confirm"),
        required=True,
        error_messages={"required": _("Tick the box to confirm.")},
    )
    read_back = forms.CharField(
        label=_("Fingerprint, as the partner reads it to you"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs=OFF),
    )

    def __init__(self, *args: Any, needs_read_back: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_read_back:
            del self.fields["read_back"]
        else:
            self.fields["read_back"].required = True

    def clean_confirm(self) -> bool:
        # Irreversible: only the browser's own checkbox value confirms it.
        if self.data.get("confirm") != "on":
            raise forms.ValidationError(_("Tick the box to confirm."))
        return True
