"""On call: who is on call now, the rota, recent alarms; each operator's alarm settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.duress import is_stand_in
from refuge.accounts.permissions import has_capability
from refuge.accounts.roles import Capability
from refuge.core.errors import DomainError
from refuge.oncall import selectors
from refuge.oncall.forms import AlarmSettingsForm, ShiftForm
from refuge.oncall.models import Shift
from refuge.oncall.services.preferences import (
    alarm_channels,
    alarm_email,
    save_alarm_settings,
    settings_of,
    telegram_linked,
)
from refuge.oncall.services.rota import add_shift, remove_shift, upcoming_shifts
from refuge.oncall.services.staff_bot import (
    LinkCode,
    bot_state,
    staff_bot,
    start_linking,
    unlink_telegram,
)


def _supervises(request: OperatorRequest) -> bool:
    return has_capability(request.user, Capability.SUPERVISE_HOTLINE)


def _on_call_now(request: OperatorRequest) -> selectors.OnCallNow:
    """Who is on call; a duress session sees nobody (its pages show no one's name)."""
    return selectors.OnCallNow([], []) if is_stand_in(request.user) else selectors.on_call_now()


def on_call_panel(request: OperatorRequest) -> Mapping[str, Any] | None:
    supervises = _supervises(request)
    return {
        "now": _on_call_now(request),
        "supervises": supervises,
        "failed": selectors.failed_deliveries().count()
        if supervises and not is_stand_in(request.user)
        else 0,
        "has_channel": bool(alarm_channels(settings_of(request.user))),
        "no_backup": _no_backup(request),
    }


def _no_backup(request: OperatorRequest) -> bool:
    """Someone is on call now and no second person is: nobody to pass an untaken urgent
    contact on to but the coordinators."""
    now = _on_call_now(request)
    return bool(now.primary) and not now.backup


@require_GET
@operator_required()
def rota_view(request: OperatorRequest) -> HttpResponse:
    supervises = _supervises(request)
    stand_in = is_stand_in(request.user)
    return render(
        request,
        "oncall/rota.html",
        {
            "now": _on_call_now(request),
            "shifts": upcoming_shifts().none() if stand_in else upcoming_shifts(),
            "supervises": supervises,
            "form": _shift_form(stand_in) if supervises else None,
            "alarms": selectors.recent_alarms() if supervises and not stand_in else [],
            "failed": selectors.failed_deliveries() if supervises and not stand_in else [],
            "no_backup": _no_backup(request),
            "gaps": selectors.shifts_without_backup() if not stand_in else [],
            "bot": bot_state() if supervises and not stand_in and staff_bot() else None,
        },
    )


@require_POST
@operator_required(Capability.SUPERVISE_HOTLINE)
def add_shift_view(request: OperatorRequest) -> HttpResponse:
    form = ShiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("oncall:rota")
    try:
        add_shift(actor=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The shift is on the rota."))
    return redirect("oncall:rota")


@require_POST
@operator_required(Capability.SUPERVISE_HOTLINE)
def remove_shift_view(request: OperatorRequest, shift_id: int) -> HttpResponse:
    remove_shift(actor=request.user, shift=get_object_or_404(Shift, pk=shift_id))
    messages.success(request, _("The shift was taken off the rota."))
    return redirect("oncall:rota")


@require_http_methods(["GET", "POST"])
@operator_required()
def alarm_settings_view(request: OperatorRequest) -> HttpResponse:
    current = settings_of(request.user)
    linked = telegram_linked(current)
    if request.method == "POST":
        form = AlarmSettingsForm(request.POST, telegram_linked=linked)
        if form.is_valid():
            try:
                save_alarm_settings(
                    operator=request.user,
                    email=form.cleaned_data["email"],
                    quiet_from=form.cleaned_data["quiet_from"],
                    quiet_until=form.cleaned_data["quiet_until"],
                    expected_version=form.cleaned_data["version"],
                    channels=form.cleaned_data["channels"],
                )
            except DomainError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Your alarm settings are saved."))
                return redirect("oncall:settings")
    else:
        form = AlarmSettingsForm(
            initial={
                "email": alarm_email(current),
                "quiet_from": current.quiet_from,
                "quiet_until": current.quiet_until,
                "version": current.version,
                "channels": current.channels,
            },
            telegram_linked=linked,
        )
    return _settings_page(request, form, linked=linked)


def _settings_page(
    request: OperatorRequest,
    form: AlarmSettingsForm,
    *,
    linked: bool,
    code: LinkCode | None = None,
) -> HttpResponse:
    return render(
        request,
        "oncall/settings.html",
        {
            "form": form,
            "telegram_on": staff_bot() is not None,
            "telegram_linked": linked,
            "code": code,
        },
    )


@require_POST
@operator_required()
def link_telegram_view(request: OperatorRequest) -> HttpResponse:
    """Shows a new one-time code on this page only (it is stored as a hash: never again)."""
    if staff_bot() is None:
        messages.error(request, _("The staff Telegram bot is not set up on this installation."))
        return redirect("oncall:settings")
    code = start_linking(request.user)
    current = settings_of(request.user)
    linked = telegram_linked(current)
    form = AlarmSettingsForm(
        initial={
            "email": alarm_email(current),
            "quiet_from": current.quiet_from,
            "quiet_until": current.quiet_until,
            "version": current.version,
            "channels": current.channels,
        },
        telegram_linked=linked,
    )
    response = _settings_page(request, form, linked=linked, code=code)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@operator_required()
def unlink_telegram_view(request: OperatorRequest) -> HttpResponse:
    unlink_telegram(request.user)
    messages.success(request, _("Telegram is unlinked: alarms no longer go there."))
    return redirect("oncall:settings")


def _shift_form(stand_in: bool) -> ShiftForm:
    form = ShiftForm()
    if stand_in:  # the usual form, listing no one
        form.fields["operator"].queryset = form.fields["operator"].queryset.none()  # type: ignore[attr-defined]
    return form


def _errors(form: ShiftForm) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
