"""Requests waiting for a second person: the list, one request, confirm, refuse."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.approvals import registry, selectors
from refuge.approvals.errors import ApprovalError
from refuge.approvals.forms import ConfirmForm
from refuge.approvals.permissions import get_action_for
from refuge.approvals.services import confirm_action, refuse_action
from refuge.core.errors import DomainError


@require_GET
@operator_required()
def action_list(request: OperatorRequest) -> HttpResponse:
    return render(
        request,
        "approvals/list.html",
        {
            "pending": selectors.pending_for(request.user),
            "decided": selectors.decided_for(request.user),
        },
    )


@require_GET
@operator_required()
def action_detail(request: OperatorRequest, action_id: int) -> HttpResponse:
    action = get_action_for(request.user, action_id)
    view = selectors.read_view_of(action, request.user)
    handler = registry.handler_for(action.kind)
    return render(
        request,
        "approvals/detail.html",
        {
            "view": view,
            "action": action,
            "confirmer_label": handler.confirmer_label,
            "form": ConfirmForm(needs_read_back=handler.needs_read_back),
        },
    )


@require_POST
@operator_required()
def action_confirm(request: OperatorRequest, action_id: int) -> HttpResponse:
    action = get_action_for(request.user, action_id)
    form = ConfirmForm(
        request.POST, needs_read_back=registry.handler_for(action.kind).needs_read_back
    )
    if not form.is_valid():
        messages.error(
            request, " ".join(str(error) for errors in form.errors.values() for error in errors)
        )
        return redirect("approvals:detail", action_id=action.pk)
    try:
        confirm_action(
            action=action,
            confirmed_by=request.user,
            read_back=form.cleaned_data.get("read_back", ""),
        )
    except (ApprovalError, DomainError) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Confirmed: %(reference)s is done.") % {"reference": action.reference}
        )
    return redirect("approvals:detail", action_id=action.pk)


@require_POST
@operator_required()
def action_refuse(request: OperatorRequest, action_id: int) -> HttpResponse:
    action = get_action_for(request.user, action_id)
    try:
        decided = refuse_action(action=action, refused_by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(reference)s: %(status)s. Nothing was destroyed.")
            % {"reference": action.reference, "status": decided.get_status_display()},
        )
    return redirect("approvals:detail", action_id=action.pk)
