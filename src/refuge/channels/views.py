"""The channels' console pages: the web mailbox invitation (the contact page itself is the
hotline's) and the coordinators' channel settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.permissions import has_capability
from refuge.accounts.roles import Capability
from refuge.channels.config import email_config, telegram_token
from refuge.channels.forms import EmailChannelForm, TelegramChannelForm
from refuge.channels.services.configuration import (
    ChannelChanges,
    check_connection,
    save_channel,
    settings_row,
)
from refuge.channels.services.invitation import send_mailbox_invitation
from refuge.core.errors import DomainError
from refuge.hotline.models import Channel
from refuge.hotline.selectors import get_contact_for


@operator_required(Capability.HANDLE_CONTACTS)
@require_POST
def invite(request: OperatorRequest, contact_id: int) -> HttpResponse:
    contact = get_contact_for(request.user, contact_id)
    try:
        send_mailbox_invitation(contact=contact, operator=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The invitation with a receipt of their own is on its way to the person."),
        )
    return redirect("hotline:contact", contact_id=contact.pk)


CHECK_RESULTS = {
    "ok": gettext_lazy("Connected."),
    "not_configured": gettext_lazy("Nothing is set up for this channel yet."),
    "login_refused": gettext_lazy("The mail server refused the user name or password."),
    "no_folder": gettext_lazy("Logged in, but the folder does not open: check its name."),
    "unreachable": gettext_lazy("The server cannot be reached: check its name and port."),
    "timeout": gettext_lazy("The server did not answer in time."),
    "imap_error": gettext_lazy("The mail server answered with an error."),
    "telegram_unauthorized": gettext_lazy(
        "Telegram refused the token: copy it again from @BotFather."
    ),
    "telegram_unreachable": gettext_lazy("Telegram cannot be reached from this server."),
    "telegram_timeout": gettext_lazy("Telegram did not answer in time."),
}


def _forms(data: dict[str, Any] | None = None) -> dict[str, Any]:
    email = settings_row(Channel.EMAIL)
    telegram = settings_row(Channel.TELEGRAM)
    return {
        "email_row": email,
        "telegram_row": telegram,
        "email_form": EmailChannelForm(
            data,
            initial={**email.options, "enabled": email.is_enabled, "version": email.version},
        ),
        "telegram_form": TelegramChannelForm(
            data, initial={"enabled": telegram.is_enabled, "version": telegram.version}
        ),
        "email_check": CHECK_RESULTS.get(email.check_result, email.check_result),
        "telegram_check": CHECK_RESULTS.get(telegram.check_result, telegram.check_result),
    }


def channels_panel(request: OperatorRequest) -> dict[str, Any] | None:
    """On a coordinator's console home: which channels are on, and the way to their settings."""
    if not has_capability(request.user, Capability.SUPERVISE_HOTLINE):
        return None
    return {"email_on": email_config() is not None, "telegram_on": bool(telegram_token())}


@operator_required(Capability.SUPERVISE_HOTLINE)
def channel_settings(request: OperatorRequest) -> HttpResponse:
    return render(request, "channels/settings.html", _forms())


def _save(request: OperatorRequest, channel: str, form: forms.Form) -> HttpResponse:
    if not form.is_valid():
        context = _forms()
        context["email_form" if channel == Channel.EMAIL else "telegram_form"] = form
        return render(request, "channels/settings.html", context, status=400)
    data = dict(form.cleaned_data)
    secret = str(data.pop("password", "") or data.pop("token", "") or "")
    version = int(data.pop("version"))
    enabled = bool(data.pop("enabled"))
    try:
        save_channel(
            operator=request.user,
            channel=channel,
            changes=ChannelChanges(enabled=enabled, options=data, secret=secret),
            expected_version=version,
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved. Test the connection to be sure it works."))
    return redirect("channels:settings")


@operator_required(Capability.SUPERVISE_HOTLINE)
@require_POST
def save_email(request: OperatorRequest) -> HttpResponse:
    return _save(request, Channel.EMAIL, EmailChannelForm(request.POST))


@operator_required(Capability.SUPERVISE_HOTLINE)
@require_POST
def save_telegram(request: OperatorRequest) -> HttpResponse:
    return _save(request, Channel.TELEGRAM, TelegramChannelForm(request.POST))


@operator_required(Capability.SUPERVISE_HOTLINE)
@require_POST
def check(request: OperatorRequest, channel: str) -> HttpResponse:
    if channel not in (Channel.EMAIL, Channel.TELEGRAM):
        raise Http404
    result = check_connection(operator=request.user, channel=channel)
    text = str(CHECK_RESULTS.get(result, _("The connection failed (%(code)s).") % {"code": result}))
    (messages.success if result == "ok" else messages.error)(request, text)
    return redirect("channels:settings")
