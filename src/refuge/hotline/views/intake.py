"""Intake duty (coordinators): who receives web reports and reads the open contacts."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refuge.accounts import services as accounts
from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.models import Operator
from refuge.accounts.permissions import has_capability
from refuge.accounts.roles import Capability
from refuge.core.errors import DomainError
from refuge.hotline import services
from refuge.hotline.forms import IntakeDutyForm


@operator_required(Capability.MANAGE_OPERATORS)
def intake_duty_view(request: OperatorRequest) -> HttpResponse:
    rows, total = services.intake_duty_overview()
    return render(request, "hotline/intake_duty.html", {"rows": rows, "total": total})


@operator_required(Capability.MANAGE_OPERATORS)
@require_POST
def set_intake_duty_view(request: OperatorRequest, operator_id: int) -> HttpResponse:
    operator = get_object_or_404(Operator, pk=operator_id)
    form = IntakeDutyForm(request.POST)
    if not form.is_valid() or not has_capability(operator, Capability.HANDLE_CONTACTS):
        messages.error(request, _("Only an operator who handles contacts can be on intake duty."))
        return redirect("hotline:intake_duty")
    on_duty = form.cleaned_data["on_duty"]
    try:
        accounts.set_intake_duty(operator=operator, on_duty=on_duty, changed_by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("hotline:intake_duty")
    if on_duty:
        messages.success(
            request,
            _(
                "%(name)s is on intake duty: new web reports are sealed "
                "to them, and the open contacts you can read were shared "
                "with them now. The others reach them when a colleague "
                "who holds them opens the queue."
            )
            % {"name": operator},
        )
    else:
        messages.success(
            request,
            _("%(name)s is off intake duty: new web reports are no longer sealed to them.")
            % {"name": operator},
        )
    return redirect("hotline:intake_duty")
