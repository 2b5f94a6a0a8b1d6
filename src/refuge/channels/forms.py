from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from refuge.channels.config import SECURITY_CHOICES

SECURITY_LABELS = {
    "tls": _("TLS (port 993)"),
    "starttls": _("STARTTLS (port 143)"),
    "none": _("None (a server on this machine only)"),
}


class EmailChannelForm(forms.Form):
    enabled = forms.BooleanField(label=_("Read this mailbox"), required=False, initial=True)
    host = forms.CharField(label=_("IMAP server"), max_length=255)
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, initial=993)
    security = forms.ChoiceField(
        label=_("Encryption"), choices=[(key, SECURITY_LABELS[key]) for key in SECURITY_CHOICES]
    )
    user = forms.CharField(label=_("User name"), max_length=255)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the saved one. It is never shown again."),
    )
    folder = forms.CharField(label=_("Folder"), max_length=255, initial="INBOX")
    delete_sealed = forms.BooleanField(
        label=_("Remove each mail from the mailbox once it is in Refuge"),
        required=False,
        initial=True,
        help_text=_("Recommended: the mail server then keeps no second copy."),
    )
    address = forms.EmailField(
        label=_("The address people write to"),
        required=False,
        help_text=_("Replies are sent from it."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)


class TelegramChannelForm(forms.Form):
    enabled = forms.BooleanField(label=_("Read this bot"), required=False, initial=True)
    token = forms.CharField(
        label=_("Bot token (from @BotFather)"),
        required=False,
        max_length=128,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Leave empty to keep the saved one. Never the staff bot's token: that bot only "
            "carries alarms."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)
