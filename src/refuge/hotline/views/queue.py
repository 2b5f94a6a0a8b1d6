"""The queue, logging a call, and the supervisor's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.permissions import has_capability
from refuge.accounts.roles import Capability
from refuge.core.errors import DomainError
from refuge.hotline import selectors, services
from refuge.hotline.forms import CallForm

# The queue refreshes itself: <meta http-equiv="refresh"> needs no script, so it works with
# JavaScript off and under the console's CSP.
QUEUE_REFRESH_SECONDS = 30


def home_panel(request: OperatorRequest) -> dict[str, Any] | None:
    """The console home's hotline panel: unread follow-ups, for operators who handle contacts."""
    if not has_capability(request.user, Capability.HANDLE_CONTACTS):
        return None
    # As the queue does: a reopened contact reaches those on duty as soon as a holder logs in.
    services.complete_intake_grants(viewer=request.user)
    return {"unread": selectors.unread_summary(request.user)}


@operator_required(Capability.HANDLE_CONTACTS)
def queue_view(request: OperatorRequest) -> HttpResponse:
    # Colleagues put on intake duty receive what this viewer holds (see services.intake).
    services.complete_intake_grants(viewer=request.user)
    counts = selectors.open_counts(request.user)
    page = selectors.queue_page(request.user, request.GET.get("page"), counts=counts)
    return render(
        request,
        "hotline/queue.html",
        {
            "page": page,
            "counts": counts,
            "now": timezone.now(),
            "unread": selectors.unread_summary(request.user),
            "refresh_seconds": QUEUE_REFRESH_SECONDS,
            "out_of_reach": services.waiting_out_of_reach(request.user),
            "exposure_alerts": list(services.alerts_visible_to(request.user)[:50]),
        },
    )


def _check_repeat(request: OperatorRequest) -> tuple[CallForm, services.RepeatCheck | None]:
    """The "check" button: look the number and name up while the caller is on the line.

    Nothing is saved; the form comes back with what was typed, without complaining about
    fields the operator has not reached yet.
    """
    typed = {
        name: request.POST.getlist(name) if name == "risk_flags" else request.POST.get(name)
        for name in CallForm.base_fields
        if name in request.POST
    }
    try:
        repeat = services.check_repeat_caller(
            operator=request.user,
            number=str(typed.get("callback_number") or "")[:40],
            pseudonym=str(typed.get("caller_pseudonym") or "")[:120],
        )
    except DomainError as error:
        form = CallForm(request.POST)
        form.is_valid()
        form.add_error("callback_number", str(error))
        return form, None
    return CallForm(initial=typed), repeat


def _save_call(request: OperatorRequest, form: CallForm) -> HttpResponse | None:
    data = form.cleaned_data
    try:
        logged = services.log_call(
            operator=request.user,
            call=services.CallRecord(
                started_at=data["started_at"],
                ended_at=data["ended_at"],
                caller_pseudonym=data["caller_pseudonym"],
                what_they_said=data["what_they_said"],
                urgency=data["urgency"],
                risk_flags=data["risk_flags"],
                next_step=data["next_step"],
                next_step_at=data["next_step_at"],
                callback_number=data["callback_number"],
            ),
        )
    except DomainError as error:
        form.add_error("callback_number", str(error))
        return None
    if logged.flags:
        messages.error(
            request,
            _(
                "Safety flag: this number or name belongs to a flagged "
                "profile. Read the warning on the contact."
            ),
        )
    if logged.earlier:
        messages.warning(
            request,
            _(
                "Repeat caller: this number or name was seen "
                "before. See the warning on the contact."
            ),
        )
    if not logged.is_index_available:
        messages.warning(
            request,
            _(
                "The repeat-caller check is not available to you: "
                "ask a coordinator to share the index key."
            ),
        )
    messages.success(request, _("Call logged."))
    return redirect("hotline:contact", contact_id=logged.contact.pk)


@operator_required(Capability.HANDLE_CONTACTS)
def call_view(request: OperatorRequest) -> HttpResponse:
    if request.method == "POST" and "check" in request.POST:
        form, repeat = _check_repeat(request)
        return render(request, "hotline/call_form.html", {"form": form, "repeat": repeat})
    form = CallForm(request.POST or None, initial={"started_at": timezone.now()})
    if request.method == "POST" and form.is_valid():
        saved = _save_call(request, form)
        if saved is not None:
            return saved
    return render(request, "hotline/call_form.html", {"form": form, "repeat": None})


@operator_required(Capability.SUPERVISE_HOTLINE)
def supervisor_view(request: OperatorRequest) -> HttpResponse:
    return render(request, "hotline/supervisor.html", {"report": selectors.supervisor_report()})
